"""Where stills stand in recap texts: figure Markdown, usages, and rewriting references.

`paths.still_name` decides which still an image source is; here are the figure a still
gets when placed (`figure_markdown`), where each still is used (`usages`), and recap
texts with a still's references renamed (`renamed_references`) or removed
(`remove_references`). Nothing here writes a file: new texts are returned.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_inline.image import image as _image_rule
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.tokens import walk
from recapdesk.core.model import Episode, Series, Still
from recapdesk.core.paths import still_name
from recapdesk.core.project import episode_from_text
from recapdesk.core.textfile import read_text

Usage = tuple[Path, int]  # (episode file, 1-based file line)


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


# --- renaming and removing references ----------------------------------------------

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


def renamed_references(series: Series, old: str, new: str,
                       texts: Mapping[Path, str] | None = None) -> dict[Path, str]:
    """The new full texts of the recaps that show still `old`, pointing at `new` instead.

    Only image destinations (and `cover:`) pointing at this still are rewritten. `texts`
    holds unsaved editor texts (other recaps are read from disk).
    """
    md = _parser()
    changed: dict[Path, str] = {}
    for ep, t in _episode_texts(series, texts, from_disk=True):
        text = _rewrite(series, md, ep, t, old, new)
        if text is not None:
            changed[ep.path] = text
    return changed
