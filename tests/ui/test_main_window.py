"""The writing window (issue 4), driven through the real MainWindow with pytest-qt.

Every modal question goes to a scripted `FakeDialogs`; autosave runs on a short timer;
everything waits on conditions (qtbot.waitUntil / waitSignal), never on sleeps.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recapdesk.ui.preview import register_scheme

# The preview's `recap:` scheme must be registered before the QApplication exists;
# test modules are imported (collected) before pytest-qt creates it.
register_scheme()

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QDropEvent, QKeySequence, QTextCursor  # noqa: E402
from PySide6.QtWebEngineCore import QWebEngineScript, QWebEngineSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolButton  # noqa: E402

from recapdesk.core import editing, frontmatter, search, storage  # noqa: E402
from recapdesk.core.outline import count_recap_words, move_section, reading_minutes  # noqa: E402
from recapdesk.core.search import Query  # noqa: E402
from recapdesk.ui.editor import MarkdownEditor  # noqa: E402
from recapdesk.ui.main_window import MainWindow  # noqa: E402
from recapdesk.ui.outline import (  # noqa: E402
    PATH_ROLE,
    STATUS_ROLE,
    TARGET_ROLE,
)

SERIES_TITLE = "Last Ferry to Udo"
JS_TIMEOUT = 20_000
LOAD_TIMEOUT = 30_000


# --- helpers ---------------------------------------------------------------------------

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


def new_window(qtbot, settings_file: Path) -> MainWindow:
    window = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.dialogs = FakeDialogs()
    window.session._timer.setInterval(200)
    return window


def show(qtbot, window: MainWindow) -> MainWindow:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
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


def assert_one_undo_step(window: MainWindow, editor: MarkdownEditor, before: str,
                         after: str) -> None:
    """The edit made `after`; ONE undo (the window's Undo) gives `before` back."""
    assert editor.document_text() == after
    assert after != before
    window.actions.undo.trigger()
    assert editor.document_text() == before
    assert not editor.document().isUndoAvailable()
    window.actions.redo.trigger()
    assert editor.document_text() == after


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


def front(path: Path) -> dict:
    return dict(frontmatter.parse(frontmatter.split(path.read_text("utf-8")).front_text))


def episode_items(window: MainWindow) -> list:
    return window.outline.model.episode_items()


def heading_texts(window: MainWindow, path: Path) -> list[str]:
    item = window.outline.episode_item(str(path))
    assert item is not None
    return [h.text() for h in window.outline.model.heading_items(item)]


def snapshot(project: Path) -> dict[str, bytes]:
    """The writer's files (not app state such as thumbnails being written under .recapdesk)."""
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted(project.rglob("*"))
            if p.is_file() and p.relative_to(project).parts[0] != ".recapdesk"}


# --- 1. the window, its docks and the remembered layout ---------------------------------

def test_title_docks_toolbar_and_menus(open_window) -> None:
    window = open_window()
    assert window.windowTitle() == f"{SERIES_TITLE} — RecapDesk"
    docks = {window.outline_dock: window.outline, window.stills_dock: window.stills,
             window.preview_dock: window.preview, window.problems_dock: window.problems}
    left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    assert window.dockWidgetArea(window.outline_dock) == left
    assert window.dockWidgetArea(window.stills_dock) == left
    assert window.dockWidgetArea(window.preview_dock) == right
    assert window.dockWidgetArea(window.problems_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    view_menu_actions = [a for m in window.menuBar().actions() if m.menu()
                         for a in m.menu().actions()]
    for dock, widget in docks.items():
        assert dock.widget() is widget
        toggle = dock.toggleViewAction()
        assert toggle in view_menu_actions
        assert toggle.isChecked() and not dock.isHidden()
        toggle.trigger()
        assert dock.isHidden() and not toggle.isChecked()
        toggle.trigger()
        assert not dock.isHidden() and toggle.isChecked()
    # the central editor stays
    assert window.centralWidget() is window.tabs
    assert isinstance(window.current_tab().editor, MarkdownEditor)
    # the stills panel shows every still of the project
    window.stills.set_filter("all")
    names = window.stills.visible_names()
    assert sorted(names) == sorted(p.name for p in (window.series.root / "stills").glob("*.jpg"))
    # toolbar and menus: icons and standard shortcuts
    toolbar = window.actions.toolbar.actions()
    a = window.actions
    for action in (a.new_episode, a.save, a.undo, a.redo, a.inline_spoiler, a.spoiler_block,
                   a.unwrap, a.warning, a.show_spoilers, a.focus):
        assert action in toolbar
        assert not action.icon().isNull()
        assert isinstance(window.actions.toolbar.widgetForAction(action), QToolButton)
    assert window.actions.save.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.actions.open_project.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.actions.undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    menus = [m.text().replace("&", "") for m in window.menuBar().actions()]
    assert menus[:4] == ["File", "Edit", "Spoilers", "View"]


def test_layout_open_tabs_and_cursors_are_restored(qtbot, settings_file: Path,
                                                   sample_project: Path) -> None:
    e1, e3 = episode_path(sample_project, "s01e01"), episode_path(sample_project, "s01e03")
    first = new_window(qtbot, settings_file)
    first.open_project(sample_project, episode="s01e01")
    show(qtbot, first)
    first.open_episode(e3)
    # (a size that fits the offscreen screen, so that restoring it is not clamped)
    first.resize(780, 560)
    qtbot.waitUntil(lambda: first.width() == 780)
    default_widths = (first.outline_dock.width(), first.preview_dock.width())
    first.resizeDocks([first.outline_dock, first.preview_dock], [300, 200],
                      Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: (first.outline_dock.width(), first.preview_dock.width())
                    != default_widths)
    widths = (first.outline_dock.width(), first.preview_dock.width())
    first.tab_for(e1).editor.goto_line(20)
    first.tab_for(e3).editor.goto_line(9)
    first.stills_dock.toggleViewAction().trigger()
    assert first.stills_dock.isHidden()
    first.save_layout()
    first.close()

    second = new_window(qtbot, settings_file)
    assert second.stills_dock.isHidden()
    assert not second.outline_dock.isHidden() and not second.preview_dock.isHidden()
    second.open_project(sample_project)
    show(qtbot, second)
    assert second.stills_dock.isHidden()
    assert not second.stills_dock.toggleViewAction().isChecked()
    assert not second.outline_dock.isHidden() and not second.problems_dock.isHidden()
    assert tab_paths(second) == [e1, e3]
    assert second.current_tab().path == e3
    assert second.tab_for(e1).editor.textCursor().blockNumber() == 20
    assert second.tab_for(e3).editor.textCursor().blockNumber() == 9
    # the window and dock sizes too
    assert (second.width(), second.height()) == (780, 560)
    qtbot.waitUntil(lambda: (second.outline_dock.width(), second.preview_dock.width())
                    == widths)
    # and the stills dock comes back when asked
    second.stills_dock.toggleViewAction().trigger()
    assert not second.stills_dock.isHidden()


# --- 2. typing, dirty state, autosave, Ctrl+S ---------------------------------------------

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


# --- 3. the outline --------------------------------------------------------------------------

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


def test_heading_click_scrolls_the_preview_there(qtbot, open_window,
                                                 sample_project: Path) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    e3 = episode_path(sample_project, "s01e03")
    window.outline.headingActivated.emit(str(e3), 0)
    wait_js(qtbot, window, "window.scrollY", lambda y: y == 0)
    last = e3.read_text("utf-8").split("\n").index("## Final Thoughts")
    window.outline.headingActivated.emit(str(e3), last)
    wait_js(qtbot, window, "window.scrollY", lambda y: y > 200)


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


def test_reorder_asks_then_renumbers_the_files(qtbot, open_window,
                                               sample_project: Path) -> None:
    window = open_window("s01e01")
    paths = [str(episode_path(sample_project, f"s01e0{n}")) for n in (1, 2, 3, 4)]
    window.open_episode(Path(paths[1]))  # both episodes that swap numbers are open
    girl_tab, sumbisori_tab = window.tab_for(Path(paths[0])), window.tab_for(Path(paths[1]))
    girl_text = Path(paths[0]).read_text("utf-8")
    sumbisori_text = Path(paths[1]).read_text("utf-8")
    before = snapshot(sample_project)
    new_order = [paths[1], paths[0], paths[2], paths[3]]

    window.dialogs.confirm_answer = False
    window.outline.reorderRequested.emit(new_order)
    asked = window.dialogs.named("confirm")
    assert len(asked) == 1 and asked[0][1] == "Reorder Recaps"
    assert "Sumbisori: episode 2 → 1" in asked[0][2]
    assert snapshot(sample_project) == before  # refused: nothing changed

    window.dialogs.confirm_answer = True
    window.outline.reorderRequested.emit(new_order)
    assert len(window.dialogs.named("confirm")) == 2
    e1, e2 = Path(paths[0]), Path(paths[1])
    assert front(e1)["episode"] == 1 and "Sumbisori" in front(e1)["title"]
    assert front(e2)["episode"] == 2 and "The Girl Who Missed the Boat" in front(e2)["title"]
    # only the `episode:` line changed in each file
    assert e1.read_text("utf-8") == sumbisori_text.replace("episode: 2\n", "episode: 1\n", 1)
    assert e2.read_text("utf-8") == girl_text.replace("episode: 1\n", "episode: 2\n", 1)
    assert [front(Path(p))["episode"] for p in paths[2:]] == [3, 4]
    # the outline shows the new order
    titles = [it.data(PATH_ROLE) for it in episode_items(window)]
    assert titles == paths
    assert "Sumbisori" in window.series.find_episode("s01e01").title
    # the open tabs follow their episodes to their new files and still show their text
    assert girl_tab.path == e2 and sumbisori_tab.path == e1
    assert girl_tab.editor.document_text() == e2.read_text("utf-8")
    assert sumbisori_tab.editor.document_text() == e1.read_text("utf-8")
    assert tab_text(window, e1) == "S01E01" and tab_text(window, e2) == "S01E02"
    assert window.session.buffer(e2).text == e2.read_text("utf-8")
    assert not window.session.buffer(e1).dirty and not window.session.buffer(e2).dirty
    # typing and saving afterwards writes to the right file, with no conflict
    type_paragraph(qtbot, girl_tab.editor, "Typed after the renumbering")
    window.tabs.setCurrentWidget(girl_tab)
    window.actions.save.trigger()
    assert e2.read_text("utf-8") == girl_tab.editor.document_text()
    assert "Seo-rin comes home to Udo" in e2.read_text("utf-8")
    assert not window.dialogs.named("resolve_conflict")


def test_section_move_is_one_undo_step(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e01")
    e2 = episode_path(sample_project, "s01e02")
    text = e2.read_text("utf-8")
    lines = text.split("\n")
    offer, first = lines.index("## The Offer Doubles"), lines.index(
        "## Two Hundred and Twelve Evenings")
    # the request comes from the tree (a heading dragged before another one)
    window.outline.sectionMoveRequested.emit(str(e2), offer, first)
    assert window.current_tab().path == e2
    editor = editor_of(window)
    expected = move_section(text, offer, first)
    assert expected != text
    assert_one_undo_step(window, editor, text, expected)
    assert window.session.buffer(e2).text == expected
    qtbot.waitUntil(lambda: heading_texts(window, e2)[:2] == [
        "The Offer Doubles", "Two Hundred and Twelve Evenings"])
    window.actions.undo.trigger()
    qtbot.waitUntil(lambda: heading_texts(window, e2)[:2] == [
        "Two Hundred and Twelve Evenings", "The Diving Season"])


def drop_above(window: MainWindow, dragged, target) -> None:
    """Drag an outline row and drop it on the upper edge of another row."""
    tree = window.outline.tree
    mime = window.outline.model.mimeData([dragged.index()])
    tree.scrollTo(target.index())
    rect = tree.visualRect(target.index())
    event = QDropEvent(QPointF(QPoint(rect.center().x(), rect.top() + 3)),
                       Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(event)


def test_drags_in_the_tree_reorder_episodes_and_move_sections(qtbot, open_window,
                                                              sample_project: Path) -> None:
    window = open_window("s01e03")
    e1, e2 = episode_path(sample_project, "s01e01"), episode_path(sample_project, "s01e02")
    text = e2.read_text("utf-8")
    lines = text.split("\n")
    offer, first = lines.index("## The Offer Doubles"), lines.index(
        "## Two Hundred and Twelve Evenings")
    # a heading dropped above another heading of its episode: the section moves
    drop_above(window, window.outline.heading_item(str(e2), offer),
               window.outline.heading_item(str(e2), first))
    qtbot.waitUntil(lambda: window.current_tab().path == e2)
    editor = editor_of(window)
    assert_one_undo_step(window, editor, text, move_section(text, offer, first))
    window.actions.undo.trigger()
    window.save_current()

    # an episode dropped above the first one: asked, then renumbered
    drop_above(window, window.outline.episode_item(str(e2)), window.outline.episode_item(str(e1)))
    qtbot.waitUntil(lambda: bool(window.dialogs.named("confirm")))
    assert window.dialogs.named("confirm")[0][1] == "Reorder Recaps"
    qtbot.waitUntil(lambda: "Sumbisori" in front(e1)["title"])
    assert front(e1)["episode"] == 1 and front(e2)["episode"] == 2
    assert window.current_tab().path == e1  # the Sumbisori tab followed its file
    assert "Sumbisori" in editor_of(window).document_text()


def test_new_episode_is_created_and_opened(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e01")
    new = episode_path(sample_project, "s01e05")
    assert not new.exists()
    window.actions.new_episode.trigger()
    assert new.is_file()
    assert window.current_tab().path == new
    text = new.read_text("utf-8")
    assert editor_of(window).document_text() == text
    assert front(new)["episode"] == 5 and front(new)["season"] == 1
    assert SERIES_TITLE in text  # prefilled from the series facts
    assert window.outline.episode_item(str(new)) is not None
    # from the outline's context menu too: the next number
    menu = window.outline.context_menu(None)
    action = next(a for a in menu.actions() if a.text() == "New episode")
    action.trigger()
    assert episode_path(sample_project, "s01e06").is_file()
    assert window.current_tab().path == episode_path(sample_project, "s01e06")


def _trash_home(monkeypatch, tmp_path: Path) -> Path:
    """Point the freedesktop trash used by send2trash at a folder under tmp_path."""
    home = tmp_path / "home"
    data = home / ".local" / "share"
    data.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    module = sys.modules[storage.files.send2trash.__module__]
    if hasattr(module, "XDG_DATA_HOME"):  # read once, when send2trash was imported
        monkeypatch.setattr(module, "XDG_DATA_HOME", os.fsencode(data))
        monkeypatch.setattr(module, "HOMETRASH_B", os.fsencode(data / "Trash"))
        monkeypatch.setattr(module, "HOMETRASH", str(data / "Trash"))
    return data / "Trash"


def test_delete_asks_then_moves_the_file_to_the_trash(qtbot, open_window, monkeypatch,
                                                      tmp_path: Path,
                                                      sample_project: Path) -> None:
    trash = _trash_home(monkeypatch, tmp_path)
    window = open_window("s01e04")
    e4 = episode_path(sample_project, "s01e04")
    content = e4.read_bytes()
    item = window.outline.episode_item(str(e4))
    delete = next(a for a in window.outline.context_menu(item.index()).actions()
                  if a.text() == "Delete…")

    window.dialogs.confirm_answer = False
    delete.trigger()
    asked = window.dialogs.named("confirm")
    assert len(asked) == 1 and asked[0][1] == "Delete Recap" and "trash" in asked[0][2]
    assert e4.read_bytes() == content
    assert window.tab_for(e4) is not None

    window.dialogs.confirm_answer = True
    delete = next(a for a in window.outline.context_menu(item.index()).actions()
                  if a.text() == "Delete…")
    delete.trigger()
    assert not e4.exists()
    assert (trash / "files" / "s01e04.md").read_bytes() == content
    assert (trash / "info" / "s01e04.md.trashinfo").is_file()
    assert window.tab_for(e4) is None
    assert window.outline.episode_item(str(e4)) is None
    assert window.series.find_episode("s01e04") is None
    assert not window.dialogs.named("warn")


def test_mark_final_and_draft_updates_the_file(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e04")
    e4 = episode_path(sample_project, "s01e04")
    original = e4.read_text("utf-8")
    assert "status: draft\n" in original
    item = window.outline.episode_item(str(e4))
    mark_final = next(a for a in window.outline.context_menu(item.index()).actions()
                      if a.text() == "Mark as final")
    mark_final.trigger()
    assert e4.read_text("utf-8") == original.replace("status: draft\n", "status: final\n")
    assert window.outline.episode_item(str(e4)).data(STATUS_ROLE) == "final"
    # the open tab shows the file as it is now, and is not dirty
    assert editor_of(window).document_text() == e4.read_text("utf-8")
    assert not window.session.buffer(e4).dirty
    # the signal the context menu sends, straight
    window.outline.statusRequested.emit(str(e4), "draft")
    assert e4.read_text("utf-8") == original
    assert window.outline.episode_item(str(e4)).data(STATUS_ROLE) == "draft"


def test_rename_and_duplicate_from_the_outline(qtbot, open_window, sample_project: Path) -> None:
    window = open_window("s01e02")
    e2 = episode_path(sample_project, "s01e02")
    before = set((sample_project / "episodes").glob("*.md"))
    window.dialogs.text_answer = "Last Ferry to Udo Episode 2 Recap: The Diving Season"
    window.outline.renameRequested.emit(str(e2))
    asked = window.dialogs.named("ask_text")
    assert asked and "Sumbisori" in asked[0][3]  # prefilled with the current title
    assert front(e2)["title"] == "Last Ferry to Udo Episode 2 Recap: The Diving Season"
    assert editor_of(window).document_text() == e2.read_text("utf-8")
    window.outline.duplicateRequested.emit(str(e2))
    after = set((sample_project / "episodes").glob("*.md"))
    assert len(after - before) == 1
    assert window.outline.episode_item(str((after - before).pop())) is not None


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


# --- 4. spoiler helpers ----------------------------------------------------------------------

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


def test_show_spoilers_toggles_the_preview(qtbot, open_window) -> None:
    window = open_window("s01e04")  # has a spoiler block
    wait_preview(qtbot, window)
    # (arrays do not come back through runJavaScript: the state is a string)
    state = ("document.documentElement.classList.contains('recapdesk-show-spoilers') + ','"
             " + !!(document.querySelector('details.spoiler')||{}).open")
    wait_js(qtbot, window, state, lambda v: v == "false,false")
    assert not window.actions.show_spoilers.isChecked()
    window.actions.show_spoilers.trigger()
    assert window.actions.show_spoilers.isChecked() and window.preview.show_spoilers
    wait_js(qtbot, window, state, lambda v: v == "true,true")
    window.actions.show_spoilers.trigger()
    assert not window.preview.show_spoilers
    wait_js(qtbot, window, state, lambda v: v == "false,false")
    # remembered with the layout
    window.actions.show_spoilers.trigger()
    window.save_layout()
    assert window.settings.value("preview/spoilers", False, bool) is True


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


# --- 5. the live preview ---------------------------------------------------------------------

def test_typed_text_reaches_the_preview_without_stealing_focus(qtbot, open_window) -> None:
    window = open_window("s01e02")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    words = "Seo-rin hums along with the horn"
    for word in words.split():
        qtbot.keyClicks(editor, word + " ")
        assert QApplication.focusWidget() is editor
    wait_js(qtbot, window, BODY_TEXT, lambda body: words in body)
    assert editor.hasFocus() and QApplication.focusWidget() is editor
    type_paragraph(qtbot, editor, "A second paragraph appears live")
    wait_js(qtbot, window, BODY_TEXT, lambda body: "A second paragraph appears live" in body)
    assert editor.hasFocus() and QApplication.focusWidget() is editor
    # switching episodes loads a whole new page: the editor keeps the focus
    window.outline.episodeActivated.emit(str(window.series.find_episode("s01e03").path))
    assert not window.preview_is_ready()  # a new page is loading
    wait_preview(qtbot, window)
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Ferries Suspended" in body)
    assert QApplication.focusWidget() is editor_of(window)
    assert editor_of(window).hasFocus()


def test_preview_patch_keeps_the_scroll_position(qtbot, open_window) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    window.outline.headingActivated.emit(str(window.current_tab().path),
                                         editor.document_text().split("\n").index(
                                             "## Four A.M., Jeju City"))
    y = wait_js(qtbot, window, "window.scrollY", lambda v: v > 200)
    editor.moveCursor(QTextCursor.MoveOperation.EndOfBlock)
    qtbot.keyClicks(editor, " Typed here")
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Jeju City Typed here" in body)
    assert run_js(qtbot, window, "window.scrollY") == y


def _type_lines_before(qtbot, editor: MarkdownEditor, needle: str, lines: list[str]) -> None:
    """Type paragraphs before the line `needle` (near the top: images load lazily)."""
    cursor_at(editor, needle)
    for line in lines:
        qtbot.keyClicks(editor, line)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClick(editor, Qt.Key.Key_Return)


IMAGES = ("(function(){return Array.from(document.querySelectorAll('.recap-body img'))"
          ".map(function(i){return i.getAttribute('src')+' '+(i.complete?i.naturalWidth:-1)})"
          ".join('\\n');})()")


def _image_widths(value: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in (value or "").split("\n"):
        if row:
            src, width = row.rsplit(" ", 1)
            out[src] = int(width)
    return out


def test_preview_shows_the_project_stills(qtbot, open_window) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    line = editor.document_text().split("\n").index("## Ferries Suspended")
    window.outline.headingActivated.emit(str(window.current_tab().path), line)
    widths = wait_js(qtbot, window, IMAGES,
                     lambda v: _image_widths(v).get("../stills/s01e03-01.jpg", 0) > 0)
    assert _image_widths(widths)["../stills/s01e03-01.jpg"] == 1920  # the real file


def test_network_guard_blocks_remote_images(qtbot, open_window, http_server) -> None:
    base, requests = http_server
    window = open_window("s01e02")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    local_url, remote_url = f"{base}/x.png", "https://example.com/x.png"
    _type_lines_before(qtbot, editor, "## Two Hundred and Twelve Evenings",
                       [f"![x]({local_url})", f"![y]({remote_url})",
                        "![A still of another episode](../stills/s01e04-02.jpg)"])

    def settled(value: str) -> bool:
        widths = _image_widths(value)
        return local_url in widths and remote_url in widths \
            and widths.get("../stills/s01e04-02.jpg", 0) > 0

    # the project still typed after them has loaded: the remote ones were tried and refused
    widths = _image_widths(wait_js(qtbot, window, IMAGES, settled))
    assert widths[local_url] <= 0 and widths[remote_url] <= 0
    assert requests == []  # nothing reached the network

    # with the page's own wall down, the request interceptor still refuses them
    window.preview.page().settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
    window.outline.episodeActivated.emit(str(window.series.find_episode("s01e03").path))
    qtbot.waitUntil(window.preview_is_ready, timeout=LOAD_TIMEOUT)
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Ferries Suspended" in body)
    guarded_local, guarded_remote = f"{base}/guarded.png", "https://example.com/x2.png"
    _type_lines_before(qtbot, editor_of(window), "## Ferries Suspended",
                       [f"![a]({guarded_local})", f"![b]({guarded_remote})"])
    qtbot.waitUntil(lambda: {guarded_local, guarded_remote} <= set(window.preview.guard.blocked),
                    timeout=JS_TIMEOUT)
    assert requests == []
    assert all(not u.startswith(("recap:", "data:")) for u in window.preview.guard.blocked)


def test_page_javascript_and_remote_access_are_off(open_window) -> None:
    window = open_window("s01e01")
    settings = window.preview.page().settings()
    attr = QWebEngineSettings.WebAttribute
    assert settings.testAttribute(attr.JavascriptEnabled) is False
    assert settings.testAttribute(attr.LocalContentCanAccessRemoteUrls) is False
    assert settings.testAttribute(attr.LocalContentCanAccessFileUrls) is False
    assert settings.testAttribute(attr.FocusOnNavigationEnabled) is False
    assert window.preview.page().profile().isOffTheRecord()


# --- 6. project workflow ---------------------------------------------------------------------

def test_open_project_at_an_episode_and_recent_projects(qtbot, open_window, make_project,
                                                        sample_project: Path) -> None:
    window = open_window("s01e02")
    assert window.current_tab().path == episode_path(sample_project, "s01e02")
    assert window.tabs.count() == 1
    assert QApplication.focusWidget() is editor_of(window)
    current = window.outline.tree.currentIndex()
    assert current.siblingAtColumn(0).data(PATH_ROLE) == str(episode_path(sample_project,
                                                                         "s01e02"))
    assert window.settings.value("project/recent", [], list) == [str(sample_project)]
    assert window.settings.value("project/last", "", str) == str(sample_project)
    assert [a.text() for a in window.actions.recent_menu.actions()] == [str(sample_project)]

    other = make_project({"episodes/s01e01.md": "---\ntitle: Pilot\nseason: 1\nepisode: 1\n"
                                                "---\n\nHello.\n"}, name="other")
    window.open_project(other)
    assert window.windowTitle() == "Test Show — RecapDesk"
    assert tab_paths(window) == [episode_path(other, "s01e01")]
    assert window.settings.value("project/recent", [], list) == [str(other), str(sample_project)]
    # the recent menu reopens the sample, with the episode that was open there
    window.actions.recent_menu.actions()[1].trigger()
    assert window.windowTitle() == f"{SERIES_TITLE} — RecapDesk"
    assert tab_paths(window) == [episode_path(sample_project, "s01e02")]
    assert window.settings.value("project/recent", [], list) == [str(sample_project), str(other)]


def test_open_and_new_project_dialogs(qtbot, open_window, tmp_path: Path, make_project) -> None:
    window = open_window("s01e01")
    window.dialogs.folder_answer = str(tmp_path)
    window.dialogs.text_answer = "Night Market"
    window.actions.new_project.trigger()
    created = tmp_path / "Night Market"
    assert (created / "recapdesk.yaml").is_file()
    assert window.windowTitle() == "Night Market — RecapDesk"
    assert window.current_tab() is not None
    other = make_project(name="plain")
    window.dialogs.folder_answer = str(other)
    window.actions.open_project.trigger()
    assert window.windowTitle() == "Test Show — RecapDesk"
    # a folder that is no project: a warning, the project stays open
    window.dialogs.folder_answer = str(tmp_path / "nothing-here")
    window.actions.open_project.trigger()
    assert window.dialogs.named("warn")
    assert window.windowTitle() == "Test Show — RecapDesk"


def test_problems_panel_lists_a_broken_link_and_jumps_to_it(qtbot, open_window,
                                                            sample_project: Path) -> None:
    window = open_window("s01e02")
    editor = editor_of(window)
    assert not any("s09e09" in p.message for p in window.problems.problems)
    assert window.status.problems.text() == "No problems"
    type_paragraph(qtbot, editor, "See also [[s09e09]] for later")
    line = editor.textCursor().blockNumber()

    def broken() -> list:
        return [p for p in window.problems.problems if "s09e09" in p.message]

    qtbot.waitUntil(lambda: bool(broken()), timeout=10_000)
    problem = broken()[0]
    assert problem.path == "episodes/s01e02.md" and problem.line == line + 1
    assert re.fullmatch(r"\d+ errors?, \d+ warnings?", window.status.problems.text())
    lst = window.problems.list
    item = next(lst.item(i) for i in range(lst.count()) if "s09e09" in lst.item(i).text())
    editor.goto_line(0)
    lst.scrollToItem(item)
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton,
                     pos=lst.visualItemRect(item).center())
    assert editor.textCursor().blockNumber() == line
    # fixing the link clears the problem
    select_text(editor, "[[s09e09]]", 2, 8)
    qtbot.keyClicks(editor, "s01e01")
    qtbot.waitUntil(lambda: not broken(), timeout=10_000)


def test_status_bar_counts_and_target(qtbot, open_window, make_project,
                                      sample_project: Path) -> None:
    window = open_window("s01e01")
    editor = editor_of(window)
    text = editor.document_text()
    words = count_recap_words(text)
    assert window.status.words.text() == f"{words:,} words"
    assert window.status.reading.text() == f"{reading_minutes(words)} min read"
    target = window.status.target
    assert target.isVisible() and target.maximum() == 800
    assert target.format() == f"{words:,} / 800 words"
    item = window.outline.episode_item(str(episode_path(sample_project, "s01e01")))
    assert item.index().siblingAtColumn(1).data(TARGET_ROLE) == 800
    type_paragraph(qtbot, editor, "one two three four five")
    # counted off the UI thread: the count follows the typing a moment later
    qtbot.waitUntil(lambda: window.status.words.text() == f"{words + 5:,} words")
    assert target.format() == f"{words + 5:,} / 800 words"
    assert window.status.problems.text()  # the problems count is shown

    plain = make_project({"episodes/s01e01.md": "---\ntitle: Pilot\nseason: 1\nepisode: 1\n"
                                                "---\n\nJust a few words here.\n"})
    window.open_project(plain)
    qtbot.waitUntil(lambda: window.status.words.text() == "5 words")
    assert window.status.reading.text().endswith("min read")
    assert not window.status.target.isVisible()


def test_distraction_free_mode_hides_everything_but_the_editor(qtbot, open_window) -> None:
    window = open_window("s01e01")
    docks = [window.outline_dock, window.stills_dock, window.preview_dock, window.problems_dock]
    window.problems_dock.toggleViewAction().trigger()  # hidden before: stays hidden after
    window.actions.focus.trigger()
    assert window.actions.focus.isChecked()
    assert all(d.isHidden() for d in docks)
    assert window.actions.toolbar.isHidden() and window.menuBar().isHidden()
    assert window.statusBar().isHidden() and window.tabs.tabBar().isHidden()
    assert editor_of(window).isVisible()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor_of(window))

    window.actions.focus.trigger()
    assert not window.actions.focus.isChecked()
    assert not window.outline_dock.isHidden() and not window.preview_dock.isHidden()
    assert not window.stills_dock.isHidden()
    assert window.problems_dock.isHidden()
    assert not window.actions.toolbar.isHidden() and not window.menuBar().isHidden()
    assert not window.statusBar().isHidden() and not window.tabs.tabBar().isHidden()
    assert not window.windowState() & Qt.WindowState.WindowFullScreen

    # Escape leaves it too
    window.actions.focus.trigger()
    qtbot.keyClick(editor_of(window), Qt.Key.Key_Escape)
    assert not window.actions.focus.isChecked()
    assert not window.actions.toolbar.isHidden() and not window.outline_dock.isHidden()


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
