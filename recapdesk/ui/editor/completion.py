"""`[[` completion: a popup of the project's episodes (id and title) while typing a wikilink."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel, QTextCursor
from PySide6.QtWidgets import QCompleter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

ID_ROLE = Qt.ItemDataRole.UserRole + 1
# `[[` (not `[[[`) then what has been typed of the target so far, up to the cursor
_OPEN = re.compile(r"(?<!\[)\[\[([^\[\]|\n]{0,60})$")


def wikilink_prefix(line_before_cursor: str) -> str | None:
    """What has been typed after an open `[[` just before the cursor (None: not in one)."""
    m = _OPEN.search(line_before_cursor)
    return m.group(1) if m else None


class WikilinkCompleter(QObject):
    """Shows the episodes matching what follows `[[`; choosing one inserts `id]]`."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(editor)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(8)
        self.completer.setWrapAround(True)
        self.completer.activated[QModelIndex].connect(self._insert)
        self.popup().setObjectName("wikilinkPopup")

    def popup(self):
        return self.completer.popup()

    def set_targets(self, targets: list[tuple[str, str]]) -> None:
        """The episodes to offer: (id, title) pairs, in reading order."""
        self.model.clear()
        for ident, title in targets:
            item = QStandardItem(f"{ident} — {title}" if title else ident)
            item.setData(ident, ID_ROLE)
            item.setToolTip(title)
            item.setEditable(False)
            self.model.appendRow(item)

    def is_open(self) -> bool:
        return self.popup().isVisible()

    def update(self, line_before_cursor: str, allowed: bool = True) -> None:
        """Open, refilter or close the popup for the text before the cursor."""
        prefix = wikilink_prefix(line_before_cursor) if allowed else None
        if prefix is None or self.model.rowCount() == 0:
            self.hide()
            return
        self.completer.setCompletionPrefix(prefix.strip())
        if self.completer.completionCount() == 0:
            self.hide()
            return
        popup = self.popup()
        rect = self._editor.cursorRect()
        rect.setWidth(max(280, popup.sizeHintForColumn(0)
                          + popup.verticalScrollBar().sizeHint().width() + 12))
        self.completer.complete(rect)
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))

    def hide(self) -> None:
        if self.popup().isVisible():
            self.popup().hide()

    def _insert(self, index: QModelIndex) -> None:
        ident = index.data(ID_ROLE)
        if not ident:
            return
        cursor = self._editor.textCursor()
        block_text = cursor.block().text()
        column = cursor.positionInBlock()
        prefix = wikilink_prefix(block_text[:_py_column(block_text, column)])
        if prefix is None:
            return
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor,
                            _u16_len(prefix))
        after = block_text[_py_column(block_text, column):]
        closing = "" if after.startswith("]]") else "]]"
        cursor.insertText(ident + closing)
        if not closing:
            cursor.movePosition(QTextCursor.MoveOperation.Right,
                                QTextCursor.MoveMode.MoveAnchor, 2)
        cursor.endEditBlock()
        self._editor.setTextCursor(cursor)


def _u16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _py_column(text: str, u16_column: int) -> int:
    """A UTF-16 column of `text` as a Python offset."""
    if text.isascii():
        return u16_column
    return len(text.encode("utf-16-le")[: 2 * u16_column].decode("utf-16-le", "ignore"))
