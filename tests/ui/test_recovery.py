"""Never lose a word, in the window: the journal, recovery after a crash, failed saves.

A crash is simulated here by planting journal entries (and a lock) that belong to a
process that is gone; tests/e2e/test_kill_recovery.py kills a real app with SIGKILL.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import time
from pathlib import Path

import pytest

from recapdesk.core import locking, owners, storage
from recapdesk.core.journal import Journal
from recapdesk.ui.session import JOURNAL_MAX_MS, Session
from tests.ui.conftest import (
    dead_owner,
    editor_of,
    plant_lock,
    safety_window,
    show,
    tab_text,
    type_paragraph,
)

EP1 = "episodes/s01e01.md"


def plant(project: Path, rel: str, text: str, base_hash: str | None,
          owner: dict | None = None) -> Path:
    """A journal entry as a crashed RecapDesk leaves it."""
    owner = owner or dead_owner()
    folder = project / ".recapdesk" / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    from recapdesk.core.journal import _key

    path = folder / f"{_key(rel)}.{owner['pid']}.json"
    path.write_text(json.dumps({
        "version": 1, "path": rel, "base_hash": base_hash, "bom": False, "time": owner["time"],
        "owner": owner, "text_hash": storage.content_hash(text.encode("utf-8")), "text": text,
    }), "utf-8")
    return path


# --- the journal -------------------------------------------------------------------------

def test_typing_is_journaled_within_two_seconds_and_cleared_by_the_save(
        qtbot, sample_project: Path) -> None:
    session = Session(autosave_ms=60_000, autosave_max_ms=60_000)
    session.open_project(sample_project)
    path = sample_project / EP1
    text = session.open_episode(path).text
    journal = Journal(sample_project)
    session.set_text(path, text + "\nWords typed a moment ago.\n")
    # the promise: in the journal within 2 s of a pause
    qtbot.waitUntil(lambda: journal.path_for(EP1).exists(), timeout=2000)
    [entry] = journal.entries()
    assert entry.text.endswith("Words typed a moment ago.\n")
    assert entry.base_hash == storage.file_hash(path)
    assert session.save(path)
    assert journal.entries() == []


def test_journal_while_typing_without_a_pause(qtbot, sample_project: Path) -> None:
    session = Session(autosave_ms=60_000, autosave_max_ms=60_000, journal_ms=60_000)
    assert session._journal_max.interval() == JOURNAL_MAX_MS <= 2000
    session._journal_max.setInterval(300)
    session.open_project(sample_project)
    path = sample_project / EP1
    text = session.open_episode(path).text
    journal = Journal(sample_project)
    session.set_text(path, text + "a")
    # keystrokes keep coming: the debounce never fires, the maximum does
    qtbot.waitUntil(lambda: journal.path_for(EP1).exists(), timeout=2000)
    session.set_text(path, text + "ab")
    qtbot.waitUntil(lambda: journal.entries()[0].text.endswith("ab"), timeout=2000)


def test_read_only_and_clean_buffers_are_never_journaled(sample_project: Path) -> None:
    raw = b"---\ntitle: Caf\xe9\n---\n"
    (sample_project / "episodes" / "s01e09.md").write_bytes(raw)
    session = Session()
    session.open_project(sample_project)
    session.open_episode(sample_project / "episodes" / "s01e09.md")
    session.set_text(sample_project / "episodes" / "s01e09.md", "typed")
    session.open_episode(sample_project / EP1)
    session.write_journal()
    assert Journal(sample_project).entries() == []


# --- recovery after a crash ---------------------------------------------------------------

def test_crash_with_the_file_unchanged_restores_without_asking(
        qtbot, settings_file: Path, sample_project: Path) -> None:
    path = sample_project / EP1
    disk = path.read_text("utf-8")
    owner = dead_owner()
    plant_lock(sample_project, owner)
    lost = disk + "\nThe paragraph typed just before the crash.\n"
    entry = plant(sample_project, EP1, lost, storage.file_hash(path), owner)
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e02")
    show(qtbot, window)
    assert window.dialogs.calls == []  # no question: the file is as the text left it
    tab = window.current_tab()
    assert tab.path == path  # the recovered episode is in front
    assert tab.editor.document_text() == lost
    assert tab.notice.isVisible() and "Recovered unsaved changes" in tab.notice.text()
    assert "•" in tab_text(window, path)
    assert "Recovered" in window.statusBar().currentMessage()
    # the stale lock was taken over, the crashed process's entry replaced by ours
    assert owners.is_mine(locking.read_lock(sample_project / ".recapdesk"))
    assert not entry.exists()
    # autosave puts the words on disk, and the journal is empty again
    qtbot.waitUntil(lambda: path.read_text("utf-8") == lost, timeout=5000)
    qtbot.waitUntil(lambda: not Journal(sample_project).entries(), timeout=5000)
    # Undo goes back to the file as it was
    window.actions.undo.trigger()
    assert tab.editor.document_text() == disk


@pytest.mark.parametrize("answers", [["restore"], ["discard"], ["compare", "restore"],
                                     ["compare", "compare", "discard"]])
def test_crash_and_the_file_changed_since_asks(qtbot, settings_file: Path,
                                               sample_project: Path, answers: list[str]) -> None:
    path = sample_project / EP1
    disk = path.read_text("utf-8")
    lost = disk + "\nMy unsaved paragraph.\n"
    plant(sample_project, EP1, lost, storage.file_hash(path))
    theirs = disk.replace("The whole island has noticed the three days.", "Pulled from git.")
    path.write_text(theirs, "utf-8")
    window = safety_window(qtbot, settings_file)
    window.dialogs.recover_answers = list(answers)
    window.open_project(sample_project, episode="s01e01")
    show(qtbot, window)
    asked = window.dialogs.named("recover")
    assert len(asked) == len(answers)
    assert asked[0] == ("recover", "s01e01.md", lost, theirs)
    diffs = window.dialogs.named("show_diff")
    assert len(diffs) == answers.count("compare")
    for _, title, diff in diffs:
        assert title == "Compare s01e01.md"
        minus = [line for line in diff.splitlines() if line.startswith("-")]
        plus = [line for line in diff.splitlines() if line.startswith("+")]
        assert "+My unsaved paragraph." in plus
        assert any("Pulled from git." in line for line in minus)
        assert any("The whole island has noticed" in line for line in plus)
    tab = window.current_tab()
    journal = Journal(sample_project)
    if answers[-1] == "restore":
        assert tab.editor.document_text() == lost
        window.session.flush()
        assert path.read_text("utf-8") == lost  # the writer chose: their text wins
        window.actions.undo.trigger()
        assert tab.editor.document_text() == theirs
    else:
        assert tab.editor.document_text() == theirs
        assert not window.session.buffer(path).dirty
        assert journal.recover() == []
        kept = list((journal.folder / "discarded").glob("*.json"))
        assert len(kept) == 1 and "My unsaved paragraph." in kept[0].read_text("utf-8")
    assert path.read_text("utf-8") in (lost, theirs)


def test_crash_and_the_file_deleted_since(qtbot, settings_file: Path,
                                          sample_project: Path) -> None:
    path = sample_project / EP1
    lost = path.read_text("utf-8") + "\nStill mine.\n"
    plant(sample_project, EP1, lost, storage.file_hash(path))
    path.unlink()
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e02")
    assert window.dialogs.named("recover") == [("recover", "s01e01.md", lost, "")]
    assert path.read_text("utf-8") == lost  # restoring wrote the file back
    assert window.current_tab().path == path and not window.session.buffer(path).dirty


def test_recovery_is_not_offered_in_a_read_only_window(qtbot, settings_file: Path,
                                                        sample_project: Path) -> None:
    path = sample_project / EP1
    disk = path.read_bytes()
    entry = plant(sample_project, EP1, disk.decode() + "x", storage.file_hash(path))
    plant_lock(sample_project, {"pid": os.getppid(), "host": socket.gethostname(),
                                "time": time.time()})
    window = safety_window(qtbot, settings_file)
    window.dialogs.locked_answer = "read_only"
    window.open_project(sample_project, episode="s01e01")
    assert window.dialogs.named("recover") == []
    assert entry.exists() and path.read_bytes() == disk


def test_entry_for_a_file_that_is_not_utf8_now_is_kept_not_offered(
        qtbot, settings_file: Path, sample_project: Path) -> None:
    path = sample_project / EP1
    entry = plant(sample_project, EP1, path.read_text("utf-8") + "x", storage.file_hash(path))
    path.write_bytes(b"\xff\xfe broken")
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e01")
    window.open_episode(path)
    assert window.dialogs.calls == []
    assert entry.exists()  # kept for later, never written over a file we cannot read
    assert path.read_bytes() == b"\xff\xfe broken"
    tab = window.tab_for(path)
    assert tab is not None and tab.banner.isVisibleTo(tab) and "not UTF-8" in tab.banner.text()


def test_journal_pointing_outside_the_project_is_ignored(
        qtbot, settings_file: Path, sample_project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not yours\n", "utf-8")
    (sample_project / "episodes" / "link.md").symlink_to(outside)
    plant(sample_project, "episodes/link.md", "overwritten!\n", storage.file_hash(outside))
    plant(sample_project, "../outside.md", "overwritten!\n", storage.file_hash(outside))
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e01")
    window.session.flush()
    assert window.dialogs.calls == []
    assert outside.read_text("utf-8") == "not yours\n"
    assert window.tab_for(sample_project / "episodes" / "link.md") is None


def test_quitting_with_text_that_cannot_be_saved_keeps_it_for_next_time(
        qtbot, settings_file: Path, sample_project: Path, monkeypatch) -> None:
    path = sample_project / EP1
    before = path.read_bytes()
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e01")
    show(qtbot, window)
    type_paragraph(qtbot, editor_of(window), "Typed on a full disk")
    typed = editor_of(window).document_text()
    real = os.replace

    def full(src, dst, *a, **k):
        if Path(dst) == path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", full)
    window.close()
    assert window.dialogs.named("confirm")[-1][1] == "Unsaved changes"
    assert path.read_bytes() == before
    monkeypatch.undo()
    # the next window (another run of RecapDesk) gets the words back without asking
    again = safety_window(qtbot, settings_file)
    again.open_project(sample_project, episode="s01e02")
    assert again.dialogs.named("recover") == []
    assert again.session.buffer(path).text == typed
    again.session.flush()
    assert path.read_text("utf-8") == typed


# --- failed saves ----------------------------------------------------------------------

SAVE_FAULTS = {
    "disk full": OSError(errno.ENOSPC, "No space left on device"),
    "read-only folder": PermissionError(errno.EACCES, "Permission denied"),
    "read-only disk": OSError(errno.EROFS, "Read-only file system"),
    "locked by another program": PermissionError(errno.EACCES, "The process cannot access "
                                                 "the file because it is being used"),
    "i/o error": OSError(errno.EIO, "Input/output error"),
}


@pytest.mark.parametrize("where", ["mkstemp", "write", "fsync", "replace"])
@pytest.mark.parametrize("fault", list(SAVE_FAULTS))
def test_failed_save_tells_the_writer_and_keeps_the_text(
        qtbot, settings_file: Path, sample_project: Path, monkeypatch,
        fault: str, where: str) -> None:
    path = sample_project / EP1
    before = path.read_bytes()
    window = safety_window(qtbot, settings_file)
    window.open_project(sample_project, episode="s01e01")
    show(qtbot, window)
    session = window.session
    session._timer.setInterval(100)
    session._retry_timer.setInterval(300)
    tab = window.current_tab()
    type_paragraph(qtbot, tab.editor, "Words that must not be lost")
    typed = tab.editor.document_text()
    episodes = str(path.parent)
    error = SAVE_FAULTS[fault]
    real = {"mkstemp": storage.files.tempfile.mkstemp, "write": os.write, "fsync": os.fsync,
            "replace": os.replace}

    def mkstemp(*a, **k):
        if str(k.get("dir")) == episodes and where == "mkstemp":
            raise error
        return real["mkstemp"](*a, **k)

    def ours(fd: int) -> bool:  # a temp file of an episode (fd numbers are reused)
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(episodes + "/.")
        except OSError:
            return False

    def on_fd(name: str):
        def call(fd, *a):
            if where == name and ours(fd):
                raise error
            return real[name](fd, *a)
        return call

    def replace(src, dst, *a, **k):
        if where == "replace" and Path(dst) == path:
            raise error
        return real["replace"](src, dst, *a, **k)

    monkeypatch.setattr(storage.files.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "write", on_fd("write"))
    monkeypatch.setattr(os, "fsync", on_fd("fsync"))
    monkeypatch.setattr(os, "replace", replace)
    with qtbot.waitSignal(session.saveFailed, timeout=5000) as failed:
        pass  # autosave tries
    assert failed.args[0] == str(path)
    message = failed.args[1]
    assert message.startswith("Could not save s01e01.md:") and "still here" in message
    assert error.strerror in message and "\n" not in message
    # told once, in a dialog, and the banner stays while the saves keep failing
    assert window.dialogs.named("warn") == [("warn", "Could not save", message)]
    assert tab.notice.isVisible() and tab.notice.text() == message
    assert tab.editor.document_text() == typed
    assert session.buffer(path).dirty and "•" in tab_text(window, path)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert Journal(sample_project).entries()[0].text == typed  # kept for recovery
    with qtbot.waitSignal(session.saveFailed, timeout=5000):
        type_paragraph(qtbot, tab.editor, "more")
    assert len(window.dialogs.named("warn")) == 1  # not a dialog per keystroke pause
    monkeypatch.undo()
    with qtbot.waitSignal(session.saved, timeout=5000):
        pass  # tried again without more typing
    assert path.read_text("utf-8") == tab.editor.document_text()
    assert not tab.notice.isVisible()
    assert not session.buffer(path).dirty
    qtbot.waitUntil(lambda: not Journal(sample_project).entries(), timeout=3000)


# --- the real dialogs ------------------------------------------------------------------

def _answer_modal(qtbot, label: str) -> None:
    """When the next modal box is up, click its button called `label`."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        for button in box.buttons():
            if button.text().replace("&", "") == label:
                button.click()
                return
        raise AssertionError([b.text() for b in box.buttons()])

    QTimer.singleShot(0, click)


@pytest.mark.parametrize(("method", "args", "label", "expected"), [
    ("recover", ("s01e01.md", "mine", "theirs"), "Restore", "restore"),
    ("recover", ("s01e01.md", "mine", ""), "Discard", "discard"),
    ("recover", ("s01e01.md", "mine", "theirs"), "Compare…", "compare"),
    ("resolve_conflict", ("s01e01.md",), "Keep Mine", "mine"),
    ("resolve_conflict", ("s01e01.md",), "Take Theirs", "theirs"),
    ("resolve_conflict", ("s01e01.md",), "Compare…", "compare"),
    ("project_locked", ("RecapDesk (process 7) on laptop",), "Open Read-Only", "read_only"),
    ("project_locked", ("RecapDesk (process 7) on laptop",), "Open Anyway", "open_anyway"),
    ("project_locked", ("RecapDesk (process 7) on laptop",), "Cancel", "cancel"),
    ("deleted_on_disk", ("s01e01.md",), "Save Again", "save_again"),
    ("deleted_on_disk", ("s01e01.md",), "Close Tab", "close"),
])
def test_real_dialogs_answer_what_their_buttons_say(qtbot, method: str, args: tuple,
                                                    label: str, expected: str) -> None:
    from PySide6.QtWidgets import QWidget

    from recapdesk.ui.dialogs import Dialogs

    parent = QWidget()
    qtbot.addWidget(parent)
    _answer_modal(qtbot, label)
    assert getattr(Dialogs(), method)(parent, *args) == expected


def test_diff_dialog_is_read_only(qtbot) -> None:
    from recapdesk.core.journal import compare_texts
    from recapdesk.ui.dialogs import DiffDialog

    diff = compare_texts("a\nb\n", "a\nc\n", "disk", "yours")
    dialog = DiffDialog(None, "Compare e.md", "intro", diff)
    qtbot.addWidget(dialog)
    assert dialog.view.isReadOnly() and dialog.view.toPlainText() == diff
    assert "-b" in diff and "+c" in diff
