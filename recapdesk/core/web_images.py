"""Stills as the web gets them (export, WordPress, Hugo): resized to at most 1600 px,
upright, metadata stripped, cached; for an exported site, in a few widths and in WebP
beside the source's own format (`plan_renditions`, `render_renditions`).

Opening and decoding go through `recapdesk.core.images`; this module decides the size
an image gets on a page and makes its web version (remembered by content in the
project's `.recapdesk/cache/images/`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from recapdesk.core import storage
from recapdesk.core.images import FORMATS, ImageInfo, decode, open_image

if TYPE_CHECKING:
    from PIL import Image

MAX_WIDTH = 1600
CACHE_VERSION = "1"


def web_size(info: ImageInfo, max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """The width/height an image gets on a page."""
    if info.width <= max_width:
        return info.width, info.height
    return max_width, max(1, round(info.height * max_width / info.width))


def _render(data: bytes, max_width: int) -> tuple[bytes, str]:
    """Resized, orientation-fixed, metadata-free bytes of an image and its suffix."""
    from PIL import Image, ImageOps

    im = open_image(data)
    try:
        decode(im)
        fmt = im.format
        if fmt == "GIF" and getattr(im, "n_frames", 1) > 1 and im.width <= max_width:
            return data, ".gif"  # keep animations that need no resize
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
    out, _ = _render(data, max_width)
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

# --- renditions: the few widths and formats a page offers -------------------------------

WIDTHS = (480, 800, 1200, 1600)  # the widths a still is offered in (never upscaled)
CARD_WIDTH = 1200  # the social card (og:image)
SINGLE_FILE_WIDTH = 800  # one size that fits the column, for self-contained pages
MODERN = "WEBP"  # the modern format offered beside the fallback
RENDITIONS_VERSION = "1"
_QUALITY = {"JPEG": {"quality": 82, "optimize": True, "progressive": True},
            "WEBP": {"quality": 80, "method": 4},
            "PNG": {"optimize": False, "compress_level": 6}}


@dataclass(frozen=True)
class Rendition:
    """One file a still is exported as: its name under `images/`, size and format."""

    name: str
    width: int
    height: int
    format: str  # JPEG, PNG, WEBP or GIF

    @property
    def mime(self) -> str:
        return f"image/{self.format.lower()}"


def widths_for(width: int, max_width: int = MAX_WIDTH) -> list[int]:
    """The widths an image `width` px wide is offered in: the standard ones below its
    own, then its own (at most `max_width`)."""
    full = min(width, max_width)
    return [w for w in WIDTHS if w < full] + [full]


def plan_renditions(info: ImageInfo, stem: str, *, single: bool = False,
                    full_only: bool = False) -> list[Rendition]:
    """The files an image becomes on an exported site, the main one first: the one
    `<img src>` and the social card (og:image) name, `<stem><suffix>` in the source's own
    format, at most `CARD_WIDTH` wide. Then every other width in that format (named
    `<stem>-<width><suffix>`) and every width in WebP (`<stem>.webp` for the main width).
    GIFs stay one file. `single`: only a main file that fits the column (self-contained
    pages); `full_only`: only the web version, at most 1600 px (Hugo page bundles)."""
    suffix = FORMATS[info.format]
    if info.format == "GIF" or full_only:
        full_w, full_h = web_size(info)
        return [Rendition(f"{stem}{suffix}", full_w, full_h, info.format)]
    if single:
        w, h = web_size(info, SINGLE_FILE_WIDTH)
        return [Rendition(f"{stem}{suffix}", w, h, info.format)]
    widths = widths_for(info.width)
    main = max(w for w in widths if w <= CARD_WIDTH)  # 480 < CARD_WIDTH: there is one
    out: list[Rendition] = []
    formats = [info.format] + ([MODERN] if info.format != MODERN else [])
    for fmt in formats:
        fsuffix = FORMATS[fmt]
        for w in [main] + [w for w in reversed(widths) if w != main]:
            _, h = web_size(info, w)
            name = f"{stem}{fsuffix}" if w == main else f"{stem}-{w}{fsuffix}"
            out.append(Rendition(name, w, h, fmt))
    return out


def _encode(im: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG" and im.mode not in ("RGB", "L"):
        im = im.convert("RGB")
    elif fmt == "WEBP" and im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.getbands() or "transparency" in im.info
                        else "RGB")
    im.save(out, fmt, **_QUALITY.get(fmt, {}))
    return out.getvalue()


def _rendition_key(digest: str, r: Rendition) -> str:
    return f"{digest[:32]}-{r.width}-r{RENDITIONS_VERSION}{FORMATS[r.format]}"


def render_renditions(path: Path, renditions: list[Rendition],
                      cache_dir: Path | None = None) -> dict[str, bytes]:
    """The bytes of every rendition of the image at `path`, by name: one decode, each
    width resized once (from the next larger one) and encoded in each format; results
    are remembered in `cache_dir` by the file's content."""
    from PIL import Image, ImageOps

    data = path.read_bytes()
    digest = storage.content_hash(data)
    out: dict[str, bytes] = {}
    missing: list[Rendition] = []
    for r in renditions:
        cached = cache_dir / _rendition_key(digest, r) if cache_dir is not None else None
        if cached is not None and cached.is_file():
            out[r.name] = cached.read_bytes()
        else:
            missing.append(r)
    if not missing:
        return out
    im = open_image(data)
    try:
        decode(im)
        if im.format == "GIF":  # one file, as the web version has always been
            for r in missing:
                out[r.name] = _render(data, MAX_WIDTH)[0]
            return out
        im = ImageOps.exif_transpose(im)
        if im.mode not in ("RGB", "RGBA", "L", "LA"):
            im = im.convert("RGBA" if im.has_transparency_data else "RGB")
        sized: dict[int, Image.Image] = {}
        current = im
        for w in sorted({r.width for r in missing}, reverse=True):
            h = next(r.height for r in missing if r.width == w)
            if (current.width, current.height) != (w, h):
                current = current.resize((w, h), Image.Resampling.LANCZOS)
            sized[w] = current
        for r in missing:
            out[r.name] = _encode(sized[r.width], r.format)
            if cache_dir is not None:
                try:
                    storage.make_dirs(cache_dir)
                    storage.atomic_write(cache_dir / _rendition_key(digest, r), out[r.name],
                                         durable=False)
                except OSError:
                    pass  # a cache that cannot be written only costs time
    finally:
        im.close()
    return out

