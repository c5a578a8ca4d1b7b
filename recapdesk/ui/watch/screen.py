"""Screen: the video's current frame, scaled to fit with its shape kept."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BACKGROUND = QColor("#16161a")
HINT = QColor("#c8c4bd")


class Screen(QWidget):
    """Paints one frame (a QImage); a hint when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchScreen")
        self.setMinimumSize(128, 72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Video")
        self.image = QImage()
        self.hint = ""

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def set_hint(self, text: str) -> None:
        self.hint = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def frame_rect(self) -> QRectF:
        """Where the frame is painted (its shape kept, centred)."""
        if self.image.isNull():
            return QRectF()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                      size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.frame_rect(), self.image)
        elif self.hint:
            painter.setPen(HINT)
            painter.drawText(self.rect().adjusted(16, 16, -16, -16),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                             self.hint)
