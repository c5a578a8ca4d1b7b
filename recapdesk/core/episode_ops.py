"""Episode operations behind the outline's context menu and drags (Qt-free).

Each operation works on the file as it is on disk: the window saves open edits first
and reloads the touched files afterwards. Front matter edits change only the lines of
the keys they set (everything else stays byte for byte) and every write goes through
`project.save_episode` (atomic). Nothing is ever hard-deleted: `trash_episode` uses
the system trash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from recapdesk.core import frontmatter, storage
from recapdesk.core.model import STATUSES, Episode, Series, episode_code, parse_code
from recapdesk.core.project import (
    RENAMES_DIR,
    ProjectError,
    episode_bytes,
    load_episode,
    save_episode,
)
from recapdesk.core.textfile import read_text

__all__ = [
    "apply_renumbering",
    "duplicate_episode",
    "next_free_number",
    "rename_episode",
    "set_front_values",
    "set_status",
    "trash_episode",
]


# --- front matter edits that keep the rest of the file --------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(value: Any) -> str:
    """A YAML scalar for `value`: one plain word as is, other strings double-quoted
    (JSON string escapes are valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _set_line(front_text: str, data: Any, key: str, value: Any, newline: str) -> str | None:
    """`front_text` with the one-line value of top-level `key` replaced (None if it cannot)."""
    lines = front_text.splitlines(keepends=True)
    if key not in data:
        if front_text and not front_text.endswith(("\n", "\r")):
            front_text += newline
        return f"{front_text}{key}: {_scalar(value)}{newline}"
    try:
        index = data.lc.key(key)[0]
    except (AttributeError, KeyError, TypeError):
        return None
    if not 0 <= index < len(lines):
        return None
    m = re.fullmatch(rf"({re.escape(key)}[ \t]*:[ \t]*)([^\r\n]*)(\r\n|\r|\n)?", lines[index])
    if m is None:
        return None
    head, rest, ending = m.group(1), m.group(2), m.group(3) or ""
    value_text, comment = rest, ""
    for hash_mark in re.finditer(r"[ \t]+#", rest):
        # the first " #" after which the value still reads the same starts the comment
        if _same_value(key, rest[:hash_mark.start()], data[key]):
            value_text, comment = rest[:hash_mark.start()], rest[hash_mark.start():]
            break
    new = _scalar(value)
    if comment:
        # keep the comment in its column when the new value fits before it
        width = len(value_text) + len(comment) - len(comment.lstrip(" \t"))
        comment = " " * max(1, width - len(new)) + comment.lstrip(" \t")
    lines[index] = f"{head}{new}{comment}{ending}"
    return "".join(lines)


def _same_value(key: str, value_text: str, value: Any) -> bool:
    try:
        return frontmatter.parse(f"{key}: {value_text}\n").get(key) == value
    except frontmatter.FrontMatterError:
        return False


def set_front_values(text: str, values: Mapping[str, Any]) -> str:
    """Full file `text` with front matter `values` set, touching only their lines.

    A key that is missing is appended to the front matter; a file without front matter
    gets one. When a value spans several lines it is rewritten through the YAML dumper
    (key order and comments are still kept). The body is never touched.
    """
    parts = frontmatter.split(text)
    newline = parts.newline
    front_text = parts.front_text
    data = frontmatter.parse(front_text)
    for key, value in values.items():
        edited = _set_line(front_text, data, key, value, newline)
        check = None
        if edited is not None:
            try:
                check = frontmatter.parse(edited)
            except frontmatter.FrontMatterError:
                check = None
        expected = dict(data)
        expected[key] = value
        if check is None or dict(check) != expected:
            data[key] = value
            edited = frontmatter.dump(data)
            if newline != "\n":
                edited = edited.replace("\n", newline)
            check = frontmatter.parse(edited)
        front_text, data = edited, check
    return frontmatter.join(front_text, parts.body, newline=newline)


def _read(path: Path) -> tuple[str, bool]:
    try:
        return read_text(path)
    except (OSError, ValueError) as exc:
        raise ProjectError(f"{path.name}: cannot read: "
                           f"{getattr(exc, 'strerror', None) or exc}") from exc


def _write_values(ep: Episode, values: Mapping[str, Any]) -> None:
    """Set front matter `values` in the episode's file on disk and refresh `ep`."""
    if not ep.usable:
        raise ProjectError(f"{ep.path.name} was not read cleanly; it is never overwritten")
    text, bom = _read(ep.path)
    try:
        new_text = set_front_values(text, values)
    except frontmatter.FrontMatterError as exc:
        raise ProjectError(f"{ep.path.name}: {exc}") from exc
    fresh = _episode_for(ep.path, new_text, bom)
    save_episode(fresh)
    _refresh(ep, fresh)


def _episode_for(path: Path, text: str, bom: bool) -> Episode:
    parts = frontmatter.split(text)
    return Episode(path, frontmatter.parse(parts.front_text), parts.body,
                   front_text=parts.front_text, body_line=parts.body_line, bom=bom,
                   newline=parts.newline)


def _refresh(ep: Episode, fresh: Episode) -> None:
    ep.path, ep.front, ep.body = fresh.path, fresh.front, fresh.body
    ep.front_text, ep.body_line = fresh.front_text, fresh.body_line
    ep.bom, ep.newline = fresh.bom, fresh.newline
    ep.readable = ep.front_ok = True


def _sort(series: Series) -> None:
    series.episodes.sort(key=Episode.sort_key)


# --- operations ---------------------------------------------------------------------

def next_free_number(series: Series, season: int | None) -> int:
    """One more than the highest episode number used in `season`."""
    numbers = [e.number for e in series.episodes if e.season == season and e.number]
    return max(numbers, default=0) + 1


def _free_path(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.md"
        n += 1
    return path


def duplicate_episode(series: Series, ep: Episode) -> Episode:
    """Copy an episode to the next free number of its season, titled "… (copy)".

    The copy is a new file (named by its code when the episode has one); everything
    but `title` and `episode` is copied byte for byte. Returns the new Episode, which
    is also added to `series.episodes`.
    """
    if not ep.usable:
        raise ProjectError(f"{ep.path.name} was not read cleanly; it cannot be duplicated")
    text, bom = _read(ep.path)
    values: dict[str, Any] = {"title": f"{ep.title} (copy)"}
    if ep.season is not None:
        number = next_free_number(series, ep.season)
        values["episode"] = number
        stem = episode_code(ep.season, number) or f"{ep.stem}-copy"
    else:
        stem = f"{ep.stem}-copy"
    folder = ep.path.parent
    path = _free_path(folder, stem)
    new_text = set_front_values(text, values)
    copy = _episode_for(path, new_text, bom)
    save_episode(copy)
    series.episodes.append(copy)
    _sort(series)
    return copy


def rename_episode(series: Series, ep: Episode, new_title: str) -> None:
    """Set the episode's front matter `title` (the file keeps its name)."""
    title = new_title.strip()
    if not title:
        raise ProjectError("an episode needs a title")
    _write_values(ep, {"title": title})
    _sort(series)


def set_status(series: Series, ep: Episode, status: str) -> None:
    """Mark an episode `draft` or `final` in its front matter."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    _write_values(ep, {"status": status})


def apply_renumbering(series: Series,
                      pairs: Iterable[tuple[Episode, int]]) -> dict[Path, Path]:
    """Write new episode numbers (from `outline.renumber`) into the episodes' files.

    Only `episode:` changes in each file; a file whose stem was its old code (`s01e03`)
    is renamed to its new code, never over an existing file (checked before anything
    is written). All files change at once (`storage.write_together`): however the
    process stops, the project has every old file or every new one. Pairs whose number
    does not change are skipped. Returns {old path: new path} for every episode that
    was rewritten.
    """
    changes = [(ep, int(n)) for ep, n in pairs if ep.number != int(n)]
    if not changes:
        return {}
    for ep, _ in changes:
        if not ep.usable:
            raise ProjectError(f"{ep.path.name} was not read cleanly; it is never overwritten")
    renames: dict[Path, Path] = {}
    for ep, number in changes:
        old_code = ep.code
        stem_code = parse_code(ep.stem)
        if old_code and stem_code == (ep.season, ep.number):
            new_code = episode_code(ep.season, number)
            if new_code:
                renames[ep.path] = ep.path.with_name(f"{new_code}{ep.path.suffix}")
    texts = {ep.path: _read(ep.path) for ep, _ in changes}
    fresh: dict[Path, Episode] = {}
    writes: dict[Path, tuple[Path, bytes]] = {}
    for ep, number in changes:
        text, bom = texts[ep.path]
        new_path = renames.get(ep.path, ep.path)
        fresh[ep.path] = _episode_for(new_path, set_front_values(text, {"episode": number}),
                                      bom)
        writes[ep.path] = (new_path, episode_bytes(fresh[ep.path]))
    # the new numbers and names all at once: a kill on the way is finished when the
    # project is opened again
    try:
        storage.write_together(writes, base=series.root,
                               record_dir=series.state_dir / RENAMES_DIR)
    except OSError as exc:
        raise ProjectError(exc.strerror or str(exc)) from exc
    result: dict[Path, Path] = {}
    for ep, _ in changes:
        result[ep.path] = fresh[ep.path].path
        _refresh(ep, fresh[ep.path])
    _sort(series)
    return result


def trash_episode(series: Series, ep: Episode) -> None:
    """Move an episode file to the system trash (never a hard delete)."""
    path = ep.path
    if not path.exists() and not path.is_symlink():
        raise ProjectError(f"{path.name} no longer exists")
    try:
        storage.trash(path)
    except OSError as exc:
        raise ProjectError(exc.strerror or str(exc)) from exc
    series.episodes[:] = [e for e in series.episodes if e is not ep]


def reload_episode(series: Series, path: Path) -> Episode | None:
    """Re-read one episode of the series from disk (after an operation or outside edit)."""
    path = Path(path)
    for i, ep in enumerate(series.episodes):
        if ep.path == path:
            fresh, _ = load_episode(path)
            series.episodes[i] = fresh
            _sort(series)
            return fresh
    return None
