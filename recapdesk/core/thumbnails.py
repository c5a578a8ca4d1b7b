"""Thumbnails of stills, made with Pillow and cached on disk by file content.

`thumbnail(path, cache_dir)` returns a small JPEG (or PNG when the image has
transparency) no larger than `size` on either side. The cache key is a hash of the
file's bytes and the size, so a renamed or copied still reuses its thumbnail and an
edited one gets a new one. Broken, empty and oversized images raise ImageError
quickly: the pixel count is read from the header before anything is decoded, and
failures are remembered in the cache too.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from PIL import Image

from recapdesk.core import storage
from recapdesk.core.images import ImageError, decode, open_image, orientation, read_image_file
from recapdesk.core.model import Series

__all__ = ["ImageError", "THUMB_SIZE", "cache_dir_for", "cache_key", "thumbnail"]

THUMB_SIZE = 256
VERSION = "1"
_ERROR_SUFFIX = ".error"
# EXIF orientation -> the transposition that shows the image upright (as ImageOps does).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def cache_dir_for(series: Series) -> Path:
    """The project's thumbnail cache: `<project>/.recapdesk/thumbs/`."""
    return series.state_dir / "thumbs"


def cache_key(data: bytes, size: int) -> str:
    return f"{storage.content_hash(data)[:40]}-{size}-v{VERSION}"


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        im.mode == "P" and "transparency" in im.info)


def render(data: bytes, size: int = THUMB_SIZE) -> tuple[bytes, str]:
    """Thumbnail bytes of an image and their suffix (`.jpg`, or `.png` with transparency)."""
    im = open_image(data)
    try:
        width, height = im.size
        turn = orientation(im)
        scale = min(1.0, size / max(width, height))
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        # JPEG decodes at 1/2, 1/4 or 1/8 scale; a few percent short of the target is
        # invisible in a thumbnail and can halve the decoding time
        decode(im, (max(1, target[0] * 9 // 10), max(1, target[1] * 9 // 10)))
        alpha = _has_alpha(im)
        out_im = im.convert("RGBA" if alpha else "RGB")
        factor = min(out_im.width // (target[0] * 2), out_im.height // (target[1] * 2))
        if factor > 1:
            out_im = out_im.reduce(factor)
        if out_im.size != target:
            out_im = out_im.resize(target, Image.Resampling.LANCZOS)
        if turn in _TRANSPOSE:
            out_im = out_im.transpose(_TRANSPOSE[turn])
        buf = io.BytesIO()
        if alpha:
            out_im.save(buf, "PNG", compress_level=6)
            return buf.getvalue(), ".png"
        out_im.save(buf, "JPEG", quality=85)
        return buf.getvalue(), ".jpg"
    finally:
        im.close()


def thumbnail(path: Path, cache_dir: Path, size: int = THUMB_SIZE) -> Path:
    """The cached thumbnail file of the image at `path`, made when needed.

    Raises ImageError (one clear sentence) for empty, broken, truncated, unsupported
    or oversized images.
    """
    data = read_image_file(Path(path))
    key = cache_key(data, size)
    cache_dir = Path(cache_dir)
    for suffix in (".jpg", ".png"):
        cached = cache_dir / (key + suffix)
        if cached.is_file():
            return cached
    failed = cache_dir / (key + _ERROR_SUFFIX)
    if failed.is_file():
        try:
            message = failed.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            message = ""
        raise ImageError(message or "not a readable image")
    try:
        out, suffix = render(data, size)
    except ImageError as exc:
        _store(failed, str(exc).encode("utf-8"))
        raise
    dest = cache_dir / (key + suffix)
    if not _store(dest, out):
        # the cache cannot be written (read-only project): keep the result elsewhere
        fallback = Path(tempfile.gettempdir()) / "recapdesk-thumbs"
        dest = fallback / (key + suffix)
        if not _store(dest, out):
            raise ImageError("cannot write the thumbnail cache")
    return dest


def _store(dest: Path, data: bytes) -> bool:
    try:
        storage.make_dirs(dest.parent)
        storage.atomic_write(dest, data)
    except OSError:
        return False
    return True
