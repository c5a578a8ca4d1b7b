"""Shared helpers and fixtures of the UI tests: the window with scripted dialogs, typing in
its editor, the preview's JavaScript, crashed owners and locks, the editor on its own.

Every modal question goes to a scripted `FakeDialogs` (or `SafetyDialogs`); autosave runs
on a short timer; everything waits on conditions (qtbot.waitUntil / waitSignal), never on
sleeps.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recapdesk.ui.preview import register_scheme

# The preview's `recap:` scheme must be registered before the QApplication exists; this
# file is imported before the test modules here, and before pytest-qt creates it.
register_scheme()

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWebEngineCore import QWebEngineScript  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from recapdesk.core import locking  # noqa: E402
from recapdesk.ui.editor import MarkdownEditor  # noqa: E402
from recapdesk.ui.main_window import MainWindow  # noqa: E402

SERIES_TITLE = "Last Ferry to Udo"
JS_TIMEOUT = 20_000
LOAD_TIMEOUT = 30_000


# --- the window and its dialogs ----------------------------------------------------------

class FakeDialogs:
    """The window's dialogs, scripted: records every question, answers from attributes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.confirm_answer = True
        self.text_answer: str | None = None
        self.folder_answer: str | None = None
        self.conflict_answer = "theirs"

    def confirm(self, parent, title: str, text: str, *, ok: str = "OK") -> bool:
        self.calls.append(("confirm", title, text, ok))
        return self.confirm_answer

    def ask_text(self, parent, title: str, label: str, text: str = "") -> str | None:
        self.calls.append(("ask_text", title, label, text))
        return self.text_answer

    def choose_folder(self, parent, caption: str) -> str | None:
        self.calls.append(("choose_folder", caption))
        return self.folder_answer

    def resolve_conflict(self, parent, name: str) -> str:
        self.calls.append(("resolve_conflict", name))
        return self.conflict_answer

    def warn(self, parent, title: str, text: str) -> None:
        self.calls.append(("warn", title, text))

    def named(self, kind: str) -> list[tuple[str, ...]]:
        return [c for c in self.calls if c[0] == kind]


class SafetyDialogs(FakeDialogs):
    """FakeDialogs that also answer the safety questions (scripted, recorded)."""

    def __init__(self) -> None:
        super().__init__()
        self.recover_answers: list[str] = []
        self.locked_answer = "cancel"
        self.deleted_answer = "save_again"
        self.conflict_answers: list[str] = []

    def recover(self, parent, name: str, journal_text: str, disk_text: str) -> str:
        self.calls.append(("recover", name, journal_text, disk_text))
        return self.recover_answers.pop(0) if self.recover_answers else "restore"

    def project_locked(self, parent, owner: str) -> str:
        self.calls.append(("project_locked", owner))
        return self.locked_answer

    def deleted_on_disk(self, parent, name: str) -> str:
        self.calls.append(("deleted_on_disk", name))
        return self.deleted_answer

    def resolve_conflict(self, parent, name: str) -> str:
        self.calls.append(("resolve_conflict", name))
        return self.conflict_answers.pop(0) if self.conflict_answers else self.conflict_answer

    def show_diff(self, parent, title: str, intro: str, diff: str) -> None:
        self.calls.append(("show_diff", title, diff))


def new_window(qtbot, settings_file: Path) -> MainWindow:
    window = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.dialogs = FakeDialogs()
    window.session._timer.setInterval(200)
    return window


def safety_window(qtbot, settings_file: Path) -> MainWindow:
    window = new_window(qtbot, settings_file)
    window.dialogs = SafetyDialogs()
    return window


def show(qtbot, window: MainWindow) -> MainWindow:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    """The window's settings, an INI file of this test's own."""
    return tmp_path / "settings.ini"


@pytest.fixture
def open_window(qtbot, settings_file: Path, sample_project: Path) -> Callable[..., MainWindow]:
    """`open_window(episode="s01e01", project=None)`: a shown window on a fresh project."""

    def factory(episode: str | None = "s01e01", project: Path | None = None) -> MainWindow:
        window = new_window(qtbot, settings_file)
        window.open_project(project or sample_project, episode=episode)
        show(qtbot, window)
        inspected(qtbot, window)
        return window

    return factory


def inspected(qtbot, window: MainWindow) -> None:
    """Wait for the window's inspection (counts, outline, problems) of its texts as they are."""
    qtbot.waitUntil(lambda: not window.check_timer.isActive() and not window.inspection.busy
                    and window.inspection.last is not None
                    and window.inspection.last.problems is not None, timeout=20000)


# --- episodes, tabs and typing ------------------------------------------------------------

def episode_path(project: Path, code: str) -> Path:
    return project / "episodes" / f"{code}.md"


def editor_of(window: MainWindow) -> MarkdownEditor:
    tab = window.current_tab()
    assert tab is not None
    return tab.editor


def type_paragraph(qtbot, editor: MarkdownEditor, text: str) -> None:
    """Type `text` as a new paragraph at the end of the document, with real key presses."""
    editor.moveCursor(QTextCursor.MoveOperation.End)
    if editor.textCursor().block().text():
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, text)


def select_text(editor: MarkdownEditor, needle: str, start: int = 0,
                end: int | None = None) -> None:
    """Select `needle[start:end]` where `needle` first occurs in the document."""
    found = editor.document().find(needle)
    assert not found.isNull(), needle
    first = found.selectionStart()
    cursor = editor.textCursor()
    cursor.setPosition(first + start)
    cursor.setPosition(first + (len(needle) if end is None else end),
                       QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def cursor_at(editor: MarkdownEditor, needle: str, offset: int = 0) -> None:
    select_text(editor, needle, offset, offset)


def tab_text(window: MainWindow, path: Path) -> str:
    tab = window.tab_for(path)
    assert tab is not None
    return window.tabs.tabText(window.tabs.indexOf(tab))


def tab_paths(window: MainWindow) -> list[Path]:
    return [window.tabs.widget(i).path for i in range(window.tabs.count())]


def assert_one_window_undo_step(window: MainWindow, editor: MarkdownEditor, before: str,
                                after: str) -> None:
    """The edit made `after`; ONE undo (the window's Undo) gives `before` back."""
    assert editor.document_text() == after
    assert after != before
    window.actions.undo.trigger()
    assert editor.document_text() == before
    assert not editor.document().isUndoAvailable()
    window.actions.redo.trigger()
    assert editor.document_text() == after


def heading_texts(window: MainWindow, path: Path) -> list[str]:
    item = window.outline.episode_item(str(path))
    assert item is not None
    return [h.text() for h in window.outline.model.heading_items(item)]


def snapshot(folder: Path) -> dict[str, bytes]:
    """The writer's files: app state under .recapdesk/ (caches, thumbnails being written)
    is not theirs."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != ".recapdesk"}


# --- the preview's page ---------------------------------------------------------------------

def run_js(qtbot, window: MainWindow, script: str) -> Any:
    result: list[Any] = []
    window.preview.page().runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld,
                                        result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=JS_TIMEOUT)
    return result[0]


def wait_js(qtbot, window: MainWindow, script: str,
            predicate: Callable[[Any], bool]) -> Any:
    """Run `script` in the preview again and again until its result satisfies `predicate`."""
    state: dict[str, Any] = {"pending": False, "value": None, "ok": False}

    def done(value: Any) -> None:
        state["pending"] = False
        state["value"] = value
        state["ok"] = state["ok"] or bool(predicate(value))

    def check() -> bool:
        if state["ok"]:
            return True
        if not state["pending"]:
            state["pending"] = True
            window.preview.page().runJavaScript(
                script, QWebEngineScript.ScriptWorldId.ApplicationWorld, done)
        return False

    qtbot.waitUntil(check, timeout=JS_TIMEOUT)
    return state["value"]


BODY_TEXT = "(function(){var b=document.querySelector('.recap-body');return b?b.innerText:'';})()"


def wait_preview(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(window.preview_is_ready, timeout=LOAD_TIMEOUT)


# --- other RecapDesks: crashed owners and their locks ----------------------------------------

def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def dead_owner() -> dict:
    return {"pid": dead_pid(), "host": socket.gethostname(), "time": time.time() - 30}


def plant_lock(project: Path, owner: dict) -> None:
    state = project / ".recapdesk"
    state.mkdir(exist_ok=True)
    (state / locking.LOCK_NAME).write_text(json.dumps(owner), "utf-8")


# --- the editor on its own ----------------------------------------------------------------

SAMPLE_EPISODE = (Path(__file__).resolve().parents[2] / "resources" / "sample" / "episodes"
                  / "s01e03.md")

# The editor tests' text: two paragraphs (the second of two lines) and a list.
DOC = ("Jun-ho takes the boat out.\n\nThe fog comes down fast.\nHe hears a horn.\n\n"
       "- Will she sell?\n- Why the tape?\n")


@pytest.fixture
def editor(qtbot) -> MarkdownEditor:
    """A shown MarkdownEditor on its own, 900 × 700, with the focus."""
    ed = MarkdownEditor()
    qtbot.addWidget(ed)
    ed.resize(900, 700)
    with qtbot.waitActive(ed):
        ed.show()
        ed.activateWindow()
    ed.setFocus()
    qtbot.waitUntil(ed.hasFocus)
    return ed


def at(text: str, needle: str, offset: int = 0) -> int:
    return text.index(needle) + offset


def select(editor: MarkdownEditor, start: int, end: int | None = None) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start if end is None else end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def assert_one_undo_step(editor: MarkdownEditor, before: str, after: str) -> None:
    """The edit gave `after`; one undo restores `before` exactly; redo gives `after`."""
    assert editor.document_text() == after
    editor.undo()
    assert editor.document_text() == before
    assert not editor.document().isUndoAvailable()
    editor.redo()
    assert editor.document_text() == after
