"""The window's docks, toolbar, menus, status bar, focus mode and remembered layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QToolButton

from recapdesk.core.outline import count_recap_words, reading_minutes
from recapdesk.ui.editor import MarkdownEditor
from recapdesk.ui.outline import TARGET_ROLE
from tests.ui.conftest import (
    SERIES_TITLE,
    editor_of,
    episode_path,
    new_window,
    show,
    tab_paths,
    type_paragraph,
)


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
    assert menus[:5] == ["File", "Edit", "Spoilers", "Watch", "View"]


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
