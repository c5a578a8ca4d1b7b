"""The shots of each video, remembered so that opening it again is instant.

Where: a project's `.recapdesk/cache/shots/` (`project_cache_dir`), or, for a video
scanned without a project (`recapdesk stills scenes VIDEO`), the user's cache folder
`$XDG_CACHE_HOME/recapdesk/shots/` (default `~/.cache/recapdesk/shots/`).

Key: a hash of the file's size, its first and last 64 KiB and the detector's version, so
a moved or renamed copy is still known and a changed file (a finished download) is
scanned again. `<key>.json` holds the shots; `<key>/NNNN.jpg` their thumbnails. A cache
that cannot be read is ignored; one that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

from PIL import Image

from recapdesk.core import storage, user_cache

__all__ = ["load_shots", "load_thumb", "project_cache_dir", "save_shots", "save_thumb",
           "user_cache_dir", "video_key"]

DETECTOR_VERSION = "1"  # bump when the cut detection changes its answers
_SAMPLE = 64 * 1024


def user_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/recapdesk/shots` (default `~/.cache/recapdesk/shots`)."""
    return user_cache.user_cache_dir("shots")


def project_cache_dir(root: Path) -> Path:
    """The shot cache of a project: `.recapdesk/cache/shots`."""
    return Path(root) / ".recapdesk" / "cache" / "shots"


def video_key(path: Path) -> str:
    """The cache key of a video file's content (OSError when it cannot be read)."""
    h = hashlib.sha256(f"shots {DETECTOR_VERSION}\n".encode())
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        h.update(str(size).encode())
        h.update(f.read(_SAMPLE))
        if size > 2 * _SAMPLE:
            f.seek(size - _SAMPLE)
        h.update(f.read(_SAMPLE))
    return h.hexdigest()[:32]


def load_shots(folder: Path, key: str) -> list[dict] | None:
    """The remembered shots (`start`, `end`, `frame` dicts), or None."""
    try:
        data = json.loads((folder / f"{key}.json").read_text("utf-8"))
        shots = data["shots"]
        if data.get("version") != DETECTOR_VERSION or not isinstance(shots, list):
            return None
        return [{k: float(s[k]) for k in ("start", "end", "frame")} for s in shots]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_shots(folder: Path, key: str, shots: list[dict], source: str) -> None:
    """Remember a complete scan (quietly skipped when the folder is not writable)."""
    text = json.dumps({"version": DETECTOR_VERSION, "source": source, "shots": shots},
                      indent=0)
    try:
        storage.make_dirs(folder)
        storage.atomic_write(folder / f"{key}.json", text, durable=False)
    except OSError:
        pass


def _thumb_path(folder: Path, key: str, index: int) -> Path:
    return folder / key / f"{index:04d}.jpg"


def load_thumb(folder: Path, key: str, index: int) -> Image.Image | None:
    """A remembered thumbnail (RGB), or None."""
    try:
        with Image.open(_thumb_path(folder, key, index)) as im:
            im.load()
            return im.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def save_thumb(folder: Path, key: str, index: int, image: Image.Image) -> None:
    """Remember a thumbnail (quietly skipped when it cannot be written)."""
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    try:
        storage.make_dirs(folder / key)
        storage.atomic_write(_thumb_path(folder, key, index), buf.getvalue(), durable=False)
    except OSError:
        pass
