"""Stills as the web gets them (export, WordPress, Hugo): resized to at most 1600 px,
upright, metadata stripped, cached.

Opening and decoding go through `recapdesk.core.images`; this module decides the size
an image gets on a page and makes its web version (remembered by content in the
project's `.recapdesk/cache/images/`).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from recapdesk.core import storage
from recapdesk.core.images import FORMATS, ImageInfo, decode, open_image

MAX_WIDTH = 1600
CACHE_VERSION = "1"


def web_size(info: ImageInfo, max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """The width/height an image gets on a page."""
    if info.width <= max_width:
        return info.width, info.height
    return max_width, max(1, round(info.height * max_width / info.width))


def _render(path: Path, max_width: int) -> tuple[bytes, str]:
    """Resized, orientation-fixed, metadata-free bytes of an image and its suffix."""
    im = open_image(path)
    try:
        decode(im)
        fmt = im.format
        if fmt == "GIF" and getattr(im, "n_frames", 1) > 1 and im.width <= max_width:
            return path.read_bytes(), ".gif"  # keep animations that need no resize
        im = ImageOps.exif_transpose(im)
        if im.width > max_width:
            height = max(1, round(im.height * max_width / im.width))
            if fmt == "JPEG" and im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            im = im.resize((max_width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "JPEG":
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            im.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        elif fmt == "PNG":
            im.save(out, "PNG", optimize=False, compress_level=6)
        elif fmt == "WEBP":
            im.save(out, "WEBP", quality=85, method=4)
        else:
            im.save(out, "GIF")
        return out.getvalue(), FORMATS[fmt]
    finally:
        im.close()


def web_bytes(path: Path, suffix: str, cache_dir: Path | None = None,
                 max_width: int = MAX_WIDTH) -> bytes:
    """The web version of the image at `path` (it has `suffix`, the output format's),
    remembered in `cache_dir` by the content of the file."""
    data = path.read_bytes()
    key = f"{storage.content_hash(data)[:32]}-{max_width}-v{CACHE_VERSION}{suffix}"
    cached = cache_dir / key if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    out, _ = _render(path, max_width)
    if cached is not None:
        try:
            storage.make_dirs(cached.parent)
            storage.atomic_write(cached, out)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return out


def write_web_image(path: Path, dest: Path, cache_dir: Path | None = None,
                 max_width: int = MAX_WIDTH) -> None:
    """Write the web version of `path` to `dest`, reusing a cached result by content."""
    storage.write_staged(dest, web_bytes(path, dest.suffix, cache_dir, max_width))


def output_suffix(info: ImageInfo) -> str:
    return FORMATS[info.format]
