"""The outline's tree widget: Enter activates, drags become requests, its own drop line."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QStandardItem,
)
from PySide6.QtWidgets import QTreeView, QWidget

from recapdesk.ui.outline.model import EPISODE, HEADING, KIND_ROLE, SERIES, OutlineModel


class OutlineTree(QTreeView):
    """The tree widget: Enter activates; drops are turned into requests, never moves."""

    activatedByKey = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._indicator: tuple[int, int] | None = None  # (y, x) of the drop line

    def outline_model(self) -> OutlineModel:
        model = self.model()
        assert isinstance(model, OutlineModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedByKey.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    # drop position -> (row, parent) in Qt's drop terms ---------------------------------

    def drop_position(self, pos: QPoint, payload: dict | None) -> tuple[int, QModelIndex] | None:
        """Where a drop at viewport point `pos` goes: upper half of a row = before it."""
        model = self.outline_model()
        if payload is None or model.series_item is None:
            return None
        series = model.series_item.index()
        index = self.indexAt(pos)
        if not index.isValid():
            if payload["kind"] == EPISODE:
                return model.series_item.rowCount(), series
            return None
        index = index.siblingAtColumn(0)
        item = model.itemFromIndex(index)
        upper = pos.y() < self.visualRect(index).center().y()
        kind = item.data(KIND_ROLE)
        if payload["kind"] == EPISODE:
            if kind == SERIES:
                return 0, series
            episode = model.episode_of(item)
            if episode is None:
                return None
            row = episode.row() if kind == EPISODE and upper else episode.row() + 1
            return row, series
        if kind == EPISODE:
            return None if upper else (0, index)
        if kind != HEADING:
            return None
        if upper:
            return item.row(), index.parent()
        if item.rowCount() and self.isExpanded(index):
            return 0, index
        return item.row() + 1, index.parent()

    def drop_request(self, pos: QPoint, data: QMimeData | None) -> tuple | None:
        payload = OutlineModel.payload(data)
        where = self.drop_position(pos, payload)
        if where is None:
            return None
        return self.outline_model().drop_request(payload, where[0], where[1])

    # drag events --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if OutlineModel.payload(event.mimeData()) is None:
            event.ignore()
            return
        super().dragEnterEvent(event)
        event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)  # auto-scroll and auto-expand
        pos = event.position().toPoint()
        request = self.drop_request(pos, event.mimeData())
        if request is None:
            event.ignore()
            self._set_indicator(None)
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self._set_indicator(self._indicator_for(request))

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        super().dragLeaveEvent(event)
        self._set_indicator(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_indicator(None)
        request = self.drop_request(event.position().toPoint(), event.mimeData())
        if request is None:
            event.ignore()
            return
        # Accept without a move: Qt must not remove the dragged rows; the window applies
        # the change to the files or the text and the tree is rebuilt from them.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        model = self.outline_model()
        QTimer.singleShot(0, lambda: model.dropRequested.emit(request))

    # the drop line ------------------------------------------------------------------

    def _bottom_of(self, item: QStandardItem) -> QRect:
        index = item.index()
        while item.rowCount() and self.isExpanded(index):
            last = None
            for r in range(item.rowCount() - 1, -1, -1):
                if not self.isRowHidden(r, index):
                    last = item.child(r, 0)
                    break
            if last is None:
                break
            item, index = last, last.index()
        return self.visualRect(index)

    def _indicator_for(self, request: tuple) -> tuple[int, int] | None:
        model = self.outline_model()
        if request[0] == "reorder":
            order: list[str] = request[1]
            moved: str = request[2]
            position = order.index(moved)
            rest = [p for p in order if p != moved]
            if position < len(rest):
                rect = self.visualRect(model.episode_item(rest[position]).index())
                return rect.top(), rect.left()
            last = model.episode_item(rest[-1]) if rest else None
            if last is None:
                return None
            rect = self._bottom_of(last)
            return rect.bottom() + 1, self.visualRect(last.index()).left()
        _, path, _, before = request
        item = model.heading_item(path, before)
        if item is not None:
            rect = self.visualRect(item.index())
            return rect.top(), rect.left()
        episode = model.episode_item(path)
        if episode is None:
            return None
        rect = self._bottom_of(episode)
        return rect.bottom() + 1, self.visualRect(episode.index()).left() + self.indentation()

    def _set_indicator(self, indicator: tuple[int, int] | None) -> None:
        if indicator != self._indicator:
            self._indicator = indicator
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._indicator is None:
            return
        y, x = self._indicator
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(color, 2))
        painter.drawLine(x + 6, y, self.viewport().width() - 4, y)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawEllipse(QPoint(x + 3, y), 3, 3)
        painter.end()
