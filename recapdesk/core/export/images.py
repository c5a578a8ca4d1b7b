"""Stills for export with Pillow: safe open, probe, resize to <= 1600 px, cache by content."""

from __future__ import annotations

import io
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from recapdesk.core import storage

MAX_WIDTH = 1600
MAX_PIXELS = 60_000_000  # larger images are refused (decompression-bomb guard)
MAX_FILE_BYTES = 60 * 1024 * 1024
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
CACHE_VERSION = "1"


class ImageError(Exception):
    """An image that cannot be used; the message is one clear sentence."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def open_image(source: Path | bytes) -> Image.Image:
    """Open an image safely: size limits, allowed formats, pixel count from the header
    (decompression-bomb guard) — nothing is decoded yet. Raises ImageError."""
    if isinstance(source, bytes):
        if not source:
            raise ImageError("the image file is empty")
        if len(source) > MAX_FILE_BYTES:
            raise ImageError(f"the image is too large ({len(source) // (1024 * 1024)} MB)")
        stream = io.BytesIO(source)
    else:
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ImageError(f"cannot read the image: {exc.strerror}") from None
        if size == 0:
            raise ImageError("the image file is empty")
        if size > MAX_FILE_BYTES:
            raise ImageError(f"the image file is too large ({size // (1024 * 1024)} MB)")
        stream = source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(stream)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image is too large in pixels (possible decompression bomb)") \
            from None
    except (OSError, SyntaxError, ValueError):
        raise ImageError("not a readable image (jpg, png, webp or gif)") from None
    if im.format not in FORMATS:
        im.close()
        raise ImageError(f"{im.format or 'unknown'} images are not supported "
                         "(use jpg, png, webp or gif)")
    if im.width * im.height > MAX_PIXELS or im.width <= 0 or im.height <= 0:
        im.close()
        raise ImageError(f"the image is too large in pixels ({im.width}×{im.height}; "
                         "possible decompression bomb)")
    return im


_open = open_image


def decode(im: Image.Image, target: tuple[int, int] | None = None) -> None:
    """Decode pixels (JPEG at a reduced scale when a target size allows it)."""
    try:
        if im.format == "JPEG" and target is not None:
            im.draft("RGB", target)
        im.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError("the image is truncated or corrupt") from None


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    try:
        orientation = im.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the rotation
        orientation = 1
    return (im.height, im.width) if orientation in (5, 6, 7, 8) else (im.width, im.height)


def probe(path: Path, *, full: bool = False) -> ImageInfo:
    """Format and displayed size of an image, reading only its header.

    With `full`, decode it too (cheaply, in draft mode) so truncated files are caught.
    """
    im = _open(path)
    try:
        width, height = _oriented_size(im)
        if full:
            decode(im, (max(1, im.width // 8), max(1, im.height // 8)))
        return ImageInfo(im.format, width, height)
    finally:
        im.close()


def export_size(info: ImageInfo, max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """The width/height an image gets in the export."""
    if info.width <= max_width:
        return info.width, info.height
    return max_width, max(1, round(info.height * max_width / info.width))


def _render(path: Path, max_width: int) -> tuple[bytes, str]:
    """Resized, orientation-fixed, metadata-free bytes of an image and its suffix."""
    im = _open(path)
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


def export_image(path: Path, dest: Path, cache_dir: Path | None = None,
                 max_width: int = MAX_WIDTH) -> None:
    """Write the export version of `path` to `dest`, reusing a cached result by content."""
    data = path.read_bytes()
    key = f"{storage.content_hash(data)[:32]}-{max_width}-v{CACHE_VERSION}{dest.suffix}"
    cached = cache_dir / key if cache_dir is not None else None
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, dest)
        return
    out, _ = _render(path, max_width)
    dest.write_bytes(out)
    if cached is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            storage.atomic_write(cached, out)
        except OSError:
            pass  # a cache that cannot be written only costs time


def output_suffix(info: ImageInfo) -> str:
    return FORMATS[info.format]
