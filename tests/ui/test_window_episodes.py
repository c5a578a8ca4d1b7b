"""Episodes changed from the outline: new, rename, duplicate, delete, status, reorder, moves."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent

from recapdesk.core import frontmatter
from recapdesk.core.outline import move_section
from recapdesk.ui.main_window import MainWindow
from recapdesk.ui.outline import PATH_ROLE, STATUS_ROLE
from tests.ui.conftest import (
    SERIES_TITLE,
    editor_of,
    episode_path,
    heading_texts,
    snapshot,
    tab_text,
    type_paragraph,
)
from tests.ui.conftest import assert_one_window_undo_step as assert_one_undo_step


def front(path: Path) -> dict:
    return dict(frontmatter.parse(frontmatter.split(path.read_text("utf-8")).front_text))


def episode_items(window: MainWindow) -> list:
    return window.outline.model.episode_items()


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


def _trash_home(monkeypatch, tmp_path: Path) -> Path:
    """Point the freedesktop trash used by send2trash at a folder under tmp_path."""
    home = tmp_path / "home"
    data = home / ".local" / "share"
    data.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    from send2trash import send2trash

    module = sys.modules[send2trash.__module__]
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
