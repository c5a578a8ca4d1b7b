"""The stills of a project: import, figure Markdown, usages, metadata, rename and removal.

Qt-free: the window, the command line and the tests call the same functions. Functions
that change episode texts never write them: they return the new texts and the caller
writes them (the window through its session, scripts through `storage.atomic_write`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_inline.image import image as _image_rule
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from ruamel.yaml.comments import CommentedMap

from recapdesk.core import storage
from recapdesk.core.images import FORMATS, MAX_FILE_BYTES, ImageError, validate
from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.tokens import walk
from recapdesk.core.model import Episode, Series, Still, parse_code
from recapdesk.core.paths import IMAGE_SUFFIXES, still_name
from recapdesk.core.project import (
    STILLS_YAML,
    episode_from_text,
    save_stills,
)
from recapdesk.core.slugs import slugify
from recapdesk.core.textfile import read_text

__all__ = [
    "ImageError", "StillError", "Usage", "caption_for", "figure_markdown", "import_image",
    "remove_references", "remove_still", "rename_still", "still_episode", "update_still",
    "usages",
]

MAX_NAME_CHARS = 120
_JPEG_SUFFIXES = (".jpg", ".jpeg")


class StillError(Exception):
    """A still operation that cannot be done; the message is one clear sentence."""


Usage = tuple[Path, int]  # (episode file, 1-based file line)


# --- names and captions -----------------------------------------------------------

def name_prefix(episode: Episode | None) -> str:
    """The file-name prefix of new stills: the episode code (`s01e04`) or `still`."""
    if episode is None:
        return "still"
    return episode.code or slugify(episode.stem, fallback="recap")


def next_name(series: Series, prefix: str, suffix: str) -> str:
    """`prefix-NN.suffix` with the next free counter (files and stills.yaml both count)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$", re.IGNORECASE)
    taken = {p.name.lower() for p in _dir_entries(series.stills_dir)}
    taken |= {name.lower() for name in series.stills}
    highest = 0
    for name in taken:
        m = pattern.match(posixpath.splitext(name)[0])
        if m:
            highest = max(highest, int(m.group(1)))
    n = highest + 1
    while True:
        name = f"{prefix}-{n:02d}{suffix}"
        if name.lower() not in taken:
            return name
        n += 1


def _dir_entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def caption_for(series: Series, episode: Episode | str | None) -> str:
    """The default caption from the project's `caption_pattern` for a still of `episode`.

    `{series}` is the series title, `{episode}` the episode number, `{season}` and
    `{code}` are known too. Empty when the pattern needs an episode and there is none.
    """
    if isinstance(episode, str):
        episode = series.find_episode(episode) if episode else None
    pattern = series.caption_pattern
    if episode is None and re.search(r"\{(episode|season|code)\}", pattern):
        return ""
    fields = _Fields(series=series.title)
    if episode is not None:
        fields["episode"] = str(episode.number) if episode.number is not None else episode.id
        fields["season"] = str(episode.season) if episode.season is not None else ""
        fields["code"] = episode.id
    try:
        return pattern.format_map(fields).strip()
    except (ValueError, IndexError, AttributeError):
        return pattern.strip()


def still_episode(series: Series, name: str) -> str:
    """The episode id a still belongs to: its stills.yaml `episode`, else its name prefix."""
    still = series.stills.get(name)
    if still is not None and still.episode:
        ep = series.find_episode(still.episode)
        return ep.id if ep is not None else still.episode
    stem = posixpath.splitext(name)[0]
    head = stem.rsplit("-", 1)[0] if "-" in stem else stem
    code = parse_code(head)
    if code is not None:
        ep = series.find_episode(head)
        return ep.id if ep is not None else f"s{code[0]:02d}e{code[1]:02d}"
    return ""


# --- import -----------------------------------------------------------------------

def _read_source(source: Path | bytes) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix not in IMAGE_SUFFIXES:
            kind = f"a {suffix} file" if suffix else "a file without an image extension"
            raise ImageError(f"{path.name} is {kind}, not an image (use jpg, png, webp or gif)")
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ImageError(f"{path.name} is too large ({size // (1024 * 1024)} MB)")
            data = path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise ImageError(f"cannot read {path.name}: {exc.strerror or exc}") from None
        if data is None:
            raise ImageError(f"{path.name} is not a file")
    if not data:
        raise ImageError("the image file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"the image is too large ({len(data) // (1024 * 1024)} MB)")
    return data


def _suffix_for(fmt: str, source: Path | bytes, ext_hint: str | None) -> str:
    """The real format's extension, keeping the source's spelling when it agrees (.jpeg)."""
    canonical = FORMATS[fmt]
    hint = ext_hint if isinstance(source, bytes | bytearray | memoryview) else Path(source).suffix
    hint = (hint or "").lower()
    if hint and not hint.startswith("."):
        hint = "." + hint
    if hint == canonical or (canonical == ".jpg" and hint in _JPEG_SUFFIXES):
        return hint
    return canonical


def import_image(series: Series, source: Path | bytes, *, episode: Episode | None,
                 ext_hint: str | None = None) -> Still:
    """Copy an image file (or clipboard bytes) into `stills/` and register it.

    The bytes are kept exactly (large screenshots are not resized; export does that).
    The new still is named `s01e04-03.jpg` (episode code and the next free counter;
    `still-NN` without an episode), gets the episode and the pattern caption in
    `stills.yaml`, and is returned. Raises ImageError for anything that is not a whole,
    supported image, StillError when it cannot be saved.
    """
    data = _read_source(source)
    fmt = validate(data)
    suffix = _suffix_for(fmt, source, ext_hint)
    prefix = name_prefix(episode)
    try:
        storage.make_dirs(series.stills_dir)
        for _ in range(1000):
            name = next_name(series, prefix, suffix)
            if storage.write_new(series.stills_dir / name, data):  # never over another file
                break
        else:  # pragma: no cover - a thousand racing writers
            raise StillError("no free name for the still")
    except OSError as exc:
        raise StillError(f"cannot save the still in stills/: {exc.strerror or exc}") from None
    still = Still(name=name, caption=caption_for(series, episode),
                  episode=episode.id if episode is not None else "")
    series.stills[name] = still
    try:
        save_stills(series)
    except OSError as exc:
        raise StillError(f"{name} was saved but stills.yaml could not be written: "
                         f"{exc.strerror or exc}") from None
    return still


# --- figure Markdown --------------------------------------------------------------

_DEST_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "%": "%25",
                "#": "%23", "?": "%3F", "\\": "%5C", '"': "%22", "'": "%27", "\t": "%09"}


def encode_name(name: str) -> str:
    """A still's file name as written in a link destination (letters of any script kept)."""
    return "".join(_DEST_UNSAFE.get(ch, ch) for ch in name)


def still_src(series: Series, name: str, md_file: Path) -> str:
    """The image path of a still relative to the Markdown file, e.g. `../stills/a.jpg`."""
    rel = os.path.relpath(series.stills_dir / name, Path(md_file).parent)
    parts = Path(rel).as_posix().split("/")
    return "/".join(parts[:-1] + [encode_name(parts[-1])])


def _escape_alt(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"([\\\[\]`*_<>!])", r"\\\1", text)


def _escape_title(text: str) -> str:
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


def figure_markdown(series: Series, still: Still | str, md_file: Path) -> str:
    """`![alt](../stills/name.jpg "Caption")` for a still, its path relative to `md_file`."""
    if isinstance(still, str):
        still = series.stills.get(still) or Still(name=still)
    caption = still.caption
    src = still_src(series, still.name, md_file)
    title = f' "{_escape_title(caption)}"' if caption else ""
    return f"![{_escape_alt(still.alt)}]({src}{title})"


# --- where stills are used --------------------------------------------------------

def _image_with_source(state: StateInline, silent: bool) -> bool:
    """markdown-it's image rule, also recording where the destination is in the source."""
    src, start = state.src, state.pos
    dest: tuple[int, int] | None = None
    if not silent and src.startswith("![", start):
        label_end = state.md.helpers.parseLinkLabel(state, start + 1, False)
        pos = label_end + 1
        if label_end >= 0 and pos < state.posMax and src[pos] == "(":
            pos += 1
            while pos < state.posMax and src[pos] in " \t\n":
                pos += 1
            res = state.md.helpers.parseLinkDestination(src, pos, state.posMax)
            if res.ok and res.pos > pos:
                dest = (pos, res.pos)
    count = len(state.tokens)
    ok = _image_rule(state, silent)
    if ok and not silent and dest is not None and len(state.tokens) > count \
            and state.tokens[-1].type == "image":
        state.tokens[-1].meta["dest_span"] = dest  # pending text may be pushed before it
    return ok


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = build_markdown()
    md.inline.ruler.at("image", _image_with_source)
    return md


@dataclass
class _Text:
    """One episode's full text, cut into the part before the body and the body."""

    path: Path
    text: str
    head: str
    body: str
    body_line: int
    cover_line: int | None


def _episode_texts(series: Series, texts: Mapping[Path, str] | None,
                   *, from_disk: bool) -> Iterator[tuple[Episode, _Text]]:
    texts = {Path(k): v for k, v in (texts or {}).items()}
    for ep in series.episodes:
        if not ep.readable:
            continue
        if ep.path in texts:
            text = texts[ep.path]
        elif from_disk:
            try:
                text, _ = read_text(ep.path)
            except (OSError, ValueError, UnicodeDecodeError):
                continue
        else:
            text = None
        if text is None:
            parsed = ep
            head = ""
        else:
            parsed, _ = episode_from_text(ep.path, text)
            head = text[: len(text) - len(parsed.body)]
        yield parsed, _Text(ep.path, text or "", head, parsed.body, parsed.body_line,
                            cover_key_line(parsed))


def usages(series: Series, texts: Mapping[Path, str] | None = None
           ) -> dict[str, list[Usage]]:
    """Where each still is used: file name -> [(episode path, 1-based file line)].

    Images in the Markdown (figures and inline images) and the `cover:` key count.
    `texts` holds unsaved editor texts by episode path; other episodes are read as
    they were loaded into `series`.
    """
    found: dict[str, list[Usage]] = {}
    for ep, t in _episode_texts(series, texts, from_disk=False):
        for name, usage in episode_usages(series, ep, cover_line=t.cover_line):
            found.setdefault(name, []).append(usage)
    return sort_usages(found)


def sort_usages(found: dict[str, list[Usage]]) -> dict[str, list[Usage]]:
    """Each still's usages in file and line order (in place; returned)."""
    for refs in found.values():
        refs.sort(key=lambda r: (str(r[0]), r[1]))
    return found


def cover_key_line(ep: Episode) -> int | None:
    """The 1-based file line of the episode's `cover:` key (None without one)."""
    if ep.front_ok and ep.cover:
        with contextlib.suppress(AttributeError, KeyError, TypeError):
            return ep.front.lc.key("cover")[0] + 2
    return None


def episode_usages(series: Series, ep: Episode, *, cover_line: int | None,
                   tokens: list | None = None) -> list[tuple[str, Usage]]:
    """(still name, usage) for each still one episode uses: its cover, then its images.

    `tokens` may hold `build_markdown().parse(ep.body)` when the caller has it already.
    """
    found: list[tuple[str, Usage]] = []
    if ep.cover and cover_line is not None:
        name = still_name(series.root, ep.path, ep.cover)
        if name:
            found.append((name, (ep.path, cover_line)))
    for loc in walk(tokens if tokens is not None else _parser().parse(ep.body)):
        if loc.token.type != "image":
            continue
        name = still_name(series.root, ep.path, str(loc.token.attrGet("src") or ""))
        if name:
            found.append((name, (ep.path, ep.body_line + loc.line)))
    return found


# --- metadata ---------------------------------------------------------------------

def update_still(series: Series, name: str, *, alt: str | None = None,
                 caption: str | None = None, credit: str | None = None,
                 episode: str | None = None) -> Still:
    """Change a still's details (only the ones given) and write `stills.yaml` atomically."""
    if not name or "/" in name or "\\" in name:
        raise StillError(f"{name!r} is not a still's file name")
    still = series.stills.get(name)
    if still is None:
        still = Still(name=name)
    changes = {"alt": alt, "caption": caption, "credit": credit}
    new = Still(name=name, alt=still.alt, caption=still.caption, credit=still.credit,
                episode=still.episode)
    for key, value in changes.items():
        if value is not None:
            setattr(new, key, " ".join(str(value).split()))
    if episode is not None:
        episode = episode.strip()
        ep = series.find_episode(episode) if episode else None
        new.episode = ep.id if ep is not None else episode
    if new == still and name in series.stills:
        return still
    previous = series.stills.get(name)
    series.stills[name] = new
    try:
        save_stills(series)
    except OSError as exc:
        if previous is None:
            del series.stills[name]
        else:
            series.stills[name] = previous
        raise StillError(f"cannot write stills.yaml: {exc.strerror or exc}") from None
    return new


# --- renaming ---------------------------------------------------------------------

_LINE_SPLIT = re.compile(r"(\r\n|\r|\n)")


def _lines(text: str) -> list[str]:
    """Lines as markdown-it counts them, each with its line break."""
    parts = _LINE_SPLIT.split(text)
    lines = [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
             for i in range(0, len(parts), 2)]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _split_eol(line: str) -> tuple[str, str]:
    stripped = line.rstrip("\r\n")
    return stripped, line[len(stripped):]


def _renamed_dest(dest: str, new: str) -> str:
    """A link destination as written, with its last path segment replaced by `new`."""
    bracketed = dest.startswith("<") and dest.endswith(">")
    inner = dest[1:-1] if bracketed else dest
    cut = len(inner)
    for mark in ("?", "#"):
        i = inner.find(mark)
        if i >= 0:
            cut = min(cut, i)
    path, rest = inner[:cut], inner[cut:]
    head = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    if bracketed:
        name = new.replace("<", "%3C").replace(">", "%3E")
        return f"<{head}{name}{rest}>"
    return f"{head}{encode_name(new)}{rest}"


@dataclass
class _Edit:
    line: int  # 0-based line of the body
    col: int
    old: str
    new: str


def _locate(body_lines: list[str], inline: Token, image: Token) -> tuple[int, int] | None:
    """The (body line, column) of an image's destination in the source, if certain."""
    start, end = image.meta["dest_span"]
    content = inline.content
    dest = content[start:end]
    k = content.count("\n", 0, start)
    line_start = content.rfind("\n", 0, start) + 1
    line_end = content.find("\n", start)
    inline_line = content[line_start: line_end if line_end >= 0 else len(content)]
    col_in_line = start - line_start
    if inline.map is None:
        return None
    row = inline.map[0] + k
    if row >= len(body_lines):
        return None
    source = _split_eol(body_lines[row])[0]
    if source.rstrip().endswith(inline_line.rstrip()):
        col = len(source.rstrip()) - len(inline_line.rstrip()) + col_in_line
        if source[col: col + len(dest)] == dest:
            return row, col
    nth = inline_line[:col_in_line].count(dest)
    positions = [m.start() for m in re.finditer(re.escape(dest), source)]
    if len(positions) == inline_line.count(dest) and nth < len(positions):
        return row, positions[nth]
    return None


_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)")
_COVER = re.compile(r"""^(cover[ \t]*:[ \t]*)"""
                    r"""("[^"\n]*"|'[^'\n]*'|[^\s#"'][^\r\n]*?)"""
                    r"""([ \t]+#.*|[ \t]*)$""")


def _rewrite(series: Series, md: MarkdownIt, ep: Episode, t: _Text, old: str, new: str
             ) -> str | None:
    """The episode's new full text with references to `old` pointing at `new` (or None)."""
    body_lines = _lines(t.body)
    tokens = md.parse(t.body)
    edits: list[_Edit] = []
    code_rows: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block", "html_block") and token.map:
            code_rows.update(range(*token.map))
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type != "image" or "dest_span" not in child.meta:
                continue
            if still_name(series.root, ep.path, str(child.attrGet("src") or "")) != old:
                continue
            where = _locate(body_lines, token, child)
            if where is None:
                continue
            s, e = child.meta["dest_span"]
            dest = token.content[s:e]
            edits.append(_Edit(where[0], where[1], dest, _renamed_dest(dest, new)))
    for row, line in enumerate(body_lines):
        if row in code_rows:
            continue
        m = _REF_DEF.match(line)
        if m is None:
            continue
        dest = m.group(2)
        target = dest[1:-1] if dest.startswith("<") and dest.endswith(">") else dest
        if still_name(series.root, ep.path, target) == old:
            edits.append(_Edit(row, m.start(2), dest, _renamed_dest(dest, new)))
    head = t.head
    if t.cover_line is not None:
        head_lines = _lines(head)
        row = t.cover_line - 1
        if 0 <= row < len(head_lines):
            text, eol = _split_eol(head_lines[row])
            m = _COVER.match(text)
            if m:
                value = m.group(2)
                quote = value[0] if value[:1] in "\"'" and len(value) > 1 else ""
                inner = value[1:-1] if quote else value.rstrip()
                if still_name(series.root, ep.path, inner) == old:
                    renamed = _renamed_dest(inner, new)
                    head_lines[row] = (m.group(1) + quote + renamed + quote + m.group(3) + eol)
                    head = "".join(head_lines)
    if not edits and head == t.head:
        return None
    for edit in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        text, eol = _split_eol(body_lines[edit.line])
        assert text[edit.col: edit.col + len(edit.old)] == edit.old
        body_lines[edit.line] = text[: edit.col] + edit.new + text[edit.col + len(edit.old):] \
            + eol
    return head + "".join(body_lines)


def check_new_name(old: str, new: str) -> str:
    """The still's new file name, keeping its extension; raises StillError when unusable."""
    new = new.strip()
    old_suffix = posixpath.splitext(old)[1]
    if not new:
        raise StillError("the new name is empty")
    if "/" in new or "\\" in new or any(ord(ch) < 32 for ch in new):
        raise StillError("a still's name cannot contain slashes or control characters")
    if new.startswith("."):
        raise StillError("a still's name cannot start with a dot")
    suffix = posixpath.splitext(new)[1].lower()
    same = suffix == old_suffix.lower() or (suffix in _JPEG_SUFFIXES
                                           and old_suffix.lower() in _JPEG_SUFFIXES)
    if suffix in IMAGE_SUFFIXES and not same:
        raise StillError(f"keep the {old_suffix} extension: renaming does not convert the image")
    if not same:
        new += old_suffix
    if new == STILLS_YAML or len(new) > MAX_NAME_CHARS:
        raise StillError(f"{new!r} cannot be used as a still's name")
    return new


def rename_still(series: Series, old: str, new: str,
                 texts: Mapping[Path, str] | None = None) -> dict[Path, str]:
    """Rename a still's file and its stills.yaml entry; update every reference.

    Returns the new full texts of the episodes whose references changed; the caller
    writes them. `texts` holds unsaved editor texts (other episodes are read from disk).
    Only image destinations (and `cover:`) pointing at this still are rewritten.
    Refuses to overwrite an existing file. Raises StillError.
    """
    if not old or "/" in old or "\\" in old or old == STILLS_YAML:
        raise StillError(f"{old!r} is not a still's file name")
    new = check_new_name(old, new)
    src, dest = series.stills_dir / old, series.stills_dir / new
    if new == old:
        return {}
    if not src.is_file():
        raise StillError(f"{old} is not in stills/")
    if dest.exists() and not _same_file(src, dest):
        raise StillError(f"{new} already exists in stills/")
    if new in series.stills and new.lower() != old.lower():
        raise StillError(f"{new} is already described in stills.yaml")
    md = _parser()
    changed: dict[Path, str] = {}
    for ep, t in _episode_texts(series, texts, from_disk=True):
        text = _rewrite(series, md, ep, t, old, new)
        if text is not None:
            changed[ep.path] = text
    try:
        storage.rename(src, dest)
    except OSError as exc:
        raise StillError(exc.strerror or str(exc)) from None
    previous = (dict(series.stills), series.stills_doc)
    _rename_entry(series, old, new)
    try:
        if old in previous[0]:
            save_stills(series)
    except OSError as exc:
        series.stills, series.stills_doc = previous
        with contextlib.suppress(OSError):
            storage.rename(dest, src)
        raise StillError(f"cannot write stills.yaml: {exc.strerror or exc}") from None
    return changed


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _rename_entry(series: Series, old: str, new: str) -> None:
    stills: dict[str, Still] = {}
    for name, still in series.stills.items():
        if name == old:
            stills[new] = Still(new, still.alt, still.caption, still.credit, still.episode)
        else:
            stills[name] = still
    series.stills = stills
    doc = series.stills_doc
    if isinstance(doc, CommentedMap) and old in doc:
        keys = list(doc)
        index = keys.index(old)
        comment = doc.ca.items.pop(old, None)
        value = doc.pop(old)
        doc.insert(index, new, value)
        if comment is not None:
            doc.ca.items[new] = comment


# --- removal ----------------------------------------------------------------------

def remove_still(series: Series, name: str) -> None:
    """Send a still's file to the system trash (never deleted) and drop its stills.yaml entry.

    The caller asks first when the still is in use (see `usages`, `remove_references`).
    """
    if not name or "/" in name or "\\" in name or name == STILLS_YAML:
        raise StillError(f"{name!r} is not a still's file name")
    path = series.stills_dir / name
    if path.exists():
        try:
            storage.trash(path)
        except OSError as exc:
            raise StillError(exc.strerror or str(exc)) from None
    if name in series.stills:
        previous = series.stills.pop(name)
        try:
            save_stills(series)
        except OSError as exc:
            series.stills[name] = previous
            raise StillError(f"{name} is in the trash but stills.yaml could not be written: "
                             f"{exc.strerror or exc}") from None


def remove_references(series: Series, path: Path, text: str, name: str) -> str:
    """The text of the episode at `path` without the figure paragraphs (and `cover:`)
    that show still `name`; figures of other images, even of the same file name in
    another folder or on the web, stay.

    One blank line around a removed figure goes with it, so no gap is left behind.
    """
    path = Path(path)
    parsed, _ = episode_from_text(path, text)
    body = parsed.body
    head = text[: len(text) - len(body)]
    lines = _lines(body)
    drop: set[int] = set()
    for i, token in enumerate(md_tokens := build_markdown().parse(body)):
        if token.type != "figure_open" or not token.map:
            continue
        inline = md_tokens[i + 1]
        image = (inline.children or [None])[0]
        if image is None or still_name(series.root, path,
                                       str(image.attrGet("src") or "")) != name:
            continue
        first, last = token.map
        drop.update(range(first, last))
        if last < len(lines) and not lines[last].strip():
            drop.add(last)
        elif first > 0 and not lines[first - 1].strip():
            drop.add(first - 1)
    body = "".join(line for row, line in enumerate(lines) if row not in drop)
    if parsed.front_ok and parsed.cover and still_name(series.root, path, parsed.cover) == name:
        head_lines = _lines(head)
        head = "".join(line for line in head_lines if not _COVER.match(_split_eol(line)[0])
                       or still_name(series.root, path, _cover_value(line)) != name)
    return head + body


def _cover_value(line: str) -> str:
    m = _COVER.match(_split_eol(line)[0])
    if not m:
        return ""
    value = m.group(2).strip()
    return value[1:-1] if value[:1] in "\"'" else value


def listed_names(series: Series) -> list[str]:
    """Every still of the project: the files in stills/, then names only in stills.yaml.

    The same files as `project.still_files`, listed cheaply (hundreds of stills).
    """
    try:
        with os.scandir(series.stills_dir) as entries:
            names = sorted(e.name for e in entries
                           if not e.name.startswith(".")
                           and posixpath.splitext(e.name)[1].lower() in IMAGE_SUFFIXES)
    except OSError:
        names = []
    seen = set(names)
    # a name in stills.yaml is a file name in stills/, never a path out of it
    names += [n for n in series.stills if n not in seen and "/" not in n and "\\" not in n
              and n not in (".", "..")]
    return names
