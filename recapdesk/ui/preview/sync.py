"""ScrollSync: the preview follows the editor's visible lines and the editor follows the
preview when the writer scrolls it; a click in the preview puts the cursor on its line."""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from recapdesk.ui.preview.view import PreviewView


def top_line(editor: QPlainTextEdit) -> float:
    """The file line at the top of the editor's view; the fraction is how much of that
    line (a paragraph can wrap over many rows) is scrolled past."""
    block = editor.firstVisibleBlock()
    if not block.isValid():
        return 0.0
    rect = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
    if rect.height() <= 0:
        return float(block.blockNumber())
    return block.blockNumber() + min(1.0, max(0.0, -rect.top() / rect.height()))


def scroll_to_line(editor: QPlainTextEdit, line: float) -> None:
    """Scroll the editor (not its cursor) so that file line `line` is at its top."""
    doc = editor.document()
    number = max(0, min(int(line), doc.blockCount() - 1))
    block = doc.findBlockByNumber(number)
    rows = max(1, block.lineCount())
    part = min(rows - 1, int((line - int(line)) * rows)) if line >= 0 else 0
    editor.verticalScrollBar().setValue(block.firstLineNumber() + part)


FOLLOW_QUIET_S = 0.3  # after the editor followed the preview, its own settling is not news
USER_INPUT = (QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)


class ScrollSync(QObject):
    """Keeps one editor and the preview at the same place while `enabled`."""

    def __init__(self, preview: PreviewView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.editor: QPlainTextEdit | None = None
        self.enabled = True
        self._following_preview = False
        self._quiet_until = 0.0
        preview.userScrolled.connect(self._preview_scrolled)
        preview.lineClicked.connect(self._preview_clicked)

    def attach(self, editor: QPlainTextEdit | None) -> None:
        """Follow `editor` (the current tab's) from now on."""
        if editor is self.editor:
            return
        if self._alive():
            try:
                self.editor.verticalScrollBar().valueChanged.disconnect(self._editor_scrolled)
            except (RuntimeError, TypeError):
                pass
            for widget in self._watched(self.editor):
                widget.removeEventFilter(self)
        self.editor = editor
        if editor is not None:
            editor.verticalScrollBar().valueChanged.connect(self._editor_scrolled)
            for widget in self._watched(editor):
                widget.installEventFilter(self)

    @staticmethod
    def _watched(editor: QPlainTextEdit) -> tuple:
        return editor, editor.viewport(), editor.verticalScrollBar()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in USER_INPUT:
            self._quiet_until = 0.0  # the writer is at the editor: its scrolling is theirs
        return False

    def _alive(self) -> bool:
        return self.editor is not None and shiboken6.isValid(self.editor)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self.preview.follow_user_scroll = on
        if on:
            self.editor_scrolled()

    def editor_scrolled(self) -> None:
        """Bring the preview to the editor's top line (when enabled)."""
        if self.enabled and self._alive() and not self._following_preview \
                and time.monotonic() >= self._quiet_until:
            self.preview.sync_to_line(top_line(self.editor))

    def _editor_scrolled(self, _value: int) -> None:
        self.editor_scrolled()

    def _preview_scrolled(self, line: float) -> None:
        if not self.enabled or not self._alive():
            return
        self._following_preview = True
        try:
            scroll_to_line(self.editor, line)
        finally:
            self._following_preview = False
            self._quiet_until = time.monotonic() + FOLLOW_QUIET_S

    def _preview_clicked(self, line: int) -> None:
        """A click on the page: the editor's cursor goes to the start of that line, and
        the editor shows it where it is (the preview does not move under the click)."""
        editor = self.editor
        if not self._alive():
            return
        block = editor.document().findBlockByNumber(max(0, min(line,
                                                               editor.blockCount() - 1)))
        self._following_preview = True
        try:
            editor.setTextCursor(QTextCursor(block))
            editor.ensureCursorVisible()
            editor.setFocus()
        finally:
            self._following_preview = False
            self._quiet_until = time.monotonic() + FOLLOW_QUIET_S
