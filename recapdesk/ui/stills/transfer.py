"""What a paste or a drop brings into the stills panel: local image files or one image.

An image (not a file) is imported as PNG bytes; stills dragged out of the panel itself
(their own MIME format) bring nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData
from PySide6.QtGui import QImage

from recapdesk.ui.stills.model import STILL_MIME


def png_bytes(image: QImage) -> bytes:
    """A QImage as PNG file bytes (clipboard images are imported as PNG)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def image_sources(mime: QMimeData | None) -> list[Path | bytes]:
    """What an import of `mime` would bring in: local files, else one image as PNG bytes."""
    if mime is None or mime.hasFormat(STILL_MIME):
        return []
    if mime.hasUrls():
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            return list(files)
    if mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            return [png_bytes(image)]
    return []


def has_importable(mime: QMimeData | None) -> bool:
    """Whether `mime` holds local files or an image to import (and is no still of ours)."""
    if mime is None or mime.hasFormat(STILL_MIME):
        return False
    return any(url.isLocalFile() for url in mime.urls()) or mime.hasImage()


__all__ = ["has_importable", "image_sources", "png_bytes"]
