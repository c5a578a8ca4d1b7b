"""StillsView: the thumbnail grid of the stills panel.

Keys and double-click place a still, drags carry its figure; the grid paints the
drop-zone hint and, when it shows nothing, why.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QWidget

from recapdesk.ui.stills.thumbs import (
    MAX_CARD_W,
    NAME_ROLE,
    PIXMAP_ROLE,
    StillDelegate,
    card_size,
    columns_for,
)


class StillsView(QListView):
    """The thumbnail grid: keys and double-click place a still, drags carry its figure."""

    activatedName = Signal(str)
    renameKey = Signal(str)
    removeKey = Signal(str)
    pasteKey = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stillsGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setGridSize(card_size(150))
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDragEnabled(True)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(StillDelegate(self))
        self.setAccessibleName("Stills")
        self.empty_text = ""
        self.drop_hint = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the width between the cards (the scroll bar's room is always kept)."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = self.width() - 2 * self.frameWidth() - bar - 1
        columns = columns_for(width)
        size = card_size(min(MAX_CARD_W, max(1, width // columns)))
        if size != self.gridSize():
            self.setGridSize(size)

    def current_name(self) -> str | None:
        index = self.currentIndex()
        return str(index.data(NAME_ROLE)) if index.isValid() else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        name = self.current_name()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and name:
            self.activatedName.emit(name)
            event.accept()
        elif key == Qt.Key.Key_F2 and name:
            self.renameKey.emit(name)
            event.accept()
        elif key == Qt.Key.Key_Delete and name:
            self.removeKey.emit(name)
            event.accept()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.pasteKey.emit()
            event.accept()
        else:
            super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self.setCurrentIndex(index)
            self.activatedName.emit(str(index.data(NAME_ROLE)))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def startDrag(self, actions: Qt.DropAction) -> None:
        indexes = [i for i in self.selectedIndexes() if i.flags() & Qt.ItemFlag.ItemIsDragEnabled]
        if not indexes:
            return
        mime = self.model().mimeData(indexes)
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        pixmap = indexes[0].data(PIXMAP_ROLE)
        if pixmap is not None and not pixmap.isNull():
            preview = pixmap.scaledToWidth(min(120, pixmap.width()),
                                           Qt.TransformationMode.SmoothTransformation)
            drag.setPixmap(preview)
            drag.setHotSpot(QPoint(preview.width() // 2, preview.height() // 2))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.empty_text and not self.drop_hint:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self.viewport().rect().adjusted(10, 10, -10, -10)
        if self.drop_hint:
            color = self.palette().color(QPalette.ColorRole.Highlight)
            fill = QColor(color)
            fill.setAlphaF(0.07)
            painter.setBrush(fill)
            pen = QPen(color, 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRoundedRect(area, 10, 10)
            painter.setPen(color)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "Drop images to import them")
        elif self.model() is not None and self.model().rowCount() == 0:
            muted = QColor(self.palette().color(QPalette.ColorRole.Text))
            muted.setAlphaF(0.55)
            painter.setPen(muted)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
        painter.end()


__all__ = ["StillsView"]
