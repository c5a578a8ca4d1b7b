"""Find and replace bar for a `MarkdownEditor`, with an "in all episodes" mode.

`FindBar(editor)` floats over the editor's top-right corner (like a code editor's find
widget) and opens on the editor's Ctrl+F / Ctrl+H. Put it in a layout instead and it
stays there. With "All episodes" on, searching emits `searchAllRequested(Query)` and
Replace All emits `replaceAllRequested(Query, replacement)`: the window runs those over
every episode (`recapdesk.core.search.find_all` / `replace_all`).
"""

from __future__ import annotations

import qtawesome
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from recapdesk.core.search import Query
from recapdesk.ui.editor.editor import MarkdownEditor

OVERLAY_WIDTH = 540


class FindBar(QFrame):
    """Find field, replace field, regex / whole word / match case / all episodes toggles."""

    searchAllRequested = Signal(object)  # Query
    replaceAllRequested = Signal(object, str)  # Query, replacement

    def __init__(self, editor: MarkdownEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else editor)
        self.setObjectName("findBar")
        self._editor: MarkdownEditor | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.find_edit = QLineEdit(self)
        self.find_edit.setObjectName("findField")
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setObjectName("replaceField")
        self.replace_edit.setPlaceholderText("Replace with")

        self.case_toggle = self._toggle("mdi6.format-letter-case", "Match case")
        self.word_toggle = self._toggle("mdi6.format-letter-matches", "Whole words only")
        self.regex_toggle = self._toggle("mdi6.regex", "Regular expression (Python syntax)")
        self.all_toggle = self._toggle("mdi6.file-multiple-outline",
                                       "Search and replace in all episodes")
        self.prev_button = self._button("mdi6.arrow-up", "Previous match (Shift+Enter)")
        self.next_button = self._button("mdi6.arrow-down", "Next match (Enter)")
        self.close_button = self._button("mdi6.close", "Close (Esc)")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("findCount")
        self.count_label.setMinimumWidth(74)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.replace_button = QPushButton("Replace", self)
        self.replace_all_button = QPushButton("Replace All", self)
        self.message = QLabel(self)
        self.message.setObjectName("findMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 8, 8)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        toggles = QHBoxLayout()
        toggles.setSpacing(2)
        for w in (self.case_toggle, self.word_toggle, self.regex_toggle, self.count_label,
                  self.prev_button, self.next_button, self.all_toggle, self.close_button):
            toggles.addWidget(w)
        grid.addWidget(self.find_edit, 0, 0)
        grid.addLayout(toggles, 0, 1)
        replace_row = QHBoxLayout()
        replace_row.setSpacing(6)
        replace_row.addWidget(self.replace_button)
        replace_row.addWidget(self.replace_all_button)
        replace_row.addStretch(1)
        grid.addWidget(self.replace_edit, 1, 0)
        grid.addLayout(replace_row, 1, 1)
        grid.addWidget(self.message, 2, 0, 1, 2)
        self._grid = grid
        self._replace_row = [self.replace_edit, self.replace_button, self.replace_all_button]

        self.find_edit.textChanged.connect(self._search_as_you_type)
        self.find_edit.installEventFilter(self)
        self.replace_edit.returnPressed.connect(self.replace)
        for toggle in (self.case_toggle, self.word_toggle, self.regex_toggle):
            toggle.toggled.connect(self._search_as_you_type)
        self.all_toggle.toggled.connect(self._all_toggled)
        self.prev_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.close_button.clicked.connect(self.close_bar)
        self.replace_button.clicked.connect(self.replace)
        self.replace_all_button.clicked.connect(self.replace_all)

        self._style()
        self.set_editor(editor)
        self.hide()

    # ------------------------------------------------------------------ setup

    def _toggle(self, icon: str, tip: str) -> QToolButton:
        button = self._button(icon, tip)
        button.setCheckable(True)
        return button

    def _button(self, icon: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(qtawesome.icon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def _style(self) -> None:
        """Floating over the editor: a card with a shadow; in a layout: a flat strip."""
        overlay = self._is_overlay()
        frame = ("#findBar { border: 1px solid palette(mid); border-radius: 8px;"
                 " background: palette(window); }" if overlay else
                 "#findBar { border: none; border-top: 1px solid palette(midlight);"
                 " background: palette(window); }")
        self.setStyleSheet(
            frame
            + "#findMessage { color: #c0392b; }"
            "#findCount { color: palette(placeholder-text); padding: 0 4px; }"
            "QLineEdit[error=\"true\"] { border: 1px solid #c0392b; border-radius: 3px; }"
        )
        # a floating card gives its fields the room; a full-width strip keeps them readable
        self._grid.setColumnStretch(0, 1 if overlay else 0)
        self._grid.setColumnStretch(2, 0 if overlay else 1)
        for field in (self.find_edit, self.replace_edit):
            field.setMinimumWidth(0 if overlay else 360)
            field.setMaximumWidth(16777215 if overlay else 520)
        if overlay:
            shadow = QGraphicsDropShadowEffect(self)
            shadow.setBlurRadius(18)
            shadow.setOffset(0, 3)
            shadow.setColor(QColor(0, 0, 0, 60))
            self.setGraphicsEffect(shadow)
        else:
            self.setGraphicsEffect(None)
            self.setMinimumWidth(0)
            self.setMaximumWidth(16777215)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ParentChange:
            self._style()

    def editor(self) -> MarkdownEditor | None:
        return self._editor

    def set_editor(self, editor: MarkdownEditor) -> None:
        """Work on another editor (e.g. when the window's current tab changes)."""
        if self._editor is editor:
            return
        if self._editor is not None:
            self._editor.findRequested.disconnect(self.open_bar)
            self._editor.removeEventFilter(self)
            self._editor.clear_search_highlights()
        self._editor = editor
        editor.findRequested.connect(self.open_bar)
        editor.installEventFilter(self)
        if self.isVisible():
            self._search_as_you_type()

    def _is_overlay(self) -> bool:
        return isinstance(self.parentWidget(), MarkdownEditor)

    def _place(self) -> None:
        editor = self.parentWidget()
        if not isinstance(editor, MarkdownEditor):
            return
        scrollbar = editor.verticalScrollBar()
        right = editor.width() - (scrollbar.width() if scrollbar.isVisible() else 0) - 14
        width = min(OVERLAY_WIDTH, editor.width() - 28)
        self.setFixedWidth(max(width, 200))  # (undone by _style() when put in a layout)
        self.adjustSize()
        self.move(max(8, right - self.width()), 10)

    # --------------------------------------------------------------- open, close

    def open_bar(self, replace: bool = False) -> None:
        """Show the bar (with the replace row when `replace`), prefilled from the selection."""
        for w in self._replace_row:
            w.setVisible(replace)
        if self._editor is not None:
            selected = self._editor.selected_line_text()
            if selected:
                blocked = self.find_edit.blockSignals(True)
                self.find_edit.setText(selected)
                self.find_edit.blockSignals(blocked)
        self.show()
        self.raise_()
        self._place()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()
        self._refresh(move=False)

    show_bar = open_bar  # the name the window uses

    def close_bar(self) -> None:
        self.hide()
        if self._editor is not None:
            self._editor.clear_search_highlights()
            self._editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def replace_visible(self) -> bool:
        return self.replace_edit.isVisibleTo(self)

    # ------------------------------------------------------------------ search

    def query(self) -> Query:
        """The query the fields and toggles describe."""
        return Query(self.find_edit.text(), regex=self.regex_toggle.isChecked(),
                     whole_word=self.word_toggle.isChecked(),
                     case_sensitive=self.case_toggle.isChecked())

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, backward: bool) -> bool:
        query = self.query()
        if not self._valid(query):
            return False
        if self.all_toggle.isChecked():
            self.searchAllRequested.emit(query)
        if self._editor is None:
            return False
        found = self._editor.find_query(query, backward=backward)
        self._refresh(move=False)
        return found

    def replace(self) -> bool:
        """Replace the current match in this episode and go to the next one."""
        query = self.query()
        if not self._valid(query) or self._editor is None:
            return False
        try:
            done = self._editor.replace_current(query, self.replace_edit.text())
        except ValueError as exc:
            self._show_error(str(exc))
            return False
        self._refresh(move=False)
        return done

    def replace_all(self) -> int:
        """Replace every match (one undo step), or ask the window to, in all episodes."""
        query = self.query()
        if not self._valid(query):
            return 0
        if self.all_toggle.isChecked():
            self.replaceAllRequested.emit(query, self.replace_edit.text())
            return 0
        if self._editor is None:
            return 0
        try:
            count = self._editor.replace_all_matches(query, self.replace_edit.text())
        except ValueError as exc:
            self._show_error(str(exc))
            return 0
        self._refresh(move=False)
        self.count_label.setText(f"{count} replaced" if count else "No matches")
        return count

    def _all_toggled(self, on: bool) -> None:
        query = self.query()
        if on and query.pattern and self._valid(query):
            self.searchAllRequested.emit(query)

    def _search_as_you_type(self) -> None:
        self._refresh(move=True)

    def _valid(self, query: Query) -> bool:
        if not query.pattern:
            return False
        error = query.error()
        if error:
            self._show_error(error)
            return False
        return True

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.find_edit.setProperty("error", True)
        self._restyle()
        self.count_label.setText("")
        if self._editor is not None:
            self._editor.clear_search_highlights()
        if self._is_overlay():
            self.adjustSize()

    def _clear_error(self) -> None:
        if self.message.isVisible() or self.find_edit.property("error"):
            self.message.hide()
            self.message.setText("")
            self.find_edit.setProperty("error", False)
            self._restyle()
            if self._is_overlay():
                self.adjustSize()

    def _restyle(self) -> None:
        self.find_edit.style().unpolish(self.find_edit)
        self.find_edit.style().polish(self.find_edit)

    def _refresh(self, move: bool) -> None:
        """Re-run the query: highlight every match, show "3 of 12", report a bad regex."""
        editor = self._editor
        query = self.query()
        if editor is None or not query.pattern:
            self._clear_error()
            self.count_label.setText("")
            if editor is not None:
                editor.clear_search_highlights()
            return
        if not self._valid(query):
            return
        self._clear_error()
        if move:
            editor.find_query(query, from_selection_start=True)
        spans = editor.match_spans(query)
        editor.set_search_highlights(spans)
        if not spans:
            self.count_label.setText("No matches")
            return
        current = editor.selection_span()
        index = next((i for i, span in enumerate(spans) if span == current), None)
        self.count_label.setText(f"{index + 1} of {len(spans)}" if index is not None
                                 else f"{len(spans)} found")

    # ------------------------------------------------------------------ events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.find_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        elif watched is self._editor and event.type() == QEvent.Type.Resize \
                and self.parentWidget() is self._editor and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        # Keys the fields leave alone (Enter…) must not fall through to the editor below.
        event.accept()
