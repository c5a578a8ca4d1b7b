"""Opening and creating projects in the window, recent projects, the Problems panel."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from recapdesk.ui.outline import PATH_ROLE
from tests.ui.conftest import (
    SERIES_TITLE,
    editor_of,
    episode_path,
    select_text,
    tab_paths,
    type_paragraph,
)


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
