"""The episode outline: series → episodes → headings, with a filter box.

The view presents and forwards: clicks, drags and context-menu choices become request
signals; the window asks the writer, calls `core/episode_ops` or edits the text, and
rebuilds the tree. Nothing here reads or writes files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core import frontmatter
from recapdesk.core.model import Episode, Series
from recapdesk.core.outline import Analysis, analyze_any, reading_minutes

MIME_TYPE = "application/x-recapdesk-outline-item"

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
LINE_ROLE = Qt.ItemDataRole.UserRole + 3
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 4
WORDS_ROLE = Qt.ItemDataRole.UserRole + 5
TARGET_ROLE = Qt.ItemDataRole.UserRole + 6
STATUS_ROLE = Qt.ItemDataRole.UserRole + 7
ANCHOR_ROLE = Qt.ItemDataRole.UserRole + 8
CODE_ROLE = Qt.ItemDataRole.UserRole + 9
TITLE_ROLE = Qt.ItemDataRole.UserRole + 10  # the short title shown after the code
FULL_TITLE_ROLE = Qt.ItemDataRole.UserRole + 11
SEASON_ROLE = Qt.ItemDataRole.UserRole + 12
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 13

SERIES, EPISODE, HEADING = "series", "episode", "heading"
EXPAND_ALL_UP_TO = 8  # episodes; a longer series opens with only the current one expanded

DRAFT_COLOR = "#b26a00"
FINAL_COLOR = "#2e7d32"

_RECAP_PREFIX = re.compile(r"^.*?\bEpisode\s+\d+\w*\s+Recap\s*[:–—-]\s*(?P<rest>\S.*)$",
                           re.IGNORECASE)


def short_title(title: str) -> str:
    """`Show Episode 4 Recap: Every Last Ferry` -> `Every Last Ferry` (the rest as is)."""
    m = _RECAP_PREFIX.match(title)
    return m.group("rest").strip() if m else title


def _key(path: str | Path) -> str:
    return str(Path(path))


@dataclass
class _ViewState:
    """Expanded items and the current item, by keys that survive rebuilding the tree."""

    expanded: dict[tuple, bool]
    current: tuple | None = None
    current_path: str | None = None  # for a current heading: its episode…
    current_ordinal: int = 0  # …and its place among the episode's headings


@dataclass
class _EpisodeState:
    """What the view knows of one episode: its text's analysis and front matter facts."""

    path: str
    text: str
    front_text: str
    analysis: Analysis


# --- the model: items and drop rules ---------------------------------------------------

class OutlineModel(QStandardItemModel):
    """Series → episodes → headings. Drops never move items: they become requests."""

    # ("reorder", [paths in the new order], moved path) | ("section", path, line, before)
    dropRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.states: dict[str, _EpisodeState] = {}
        self.series_item: QStandardItem | None = None

    # lookups ------------------------------------------------------------------------

    def episode_items(self) -> list[QStandardItem]:
        root = self.series_item
        if root is None:
            return []
        return [root.child(r, 0) for r in range(root.rowCount())]

    def episode_item(self, path: str) -> QStandardItem | None:
        key = _key(path)
        return next((it for it in self.episode_items() if it.data(PATH_ROLE) == key), None)

    def episode_paths(self) -> list[str]:
        return [it.data(PATH_ROLE) for it in self.episode_items()]

    def heading_items(self, episode: QStandardItem) -> list[QStandardItem]:
        """Every heading item of an episode, in document order."""
        out: list[QStandardItem] = []

        def walk(item: QStandardItem) -> None:
            for r in range(item.rowCount()):
                child = item.child(r, 0)
                out.append(child)
                walk(child)

        walk(episode)
        return out

    def heading_item(self, path: str, line: int) -> QStandardItem | None:
        episode = self.episode_item(path)
        if episode is None:
            return None
        return next((h for h in self.heading_items(episode) if h.data(LINE_ROLE) == line), None)

    @staticmethod
    def episode_of(item: QStandardItem) -> QStandardItem | None:
        while item is not None and item.data(KIND_ROLE) == HEADING:
            item = item.parent()
        return item if item is not None and item.data(KIND_ROLE) == EPISODE else None

    # drag and drop ------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        for index in indexes:
            item = self.itemFromIndex(index.siblingAtColumn(0))
            if item is None or item.data(KIND_ROLE) not in (EPISODE, HEADING):
                continue
            payload = {"kind": item.data(KIND_ROLE), "path": item.data(PATH_ROLE)}
            if item.data(KIND_ROLE) == HEADING:
                payload["line"] = item.data(LINE_ROLE)
            data.setData(MIME_TYPE, json.dumps(payload).encode("utf-8"))
            break
        return data

    @staticmethod
    def payload(data: QMimeData | None) -> dict | None:
        """The dragged item described by mime data made by `mimeData` (None if foreign)."""
        if data is None or not data.hasFormat(MIME_TYPE):
            return None
        try:
            payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict) or payload.get("kind") not in (EPISODE, HEADING):
            return None
        return payload

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: QModelIndex) -> bool:
        return self.drop_request(self.payload(data), row, parent) is not None

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex) -> bool:
        request = self.drop_request(self.payload(data), row, parent)
        if request is not None:
            # after the drop has finished: the window may ask and rebuild the tree
            QTimer.singleShot(0, lambda: self.dropRequested.emit(request))
        return False  # the items never move here; the tree is rebuilt from the files

    def drop_request(self, payload: dict | None, row: int, parent: QModelIndex) -> tuple | None:
        """What dropping `payload` at (`row`, `parent`) asks for, or None when it cannot.

        Qt's drop conventions: `row` -1 means on the `parent` item itself, otherwise
        before its child `row` (== rowCount: after the last child).
        """
        if payload is None:
            return None
        target = self.itemFromIndex(parent.siblingAtColumn(0)) if parent.isValid() else None
        if payload["kind"] == EPISODE:
            return self._reorder_request(_key(payload.get("path", "")), row, target)
        line = payload.get("line")
        if not isinstance(line, int):
            return None
        return self._section_request(_key(payload.get("path", "")), line, row, target)

    def _reorder_request(self, path: str, row: int, target: QStandardItem | None) -> tuple | None:
        paths = self.episode_paths()
        if path not in paths or self.series_item is None:
            return None
        if target is None or target is self.series_item:
            position = len(paths) if row < 0 else row
        elif target.data(KIND_ROLE) in (EPISODE, HEADING):
            episode = self.episode_of(target)
            if episode is None:
                return None
            position = episode.row() if target is episode and row < 0 else episode.row() + 1
        else:
            return None
        position = max(0, min(position, len(paths)))
        old = paths.index(path)
        order = paths[:position] + [path] + paths[position:]
        del order[old if old < position else old + 1]
        return ("reorder", order, path) if order != paths else None

    def _section_request(self, path: str, line: int, row: int,
                         target: QStandardItem | None) -> tuple | None:
        state = self.states.get(path)
        if state is None or target is None:
            return None
        info = state.analysis
        if not info.movable(line):
            return None
        episode = self.episode_of(target)
        if episode is None or episode.data(PATH_ROLE) != path:
            return None
        if row < 0:
            if target is episode:
                return None
            before = target.data(LINE_ROLE)
        elif row < target.rowCount():
            before = target.child(row, 0).data(LINE_ROLE)
        else:
            before = self._line_after_subtree(info, target)
        if before < info.line_count and not info.movable(before):
            return None
        start, end = info.section(info.index_of(line))
        if start <= before <= end or (before >= info.line_count and end >= info.line_count):
            return None
        return ("section", path, line, before)

    @staticmethod
    def _line_after_subtree(info: Analysis, item: QStandardItem) -> int:
        """The line of the first heading after `item` and all its sub-headings (or the end)."""
        if item.data(KIND_ROLE) != HEADING:
            return info.line_count
        headings = info.headings
        try:
            i = info.index_of(item.data(LINE_ROLE))
        except ValueError:
            return info.line_count
        level = headings[i].level
        for other in headings[i + 1:]:
            if other.level <= level:
                return other.line
        return info.line_count


# --- painting ----------------------------------------------------------------------

class OutlineDelegate(QStyledItemDelegate):
    """Episode rows: muted code + title; the count column: words and a thin goal bar."""

    ROW_HEIGHT = {SERIES: 34, EPISODE: 30, HEADING: 24}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        kind = index.siblingAtColumn(0).data(KIND_ROLE)
        size.setHeight(max(size.height(), self.ROW_HEIGHT.get(kind, 24)))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        kind = index.siblingAtColumn(0).data(KIND_ROLE)
        if index.column() == 1:
            self._paint_count(painter, option, index, kind)
        elif kind == EPISODE:
            self._paint_episode(painter, option, index)
        else:
            super().paint(painter, option, index)

    @staticmethod
    def _colors(option: QStyleOptionViewItem) -> tuple[QColor, QColor]:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text = option.palette.color(group, role)
        muted = QColor(text)
        muted.setAlphaF(0.8 if selected else 0.55)
        return text, muted

    def _background(self, painter: QPainter, option: QStyleOptionViewItem,
                    index: QModelIndex) -> QStyleOptionViewItem:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        return opt

    def _paint_episode(self, painter: QPainter, option: QStyleOptionViewItem,
                       index: QModelIndex) -> None:
        opt = self._background(painter, option, index)
        text_color, muted = self._colors(option)
        rect = option.rect.adjusted(4, 0, -4, 0)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if icon is not None:
            side = 16
            icon_rect = QRect(rect.left(), rect.center().y() - side // 2 + 1, side, side)
            icon.paint(painter, icon_rect)
            rect.setLeft(icon_rect.right() + 7)
        painter.save()
        font = QFont(opt.font)
        code = str(index.data(CODE_ROLE) or "")
        if code:
            code_font = QFont(font)
            code_font.setPointSizeF(font.pointSizeF() * 0.88)
            code_font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(code_font)
            painter.setPen(muted)
            code_width = painter.fontMetrics().horizontalAdvance(code)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             code)
            rect.setLeft(rect.left() + max(code_width, painter.fontMetrics()
                                           .horizontalAdvance("E00")) + 8)
        font.setWeight(QFont.Weight.Medium)
        painter.setFont(font)
        painter.setPen(text_color)
        title = painter.fontMetrics().elidedText(str(index.data(TITLE_ROLE) or ""),
                                                 Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.restore()

    def _paint_count(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex,
                     kind: str | None) -> None:
        self._background(painter, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            return
        _, muted = self._colors(option)
        rect = option.rect.adjusted(2, 0, -10, 0)
        painter.save()
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 0.86)
        font.setFeature(QFont.Tag("tnum"), 1)
        painter.setFont(font)
        painter.setPen(muted)
        target = index.data(TARGET_ROLE)
        words = index.data(WORDS_ROLE) or 0
        if kind == EPISODE and target:
            text_rect = rect.adjusted(0, 0, 0, -4)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             text)
            width = painter.fontMetrics().horizontalAdvance(text)
            bar = QRect(rect.right() - width + 1, rect.center().y() + 8, width, 3)
            track = QColor(muted)
            track.setAlphaF(0.18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 1.5, 1.5)
            fraction = min(1.0, words / target)
            if fraction > 0:
                done = QRect(bar)
                done.setWidth(max(3, round(bar.width() * fraction)))
                painter.setBrush(QColor(FINAL_COLOR if fraction >= 1 else "#3d7bd9"))
                painter.drawRoundedRect(done, 1.5, 1.5)
        else:
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             text)
        painter.restore()


# --- the tree ---------------------------------------------------------------------

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


# --- the widget --------------------------------------------------------------------

class OutlineView(QWidget):
    """Filter box above the series → episodes → headings tree."""

    episodeActivated = Signal(str)  # episode file path: click or Enter on an episode
    headingActivated = Signal(str, int)  # (episode file path, 0-based file line)
    reorderRequested = Signal(list)  # every episode path, in the new order (after a drag)
    sectionMoveRequested = Signal(str, int, int)  # (episode path, heading line, before_line)
    newEpisodeRequested = Signal()
    renameRequested = Signal(str)  # path
    duplicateRequested = Signal(str)
    statusRequested = Signal(str, str)  # path, "draft" | "final"
    deleteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outlineView")
        self.series: Series | None = None
        self._unfiltered: _ViewState | None = None  # the expansion before filtering

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("outlineFilter")
        self.filter_edit.setPlaceholderText("Filter episodes and headings")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(qta.icon("mdi6.magnify", color="#80808a"),
                                   QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.textChanged.connect(self._apply_filter)

        self.model = OutlineModel(self)
        self.model.dropRequested.connect(self._on_drop_request)
        self.tree = OutlineTree(self)
        self.tree.setObjectName("outlineTree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(OutlineDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAnimated(False)
        self.tree.setExpandsOnDoubleClick(False)  # a click opens the episode; arrows fold
        self.tree.setIndentation(14)
        self.tree.setRootIsDecorated(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(False)  # the tree paints its own drop line
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setAutoExpandDelay(600)
        self.tree.setFrameShape(QTreeView.Shape.NoFrame)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.clicked.connect(self._activate)
        self.tree.activatedByKey.connect(self._activate)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)
        self.setMinimumWidth(200)

    # --- building ----------------------------------------------------------------------

    def set_series(self, series: Series | None) -> None:
        """Rebuild the whole tree from a core Series (keeps expansion, selection, scroll)."""
        state = self._view_state()
        scroll = self.tree.verticalScrollBar().value()
        self.series = series
        self.model.removeRows(0, self.model.rowCount())  # keeps the columns and their sizing
        self.model.states.clear()
        self.model.series_item = None
        if series is None:
            return
        root = QStandardItem(series.title)
        root.setData(SERIES, KIND_ROLE)
        root.setIcon(qta.icon("mdi6.television-classic", color="#5a5a66"))
        font = QFont(self.font())
        font.setWeight(QFont.Weight.Bold)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        root.setFont(font)
        root.setToolTip(self._series_tooltip(series))
        root.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsDropEnabled)
        root_count = self._count_item()
        self.model.appendRow([root, root_count])
        self.model.series_item = root
        seasons = {ep.season for ep in series.episodes}
        for ep in series.episodes:
            item, count = self._episode_row(ep, _file_text(ep), multi_season=len(seasons) > 1)
            root.appendRow([item, count])
            self._build_headings(item)
        self._update_series_count()
        self.tree.expand(root.index())
        self._restore_view_state(state, expansion=not self._filtering())
        self._apply_filter()
        self.tree.verticalScrollBar().setValue(scroll)

    def _count_item(self) -> QStandardItem:
        item = QStandardItem("")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _episode_row(self, ep: Episode, text: str,
                     *, multi_season: bool) -> tuple[QStandardItem, QStandardItem]:
        path = _key(ep.path)
        try:
            front_text = frontmatter.split(text).front_text
        except frontmatter.FrontMatterError:
            front_text = ""
        self.model.states[path] = _EpisodeState(path, text, front_text, analyze_any(text))
        item = QStandardItem()
        item.setData(EPISODE, KIND_ROLE)
        item.setData(path, PATH_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
        count = self._count_item()
        count.setData(path, PATH_ROLE)
        self._set_episode_facts(item, count, ep.season, ep.number, ep.title, ep.status,
                                ep.target_words, multi_season=multi_season, stem=ep.stem)
        return item, count

    def _set_episode_facts(self, item: QStandardItem, count: QStandardItem, season: int | None,
                           number: int | None, title: str, status: str, target: int | None,
                           *, multi_season: bool, stem: str) -> None:
        path = item.data(PATH_ROLE)
        if number is None:
            code = ""
        elif multi_season and season is not None:
            code = f"S{season:02d}E{number:02d}"
        else:
            code = f"E{number:02d}"
        shown = short_title(title)
        item.setText(f"{code} · {shown}" if code else shown)
        item.setData(code, CODE_ROLE)
        item.setData(shown, TITLE_ROLE)
        item.setData(title, FULL_TITLE_ROLE)
        item.setData(status, STATUS_ROLE)
        item.setData(season, SEASON_ROLE)
        item.setData(number, NUMBER_ROLE)
        item.setIcon(qta.icon("mdi6.pencil" if status == "draft" else "mdi6.check-circle",
                              color=DRAFT_COLOR if status == "draft" else FINAL_COLOR))
        item.setData(stem, Qt.ItemDataRole.AccessibleDescriptionRole)
        count.setData(target, TARGET_ROLE)
        self._set_words(item, count, self.model.states[path].analysis.words)

    def _set_words(self, item: QStandardItem, count: QStandardItem, words: int) -> None:
        target = count.data(TARGET_ROLE)
        item.setData(words, WORDS_ROLE)
        count.setData(words, WORDS_ROLE)
        count.setText(f"{words} / {target}" if target else f"{words}")
        title = item.data(FULL_TITLE_ROLE) or ""
        status = item.data(STATUS_ROLE)
        lines = [f"<b>{_html(title)}</b>",
                 f"{'Draft' if status == 'draft' else 'Final'} · {words} words · "
                 f"{reading_minutes(words)} min read"]
        if target:
            lines.append(f"Goal: {words} / {target} words ({round(100 * words / target)}%)")
        tooltip = "<br>".join(lines)
        item.setToolTip(tooltip)
        count.setToolTip(tooltip)

    def _update_series_count(self) -> None:
        root = self.model.series_item
        if root is None:
            return
        total = sum(state.analysis.words for state in self.model.states.values())
        count = self.model.item(root.row(), 1)
        if count is not None:
            count.setData(total, WORDS_ROLE)
            count.setText(f"{total}")
        if self.series is not None:
            root.setToolTip(self._series_tooltip(self.series, total))

    @staticmethod
    def _series_tooltip(series: Series, words: int | None = None) -> str:
        n = len(series.episodes)
        text = f"<b>{_html(series.title)}</b><br>{n} recap{'s' if n != 1 else ''}"
        if words is not None:
            text += f" · {words} words"
        return text

    def _build_headings(self, episode: QStandardItem) -> None:
        """(Re)make the heading items of an episode, nested by level."""
        path = episode.data(PATH_ROLE)
        state = self.model.states[path]
        episode.removeRows(0, episode.rowCount())
        stack: list[tuple[int, QStandardItem]] = []
        text_color = self.palette().color(QPalette.ColorRole.Text)
        colors = {2: QColor(text_color), 3: QColor(text_color)}
        colors[2].setAlphaF(0.86)
        colors[3].setAlphaF(0.66)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.94)
        for heading, depth in zip(state.analysis.headings, state.analysis.depths, strict=True):
            item = QStandardItem(heading.title or "(untitled)")
            item.setData(HEADING, KIND_ROLE)
            item.setData(path, PATH_ROLE)
            item.setData(heading.line, LINE_ROLE)
            item.setData(heading.level, LEVEL_ROLE)
            item.setData(heading.anchor, ANCHOR_ROLE)
            flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                     | Qt.ItemFlag.ItemIsDropEnabled)
            if depth == 0:
                flags |= Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags)
            item.setToolTip(f"{'#' * heading.level} {_html(heading.title)}<br>"
                            f"line {heading.line + 1}")
            item.setForeground(colors[min(3, max(2, heading.level))])
            if heading.level >= 3:
                item.setFont(small)
            count = self._count_item()
            count.setData(path, PATH_ROLE)
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            parent = stack[-1][1] if stack else episode
            parent.appendRow([item, count])
            stack.append((heading.level, item))

    # --- live updates ------------------------------------------------------------------

    def update_episode_text(self, path: str, text: str,
                            analysis: Analysis | None = None) -> None:
        """Refresh one episode's headings, word count and facts from its current text
        (`analysis`: `analyze_any(text)`, when the caller has it)."""
        key = _key(path)
        state = self.model.states.get(key)
        item = self.model.episode_item(key)
        if state is None or item is None or state.text == text:
            return
        old_headings = state.analysis.headings
        state.text = text
        state.analysis = analysis if analysis is not None else analyze_any(text)
        count = self.model.series_item.child(item.row(), 1)
        try:
            front_text = frontmatter.split(text).front_text
        except frontmatter.FrontMatterError:
            front_text = state.front_text
        if front_text != state.front_text:
            state.front_text = front_text
            self._refresh_facts(item, count, front_text)
        self._set_words(item, count, state.analysis.words)
        new_headings = state.analysis.headings
        if [(h.level, h.title) for h in old_headings] == [(h.level, h.title) for h in new_headings]:
            movable = {h.line for h, d in zip(new_headings, state.analysis.depths, strict=True)
                       if d == 0}
            for heading_item, heading in zip(self.model.heading_items(item), new_headings,
                                             strict=True):
                if heading_item.data(LINE_ROLE) != heading.line:
                    heading_item.setData(heading.line, LINE_ROLE)
                    heading_item.setToolTip(f"{'#' * heading.level} {_html(heading.title)}<br>"
                                            f"line {heading.line + 1}")
                heading_item.setData(heading.anchor, ANCHOR_ROLE)
                flags = heading_item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled
                if heading.line in movable:
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                heading_item.setFlags(flags)
        else:
            state = self._view_state(item)
            self._build_headings(item)
            self._restore_view_state(state, item, expansion=not self._filtering())
        self._update_series_count()
        if self._filtering():
            self._apply_filter()

    def _refresh_facts(self, item: QStandardItem, count: QStandardItem, front_text: str) -> None:
        try:
            front = frontmatter.parse(front_text)
        except frontmatter.FrontMatterError:
            return  # half-typed YAML: keep what was shown
        probe = Episode(Path(item.data(PATH_ROLE)), front, "")
        seasons = {it.data(SEASON_ROLE) for it in self.model.episode_items() if it is not item}
        multi = len(seasons | {probe.season}) > 1
        self._set_episode_facts(item, count, probe.season, probe.number, probe.title,
                                probe.status, probe.target_words, multi_season=multi,
                                stem=probe.stem)

    # --- expansion and selection -------------------------------------------------------

    def _keyed_items(self, scope: QStandardItem | None = None
                     ) -> list[tuple[QStandardItem, tuple]]:
        """Items (of one episode, or the whole tree) with keys that survive a rebuild."""
        root = self.model.series_item
        if root is None:
            return []
        out: list[tuple[QStandardItem, tuple]] = []
        if scope is None:
            out.append((root, (SERIES,)))
        for episode in [scope] if scope is not None else self.model.episode_items():
            path = episode.data(PATH_ROLE)
            out.append((episode, (EPISODE, path)))
            seen: dict[tuple, int] = {}
            for heading in self.model.heading_items(episode):
                base = (HEADING, path, heading.data(LEVEL_ROLE), heading.text())
                seen[base] = seen.get(base, 0) + 1
                out.append((heading, (*base, seen[base])))
        return out

    def _view_state(self, scope: QStandardItem | None = None) -> _ViewState | None:
        """Which items are expanded and which one is current (by key)."""
        keyed = self._keyed_items(scope)
        if not keyed:
            return None
        state = _ViewState({key: self.tree.isExpanded(it.index())
                            for it, key in keyed if it.rowCount()})
        current = self.tree.currentIndex()
        item = self.model.itemFromIndex(current.siblingAtColumn(0)) if current.isValid() else None
        for it, key in keyed:
            if it is item:
                state.current = key
                episode = self.model.episode_of(it)
                if it.data(KIND_ROLE) == HEADING and episode is not None:
                    state.current_path = episode.data(PATH_ROLE)
                    state.current_ordinal = self.model.heading_items(episode).index(it)
                break
        return state

    def _restore_view_state(self, state: _ViewState | None, scope: QStandardItem | None = None,
                            *, expansion: bool = True) -> None:
        """Expand as before; new items open (episodes only when the series is short)."""
        keyed = self._keyed_items(scope)
        if expansion:
            short = len(self.model.episode_items()) <= EXPAND_ALL_UP_TO
            for it, key in keyed:
                if not it.rowCount():
                    continue
                if state is not None and key in state.expanded:
                    show = state.expanded[key]
                else:
                    show = it.data(KIND_ROLE) != EPISODE or short
                self.tree.setExpanded(it.index(), show)
        if state is None or state.current is None:
            return
        for it, key in keyed:
            if key == state.current:
                self._select_index(it.index())
                return
        if state.current_path is not None:
            # the current heading was renamed while typing: keep its place
            episode = self.model.episode_item(state.current_path)
            if episode is not None and (scope is None or scope is episode):
                headings = self.model.heading_items(episode)
                target = (headings[min(state.current_ordinal, len(headings) - 1)]
                          if headings else episode)
                self._select_index(target.index())

    def _select_index(self, index: QModelIndex) -> None:
        selection = self.tree.selectionModel()
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect
                                  | selection.SelectionFlag.Rows)

    def select_episode(self, path: str) -> None:
        """Make the episode the current row (and visible) without activating it."""
        item = self.model.episode_item(path)
        if item is None:
            return
        current = self.tree.currentIndex()
        if current.isValid():
            current_item = self.model.itemFromIndex(current.siblingAtColumn(0))
            if current_item is not None and self.model.episode_of(current_item) is item:
                return  # a heading of that episode is current: keep it
        self._select_index(item.index())
        self.tree.scrollTo(item.index())

    # --- activation ----------------------------------------------------------------------

    def _activate(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        if item is None:
            return
        kind = item.data(KIND_ROLE)
        if kind == EPISODE:
            self.episodeActivated.emit(item.data(PATH_ROLE))
        elif kind == HEADING:
            self.headingActivated.emit(item.data(PATH_ROLE), int(item.data(LINE_ROLE)))

    def _on_drop_request(self, request: tuple) -> None:
        if request[0] == "reorder":
            self.reorderRequested.emit(list(request[1]))
        else:
            _, path, line, before = request
            self.sectionMoveRequested.emit(path, line, before)

    # --- filter --------------------------------------------------------------------------

    def _filtering(self) -> bool:
        return bool(self.filter_edit.text().strip())

    def _apply_filter(self, *_: object) -> None:
        needle = self.filter_edit.text().strip().casefold()
        root = self.model.series_item
        if root is None:
            return
        if needle and self._unfiltered is None:
            self._unfiltered = self._view_state()  # what to go back to when cleared

        def visit(item: QStandardItem) -> bool:
            """Hide non-matching children; True when `item` or a descendant matches."""
            any_child = False
            for r in range(item.rowCount()):
                child = item.child(r, 0)
                child_text = (child.text() + " " + str(child.data(FULL_TITLE_ROLE) or "")
                              if child.data(KIND_ROLE) == EPISODE else child.text())
                shown = visit(child) | (needle in child_text.casefold())
                self.tree.setRowHidden(r, item.index(), not shown)
                any_child |= shown
            return any_child

        visit(root)
        if needle:
            self.tree.expandAll()
        elif self._unfiltered is not None:
            state, self._unfiltered = self._unfiltered, None
            state.current = state.current_path = None  # keep what was picked meanwhile
            self._restore_view_state(state)
            current = self.tree.currentIndex()
            if current.isValid():
                self.tree.scrollTo(current)

    def visible_items(self) -> list[QStandardItem]:
        """Column-0 items not hidden by the filter (collapsed parents do not matter)."""
        out: list[QStandardItem] = []

        def walk(item: QStandardItem) -> None:
            for r in range(item.rowCount()):
                if not self.tree.isRowHidden(r, item.index()):
                    child = item.child(r, 0)
                    out.append(child)
                    walk(child)

        if self.model.series_item is not None:
            out.append(self.model.series_item)
            walk(self.model.series_item)
        return out

    # --- context menu ------------------------------------------------------------------

    def context_menu(self, index: QModelIndex | None = None) -> QMenu:
        """The menu for a row (episode actions for an episode or one of its headings)."""
        menu = QMenu(self)
        new = menu.addAction(qta.icon("mdi6.file-document-plus-outline"), "New episode")
        new.triggered.connect(self.newEpisodeRequested.emit)
        item = None
        if index is not None and index.isValid():
            item = self.model.itemFromIndex(index.siblingAtColumn(0))
        episode = self.model.episode_of(item) if item is not None else None
        if episode is None:
            return menu
        path = episode.data(PATH_ROLE)
        menu.addSeparator()
        rename = menu.addAction(qta.icon("mdi6.rename-outline"), "Rename…")
        rename.triggered.connect(lambda: self.renameRequested.emit(path))
        duplicate = menu.addAction(qta.icon("mdi6.content-copy"), "Duplicate")
        duplicate.triggered.connect(lambda: self.duplicateRequested.emit(path))
        menu.addSeparator()
        group = QActionGroup(menu)
        group.setExclusive(True)
        status = episode.data(STATUS_ROLE)
        for value, label, icon, color in (
                ("draft", "Mark as draft", "mdi6.pencil", DRAFT_COLOR),
                ("final", "Mark as final", "mdi6.check-circle", FINAL_COLOR)):
            action = QAction(qta.icon(icon, color=color), label, menu)
            action.setCheckable(True)
            action.setChecked(status == value)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, v=value: self.statusRequested.emit(path, v))
            menu.addAction(action)
        menu.addSeparator()
        delete = menu.addAction(qta.icon("mdi6.delete-outline", color="#c62828"), "Delete…")
        delete.triggered.connect(lambda: self.deleteRequested.emit(path))
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        menu = self.context_menu(index)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # --- for the window and tests --------------------------------------------------------

    def episode_item(self, path: str) -> QStandardItem | None:
        return self.model.episode_item(path)

    def heading_item(self, path: str, line: int) -> QStandardItem | None:
        return self.model.heading_item(path, line)


def _file_text(ep: Episode) -> str:
    """The episode's file text as loaded (front matter as written + body), for line numbers."""
    if not ep.readable:
        return ""
    if ep.front_text or ep.body_line > 1:
        return frontmatter.join(ep.front_text, ep.body, newline=ep.newline)
    return ep.body


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
