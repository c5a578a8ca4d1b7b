"""Resolve image paths written in Markdown, refusing anything outside the project."""

from __future__ import annotations

import os.path
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from recapdesk.core.project import IMAGE_SUFFIXES

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
REMOTE_SCHEMES = ("http:", "https:")


@dataclass(frozen=True)
class ImagePath:
    """A resolved local image (path inside the project) or why it cannot be used."""

    path: Path | None = None
    error: str = ""
    remote: bool = False


def resolve_image(root: Path, md_file: Path, src: str) -> ImagePath:
    """Resolve `src` (as written in `md_file`) to a file inside the project `root`."""
    src = src.strip()
    if not src:
        return ImagePath(error="image has no source path")
    lowered = src.lower()
    if lowered.startswith(REMOTE_SCHEMES) or lowered.startswith("//"):
        return ImagePath(remote=True)
    if _SCHEME.match(src) and not re.match(r"^[a-zA-Z]:[\\/]", src):
        return ImagePath(error=f"image source {src[:60]!r} is not a file path")
    raw = unquote(src.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    if raw.startswith("/") or re.match(r"^[a-zA-Z]:/", raw):
        return ImagePath(error="image path is absolute; use a path inside the project "
                               "(e.g. ../stills/name.jpg)")
    root_resolved = root.resolve()
    candidate = md_file.parent.joinpath(*PurePosixPath(raw).parts)
    lexical = Path(_normalise(str(candidate)))
    if not _within(lexical, root_resolved) and not _within(lexical, root):
        return ImagePath(error="image is outside the project folder")
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return ImagePath(error="image path cannot be resolved")
    if not _within(real, root_resolved):
        return ImagePath(error="image links to a file outside the project folder")
    if not real.exists():
        return ImagePath(error=f"missing image {raw}")
    if not real.is_file():
        return ImagePath(error=f"{raw} is not a file")
    if real.suffix.lower() not in IMAGE_SUFFIXES:
        return ImagePath(error=f"{real.name} is not a supported image (jpg, png, webp, gif)")
    return ImagePath(path=real)


def _normalise(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
