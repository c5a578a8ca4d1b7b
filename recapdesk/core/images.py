"""Opening images safely with Pillow: probe, decode and validate, for every caller.

Export, check, still import and thumbnails all open images here: size limits, the
allowed formats, and the pixel count read from the header (a decompression-bomb guard)
before anything is decoded. Every failure is ImageError with one clear sentence.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image


MAX_PIXELS = 60_000_000  # larger images are refused (decompression-bomb guard)
MAX_FILE_BYTES = 60 * 1024 * 1024
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


class ImageError(Exception):
    """An image that cannot be used; the message is one clear sentence."""


@dataclass(frozen=True)
class ImageInfo:
    """What an image file's header says: its format and size in pixels."""

    format: str
    width: int
    height: int


def open_image(source: Path | bytes) -> Image.Image:
    """Open an image safely: size limits, allowed formats, pixel count from the header
    (decompression-bomb guard) — nothing is decoded yet. Raises ImageError."""
    from PIL import Image  # (loaded on first use: a text-only command does without)

    if isinstance(source, bytes):
        if not source:
            raise ImageError("the image file is empty")
        if len(source) > MAX_FILE_BYTES:
            raise ImageError(f"the image is too large ({len(source) // (1024 * 1024)} MB)")
        stream: Path | io.BytesIO = io.BytesIO(source)
    else:
        _check_file_size(source)
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


def _check_file_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageError(f"cannot read the image: {exc.strerror or exc}") from None
    if size == 0:
        raise ImageError("the image file is empty")
    if size > MAX_FILE_BYTES:
        raise ImageError(f"the image file is too large ({size // (1024 * 1024)} MB)")


def read_image_file(path: Path) -> bytes:
    """An image file's bytes, refused before reading when it is empty or too large."""
    _check_file_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(f"cannot read the image: {exc.strerror or exc}") from None
    if not data:
        raise ImageError("the image file is empty")
    return data


def decode(im: Image.Image, target: tuple[int, int] | None = None) -> None:
    """Decode pixels (JPEG at a reduced scale when a target size allows it)."""
    try:
        if im.format == "JPEG" and target is not None:
            im.draft("RGB", target)
        im.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError("the image is truncated or corrupt") from None


def orientation(im: Image.Image) -> int:
    """The EXIF orientation (1 = upright; a broken EXIF block only loses the rotation)."""
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # Pillow raises several kinds for broken EXIF
        return 1
    return value if isinstance(value, int) else 1


def probe(path: Path, *, full: bool = False) -> ImageInfo:
    """Format and displayed size of an image, reading only its header.

    With `full`, decode it too (cheaply, in draft mode) so truncated files are caught.
    """
    im = open_image(path)
    try:
        turned = orientation(im) in (5, 6, 7, 8)
        width, height = (im.height, im.width) if turned else (im.width, im.height)
        if full:
            decode(im, (max(1, im.width // 8), max(1, im.height // 8)))
        return ImageInfo(str(im.format), width, height)
    finally:
        im.close()


def validate(data: bytes) -> str:
    """Check that `data` is a whole, decodable jpg/png/webp/gif of a sane pixel size.

    Returns the Pillow format name; raises ImageError with a clear message otherwise.
    The pixel count is checked from the header before anything is decoded.
    """
    im = open_image(data)
    try:
        decode(im, (max(1, im.width // 8), max(1, im.height // 8)))
        return str(im.format)
    finally:
        im.close()
