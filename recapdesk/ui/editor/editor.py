"""The Markdown editor: a calm writing surface with the recap dialect's helpers.

The widget holds no document logic of its own: the spoiler helpers, list continuation
and find/replace are Qt-free functions (`recapdesk.core.editing`, `recapdesk.core.search`)
applied to the text; the editor replaces only the range that changed, inside one edit
block, so every helper is exactly one undo step. Its actions and context menu are made
in `actions`, the look of the page (text column, region tints) in `surface`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from functools import partial

from PySide6.QtCore import QEvent, QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QFrame, QMenu, QPlainTextEdit, QTextEdit, QWidget

from recapdesk.core import editing, frontmatter
from recapdesk.core.paths import IMAGE_SUFFIXES
from recapdesk.core.search import Query, expand_replacement, find_next, iter_spans, replace_all
from recapdesk.ui.editor.actions import ask_label, build_actions, context_menu
from recapdesk.ui.editor.completion import WikilinkCompleter
from recapdesk.ui.editor.highlighter import CODE, FRONT, MarkdownHighlighter
from recapdesk.ui.editor.positions import Positions, utf16_len
from recapdesk.ui.editor.spelling import SpellChecker
from recapdesk.ui.editor.surface import paint_regions, side_margin
from recapdesk.ui.editor.theme import apply_palette, theme_for, writing_font

MAX_SEARCH_HIGHLIGHTS = 2000


def _keep_ends(text: str) -> list[str]:
    """The lines of `text`, each with its "\\n" (the last one without)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


class MarkdownEditor(QPlainTextEdit):
    """The recap editor (one per open episode)."""

    cursorLineChanged = Signal(int)  # 0-based block number of the cursor
    wordAdded = Signal(str)  # "Add to project dictionary" was chosen for this word
    findRequested = Signal(bool)  # Ctrl+F (False) / Ctrl+H (True): a FindBar opens
    imagePasted = Signal(QImage)  # an image (not a file) was pasted or dropped
    imageFilesDropped = Signal(list)  # local image files (str paths) were pasted or dropped
    stillDropped = Signal(str)  # a still (file name) was dragged in from the stills panel

    STILL_MIME = "application/x-recapdesk-still"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markdownEditor")
        self._theme = theme_for(QApplication.palette())
        self._newline = "\n"
        self._last_line = 0
        self._search_selections: list[QTextEdit.ExtraSelection] = []
        self._speller = SpellChecker("en_US")
        self._spell_on = True
        self._project_words: frozenset[str] = frozenset()

        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setCenterOnScroll(True)
        self.setCursorWidth(2)
        self.setPlaceholderText("Start writing your recap…")
        self.document().setDocumentMargin(28)
        self.setFont(writing_font())
        self.setPalette(apply_palette(self.palette(), self._theme))
        self.setAutoFillBackground(True)
        self.viewport().setAutoFillBackground(True)

        self.highlighter = MarkdownHighlighter(self.document(), self._theme, self._speller,
                                               self.font().pointSizeF())
        self._completer = WikilinkCompleter(self)
        self.label_prompt: Callable[[], str | None] = partial(ask_label, self)
        self.actions_by_name: dict[str, QAction] = build_actions(self)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self._apply_font_metrics()

    # ================================================================ document

    def set_document_text(self, text: str) -> None:
        """Load a file's whole text; clears undo history and the modified flag.

        `textChanged` is not emitted for the load. "\\r\\n" line ends are remembered and
        given back by `document_text()`.
        """
        self._newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._completer.hide()
        blocked = self.blockSignals(True)
        try:
            self.setPlainText(text)
        finally:
            self.blockSignals(blocked)
        self.document().clearUndoRedoStacks()
        self.document().setModified(False)
        self._search_selections = []
        self._refresh_extra_selections()
        self._last_line = 0
        self.cursorLineChanged.emit(0)

    def document_text(self) -> str:
        """The whole text as it should be saved (line ends as loaded)."""
        text = self._plain()
        return text.replace("\n", "\r\n") if self._newline == "\r\n" else text

    def _plain(self) -> str:
        """The text with "\\n" line ends and every character as typed (no nbsp folding)."""
        return self.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")

    def goto_line(self, line: int) -> None:
        """Put the cursor at the start of `line` (0-based), centred, and focus the editor."""
        count = self.document().blockCount()
        block = self.document().findBlockByNumber(max(0, min(line, count - 1)))
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def replace_all_text(self, text: str) -> None:
        """Make the document `text` as ONE undo step (unlike `set_document_text`).

        Only the lines that differ are replaced, so undo history, scrolling and the
        cursor (which keeps its place in unchanged text) survive: for replace-all across
        episodes, moving a section and the like. It counts as an edit.
        """
        new = text.replace("\r\n", "\n").replace("\r", "\n")
        old = self._plain()
        if new == old:
            return
        s, e, _ = editing.changed_range(old, new)
        # diff only the lines around the changed range
        s = old.rfind("\n", 0, s) + 1
        tail = len(old) - e
        old_mid, new_mid = old[s:len(old) - tail], new[s:len(new) - tail]
        a, b = _keep_ends(old_mid), _keep_ends(new_mid)
        starts = [s]
        for line in a:
            starts.append(starts[-1] + len(line))
        ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
               if op[0] != "equal"]
        pos = Positions(old)
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        for _tag, i1, i2, j1, j2 in reversed(ops):
            cursor.setPosition(pos.qt(starts[i1]))
            cursor.setPosition(pos.qt(starts[i2]), QTextCursor.MoveMode.KeepAnchor)
            inserted = "".join(b[j1:j2])
            if inserted:
                cursor.insertText(inserted)
            else:
                cursor.removeSelectedText()
        cursor.endEditBlock()

    def insert_markdown(self, text: str) -> None:
        """Insert `text` at the cursor (replacing a selection) as one undo step."""
        if self.isReadOnly():
            return
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def insert_block(self, text: str) -> None:
        """Insert `text` as a paragraph of its own after the cursor's paragraph
        (blank lines around it), as one undo step; the cursor ends after it."""
        if self.isReadOnly():
            return
        cursor = self.textCursor()
        cursor.clearSelection()
        cursor.beginEditBlock()
        block = cursor.block()
        if block.text().strip():  # after the whole paragraph, not inside it
            while block.next().isValid() and block.next().text().strip():
                block = block.next()
            cursor.setPosition(block.position() + block.length() - 1)
            cursor.insertText("\n\n")
        elif block.previous().isValid() and block.previous().text().strip():
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.insertText("\n")
        cursor.insertText(text.strip("\n"))
        following = cursor.block().next()
        if not following.isValid() or following.text().strip():
            cursor.insertText("\n")
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def insert_note_line(self, marker: str) -> None:
        """Start a line with `marker` (a time note's `[12:34] `): on the cursor's line when
        it is empty, else on a new line after it; one undo step, the cursor after it."""
        if self.isReadOnly():
            return
        cursor = self.textCursor()
        cursor.clearSelection()
        cursor.beginEditBlock()
        if cursor.block().text().strip():
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.insertText("\n")
        else:
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.insertText(marker)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ====================================================== paste and drop of images

    def _image_files(self, source: QMimeData) -> list[str]:
        if not source.hasUrls():
            return []
        files = [url.toLocalFile() for url in source.urls() if url.isLocalFile()]
        return [f for f in files if f.lower().endswith(IMAGE_SUFFIXES)]

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        if source.hasFormat(self.STILL_MIME) or source.hasImage() or self._image_files(source):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Images become stills (the window imports them); everything else is text."""
        if self.isReadOnly():
            return
        if source.hasFormat(self.STILL_MIME):
            self.stillDropped.emit(bytes(source.data(self.STILL_MIME).data()).decode("utf-8"))
            return
        files = self._image_files(source)
        if files:
            self.imageFilesDropped.emit(files)
            return
        if source.hasImage() and not source.hasText():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.imagePasted.emit(image)
                return
        if source.hasText():
            self.insert_markdown(source.text())
            return
        super().insertFromMimeData(source)

    # ========================================================= completion, words

    def set_wikilink_targets(self, targets: list[tuple[str, str]]) -> None:
        """Episodes offered after `[[`: (id, title) pairs."""
        self._completer.set_targets(list(targets))

    @property
    def completer(self) -> WikilinkCompleter:
        return self._completer

    def set_project_words(self, words: Iterable[str]) -> None:
        """Extra words the spell checker accepts (cast, characters, places…)."""
        words = frozenset(str(w) for w in words)
        if words == self._project_words:
            return
        self._project_words = words
        self._speller.set_project_words(words)
        self._rehighlight_spelling()

    def add_project_word(self, word: str) -> None:
        """Accept `word` from now on and tell the window (`wordAdded`) so it can store it."""
        self._project_words = self._project_words | {word}
        self._speller.add_word(word)
        self._rehighlight_spelling()
        self.wordAdded.emit(word)

    def set_spellcheck_enabled(self, on: bool) -> None:
        self._spell_on = bool(on)
        self.highlighter.set_spellcheck(self._speller, self._spell_on)

    def set_spell_language(self, language: str) -> None:
        """Use another dictionary (e.g. "en_GB"); off, with a reason, if it is missing."""
        self._speller = SpellChecker(language)
        self._speller.set_project_words(self._project_words)
        self.highlighter.set_spellcheck(self._speller, self._spell_on)

    @property
    def spellcheck_available(self) -> bool:
        """False when no dictionary could be loaded: then spell checking is simply off."""
        return self._speller.available

    @property
    def spellcheck_enabled(self) -> bool:
        return self.highlighter.spell_enabled

    @property
    def spellcheck_status(self) -> str:
        """"" when spell checking works, else a sentence saying why it is off."""
        return self._speller.status

    @property
    def speller(self) -> SpellChecker:
        return self._speller

    def _rehighlight_spelling(self) -> None:
        if self.highlighter.spell_enabled:
            self.highlighter.rehighlight()

    def misspelt_word_at(self, cursor: QTextCursor) -> tuple[int, int, str] | None:
        """(start, end, word) in the cursor's block (Python offsets) if it is misspelt."""
        block = cursor.block()
        text = block.text()
        column = Positions(text).py(cursor.positionInBlock())
        for start, end in self.highlighter.misspellings(block):
            if start <= column <= end:
                return start, end, text[start:end]
        return None

    # ========================================================= spoiler helpers

    def wrap_inline_spoiler(self) -> None:
        """Wrap the selection (each line's text) or the word at the cursor in `||…||`."""
        self._transform(editing.wrap_inline_spoiler)

    def wrap_spoiler_block(self, label: str | None = None) -> None:
        """Put the selected paragraphs (or the cursor's) in a `::: spoiler Label` block."""
        self._transform(lambda t, s, e: editing.wrap_spoiler_block(t, s, e, label))

    def unwrap_spoiler(self) -> None:
        """Remove the inline spoiler, else the spoiler block, at the cursor/selection."""
        self._transform(editing.unwrap_spoiler)

    def insert_spoiler_warning(self, level: str = "major") -> None:
        """Insert `– This recap contains <level> spoilers! –` as its own paragraph."""
        self._transform(lambda t, s, e: editing.insert_spoiler_warning(t, s, e, level))

    def set_spoiler_level(self, level: str) -> None:
        """Set `spoilers: <level>` in the front matter (added if missing); one undo step."""
        self._set_front(editing.set_spoiler_level(self._plain(), level))

    def set_front_values(self, values: dict) -> None:
        """Set front matter keys (added if missing), the rest kept byte for byte; one undo
        step. Raises FrontMatterError when the front matter cannot be read."""
        self._set_front(frontmatter.set_values(self._plain(), values,
                                               after=("target_words", "date", "cover")))

    def _set_front(self, new: str) -> None:
        old = self._plain()
        start, end = self._selection(old)
        s, e, inserted = editing.changed_range(old, new)

        def move(p: int) -> int:
            if p <= s:
                return p
            return p + len(inserted) - (e - s) if p >= e else s + len(inserted)

        if not self.isReadOnly():
            self._apply(old, new, move(start), move(end))

    def spoiler_level(self) -> str | None:
        """The `spoilers:` value of the front matter (None when absent)."""
        return editing.spoiler_level(self._plain())

    def _transform(self, fn: Callable[[str, int, int], editing.Edit]) -> None:
        if self.isReadOnly():
            return
        old = self._plain()
        start, end = self._selection(old)
        new, new_start, new_end = fn(old, start, end)
        self._apply(old, new, new_start, new_end)

    def _selection(self, text: str) -> tuple[int, int]:
        cursor = self.textCursor()
        pos = Positions(text)
        return pos.py(cursor.selectionStart()), pos.py(cursor.selectionEnd())

    def _apply(self, old: str, new: str, start: int, end: int, *, force: bool = False) -> bool:
        """Replace only the changed range (one undo step), then select [start, end) of `new`."""
        changed = new != old
        if changed and (force or not self.isReadOnly()):
            s, e, inserted = editing.changed_range(old, new)
            pos = Positions(old)
            cursor = QTextCursor(self.document())
            cursor.beginEditBlock()
            cursor.setPosition(pos.qt(s))
            cursor.setPosition(pos.qt(e), QTextCursor.MoveMode.KeepAnchor)
            if inserted:
                cursor.insertText(inserted)
            else:
                cursor.removeSelectedText()
            cursor.endEditBlock()
        self._select(new, start, end)
        return changed

    def _select(self, text: str, start: int, end: int) -> None:
        pos = Positions(text)
        cursor = self.textCursor()
        cursor.setPosition(pos.qt(start))
        cursor.setPosition(pos.qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ================================================================= search

    def match_spans(self, query: Query) -> list[tuple[int, int]]:
        """All matches in this document (Python offsets); ValueError for a bad regex."""
        return list(iter_spans(self._plain(), query))

    def find_query(self, query: Query, *, backward: bool = False,
                   from_selection_start: bool = False) -> bool:
        """Select the next (or previous) match, wrapping round; False when there is none.

        Forward searches start after the selection (or at its start with
        `from_selection_start`, for searching as you type). ValueError for a bad regex.
        """
        text = self._plain()
        start, end = self._selection(text)
        origin = start if backward or from_selection_start else end
        found = find_next(text, query, origin, backward=backward)
        if found is None:
            return False
        self._select(text, *found)
        self.centerCursor()
        return True

    def replace_current(self, query: Query, replacement: str) -> bool:
        """Replace the selected match (if the selection is one) and select the next match.

        Returns whether a replacement was made. One undo step.
        """
        text = self._plain()
        start, end = self._selection(text)
        if not query.pattern or self.isReadOnly():
            return False
        m = query.compiled.match(text, start)
        if m is None or m.end() != end or end == start:
            self.find_query(query)
            return False
        inserted = expand_replacement(m, query, replacement)
        new = text[:start] + inserted + text[end:]
        self._apply(text, new, start + len(inserted), start + len(inserted))
        self.find_query(query)
        return True

    def select_range(self, start: int, end: int, *, source: str | None = None) -> None:
        """Select [start, end): Python offsets of `source` (the text as saved, whose line
        ends may be "\r\n"), or of the text as shown; the selection is scrolled into view."""
        text = self._plain()
        if source is not None and "\r" in source:
            start -= source.count("\r", 0, start)
            end -= source.count("\r", 0, end)
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        self._select(text, start, end)
        self.centerCursor()

    def replace_all_matches(self, query: Query, replacement: str) -> int:
        """Replace every match in this document as one undo step; returns how many."""
        if self.isReadOnly():
            return 0
        text = self._plain()
        new, count = replace_all(text, query, replacement)
        if count:
            start, _ = self._selection(text)
            self._apply(text, new, min(start, len(new)), min(start, len(new)))
        return count

    def set_search_highlights(self, spans: Iterable[tuple[int, int]]) -> None:
        """Tint these ranges (Python offsets of the current text) as search matches."""
        pos = Positions(self._plain())
        selections: list[QTextEdit.ExtraSelection] = []
        for i, (s, e) in enumerate(spans):
            if i >= MAX_SEARCH_HIGHLIGHTS:
                break
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(self._theme.search_match)
            cursor = QTextCursor(self.document())
            cursor.setPosition(pos.qt(s))
            cursor.setPosition(pos.qt(e), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self._search_selections = selections
        self._refresh_extra_selections()

    def clear_search_highlights(self) -> None:
        self.set_search_highlights([])

    def _refresh_extra_selections(self) -> None:
        self.setExtraSelections(list(self._search_selections))

    # ============================================================== selection

    def selection_span(self) -> tuple[int, int]:
        """The selection as Python offsets into `document_text()` with "\\n" line ends."""
        return self._selection(self._plain())

    def selected_line_text(self) -> str:
        """The selection when it is within one line (to prefill the find field)."""
        text = self.textCursor().selectedText()
        return "" if "\u2029" in text or "\u2028" in text else text

    # =============================================================== keyboard

    def _action_for(self, event: QKeyEvent) -> QAction | None:
        """The editor action whose shortcut this key press is, if any."""
        if event.modifiers() == Qt.KeyboardModifier.NoModifier:
            return None
        pressed = QKeySequence(event.keyCombination())
        for action in self.actions_by_name.values():
            if action.isEnabled() and action.shortcut() == pressed:
                return action
        return None

    def event(self, event: QEvent) -> bool:
        # While the editor has focus its own shortcuts win, even when the window has
        # actions with the same keys (which would otherwise make both ambiguous).
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and self._action_for(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._action_for(event)
        if action is not None:
            action.trigger()
            return
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if self._completer.is_open() and (enter or key in (
                Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)):
            event.ignore()  # the completer's popup takes these
            return
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if enter and not self.isReadOnly() and not mods & (Qt.KeyboardModifier.ControlModifier
                                 | Qt.KeyboardModifier.AltModifier
                                 | Qt.KeyboardModifier.MetaModifier):
            if mods & Qt.KeyboardModifier.ShiftModifier or not self._continue_list():
                self.insert_markdown("\n")  # a real line, never U+2028
            return
        super().keyPressEvent(event)
        if event.text() or key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._update_completion()
        else:
            self._completer.hide()

    def _in_code_or_front(self, cursor: QTextCursor) -> bool:
        block = cursor.block()
        previous = block.previous()
        state = previous.userState() if previous.isValid() else -1
        return state >= 0 and bool(state & (CODE | FRONT))

    def _continue_list(self) -> bool:
        cursor = self.textCursor()
        if cursor.hasSelection() or self._in_code_or_front(cursor):
            return False
        block = cursor.block()
        text = block.text()
        pos = Positions(text)
        result = editing.list_continuation(text, pos.py(cursor.positionInBlock()))
        if result is None:
            return False
        replacement, column = result
        s, e, inserted = editing.changed_range(text, replacement)
        base = block.position()
        edit = QTextCursor(self.document())
        edit.beginEditBlock()
        edit.setPosition(base + pos.qt(s))
        edit.setPosition(base + pos.qt(e), QTextCursor.MoveMode.KeepAnchor)
        if inserted:
            edit.insertText(inserted)
        else:
            edit.removeSelectedText()
        edit.endEditBlock()
        edit.setPosition(base + utf16_len(replacement[:column]))
        self.setTextCursor(edit)
        self.ensureCursorVisible()
        return True

    def _update_completion(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            self._completer.hide()
            return
        text = cursor.block().text()
        before = text[: Positions(text).py(cursor.positionInBlock())]
        self._completer.update(before, allowed=not self._in_code_or_front(cursor))

    # ============================================================ context menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The context menu at viewport point `pos`: spelling fixes first, then editing."""
        return context_menu(self, pos)

    # ========================================================== look and feel

    def _cursor_moved(self) -> None:
        line = self.textCursor().blockNumber()
        if line != self._last_line:
            self._last_line = line
            self.cursorLineChanged.emit(line)

    def _apply_font_metrics(self) -> None:
        fm = QFontMetricsF(self.font())
        self.setTabStopDistance(fm.horizontalAdvance(" ") * 4)
        self._update_margins()

    def _update_margins(self) -> None:
        side = side_margin(self)
        if self.viewportMargins().left() == side:
            return
        self.setViewportMargins(side, 0, side, 0)
        # The viewport shrank without a resize of the widget: have the text re-wrapped.
        super().resizeEvent(QResizeEvent(self.viewport().size(), QSize(-1, -1)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_margins()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "highlighter"):
            self._apply_font_metrics()
            self.highlighter.set_theme(self._theme, self.font().pointSizeF())

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_regions(self, event, self._theme)
        super().paintEvent(event)
