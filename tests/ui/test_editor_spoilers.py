"""The editor's spoiler helpers: inline, block, warning, unwrap, level; their shortcuts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from recapdesk.core.search import Query
from recapdesk.ui.editor import MarkdownEditor
from tests.ui.conftest import DOC, assert_one_undo_step, at, select
from tests.ui.conftest import SAMPLE_EPISODE as SAMPLE

CASES = {
    "collapsed": (at(DOC, "boat", 1), None),
    "partial": (at(DOC, "the boat"), at(DOC, " out")),
    "two_paragraphs": (at(DOC, "boat"), at(DOC, "fog", 3)),
    "list_item": (at(DOC, "sell", 2), None),
}


INLINE = {
    "collapsed": DOC.replace("the boat", "the ||boat||"),
    "partial": DOC.replace("the boat", "||the boat||"),
    "two_paragraphs": DOC.replace("the boat out.", "the ||boat out.||").replace(
        "The fog", "||The fog||"),
    "list_item": DOC.replace("she sell?", "she ||sell||?"),
}


P1, P2 = "Jun-ho takes the boat out.", "The fog comes down fast.\nHe hears a horn."


BLOCK = {
    "collapsed": DOC.replace(P1, f"::: spoiler Secret\n\n{P1}\n\n:::"),
    "partial": DOC.replace(P1, f"::: spoiler Secret\n\n{P1}\n\n:::"),
    "two_paragraphs": DOC.replace(f"{P1}\n\n{P2}", f"::: spoiler Secret\n\n{P1}\n\n{P2}\n\n:::"),
    "list_item": DOC.replace("- Will she sell?\n",
                             "::: spoiler Secret\n\n- Will she sell?\n\n:::\n\n"),
}


WARNING = "– This recap contains major spoilers! –"


WARN = {
    "collapsed": f"{WARNING}\n\n{DOC}",
    "partial": f"{WARNING}\n\n{DOC}",
    "two_paragraphs": f"{WARNING}\n\n{DOC}",
    "list_item": DOC.replace("- Will she sell?\n", f"{WARNING}\n\n- Will she sell?\n"),
}


@pytest.mark.parametrize("case", CASES)
def test_inline_spoiler(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.wrap_inline_spoiler()
    assert_one_undo_step(editor, DOC, INLINE[case])


@pytest.mark.parametrize("case", CASES)
def test_spoiler_block(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.wrap_spoiler_block("Secret")
    assert_one_undo_step(editor, DOC, BLOCK[case])


@pytest.mark.parametrize("case", CASES)
def test_spoiler_warning(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.insert_spoiler_warning("major")
    assert_one_undo_step(editor, DOC, WARN[case])


@pytest.mark.parametrize("case", CASES)
def test_unwrap_inline(editor: MarkdownEditor, case: str) -> None:
    wrapped = INLINE[case]
    editor.set_document_text(wrapped)
    start, end = CASES[case]
    editor.setTextCursor(QTextCursor(editor.document()))
    # put the cursor/selection on the wrapped text (shifted past the opening markers)
    select(editor, start + 2, (end or start) + 2)
    editor.unwrap_spoiler()
    assert_one_undo_step(editor, wrapped, DOC)


@pytest.mark.parametrize("case", CASES)
def test_unwrap_block(editor: MarkdownEditor, case: str) -> None:
    wrapped = BLOCK[case]
    editor.set_document_text(wrapped)
    inside = at(wrapped, "::: spoiler Secret") + len("::: spoiler Secret\n\n") + 3
    select(editor, inside)
    editor.unwrap_spoiler()
    assert_one_undo_step(editor, wrapped, DOC)


def test_unwrap_block_from_sample_episode(editor: MarkdownEditor) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    editor.set_document_text(text)
    select(editor, at(text, "The episode ends on"))
    editor.unwrap_spoiler()
    expected = text.replace("::: spoiler\n\nThe episode ends on", "The episode ends on").replace(
        "how dare you.\n\n:::\n", "how dare you.\n")
    assert_one_undo_step(editor, text, expected)


def test_unwrap_outside_spoilers_changes_nothing(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, 3)
    editor.unwrap_spoiler()
    assert editor.document_text() == DOC
    assert not editor.document().isUndoAvailable()


def test_block_action_asks_for_a_label(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    asked: list[bool] = []
    editor.label_prompt = lambda: asked.append(True) or None  # cancelled
    editor.actions_by_name["spoiler_block"].trigger()
    assert asked and editor.document_text() == DOC
    editor.label_prompt = lambda: "  "  # accepted, no label
    editor.actions_by_name["spoiler_block"].trigger()
    assert_one_undo_step(editor, DOC, DOC.replace(P1, f"::: spoiler\n\n{P1}\n\n:::"))


def test_shortcuts_drive_the_helpers(editor: MarkdownEditor, qtbot) -> None:
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_S, ctrl_shift)
    assert editor.document_text() == INLINE["collapsed"]
    qtbot.keyClick(editor, Qt.Key.Key_U, ctrl_shift)
    assert editor.document_text() == DOC
    editor.label_prompt = lambda: "Secret"
    qtbot.keyClick(editor, Qt.Key.Key_B, ctrl_shift)
    assert editor.document_text() == BLOCK["collapsed"]
    editor.undo()
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_W, ctrl_shift)
    assert editor.document_text() == WARN["collapsed"]


def test_actions_have_names_icons_and_shortcuts(editor: MarkdownEditor) -> None:
    expected = {"inline_spoiler": "Ctrl+Shift+S", "spoiler_block": "Ctrl+Shift+B",
                "unwrap_spoiler": "Ctrl+Shift+U", "spoiler_warning": "Ctrl+Shift+W",
                "find": "Ctrl+F", "replace": "Ctrl+H"}
    assert set(editor.actions_by_name) == set(expected)
    for name, keys in expected.items():
        action = editor.actions_by_name[name]
        assert action.shortcut().toString() == keys
        assert not action.icon().isNull()
        assert action.text() and action.toolTip()


def test_warning_action_uses_the_episode_level(editor: MarkdownEditor) -> None:
    text = "---\nspoilers: minor\n---\nBody.\n"
    editor.set_document_text(text)
    select(editor, at(text, "Body"))
    editor.actions_by_name["spoiler_warning"].trigger()
    assert editor.document_text() == text.replace(
        "Body.", "– This recap contains minor spoilers! –\n\nBody.")


def test_set_spoiler_level_with_and_without_the_key(editor: MarkdownEditor) -> None:
    with_key = "---\ntitle: \"X\"\nspoilers: major   # none | minor | major\n---\nBody text.\n"
    editor.set_document_text(with_key)
    select(editor, at(with_key, "text"))
    editor.set_spoiler_level("minor")
    assert editor.textCursor().position() == at(with_key, "text")  # the cursor stays put
    assert_one_undo_step(editor, with_key, with_key.replace("major   #", "minor   #"))
    assert editor.spoiler_level() == "minor"

    without = "---\ntitle: X\nepisode: 2\nruntime: 50\ndate: 2024-01-01\n---\nBody.\n"
    editor.set_document_text(without)
    editor.set_spoiler_level("none")
    assert_one_undo_step(editor, without, without.replace("runtime: 50\n",
                                                          "runtime: 50\nspoilers: none\n"))
    with pytest.raises(ValueError):
        editor.set_spoiler_level("extreme")


def test_read_only_editor_refuses_helpers(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text(DOC)
    editor.setReadOnly(True)
    select(editor, *CASES["collapsed"])
    editor.wrap_inline_spoiler()
    editor.wrap_spoiler_block("x")
    editor.insert_spoiler_warning()
    editor.set_spoiler_level("major")
    editor.insert_markdown("x")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.replace_all_matches(Query("boat"), "ship") == 0
    assert editor.document_text() == DOC
    assert not editor.document().isUndoAvailable()


def test_editor_shortcuts_win_over_same_keys_in_the_window(qtbot) -> None:
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    editor = MarkdownEditor()
    window.setCentralWidget(editor)
    calls: list[str] = []
    duplicate = QAction("Inline spoiler (window)", window)
    duplicate.setShortcut(QKeySequence("Ctrl+Shift+S"))
    duplicate.triggered.connect(lambda: calls.append("window"))
    window.addAction(duplicate)
    window.resize(800, 600)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.document_text() == INLINE["collapsed"]  # done once, not ambiguous
    assert calls == []
