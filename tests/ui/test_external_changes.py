"""Other programs and other windows: files changed or deleted on disk, the project lock.

The real window with its real QFileSystemWatcher; files are changed the ways other
programs change them (a rename over the file like git, Vim and sync clients; writing
in place; deleting; deleting and writing again).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor

from recapdesk.core import locking, owners
from recapdesk.core.search import Query
from recapdesk.ui.main_window import MainWindow
from tests.ui.conftest import dead_owner, plant_lock, safety_window, show, tab_text, type_paragraph

SENTENCE = "The whole island has noticed the three days."


@pytest.fixture
def window(qtbot, settings_file: Path, sample_project: Path) -> MainWindow:
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e01")
    show(qtbot, window)
    return window


def write_like_git(path: Path, text: str) -> None:
    """Replace the file by renaming a new one over it (a new inode)."""
    tmp = path.with_name(path.name + ".incoming")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def write_in_place(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


class Recorder:
    def __init__(self, window: MainWindow) -> None:
        self.reloaded: list[str] = []
        self.conflicts: list[str] = []
        window.session.reloaded.connect(self.reloaded.append)
        window.session.conflict.connect(self.conflicts.append)


# --- an unedited tab follows the file -------------------------------------------------------

@pytest.mark.parametrize("how", [write_like_git, write_in_place], ids=["rename", "in-place"])
def test_unedited_tab_reloads_silently_keeping_the_cursor(qtbot, window: MainWindow,
                                                          how) -> None:
    seen = Recorder(window)
    tab = window.current_tab()
    path = tab.path
    text = path.read_text("utf-8")
    cursor = tab.editor.textCursor()
    cursor.setPosition(text.index(SENTENCE))
    tab.editor.setTextCursor(cursor)
    # a line added near the end: the cursor (before it) keeps its place
    theirs = text.replace(":::\n", ":::\n\nA line from another editor.\n", 1)
    assert theirs.index(SENTENCE) == text.index(SENTENCE)
    how(path, theirs)
    qtbot.waitUntil(lambda: tab.editor.document_text() == theirs, timeout=5000)
    assert window.dialogs.calls == []
    assert not window.session.buffer(path).dirty and "•" not in tab_text(window, path)
    assert tab.editor.textCursor().position() == text.index(SENTENCE)
    assert seen.reloaded == [str(path)]
    # it keeps following: the watcher watches the new file too
    again = theirs.replace("A line from another editor.", "Changed again.")
    how(path, again)
    qtbot.waitUntil(lambda: tab.editor.document_text() == again, timeout=5000)
    assert path.read_text("utf-8") == again  # nothing written back
    assert window.dialogs.calls == []


def test_our_own_saves_are_not_mistaken_for_changes(qtbot, window: MainWindow) -> None:
    seen = Recorder(window)
    tab = window.current_tab()
    for words in ("First pause", "Second pause", "Third pause"):
        with qtbot.waitSignal(window.session.saved, timeout=5000):
            type_paragraph(qtbot, tab.editor, words)
        window.watcher.flush()  # the watcher's events for our save are handled now
        qtbot.wait(0)
    window.watcher.flush()
    assert seen.reloaded == [] and seen.conflicts == []
    assert window.dialogs.calls == []
    assert tab.editor.document_text().endswith("Third pause")


# --- an edited tab asks -------------------------------------------------------------------

@pytest.mark.parametrize("answers", [["mine"], ["theirs"], ["compare", "mine"]])
def test_edited_tab_and_changed_file_asks(qtbot, window: MainWindow,
                                          answers: list[str]) -> None:
    window.session._timer.setInterval(600_000)  # no autosave: the watcher finds it
    window.session._max_timer.setInterval(600_000)
    window.dialogs.conflict_answers = list(answers)
    tab = window.current_tab()
    path = tab.path
    type_paragraph(qtbot, tab.editor, "Mine, not saved yet")
    mine = tab.editor.document_text()
    theirs = path.read_text("utf-8").replace(SENTENCE, "Changed by a sync client.")
    write_like_git(path, theirs)
    qtbot.waitUntil(lambda: len(window.dialogs.named("resolve_conflict")) == len(answers),
                    timeout=5000)
    diffs = window.dialogs.named("show_diff")
    assert len(diffs) == answers.count("compare")
    if diffs:
        diff = diffs[0][2]
        assert "+Mine, not saved yet" in diff.splitlines()
        assert any(line.startswith("-") and "sync client" in line for line in diff.splitlines())
    if answers[-1] == "mine":
        assert path.read_text("utf-8") == mine
        assert tab.editor.document_text() == mine
    else:
        assert path.read_text("utf-8") == theirs
        assert tab.editor.document_text() == theirs
        window.actions.undo.trigger()
        assert tab.editor.document_text() == mine
        return
    assert not window.session.buffer(path).dirty
    window.watcher.flush()
    assert len(window.dialogs.named("resolve_conflict")) == len(answers)


def test_same_words_arriving_are_no_conflict(qtbot, window: MainWindow) -> None:
    window.session._timer.setInterval(600_000)
    tab = window.current_tab()
    type_paragraph(qtbot, tab.editor, "Typed here and synced there")
    write_like_git(tab.path, tab.editor.document_text())
    qtbot.waitUntil(lambda: not window.session.buffer(tab.path).dirty, timeout=5000)
    assert window.dialogs.calls == []


# --- deleted on disk ----------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["save_again", "close"])
def test_deleted_file_keeps_the_buffer_and_offers_to_save_it(qtbot, window: MainWindow,
                                                              answer: str) -> None:
    window.dialogs.deleted_answer = answer
    tab = window.current_tab()
    path = tab.path
    text = tab.editor.document_text()
    path.unlink()
    qtbot.waitUntil(lambda: bool(window.dialogs.named("deleted_on_disk")), timeout=5000)
    assert window.dialogs.named("deleted_on_disk") == [("deleted_on_disk", "s01e01.md")]
    if answer == "save_again":
        assert path.read_text("utf-8") == text
        assert not window.session.buffer(path).dirty
        assert not tab.notice.isVisible()
        # and it is watched again
        write_like_git(path, text + "x\n")
        qtbot.waitUntil(lambda: tab.editor.document_text() == text + "x\n", timeout=5000)
    else:
        assert window.tab_for(path) is None and window.session.buffer(path) is None
        assert not path.exists()
        window.session.flush()
        assert not path.exists()


def test_deleted_file_is_never_recreated_by_autosave(qtbot, window: MainWindow) -> None:
    window.dialogs.deleted_answer = "later"  # the writer closes the question
    tab = window.current_tab()
    path = tab.path
    type_paragraph(qtbot, tab.editor, "Typed after the file went away")
    path.unlink()
    qtbot.waitUntil(lambda: bool(window.dialogs.named("deleted_on_disk")), timeout=5000)
    buffer = window.session.buffer(path)
    assert buffer.missing and buffer.dirty and "•" in tab_text(window, path)
    assert tab.notice.isVisibleTo(tab) and "deleted" in tab.notice.text()
    window.session.autosave()
    assert window.session.flush() is False
    assert not path.exists()
    assert len(window.dialogs.named("deleted_on_disk")) == 1  # asked once, not per save
    # File > Save writes it back, with the text typed since
    window.actions.save.trigger()
    assert path.read_text("utf-8") == tab.editor.document_text()
    assert not window.session.buffer(path).dirty


def test_closing_the_tab_of_a_deleted_file_asks(qtbot, window: MainWindow) -> None:
    window.dialogs.deleted_answer = "later"
    tab = window.current_tab()
    path = tab.path
    path.unlink()
    qtbot.waitUntil(lambda: bool(window.dialogs.named("deleted_on_disk")), timeout=5000)
    window.dialogs.deleted_answer = "save_again"
    window.close_current_tab()
    assert len(window.dialogs.named("deleted_on_disk")) == 2
    assert path.exists()


def test_deleted_and_written_again_quickly_is_a_change_not_a_deletion(
        qtbot, window: MainWindow) -> None:
    tab = window.current_tab()
    path = tab.path
    theirs = path.read_text("utf-8").replace(SENTENCE, "Saved by an editor that deletes first.")
    path.unlink()
    path.write_text(theirs, "utf-8")
    qtbot.waitUntil(lambda: tab.editor.document_text() == theirs, timeout=5000)
    assert window.dialogs.calls == []


def test_file_turned_into_non_utf8_becomes_read_only(qtbot, window: MainWindow) -> None:
    tab = window.current_tab()
    path = tab.path
    raw = path.read_bytes().replace(b"island", b"\xeele")
    path.write_bytes(raw)
    qtbot.waitUntil(lambda: tab.banner.isVisible(), timeout=5000)
    assert "not UTF-8" in tab.banner.text() and tab.editor.isReadOnly()
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    tab.editor.insertPlainText("never saved")
    window.session.flush()
    window.close()
    assert path.read_bytes() == raw


# --- project files -------------------------------------------------------------------------

def test_stills_yaml_and_manifest_changed_elsewhere_are_read_again(
        qtbot, window: MainWindow, sample_project: Path) -> None:
    stills = sample_project / "stills" / "stills.yaml"
    name = next(iter(window.series.stills))
    text = stills.read_text("utf-8")
    old_alt = window.series.stills[name].alt
    assert old_alt and old_alt in text
    write_like_git(stills, text.replace(old_alt, "Alt text from a teammate", 1))
    qtbot.waitUntil(lambda: window.series.stills[name].alt == "Alt text from a teammate",
                    timeout=5000)
    manifest = sample_project / "recapdesk.yaml"
    write_in_place(manifest, manifest.read_text("utf-8").replace(
        'title: "Last Ferry to Udo"', "title: Last Ferry to Udo (Director's Cut)", 1))
    qtbot.waitUntil(lambda: window.series.title == "Last Ferry to Udo (Director's Cut)",
                    timeout=5000)
    assert window.dialogs.calls == []


def test_episode_added_by_a_git_pull_appears_in_the_outline(
        qtbot, window: MainWindow, sample_project: Path) -> None:
    new = sample_project / "episodes" / "s01e11.md"
    new.write_text("---\ntitle: Pulled\nseason: 1\nepisode: 11\n---\nBody\n", "utf-8")
    qtbot.waitUntil(lambda: window.outline.episode_item(str(new)) is not None, timeout=5000)


# --- one project, one writer ---------------------------------------------------------------

def live_other() -> dict:
    """Another RecapDesk on this machine (our parent process stands in for it)."""
    return {"pid": os.getppid(), "host": socket.gethostname(), "time": time.time(),
            "user": "ana"}


@pytest.mark.parametrize("answer", ["cancel", "read_only", "open_anyway"])
def test_project_open_elsewhere_asks(qtbot, settings_file: Path, sample_project: Path,
                                     make_project, answer: str) -> None:
    first = make_project({"episodes/a.md": "---\ntitle: A\nseason: 1\nepisode: 1\n---\nA\n"})
    other = live_other()
    plant_lock(sample_project, other)
    win = safety_window(qtbot, settings_file)
    win.open_project(first)
    win.dialogs.locked_answer = answer
    opened = win.open_project(sample_project, episode="s01e01")
    [(_, owner)] = win.dialogs.named("project_locked")
    assert f"process {other['pid']}" in owner and "this computer" in owner and "ana" in owner
    lock = sample_project / ".recapdesk" / "lock"
    assert json.loads(lock.read_text())["pid"] == other["pid"]  # never taken from a live owner
    if answer == "cancel":
        assert opened is False and win.series.root == first.resolve()
        assert owners.is_mine(locking.read_lock(first / ".recapdesk"))
        return
    assert opened is True and win.series.root == sample_project.resolve()
    # the previous project's lock was released
    assert locking.read_lock(first / ".recapdesk") is None
    tab = win.current_tab()
    path = tab.path
    before = path.read_bytes()
    if answer == "read_only":
        assert tab.banner.isVisibleTo(tab) and "read-only" in tab.banner.text()
        assert tab.editor.isReadOnly() and "(read-only)" in win.windowTitle()
        win.session.set_text(path, "overwrite")
        assert win.session.flush() and path.read_bytes() == before
        win.dialogs.text_answer = "A New Title"
        win.episode_actions.rename(str(path))
        assert win.dialogs.named("warn")[-1][1] == "Rename"
        assert not (sample_project / ".recapdesk" / "journal").exists()
    else:
        assert not tab.editor.isReadOnly()
        assert "Also open in" in win.statusBar().currentMessage()
        win.session._timer.setInterval(100)
        with qtbot.waitSignal(win.session.saved, timeout=5000):
            type_paragraph(qtbot, tab.editor, "Both can save")
        assert path.read_text("utf-8").endswith("Both can save")
    win.close()
    assert json.loads(lock.read_text())["pid"] == other["pid"]  # still theirs


def test_stale_lock_is_taken_over_silently_and_released_on_close(
        qtbot, settings_file: Path, sample_project: Path) -> None:
    plant_lock(sample_project, dead_owner())
    leftover = sample_project / "episodes" / f".s01e01.md.{dead_owner()['pid']}.k3j2h1g0.tmp"
    leftover.write_text("half a save")
    win = safety_window(qtbot, settings_file)
    assert win.open_project(sample_project)
    assert win.dialogs.calls == []
    assert owners.is_mine(locking.read_lock(sample_project / ".recapdesk"))
    assert not leftover.exists()  # a temp file of the dead process, cleaned up
    win.close()
    assert locking.read_lock(sample_project / ".recapdesk") is None


def test_lock_from_another_machine(qtbot, settings_file: Path, sample_project: Path) -> None:
    laptop = {"pid": 4242, "host": "writers-laptop", "time": time.time() - 20}
    plant_lock(sample_project, laptop)
    win = safety_window(qtbot, settings_file)
    win.dialogs.locked_answer = "cancel"
    assert win.open_project(sample_project) is False
    assert "on writers-laptop" in win.dialogs.named("project_locked")[0][1]
    # not refreshed for a long time: that machine is gone (asleep, crashed)
    plant_lock(sample_project, {**laptop, "time": time.time() - owners.STALE_S - 60})
    assert win.open_project(sample_project)
    assert len(win.dialogs.named("project_locked")) == 1
    assert owners.is_mine(locking.read_lock(sample_project / ".recapdesk"))


def test_lock_is_refreshed_and_a_takeover_is_reported(qtbot, window: MainWindow,
                                                      sample_project: Path) -> None:
    state = sample_project / ".recapdesk"
    assert window.session._lock_timer.isActive()
    assert window.session._lock_timer.interval() == locking.LOCK_REFRESH_S * 1000
    lock = state / "lock"
    doc = json.loads(lock.read_text())
    doc["time"] = 1.0
    lock.write_text(json.dumps(doc))
    window.session.refresh_lock()
    assert time.time() - locking.read_lock(state)["time"] < owners.STALE_S
    plant_lock(sample_project, live_other())
    window.session.refresh_lock()
    assert window.dialogs.named("warn")[-1][1] == "Project opened elsewhere"
    assert locking.read_lock(state)["pid"] == os.getppid()
    window.close()
    assert locking.read_lock(state)["pid"] == os.getppid()  # not ours to release


def test_access_chosen_by_the_caller_asks_nothing(qtbot, settings_file: Path,
                                                  sample_project: Path) -> None:
    """`recapdesk shot` and scripts open a project that may be open elsewhere without
    a modal question (which would block them): read-only."""
    plant_lock(sample_project, live_other())
    win = safety_window(qtbot, settings_file)
    assert win.open_project(sample_project, episode="s01e01", access="read_only")
    assert win.dialogs.calls == []
    assert win.session.access == "read_only" and win.current_tab().editor.isReadOnly()
    assert locking.read_lock(sample_project / ".recapdesk")["pid"] == os.getppid()


def test_a_read_only_project_says_why_and_never_blames_another_program(
        qtbot, settings_file: Path, sample_project: Path) -> None:
    """Nobody else has the project open: the banner says it was opened read-only on
    request (or for a screenshot), not that another program has it."""
    from recapdesk.core.documents import ReadOnly

    win = safety_window(qtbot, settings_file)
    assert win.open_project(sample_project, episode="s01e01", access="read_only")
    banner = win.current_tab().banner.text()
    assert "opened read-only" in banner and "another" not in banner
    assert win.open_project(sample_project, episode="s01e01", access="read_only",
                            why=ReadOnly.SCREENSHOT)
    banner = win.current_tab().banner.text()
    assert "screenshot" in banner and "another" not in banner
    win.dialogs.text_answer = "A New Title"
    win.episode_actions.rename(str(win.current_tab().path))
    assert win.dialogs.named("warn")[-1][2] == win.session.read_only_reason()


def test_shot_says_it_opened_the_project_read_only_for_a_screenshot(
        qtbot, tmp_path: Path, sample_project: Path, monkeypatch) -> None:
    from recapdesk.ui import app as ui_app

    seen: list[str] = []
    real = MainWindow.render_image

    def render_image(self: MainWindow):  # records what the picture shows
        seen.append(self.current_tab().banner.text())
        return real(self)

    monkeypatch.setattr(MainWindow, "render_image", render_image)
    out = tmp_path / "window.png"
    assert ui_app.shot(sample_project, out, episode="s01e02", size=(1000, 700)) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    [banner] = seen
    assert "screenshot" in banner and "another program" not in banner
    assert not list(tmp_path.glob("*.ini*"))  # the window's settings were not left behind


def test_replace_in_all_episodes_changes_nothing_in_a_read_only_project(
        qtbot, settings_file: Path, sample_project: Path) -> None:
    plant_lock(sample_project, live_other())
    win = safety_window(qtbot, settings_file)
    assert win.open_project(sample_project, episode="s01e01", access="read_only")
    before = {p: p.read_bytes() for p in (sample_project / "episodes").glob("*.md")}
    shown = win.current_tab().editor.document_text()
    assert "Disney+ Hotstar" in shown
    win.search_all.replace(Query("disney+ hotstar"), "Netflix")
    assert win.dialogs.named("warn")[-1][1] == "Replace in All Episodes"
    assert win.current_tab().editor.document_text() == shown
    assert {p: p.read_bytes() for p in before} == before
