"""Timeline: the episode's length as a bar with its shots marked; click or drag to seek."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

GROOVE = QColor("#d9d4cc")
PLAYED = QColor("#a4243b")
SHOT = QColor("#5b5b66")
HANDLE = QColor("#ffffff")


class Timeline(QWidget):
    """Shows the current time and the shots' starts; emits seekRequested(seconds)."""

    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchTimeline")
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Timeline")
        self.duration = 0.0
        self.time = 0.0
        self.cuts: list[float] = []

    def set_duration(self, seconds: float) -> None:
        self.duration = max(0.0, seconds)
        self.update()

    def set_time(self, seconds: float) -> None:
        if abs(seconds - self.time) > 1e-6:
            self.time = seconds
            self.update()

    def set_cuts(self, starts: list[float]) -> None:
        self.cuts = list(starts)
        self.update()

    def add_cut(self, start: float) -> None:
        self.cuts.append(start)
        self.update()

    def _groove(self) -> QRectF:
        return QRectF(8, self.height() / 2 - 3, max(1, self.width() - 16), 6)

    def x_of(self, seconds: float) -> float:
        groove = self._groove()
        if self.duration <= 0:
            return groove.left()
        return groove.left() + groove.width() * min(1.0, max(0.0, seconds / self.duration))

    def time_at(self, x: float) -> float:
        groove = self._groove()
        fraction = (x - groove.left()) / groove.width()
        return min(1.0, max(0.0, fraction)) * self.duration

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        groove = self._groove()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(GROOVE)
        painter.drawRoundedRect(groove, 3, 3)
        x = self.x_of(self.time)
        painter.setBrush(PLAYED)
        painter.drawRoundedRect(QRectF(groove.left(), groove.top(), x - groove.left(),
                                       groove.height()), 3, 3)
        painter.setPen(QPen(SHOT, 1))
        for start in self.cuts:
            cx = self.x_of(start)
            painter.drawLine(QPointF(cx, groove.top() - 5), QPointF(cx, groove.bottom() + 5))
        painter.setPen(QPen(PLAYED, 2))
        painter.setBrush(HANDLE)
        painter.drawEllipse(QPointF(x, groove.center().y()), 6, 6)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.duration > 0:
            self.seekRequested.emit(self.time_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self.duration > 0:
            self.seekRequested.emit(self.time_at(event.position().x()))
