"""The project's stills as files and `stills/stills.yaml` entries: their details,
captions and episodes, renaming and removal (to the system trash).

Renaming a still also returns the new texts of the recaps whose references changed;
the caller writes them (the window through its session).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from recapdesk.core import storage
from recapdesk.core.model import Episode, Series, Still, parse_code
from recapdesk.core.paths import IMAGE_SUFFIXES
from recapdesk.core.project import STILLS_YAML, save_stills
from recapdesk.core.stills.references import renamed_references

MAX_NAME_CHARS = 120
JPEG_SUFFIXES = (".jpg", ".jpeg")


class StillError(Exception):
    """A still operation that cannot be done; the message is one clear sentence."""


# --- captions and episodes ----------------------------------------------------------

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


# --- details -------------------------------------------------------------------------

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


# --- renaming ----------------------------------------------------------------------

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
    same = suffix == old_suffix.lower() or (suffix in JPEG_SUFFIXES
                                           and old_suffix.lower() in JPEG_SUFFIXES)
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
    changed = renamed_references(series, old, new, texts)
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


# --- removal and listing -----------------------------------------------------------

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
