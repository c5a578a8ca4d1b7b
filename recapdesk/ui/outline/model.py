"""The outline's item model: roles, the drag payload and the drop rules.

Drops never move items here: a valid one becomes a request (a new episode order or a
section move) that the view forwards to the window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QWidget

from recapdesk.core.outline import Analysis

MIME_TYPE = "application/x-recapdesk-outline-item"

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
LINE_ROLE = Qt.ItemDataRole.UserRole + 3
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 4
WORDS_ROLE = Qt.ItemDataRole.UserRole + 5
TARGET_ROLE = Qt.ItemDataRole.UserRole + 6
STATUS_ROLE = Qt.ItemDataRole.UserRole + 7
CODE_ROLE = Qt.ItemDataRole.UserRole + 9
TITLE_ROLE = Qt.ItemDataRole.UserRole + 10  # the short title shown after the code
FULL_TITLE_ROLE = Qt.ItemDataRole.UserRole + 11
SEASON_ROLE = Qt.ItemDataRole.UserRole + 12
EDITORIAL_ROLE = Qt.ItemDataRole.UserRole + 14  # the editorial score: good, ok or problem
PUBLISH_ROLE = Qt.ItemDataRole.UserRole + 13  # a PublishMark: on the site, changed since

SERIES, EPISODE, HEADING = "series", "episode", "heading"


def path_key(path: str | Path) -> str:
    """How the model keys an episode: its path as a string."""
    return str(Path(path))


@dataclass
class EpisodeState:
    """What the view knows of one episode: its text's analysis and front matter facts."""

    path: str
    text: str
    front_text: str
    analysis: Analysis


class OutlineModel(QStandardItemModel):
    """Series → episodes → headings. Drops never move items: they become requests."""

    # ("reorder", [paths in the new order], moved path) | ("section", path, line, before)
    dropRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.states: dict[str, EpisodeState] = {}
        self.series_item: QStandardItem | None = None

    # lookups ------------------------------------------------------------------------

    def episode_items(self) -> list[QStandardItem]:
        root = self.series_item
        if root is None:
            return []
        return [root.child(r, 0) for r in range(root.rowCount())]

    def episode_item(self, path: str) -> QStandardItem | None:
        key = path_key(path)
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
            return self._reorder_request(path_key(payload.get("path", "")), row, target)
        line = payload.get("line")
        if not isinstance(line, int):
            return None
        return self._section_request(path_key(payload.get("path", "")), line, row, target)

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
