"""Bringing images in as stills: checked, named `s01e04-03.jpg`, registered with the
caption pattern, never over another file."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from recapdesk.core import storage
from recapdesk.core.images import FORMATS, MAX_FILE_BYTES, ImageError, validate
from recapdesk.core.model import Episode, Series, Still
from recapdesk.core.paths import IMAGE_SUFFIXES
from recapdesk.core.project import save_stills
from recapdesk.core.slugs import slugify
from recapdesk.core.stills.catalogue import JPEG_SUFFIXES, StillError, caption_for


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
    if hint == canonical or (canonical == ".jpg" and hint in JPEG_SUFFIXES):
        return hint
    return canonical


def save_new_file(series: Series, prefix: str, suffix: str, data: bytes) -> str:
    """Write `data` into `stills/` under the next free name (`s01e04-03.jpg`), never over
    another file, and return the name; StillError (one sentence) when it cannot."""
    try:
        storage.make_dirs(series.stills_dir)
        for _ in range(1000):
            name = next_name(series, prefix, suffix)
            if storage.write_new(series.stills_dir / name, data):  # never over another file
                return name
    except OSError as exc:
        raise StillError(f"cannot save the still in stills/: {exc.strerror or exc}") from None
    raise StillError("no free name for the still")  # a thousand racing writers


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
    name = save_new_file(series, name_prefix(episode), suffix, data)
    still = Still(name=name, caption=caption_for(series, episode),
                  episode=episode.id if episode is not None else "")
    series.stills[name] = still
    try:
        save_stills(series)
    except OSError as exc:
        raise StillError(f"{name} was saved but stills.yaml could not be written: "
                         f"{exc.strerror or exc}") from None
    return still
