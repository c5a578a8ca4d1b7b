"""ShotSheet: one thumbnail per shot of the episode, filled in as the scan finds them.

Hovering a thumbnail scrubs through its shot (`hovered(row, seconds)`: the window shows
that frame in the thumbnail); double-clicking, or Enter, grabs the frame the thumbnail
shows (`grabRequested`); a click takes the video there (`seekRequested`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from recapdesk.core.video.timecode import format_time

THUMB = QSize(160, 90)


@dataclass
class SheetShot:
    """One shot of the sheet: its times and what its thumbnail shows now."""

    start: float
    end: float
    frame: float  # the representative frame's time
    image: QImage
    shown: float  # the time of the frame the thumbnail shows (moves while hovering)


class ShotSheet(QListWidget):
    """The contact sheet of the episode's shots."""

    hovered = Signal(int, float)  # row, seconds within its shot
    grabRequested = Signal(float)
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shotSheet")
        self.setAccessibleName("Shots")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 12, THUMB.height() + 30))
        self.setSpacing(2)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        # (small enough that the Watch tab never makes the window taller than a laptop)
        self.setMinimumHeight(40)
        self.shots: list[SheetShot] = []
        self._hover_row = -1
        self.itemDoubleClicked.connect(self._double_clicked)
        self.itemClicked.connect(self._clicked)

    def clear_shots(self) -> None:
        self._restore_hovered()
        self.shots.clear()
        self.clear()

    def add_shot(self, start: float, end: float, frame: float, image: QImage) -> None:
        shot = SheetShot(start, end, frame, image, frame)
        self.shots.append(shot)
        item = QListWidgetItem(self._icon(image), format_time(start).split(".")[0])
        item.setToolTip(f"Shot {len(self.shots)}: {format_time(start)} – {format_time(end)}"
                        "\nHover to scrub, double-click to grab this frame")
        item.setData(Qt.ItemDataRole.UserRole, len(self.shots) - 1)
        self.addItem(item)

    def set_end(self, row: int, end: float) -> None:
        if 0 <= row < len(self.shots):
            self.shots[row].end = end

    def show_frame(self, row: int, seconds: float, image: QImage) -> None:
        """Show a scrubbed frame in a thumbnail (while the mouse is over it)."""
        if row != self._hover_row or not 0 <= row < len(self.shots):
            return
        self.shots[row].shown = seconds
        self.item(row).setIcon(self._icon(image))

    def row_for_time(self, seconds: float) -> int:
        """The shot that contains `seconds` (-1 before the first)."""
        found = -1
        for row, shot in enumerate(self.shots):
            if shot.start <= seconds + 1e-6:
                found = row
            else:
                break
        return found

    @staticmethod
    def _icon(image: QImage) -> QIcon:
        pixmap = QPixmap.fromImage(image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                Qt.TransformationMode.SmoothTransformation))
        return QIcon(pixmap)

    def _restore_hovered(self) -> None:
        row, self._hover_row = self._hover_row, -1
        if 0 <= row < len(self.shots) and row < self.count():
            shot = self.shots[row]
            shot.shown = shot.frame
            self.item(row).setIcon(self._icon(shot.image))

    def _time_under(self, pos: QPoint) -> tuple[int, float] | None:
        item = self.itemAt(pos)
        if item is None:
            return None
        row = int(item.data(Qt.ItemDataRole.UserRole))
        rect = self.visualItemRect(item)
        fraction = (pos.x() - rect.left()) / max(1, rect.width())
        shot = self.shots[row]
        span = max(0.0, shot.end - shot.start)
        return row, shot.start + min(0.999, max(0.0, fraction)) * span

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        under = self._time_under(event.position().toPoint())
        if under is None:
            self._restore_hovered()
            return
        row, seconds = under
        if row != self._hover_row:
            self._restore_hovered()
            self._hover_row = row
        self.hovered.emit(row, seconds)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._restore_hovered()

    def _clicked(self, item: QListWidgetItem) -> None:
        shot = self.shots[int(item.data(Qt.ItemDataRole.UserRole))]
        self.seekRequested.emit(shot.shown)

    def _double_clicked(self, item: QListWidgetItem) -> None:
        shot = self.shots[int(item.data(Qt.ItemDataRole.UserRole))]
        self.grabRequested.emit(shot.shown)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._double_clicked(item)
            return
        super().keyPressEvent(event)
