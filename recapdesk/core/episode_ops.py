"""Episode operations behind the outline's context menu and drags (Qt-free).

Each operation works on the file as it is on disk: the window saves open edits first
and reloads the touched files afterwards. Front matter edits change only the lines of
the keys they set (`frontmatter.set_values`; everything else stays byte for byte). Each
file is written atomically (`project.save_episode`); a renumbering changes all its files
at once (`storage.write_together`). Nothing is ever hard-deleted: `trash_episode` uses
the system trash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from recapdesk.core import frontmatter, storage
from recapdesk.core.model import STATUSES, Episode, Series, episode_code, parse_code
from recapdesk.core.project import (
    RENAMES_DIR,
    ProjectError,
    episode_bytes,
    save_episode,
)
from recapdesk.core.textfile import read_text

__all__ = [
    "apply_renumbering",
    "duplicate_episode",
    "next_free_number",
    "rename_episode",
    "set_status",
    "trash_episode",
]


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
        new_text = frontmatter.set_values(text, values)
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
    new_text = frontmatter.set_values(text, values)
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
        fresh[ep.path] = _episode_for(new_path, frontmatter.set_values(text, {"episode": number}),
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
