"""The editor's find bar: find, regex, whole words, replace, all-episodes requests."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from recapdesk.core.search import Query
from recapdesk.ui.editor import FindBar, MarkdownEditor
from tests.ui.conftest import assert_one_undo_step, select


@pytest.fixture
def bar(editor: MarkdownEditor, qtbot) -> FindBar:
    return FindBar(editor)


def open_bar(editor: MarkdownEditor, bar: FindBar, qtbot, replace: bool = False) -> None:
    editor.actions_by_name["replace" if replace else "find"].trigger()
    qtbot.waitUntil(bar.isVisible)


def test_ctrl_f_opens_the_bar_prefilled(editor: MarkdownEditor, bar: FindBar,
                                        qtbot) -> None:
    editor.set_document_text("The horn in the fog.")
    select(editor, 4, 8)
    qtbot.keyClick(editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(bar.isVisible)
    assert bar.find_edit.text() == "horn"
    assert not bar.replace_visible()
    assert bar.count_label.text() == "1 of 1"
    qtbot.waitUntil(bar.find_edit.hasFocus)
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert editor.extraSelections() == []
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(bar.isVisible)
    assert bar.replace_visible()


def test_find_next_with_regex(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    text = "Episode 1 recap. See episode 22 and episodes 3-4. EPISODE 9!"
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, r"episode \d+")
    assert editor.textCursor().selectedText() == "Episode 1"  # found as you type
    assert bar.count_label.text() == "1 of 3"
    assert len(editor.extraSelections()) == 3
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.textCursor().selectedText() == "episode 22"
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert editor.textCursor().selectedText() == "EPISODE 9"
    assert bar.count_label.text() == "3 of 3"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)  # wraps round
    assert editor.textCursor().selectedText() == "Episode 1"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.textCursor().selectedText() == "EPISODE 9"
    bar.case_toggle.setChecked(True)
    assert bar.count_label.text() == "1 of 1"  # only "episode 22"
    assert editor.textCursor().selectedText() == "episode 22"


def test_find_whole_word(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    editor.set_document_text("cat concat cat, cats")
    open_bar(editor, bar, qtbot)
    qtbot.keyClicks(bar.find_edit, "cat")
    assert bar.count_label.text() == "1 of 4"
    bar.word_toggle.setChecked(True)
    assert bar.count_label.text() == "1 of 2"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.selection_span() == (11, 14)
    bar.find_edit.setText("dog")
    assert bar.count_label.text() == "No matches"


def test_replace_all_is_one_undo_step(editor: MarkdownEditor, bar: FindBar,
                                      qtbot) -> None:
    text = "The horn. A horn! Horns and the HORN."
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot, replace=True)
    bar.word_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, "horn")
    qtbot.keyClicks(bar.replace_edit, "bell")
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert bar.count_label.text() == "3 replaced"
    assert_one_undo_step(editor, text, "The bell. A bell! Horns and the bell.")


def test_replace_one_by_one_with_groups(editor: MarkdownEditor, bar: FindBar,
                                        qtbot) -> None:
    text = "Episode 3 then Episode 4."
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot, replace=True)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, r"Episode (\d)")
    qtbot.keyClicks(bar.replace_edit, r"Ep. \1")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)
    assert editor.document_text() == "Ep. 3 then Episode 4."
    assert editor.textCursor().selectedText() == "Episode 4"
    qtbot.mouseClick(bar.replace_button, Qt.MouseButton.LeftButton)
    assert editor.document_text() == "Ep. 3 then Ep. 4."
    editor.undo()
    assert editor.document_text() == "Ep. 3 then Episode 4."


def test_bad_regex_shows_a_message(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    editor.set_document_text("a (b) c")
    open_bar(editor, bar, qtbot)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, "(b")
    assert bar.message.isVisible()
    assert bar.message.text() == (
        "Bad regular expression: missing ), unterminated subpattern (at character 1)")
    assert bar.find_edit.property("error") is True
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert editor.document_text() == "a (b) c"
    qtbot.keyClicks(bar.find_edit, ")")
    assert not bar.message.isVisible()
    assert bar.count_label.text() == "1 of 1"
    bar.regex_toggle.setChecked(False)
    bar.find_edit.setText("(b")  # literal text: fine
    assert not bar.message.isVisible() and bar.count_label.text() == "1 of 1"


def test_all_episodes_mode_emits_requests(editor: MarkdownEditor, bar: FindBar,
                                          qtbot) -> None:
    editor.set_document_text("horn here")
    open_bar(editor, bar, qtbot, replace=True)
    qtbot.keyClicks(bar.find_edit, "horn")
    bar.word_toggle.setChecked(True)
    with qtbot.waitSignal(bar.searchAllRequested) as search:
        bar.all_toggle.setChecked(True)
    assert search.args == [Query("horn", regex=False, whole_word=True, case_sensitive=False)]
    with qtbot.waitSignal(bar.searchAllRequested) as search:
        qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert search.args[0].pattern == "horn"
    qtbot.keyClicks(bar.replace_edit, "bell")
    with qtbot.waitSignal(bar.replaceAllRequested) as replace:
        qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert replace.args == [Query("horn", whole_word=True), "bell"]
    assert editor.document_text() == "horn here"  # the window does it, for every episode


def test_find_bar_follows_another_editor(editor: MarkdownEditor, bar: FindBar,
                                         qtbot) -> None:
    other = MarkdownEditor()
    qtbot.addWidget(other)
    other.set_document_text("x horn x horn")
    editor.set_document_text("nothing")
    open_bar(editor, bar, qtbot)
    qtbot.keyClicks(bar.find_edit, "horn")
    assert bar.count_label.text() == "No matches"
    bar.set_editor(other)
    assert bar.editor() is other
    bar.find_next()
    assert other.textCursor().selectedText() == "horn"


def test_find_bar_in_a_layout_opens_with_show_bar(qtbot) -> None:
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    editor = MarkdownEditor(holder)
    bar = FindBar(editor)
    bar.setParent(holder)
    layout = QVBoxLayout(holder)
    layout.addWidget(editor, 1)
    layout.addWidget(bar)
    holder.resize(800, 600)
    holder.show()
    qtbot.waitExposed(holder)
    assert bar.graphicsEffect() is None  # a flat strip, not a floating card
    editor.set_document_text("one horn, two horns")
    bar.show_bar(replace=True)
    qtbot.waitUntil(bar.isVisible)
    assert bar.replace_visible()
    assert bar.geometry().top() >= editor.geometry().bottom()  # below the editor
    assert bar.width() == editor.width()
    qtbot.keyClicks(bar.find_edit, "horn")
    assert bar.count_label.text() == "1 of 2"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.selection_span() == (14, 18)
    qtbot.keyClicks(bar.replace_edit, "bell")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # Enter must not reach the editor
    assert editor.document_text() == "one horn, two bells"
