"""The site icon of an exported site: `site.icon` in recapdesk.yaml (an image in the
project), else one made from the series' initials in the theme's colours.

Two PNGs: `icon.png` (192 px, `<link rel="icon">`) and `apple-touch-icon.png` (180 px).
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from recapdesk.core import storage
from recapdesk.core.images import ImageError, decode, open_image
from recapdesk.core.model import Series
from recapdesk.core.user_cache import user_cache_dir

if TYPE_CHECKING:
    from PIL import Image

ICON = "icon.png"
TOUCH_ICON = "apple-touch-icon.png"
SIZES = {ICON: 192, TOUCH_ICON: 180}
ACCENT = (0xA4, 0x24, 0x3B)  # the theme's --accent
PAPER = (0xFB, 0xF9, 0xF6)  # the theme's --bg


def icon_source(series: Series) -> Path | None:
    """The image `site.icon` names (relative to the project folder), if set."""
    value = series.site.get("icon")
    if not value or not isinstance(value, str):
        return None
    return series.root / value


def icon_problem(series: Series) -> str:
    """Why `site.icon` cannot be used ('' when it can or is not set)."""
    source = icon_source(series)
    if source is None:
        return ""
    if not source.resolve().is_relative_to(series.root.resolve()):
        return f"site.icon: {series.site.get('icon')} is outside the project folder"
    if not source.is_file():
        return f"site.icon: {series.site.get('icon')} does not exist"
    try:
        _read(source, source.stat().st_mtime_ns)
    except (ImageError, OSError) as exc:
        return f"site.icon: {series.site.get('icon')}: {exc}"
    return ""


def initials(title: str) -> str:
    """Up to two initials of a title's words ("Last Ferry to Udo" → "LF")."""
    letters = [w[0] for w in title.split() if w[:1].isalnum()]
    return "".join(letters[:2]).upper() or "R"


@functools.lru_cache(maxsize=8)
def _read(path: Path, version: int) -> Image.Image:
    from PIL import Image, ImageOps

    opened = open_image(path)
    try:
        decode(opened)
        im = ImageOps.exif_transpose(opened).convert("RGBA")
    finally:
        opened.close()
    side = min(im.size)
    return ImageOps.fit(im, (side, side), Image.Resampling.LANCZOS)


@functools.lru_cache(maxsize=8)
def _drawn(text: str) -> Image.Image:
    """The initials, white-ish on the accent colour, at 4× the largest size."""
    from PIL import Image, ImageDraw, ImageFont

    size = 4 * max(SIZES.values())
    im = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=round(size * (0.5 if len(text) < 2 else 0.42)))
    draw.text((size / 2, size / 2), text, fill=PAPER, font=font, anchor="mm",
              stroke_width=round(size * 0.014), stroke_fill=PAPER)
    return im


ICONS_VERSION = "1"  # bump when the icons are drawn or encoded differently


def icons(series: Series) -> dict[str, bytes]:
    """The icon files by name (PNG bytes): made from `site.icon` when it can be read,
    else from the series' initials. Made once per source (the user's cache folder)."""
    import PIL

    source = icon_source(series)
    usable = source is not None and not icon_problem(series)
    if usable:
        assert source is not None
        stat = source.stat()
        what = ["file", str(source.resolve()), stat.st_size, stat.st_mtime_ns]
    else:
        what = ["initials", initials(series.title), ACCENT, PAPER]
    key = hashlib.sha256(repr([ICONS_VERSION, PIL.__version__, sorted(SIZES.items()),
                               what]).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    folder = user_cache_dir("icons")
    try:
        return {name: (folder / f"{key}-{name}").read_bytes() for name in SIZES}
    except OSError:
        pass
    from PIL import Image

    base = _read(source, source.stat().st_mtime_ns) if usable and source else None
    if base is None:
        base = _drawn(initials(series.title))
    out = {}
    for name, side in SIZES.items():
        buffer = io.BytesIO()
        base.resize((side, side), Image.Resampling.LANCZOS).save(buffer, "PNG", optimize=True)
        out[name] = buffer.getvalue()
    try:
        storage.make_dirs(folder)
        for name, data in out.items():
            storage.atomic_write(folder / f"{key}-{name}", data, durable=False)
    except OSError:  # (StorageError is one)
        pass  # only costs time
    return out
