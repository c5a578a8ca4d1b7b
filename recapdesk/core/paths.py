"""Where things are: is a path inside the project, and what does an image source point at.

One answer to each question, for every caller:

- `inside(path, root)`: the path, with every link followed, is in the folder;
- `still_name(root, md_file, src)`: which still (a file name in the project's
  `stills/`) an image source written in `md_file` points at — None for anything else
  (a remote image, a path into another folder, a file of the same name elsewhere);
- `resolve_image(root, md_file, src)`: the image file inside the project a source
  points at, or why it cannot be used.

Both read the source the same way (`_written`): percent-escapes decoded, `?query` and
`#fragment` left out, backslashes as slashes, relative to the Markdown file.
"""

from __future__ import annotations

import os.path
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
STILLS_DIR = "stills"
REMOTE_SCHEMES = ("http:", "https:")

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")


def inside(path: Path | str, root: Path | str) -> bool:
    """True when `path` (every link followed) is `root` or lies inside it."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def _lexical(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Source:
    """An image source as written, taken apart."""

    remote: bool = False
    error: str = ""
    rel: str = ""  # a relative path with forward slashes, escapes decoded


def _written(src: str) -> _Source:
    src = src.strip()
    if not src:
        return _Source(error="image has no source path")
    lowered = src.lower()
    if lowered.startswith(REMOTE_SCHEMES) or lowered.startswith("//"):
        return _Source(remote=True)
    if _SCHEME.match(src) and not _DRIVE.match(src):
        return _Source(error=f"image source {src[:60]!r} is not a file path")
    raw = unquote(src.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    if raw.startswith("/") or re.match(r"^[a-zA-Z]:/", raw):
        return _Source(error="image path is absolute; use a path inside the project "
                             "(e.g. ../stills/name.jpg)")
    return _Source(rel=raw)


def still_name(root: Path, md_file: Path, src: str) -> str | None:
    """The still an image source points at: its file name in `root/stills/`, or None.

    Decided from the path as written (relative to `md_file`), without reading the disk:
    `../stills/a%20b.jpg` in `episodes/s01e01.md` is still `a b.jpg`; a remote URL, a
    path into any other folder, or an absolute path is no still.
    """
    written = _written(src)
    if written.remote or written.error or not written.rel:
        return None
    target = _lexical(str(Path(md_file).parent / written.rel))
    folder, name = os.path.split(target)
    if not name or folder != _lexical(str(Path(root) / STILLS_DIR)):
        return None
    return name


@dataclass(frozen=True)
class ImagePath:
    """A resolved local image (path inside the project) or why it cannot be used."""

    path: Path | None = None
    error: str = ""
    remote: bool = False


def resolve_image(root: Path, md_file: Path, src: str) -> ImagePath:
    """Resolve `src` (as written in `md_file`) to a file inside the project `root`."""
    written = _written(src)
    if written.remote or written.error:
        return ImagePath(error=written.error, remote=written.remote)
    raw = written.rel
    root_resolved = root.resolve()
    candidate = md_file.parent.joinpath(*PurePosixPath(raw).parts)
    lexical = Path(_lexical(str(candidate)))
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
