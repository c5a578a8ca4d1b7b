"""The editor's actions (spoiler helpers, find, replace) with their shortcuts, and its
context menu: spelling fixes for the word under the pointer, then editing and spoilers.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import qtawesome
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from recapdesk.ui.editor.positions import Positions

if TYPE_CHECKING:
    from recapdesk.ui.editor.editor import MarkdownEditor

ICON_COLOR = "#4a4a55"  # as the window's icons (recapdesk.ui.icons)
SPOILER_ICON_COLOR = "#a3324a"
SPOILER_ACTIONS = ("inline_spoiler", "spoiler_block", "unwrap_spoiler", "spoiler_warning")


def build_actions(editor: MarkdownEditor) -> dict[str, QAction]:
    """The editor's actions by name, added to `editor` with their shortcuts."""
    specs = [
        ("inline_spoiler", "Inline Spoiler", "Ctrl+Shift+S", "mdi6.eye-off-outline",
         "Hide the selection (or the word at the cursor) in an ||inline spoiler||",
         editor.wrap_inline_spoiler),
        ("spoiler_block", "Spoiler Block…", "Ctrl+Shift+B", "mdi6.archive-eye-outline",
         "Put the selected paragraphs in a ::: spoiler block with a label",
         lambda: _spoiler_block_from_prompt(editor)),
        ("unwrap_spoiler", "Remove Spoiler", "Ctrl+Shift+U", "mdi6.eye-outline",
         "Remove the inline spoiler or the spoiler block around the cursor",
         editor.unwrap_spoiler),
        ("spoiler_warning", "Spoiler Warning Line", "Ctrl+Shift+W", "mdi6.alert-outline",
         "Insert “– This recap contains major spoilers! –”",
         lambda: editor.insert_spoiler_warning(editor.spoiler_level() or "major")),
        ("find", "Find…", "Ctrl+F", "mdi6.magnify", "Find in this episode",
         lambda: editor.findRequested.emit(False)),
        ("replace", "Replace…", "Ctrl+H", "mdi6.find-replace",
         "Find and replace in this episode or in all episodes",
         lambda: editor.findRequested.emit(True)),
    ]
    actions: dict[str, QAction] = {}
    for name, text, keys, icon, tip, slot in specs:
        color = SPOILER_ICON_COLOR if name in (
            "inline_spoiler", "spoiler_block", "spoiler_warning") else ICON_COLOR
        action = QAction(qtawesome.icon(icon, color=color, color_disabled="#b0b0b8"),
                         text, editor)
        action.setObjectName(f"action_{name}")
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.NativeText)})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        editor.addAction(action)
        actions[name] = action
    return actions


def ask_label(parent: QWidget) -> str | None:
    """Ask for a spoiler block's label ("" for none); None when cancelled."""
    text, ok = QInputDialog.getText(parent, "Spoiler Block",
                                    "Label on the closed spoiler (optional):")
    return text if ok else None


def _spoiler_block_from_prompt(editor: MarkdownEditor) -> None:
    label = editor.label_prompt()
    if label is None:
        return
    editor.wrap_spoiler_block(label.strip() or None)


def context_menu(editor: MarkdownEditor, pos: QPoint) -> QMenu:
    """The context menu at viewport point `pos`: spelling fixes first, then editing."""
    menu = editor.createStandardContextMenu(pos)
    cursor = editor.cursorForPosition(pos)
    hit = editor.misspelt_word_at(cursor)
    first = menu.actions()[0] if menu.actions() else None
    if hit is not None:
        start, end, word = hit
        block_number = cursor.blockNumber()
        suggestions = editor.speller.suggest(word)
        for suggestion in suggestions:
            act = QAction(suggestion, menu)
            font = act.font()
            font.setBold(True)
            act.setFont(font)
            act.triggered.connect(partial(_replace_in_block, editor, block_number, start,
                                          end, suggestion))
            menu.insertAction(first, act)
        if not suggestions:
            none = QAction("No suggestions", menu)
            none.setEnabled(False)
            menu.insertAction(first, none)
        add = QAction(qtawesome.icon("mdi6.book-plus-outline"),
                      f"Add “{word}” to Project Dictionary", menu)
        add.setObjectName("addToDictionary")
        add.triggered.connect(partial(editor.add_project_word, word))
        menu.insertAction(first, add)
        menu.insertSeparator(first)
    menu.addSeparator()
    spoilers = menu.addMenu(qtawesome.icon("mdi6.eye-off-outline"), "Spoilers")
    for name in SPOILER_ACTIONS:
        spoilers.addAction(editor.actions_by_name[name])
    return menu


def _replace_in_block(editor: MarkdownEditor, block_number: int, start: int, end: int,
                      text: str) -> None:
    """Replace [start, end) (Python offsets) of one paragraph by `text`: one undo step."""
    block = editor.document().findBlockByNumber(block_number)
    pos = Positions(block.text())
    cursor = QTextCursor(block)
    cursor.beginEditBlock()
    cursor.setPosition(block.position() + pos.qt(start))
    cursor.setPosition(block.position() + pos.qt(end), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text)
    cursor.endEditBlock()
    editor.setTextCursor(cursor)
