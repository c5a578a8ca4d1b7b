"""The window's spoiler helpers (one undo step each) and find/replace in all episodes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from recapdesk.core import editing, search
from recapdesk.core.search import Query
from tests.ui.conftest import assert_one_window_undo_step as assert_one_undo_step
from tests.ui.conftest import cursor_at, editor_of, episode_path, select_text, tab_paths


def test_inline_spoiler_on_a_selection_is_one_undo_step(qtbot, open_window) -> None:
    window = open_window("s01e01")
    editor = editor_of(window)
    before = editor.document_text()
    sentence = "The whole island has noticed the three days."
    select_text(editor, sentence)
    window.actions.inline_spoiler.trigger()
    after = before.replace(sentence, f"||{sentence}||", 1)
    assert_one_undo_step(window, editor, before, after)

    # a partial selection over two lines: each line's selected text is hidden
    window.actions.undo.trigger()
    first = "She reaches the ramp just as it starts to lift."
    second = "The drama opens on a sound before a picture"
    lines = before.split("\n")
    i1 = next(i for i, ln in enumerate(lines) if ln.startswith(second))
    i2 = next(i for i, ln in enumerate(lines) if ln.startswith(first))
    assert i1 < i2
    start = before.index(second) + len("The drama opens on ")
    end = before.index(first) + len("She reaches the ramp")
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    expected = editing.wrap_inline_spoiler(before, start, end)[0]
    # the toolbar button, clicked
    qtbot.mouseClick(window.actions.toolbar.widgetForAction(window.actions.inline_spoiler),
                     Qt.MouseButton.LeftButton)
    assert "The drama opens on ||a sound before a picture" in editor.document_text()
    assert "||She reaches the ramp|| just as" in editor.document_text()
    assert_one_undo_step(window, editor, before, expected)

    # the keyboard shortcut in the editor, on a word under the cursor
    window.actions.undo.trigger()
    cursor_at(editor, "Seongsan Port", 3)
    qtbot.keyClick(editor, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "||Seongsan|| Port" in editor.document_text()
    assert_one_undo_step(window, editor, before, editor.document_text())


def test_spoiler_block_with_label_and_unwrap(qtbot, open_window) -> None:
    window = open_window("s01e01")
    editor = editor_of(window)
    editor.label_prompt = lambda: "The twist"
    before = editor.document_text()
    # a selection from the middle of one paragraph to the middle of the next
    para_a = "The drama opens on a sound before a picture"
    para_b = "She reaches the ramp just as it starts to lift."
    start = before.index(para_a) + 10
    end = before.index(para_b) + 12
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    window.actions.spoiler_block.trigger()
    wrapped = editor.document_text()
    assert wrapped == editing.wrap_spoiler_block(before, start, end, "The twist")[0]
    assert f"::: spoiler The twist\n\n{para_a}" in wrapped
    block_end = wrapped.index(":::", wrapped.index("::: spoiler The twist") + 5)
    assert wrapped.index(para_b) < block_end
    assert_one_undo_step(window, editor, before, wrapped)

    # unwrap with the cursor inside the block: back to the original text
    cursor_at(editor, para_b, 5)
    window.actions.unwrap.trigger()
    assert editor.document_text() == before
    window.actions.undo.trigger()
    assert editor.document_text() == wrapped
    window.actions.undo.trigger()
    assert editor.document_text() == before
    assert not editor.document().isUndoAvailable()

    # the label prompt cancelled: nothing happens
    editor.label_prompt = lambda: None
    cursor_at(editor, para_a)
    window.actions.spoiler_block.trigger()
    assert editor.document_text() == before

    # an inline spoiler is unwrapped too
    window.actions.redo.trigger()
    window.actions.redo.trigger()
    assert editor.document_text() == before
    inline = "The whole island has noticed the three days."
    select_text(editor, inline)
    window.actions.inline_spoiler.trigger()
    hidden = editor.document_text()
    cursor_at(editor, inline, 4)
    window.actions.unwrap.trigger()
    assert editor.document_text() == before
    window.actions.undo.trigger()
    assert editor.document_text() == hidden


def test_spoiler_warning_line_and_levels(qtbot, open_window) -> None:
    window = open_window("s01e03")  # spoilers: major
    editor = editor_of(window)
    assert window.actions.levels["major"].isChecked()
    before = editor.document_text()
    cursor_at(editor, "## Ferries Suspended")
    window.actions.warning.trigger()
    after = editor.document_text()
    warning = "– This recap contains major spoilers! –"
    assert f"{warning}\n\n## Ferries Suspended" in after
    assert after.count(warning) == before.count(warning) + 1
    assert_one_undo_step(window, editor, before, after)
    window.actions.undo.trigger()

    window.actions.levels["minor"].trigger()
    after = editor.document_text()
    assert after == before.replace("spoilers: major\n", "spoilers: minor\n", 1)
    assert window.actions.levels["minor"].isChecked()
    assert not window.actions.levels["major"].isChecked()
    assert not window.actions.levels["none"].isChecked()
    assert_one_undo_step(window, editor, before, after)
    window.actions.undo.trigger()
    qtbot.waitUntil(lambda: window.actions.levels["major"].isChecked())

    window.actions.levels["none"].trigger()
    assert "spoilers: none\n" in editor.document_text()
    levels = window.actions.levels
    assert levels["none"].isChecked() and not levels["major"].isChecked()
    # the level reaches the file by autosave
    path = window.current_tab().path
    qtbot.waitUntil(lambda: "spoilers: none\n" in path.read_text("utf-8"), timeout=10_000)


def test_read_only_editor_ignores_the_spoiler_helpers(qtbot, open_window,
                                                      sample_project: Path) -> None:
    path = episode_path(sample_project, "s01e05")
    raw = b"---\ntitle: \"Caf\xe9 Night\"\nseason: 1\nepisode: 5\n---\n\nCaf\xe9 au lait.\n"
    path.write_bytes(raw)
    window = open_window("s01e01")
    window.open_episode(path)
    editor = editor_of(window)
    text = editor.document_text()
    editor.selectAll()
    for action in (window.actions.inline_spoiler, window.actions.unwrap, window.actions.warning,
                   window.actions.levels["major"]):
        action.trigger()
    editor.label_prompt = lambda: "x"
    window.actions.spoiler_block.trigger()
    assert editor.document_text() == text
    window.save_current()
    window.session.flush()
    assert path.read_bytes() == raw


def test_find_and_replace_in_all_episodes(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e01")
    window.actions.replace.trigger()
    bar = window.current_tab().find_bar
    assert bar.isVisible() and bar.replace_visible()
    paths = sorted((sample_project / "episodes").glob("*.md"))
    originals = {p: p.read_text("utf-8") for p in paths}
    query = Query("disney+ hotstar")
    expected = {p: search.replace_all(t, query, "Netflix") for p, t in originals.items()}
    total = sum(n for _, n in expected.values())
    assert total >= 4
    qtbot.keyClicks(bar.find_edit, "disney+ hotstar")
    qtbot.keyClicks(bar.replace_edit, "Netflix")
    bar.all_toggle.setChecked(True)
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == f"Replaced {total} occurrence(s)"
    assert sorted(tab_paths(window)) == paths  # every episode with a match is open
    for path, (text, _) in expected.items():
        editor = window.tab_for(path).editor
        assert editor.document_text() == text
        assert "Disney+ Hotstar" not in text
    # each episode's replacement is one undo step
    e2_editor = window.tab_for(paths[1]).editor
    e2_editor.undo()
    assert e2_editor.document_text() == originals[paths[1]]
    e2_editor.redo()
    # …and autosave writes them all
    qtbot.waitUntil(lambda: all(p.read_text("utf-8") == expected[p][0] for p in paths),
                    timeout=10_000)

    # find in all episodes: a count and a jump to the first match
    bar = window.current_tab().find_bar
    bar.find_edit.setText("Tape Number One")
    bar.all_toggle.setChecked(True)
    bar.find_next()
    assert window.statusBar().currentMessage() == "1 match(es) in 1 episode(s)"
    e4 = episode_path(sample_project, "s01e04")
    assert window.current_tab().path == e4
    assert editor_of(window).textCursor().block().text() == "## Tape Number One"
