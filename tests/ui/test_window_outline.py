"""The window's outline: activating headings and episodes, typed headings showing up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import editor_of, episode_path, heading_texts, tab_text, type_paragraph


def test_heading_activation_moves_the_editor_cursor(qtbot, open_window,
                                                    sample_project: Path) -> None:
    window = open_window("s01e01")
    e1 = episode_path(sample_project, "s01e01")
    editor = editor_of(window)
    lines = e1.read_text("utf-8").split("\n")
    line = lines.index("## Sumbisori Guesthouse")
    assert window.outline.heading_item(str(e1), line).text() == "Sumbisori Guesthouse"
    editor.goto_line(0)
    window.outline.headingActivated.emit(str(e1), line)
    assert editor.textCursor().blockNumber() == line
    assert editor.textCursor().block().text() == "## Sumbisori Guesthouse"
    assert QApplication.focusWidget() is editor

    # a click on a heading item in the tree does the same
    shoebox = lines.index("## The Shoebox")
    item = window.outline.heading_item(str(e1), shoebox)
    tree = window.outline.tree
    tree.scrollTo(item.index())
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(item.index()).center())
    assert editor.textCursor().blockNumber() == shoebox
    assert window.current_tab().path == e1

    # a heading of an episode that is not open yet opens it there
    e3 = episode_path(sample_project, "s01e03")
    fog = e3.read_text("utf-8").split("\n").index("## The Horn in the Fog")
    window.outline.headingActivated.emit(str(e3), fog)
    assert window.current_tab().path == e3
    assert editor_of(window).textCursor().blockNumber() == fog


def test_episode_activation_opens_it_in_a_tab(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e01")
    e2, e4 = episode_path(sample_project, "s01e02"), episode_path(sample_project, "s01e04")
    window.outline.episodeActivated.emit(str(e2))
    assert window.current_tab().path == e2
    assert window.tabs.count() == 2
    assert editor_of(window).document_text() == e2.read_text("utf-8")
    # clicking the episode row in the tree
    item = window.outline.episode_item(str(e4))
    tree = window.outline.tree
    tree.scrollTo(item.index())
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(item.index()).center())
    assert window.current_tab().path == e4
    assert window.tabs.count() == 3
    assert tab_text(window, e4) == "S01E04"
    # activating an open episode switches to its tab, no duplicate
    window.outline.episodeActivated.emit(str(e2))
    assert window.current_tab().path == e2 and window.tabs.count() == 3


def test_typing_a_heading_updates_the_outline(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e02")
    e2 = episode_path(sample_project, "s01e02")
    editor = editor_of(window)
    assert "The Night Ferry Returns" not in heading_texts(window, e2)
    type_paragraph(qtbot, editor, "## The Night Ferry Returns")
    line = editor.textCursor().blockNumber()
    qtbot.waitUntil(lambda: heading_texts(window, e2)[-1] == "The Night Ferry Returns")
    assert window.outline.heading_item(str(e2), line).text() == "The Night Ferry Returns"
    # and the outline follows an edit of that heading
    qtbot.keyClicks(editor, " Again")
    qtbot.waitUntil(lambda: heading_texts(window, e2)[-1] == "The Night Ferry Returns Again")
