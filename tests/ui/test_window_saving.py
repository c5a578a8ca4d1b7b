"""Typing, autosave and Ctrl+S in the window; read-only episodes; conflicts with disk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import episode_path, tab_text, type_paragraph


def test_typing_marks_the_tab_dirty_and_autosave_puts_it_on_disk(qtbot, open_window) -> None:
    window = open_window("s01e02")
    tab = window.current_tab()
    path = tab.path
    assert "•" not in tab_text(window, path)
    words = "Jun-ho waits by the ferry ramp until the lights go out"
    with qtbot.waitSignal(window.session.saved, timeout=10_000) as saved:
        type_paragraph(qtbot, tab.editor, words)
        assert "•" in tab_text(window, path)
        assert window.status.save_state.text() == "Unsaved changes"
        assert window.session.buffer(path).dirty
    assert saved.args == [str(path), True]  # by autosave, nobody saved by hand
    on_disk = path.read_text("utf-8")
    assert on_disk.endswith(f"\n\n{words}")
    assert on_disk == tab.editor.document_text()
    assert "•" not in tab_text(window, path)
    assert window.status.save_state.text().startswith("Autosaved")
    # the save state ages with the clock: "Autosaved 3 s ago"
    qtbot.waitUntil(lambda: re.fullmatch(r"Autosaved \d+ s ago",
                                         window.status.save_state.text()) is not None,
                    timeout=10_000)


def test_save_action_saves_immediately(qtbot, open_window) -> None:
    window = open_window("s01e03")
    window.session._timer.setInterval(600_000)  # no autosave during this test
    window.session._max_timer.setInterval(600_000)
    tab = window.current_tab()
    type_paragraph(qtbot, tab.editor, "Saved by hand at once")
    assert "Saved by hand at once" not in tab.path.read_text("utf-8")
    assert "•" in tab_text(window, tab.path)
    window.actions.save.trigger()
    assert tab.path.read_text("utf-8") == tab.editor.document_text()
    assert "•" not in tab_text(window, tab.path)
    assert window.status.save_state.text().startswith("Saved")
    # the real key press in the editor does the same
    qtbot.keyClicks(tab.editor, " and again")
    assert "•" in tab_text(window, tab.path)
    qtbot.keyClick(tab.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.path.read_text("utf-8").endswith("at once and again"))
    assert "•" not in tab_text(window, tab.path)


def test_read_only_episode_shows_the_banner_and_is_never_written(qtbot, open_window,
                                                                 sample_project: Path) -> None:
    path = episode_path(sample_project, "s01e05")
    raw = (b"---\ntitle: \"Caf\xe9 Night\"\nseason: 1\nepisode: 5\n---\n\n"
           b"Caf\xe9 au lait on the pier.\n")
    path.write_bytes(raw)
    window = open_window("s01e01")
    window.open_episode(path)
    tab = window.current_tab()
    assert tab.path == path
    assert tab.banner.isVisible() and "not UTF-8" in tab.banner.text()
    assert tab.editor.isReadOnly()
    assert window.status.save_state.text() == "Read-only"
    shown = tab.editor.document_text()
    type_paragraph(qtbot, tab.editor, "typed into a read-only file")
    assert tab.editor.document_text() == shown
    assert "•" not in tab_text(window, path)
    window.actions.save.trigger()
    window.session.flush()
    assert path.read_bytes() == raw
    # other tabs are unaffected: a UTF-8 episode has no banner
    window.outline.episodeActivated.emit(str(episode_path(sample_project, "s01e01")))
    assert not window.current_tab().banner.isVisible()
    window.close()
    assert path.read_bytes() == raw


@pytest.mark.parametrize(("answer", "via"), [("theirs", "save"), ("mine", "save"),
                                             ("theirs", "autosave"), ("mine", "autosave")])
def test_conflict_with_the_file_on_disk(qtbot, open_window, answer: str, via: str) -> None:
    window = open_window("s01e01")
    if via == "save":
        window.session._timer.setInterval(600_000)
        window.session._max_timer.setInterval(600_000)
    window.dialogs.conflict_answer = answer
    tab = window.current_tab()
    path = tab.path
    original = path.read_text("utf-8")
    theirs = original.replace("The whole island has noticed the three days.",
                              "Changed in another editor.")
    path.write_text(theirs, "utf-8")
    type_paragraph(qtbot, tab.editor, "Mine typed in RecapDesk")
    mine = tab.editor.document_text()
    if via == "save":
        window.actions.save.trigger()
    else:
        qtbot.waitUntil(lambda: bool(window.dialogs.named("resolve_conflict")), timeout=10_000)
    assert window.dialogs.named("resolve_conflict")[0] == ("resolve_conflict", "s01e01.md")
    if answer == "theirs":
        assert path.read_text("utf-8") == theirs
        assert tab.editor.document_text() == theirs
        assert not window.session.buffer(path).dirty
        assert "•" not in tab_text(window, path)
        # undo brings the writer's text back
        window.actions.undo.trigger()
        assert tab.editor.document_text() == mine
    else:
        assert path.read_text("utf-8") == mine
        assert tab.editor.document_text() == mine
        assert not window.session.buffer(path).dirty
    assert len(window.dialogs.named("resolve_conflict")) == 1
