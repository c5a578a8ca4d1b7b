"""The outline tree with real widgets: contents, clicks, live updates, filter, drops, menu."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QStandardItem
from PySide6.QtWidgets import QApplication, QMenu

from recapdesk.core.model import Series
from recapdesk.core.outline import move_section, outline
from recapdesk.core.project import open_project
from recapdesk.ui.outline import (
    EPISODE,
    HEADING,
    KIND_ROLE,
    LINE_ROLE,
    MIME_TYPE,
    PATH_ROLE,
    STATUS_ROLE,
    OutlineView,
    short_title,
)

FINAL_E04 = "Final Thoughts on Last Ferry to Udo Episode 4"
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture
def series(tmp_path: Path) -> Series:
    dest = tmp_path / "sample"
    shutil.copytree(SAMPLE, dest)
    return open_project(dest)


@pytest.fixture
def view(qtbot, series: Series) -> OutlineView:
    widget = OutlineView()
    qtbot.addWidget(widget)
    widget.resize(320, 700)
    widget.set_series(series)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def path_of(series: Series, code: str) -> str:
    return str(series.find_episode(code).path)


def texts(items: list[QStandardItem]) -> list[str]:
    return [it.text() for it in items]


def children(item: QStandardItem) -> list[QStandardItem]:
    return [item.child(r, 0) for r in range(item.rowCount())]


def count_text(view: OutlineView, item: QStandardItem) -> str:
    return item.index().siblingAtColumn(1).data()


def click(qtbot, view: OutlineView, item: QStandardItem) -> None:
    view.tree.scrollTo(item.index())
    rect = view.tree.visualRect(item.index())
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drop_at(view: OutlineView, mime: QMimeData, pos: QPoint) -> QDropEvent:
    event = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.tree.dropEvent(event)
    return event


def row_point(view: OutlineView, item: QStandardItem, *, upper: bool) -> QPoint:
    view.tree.scrollTo(item.index())
    rect = view.tree.visualRect(item.index())
    return QPoint(rect.center().x(), rect.top() + 3 if upper else rect.bottom() - 3)


def action(menu: QMenu, text: str):
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    return found[0]


# --- contents -----------------------------------------------------------------------

def test_tree_shows_series_episodes_and_headings(view: OutlineView, series: Series) -> None:
    root = view.model.series_item
    assert root.text() == "Last Ferry to Udo"
    episodes = children(root)
    assert texts(episodes) == ["E01 · The Girl Who Missed the Boat", "E02 · Sumbisori",
                               "E03 · Storm Warning", "E04 · Every Last Ferry"]
    assert [e.data(PATH_ROLE) for e in episodes] == [str(e.path) for e in series.episodes]
    assert [e.data(STATUS_ROLE) for e in episodes] == ["final", "final", "final", "draft"]
    assert all(not e.icon().isNull() for e in episodes)
    e04 = episodes[3]
    text = series.episodes[3].path.read_text("utf-8")
    assert texts(children(e04)) == [h.title for h in outline(text)]
    assert [h.data(LINE_ROLE) for h in children(e04)] == [h.line for h in outline(text)]
    assert count_text(view, e04) == "573 / 1200"
    assert "573 words" in e04.toolTip() and "Every Last Ferry" in e04.toolTip()
    assert all(view.tree.isExpanded(e.index()) for e in episodes)
    total = sum(int(count_text(view, e).split(" / ")[0]) for e in episodes)
    assert count_text(view, root) == str(total)


def test_episode_without_target_shows_plain_count(qtbot, series: Series) -> None:
    ep = series.episodes[0]
    del ep.front["target_words"]
    view = OutlineView()
    qtbot.addWidget(view)
    view.set_series(series)
    assert count_text(view, view.episode_item(str(ep.path))).isdigit()


def test_heading_lines_of_unusual_files(qtbot, make_project) -> None:
    files = {"episodes/a.md": "---\n---\n## One\n",
             "episodes/b.md": "---\ntitle: [bad\n---\n\n## Two\n",
             "episodes/c.md": "## Three\n",
             "episodes/d.md": "---\r\ntitle: Crlf\r\n---\r\n\r\n## Four\r\n"}
    series = open_project(make_project(files))
    view = OutlineView()
    qtbot.addWidget(view)
    view.set_series(series)
    for name, text in files.items():
        episode = view.episode_item(str(series.root / name))
        heading = children(episode)[0]
        line = text.splitlines()[heading.data(LINE_ROLE)]
        assert line == f"## {heading.text()}", name
    assert view.episode_item(str(series.root / "episodes/d.md")).text() == "Crlf"


def test_short_title() -> None:
    assert short_title("Last Ferry to Udo Episode 4 Recap: Every Last Ferry") == "Every Last Ferry"
    assert short_title("A Title: With a Colon") == "A Title: With a Colon"


# --- activation -----------------------------------------------------------------------

def test_clicking_a_heading_emits_its_file_line(qtbot, view: OutlineView,
                                                series: Series) -> None:
    path = path_of(series, "s01e04")
    text = Path(path).read_text("utf-8")
    final = next(h for h in outline(text) if h.title == FINAL_E04)
    item = view.heading_item(path, final.line)
    with qtbot.waitSignal(view.headingActivated) as blocker:
        click(qtbot, view, item)
    assert blocker.args == [path, final.line]
    assert text.splitlines()[blocker.args[1]] == f"## {FINAL_E04}"


def test_clicking_or_enter_on_an_episode_emits_its_path(qtbot, view: OutlineView,
                                                        series: Series) -> None:
    path = path_of(series, "s01e02")
    item = view.episode_item(path)
    with qtbot.waitSignal(view.episodeActivated) as blocker:
        click(qtbot, view, item)
    assert blocker.args == [path]
    view.select_episode(path_of(series, "s01e03"))
    view.tree.setFocus()
    with qtbot.waitSignal(view.episodeActivated) as blocker:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == [path_of(series, "s01e03")]


def test_select_episode_does_not_activate(qtbot, view: OutlineView,
                                          series: Series) -> None:
    path = path_of(series, "s01e03")
    with qtbot.assertNotEmitted(view.episodeActivated):
        view.select_episode(path)
    assert view.tree.currentIndex() == view.episode_item(path).index()
    assert view.tree.selectionModel().isSelected(view.episode_item(path).index())


# --- live updates -------------------------------------------------------------------

def test_update_episode_text_adds_a_heading_live(view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e04")
    text = Path(path).read_text("utf-8")
    e04 = view.episode_item(path)
    e02 = view.episode_item(path_of(series, "s01e02"))
    view.tree.collapse(e02.index())
    view.select_episode(path)
    first = children(e04)[0]
    view.tree.setCurrentIndex(first.index())

    new = text.replace("## Three Bowls", "## A New Scene\n\nFresh words here.\n\n## Three Bowls")
    view.update_episode_text(path, new)

    titles = texts(children(e04))
    assert titles[:3] == ["Tape Number One", "A New Scene", "Three Bowls"]
    added = children(e04)[1]
    assert new.splitlines()[added.data(LINE_ROLE)] == "## A New Scene"
    assert count_text(view, e04) == "579 / 1200"  # 3 heading + 3 body words
    assert not view.tree.isExpanded(e02.index())  # expansion kept
    assert view.tree.isExpanded(e04.index())
    current = view.model.itemFromIndex(view.tree.currentIndex())
    assert current.text() == "Tape Number One"  # selection kept


def test_update_episode_text_shifts_lines_in_place(view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e01")
    text = Path(path).read_text("utf-8")
    e01 = view.episode_item(path)
    items_before = children(e01)
    lines_before = [h.data(LINE_ROLE) for h in items_before]
    new = text.replace("---\n\n", "---\n\nOne more line.\n\nAnd another.\n\n", 1)
    view.update_episode_text(path, new)
    assert children(e01) == items_before  # the same items, not rebuilt
    assert [h.data(LINE_ROLE) for h in children(e01)] == [n + 4 for n in lines_before]


def test_update_episode_text_follows_front_matter(view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e04")
    text = Path(path).read_text("utf-8")
    new = text.replace("status: draft", "status: final").replace(
        "Recap: Every Last Ferry", "Recap: The Real Finale")
    view.update_episode_text(path, new)
    item = view.episode_item(path)
    assert item.text() == "E04 · The Real Finale"
    assert item.data(STATUS_ROLE) == "final"
    broken = new.replace("title:", "title: [unclosed")
    view.update_episode_text(path, broken)  # half-typed YAML keeps what was shown
    assert item.text() == "E04 · The Real Finale"


# --- filter -------------------------------------------------------------------------

def test_filter_hides_non_matching_and_keeps_parents(view: OutlineView, series: Series) -> None:
    view.filter_edit.setText("final THOUGHTS")
    visible = view.visible_items()
    kinds = {it.data(KIND_ROLE) for it in visible}
    assert kinds == {"series", EPISODE, HEADING}
    headings = [it for it in visible if it.data(KIND_ROLE) == HEADING]
    assert [t.split(" on ")[0] for t in texts(headings)] == ["Final Thoughts"] * 4
    assert len([it for it in visible if it.data(KIND_ROLE) == EPISODE]) == 4

    view.filter_edit.setText("storm")
    visible = view.visible_items()
    assert texts([it for it in visible if it.data(KIND_ROLE) == EPISODE]) == [
        "E03 · Storm Warning"]

    view.filter_edit.setText("sumbisori sound")
    visible = view.visible_items()
    assert texts(visible) == ["Last Ferry to Udo", "E04 · Every Last Ferry",
                              "The Sumbisori Sound Archive"]

    view.filter_edit.setText("no such thing")
    assert texts(view.visible_items()) == ["Last Ferry to Udo"]

    view.filter_edit.clear()
    assert len(view.visible_items()) == 1 + 4 + sum(
        len(outline(e.path.read_text("utf-8"))) for e in series.episodes)


def test_clearing_the_filter_restores_the_expansion(view: OutlineView, series: Series) -> None:
    e01 = view.episode_item(path_of(series, "s01e01"))
    view.tree.collapse(e01.index())
    view.filter_edit.setText("ten seconds")
    assert view.tree.isExpanded(e01.index())  # matches are shown
    assert texts(view.visible_items())[-1] == "Ten Seconds Late, Ten Years Late"
    view.filter_edit.setText("")
    assert not view.tree.isExpanded(e01.index())
    assert view.tree.isExpanded(view.episode_item(path_of(series, "s01e02")).index())


def test_typing_a_heading_title_keeps_the_selection_in_place(view: OutlineView,
                                                             series: Series) -> None:
    path = path_of(series, "s01e03")
    text = Path(path).read_text("utf-8")
    third = children(view.episode_item(path))[2]
    view.tree.setCurrentIndex(third.index())
    title = third.text()
    for typed in ("X", "XY"):
        view.update_episode_text(path, text.replace(f"## {title}", f"## {title} {typed}"))
        current = view.model.itemFromIndex(view.tree.currentIndex())
        assert current.text() == f"{title} {typed}"


def test_filter_applies_to_live_updates(view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e02")
    view.filter_edit.setText("zebra")
    assert texts(view.visible_items()) == ["Last Ferry to Udo"]
    text = Path(path).read_text("utf-8")
    view.update_episode_text(path, text + "\n## The Zebra Crossing\n")
    assert texts(view.visible_items()) == ["Last Ferry to Udo", "E02 · Sumbisori",
                                           "The Zebra Crossing"]


# --- drag and drop -------------------------------------------------------------------

def mime_for(view: OutlineView, item: QStandardItem) -> QMimeData:
    mime = view.model.mimeData([item.index()])
    assert mime.hasFormat(MIME_TYPE)
    return mime


def test_dropping_an_episode_requests_a_reorder(qtbot, view: OutlineView,
                                                series: Series) -> None:
    paths = [str(e.path) for e in series.episodes]
    e04 = view.episode_item(paths[3])
    e02 = view.episode_item(paths[1])
    mime = mime_for(view, e04)
    with qtbot.waitSignal(view.reorderRequested) as blocker:
        event = drop_at(view, mime, row_point(view, e02, upper=True))
    assert event.isAccepted()
    assert event.dropAction() != Qt.DropAction.MoveAction  # Qt must not move the rows
    assert blocker.args == [[paths[0], paths[3], paths[1], paths[2]]]
    # nothing moved in the tree: it is rebuilt once the window has renumbered the files
    assert [e.data(PATH_ROLE) for e in children(view.model.series_item)] == paths


def test_dropping_an_episode_on_the_lower_half_puts_it_after(qtbot, view: OutlineView,
                                                             series: Series) -> None:
    paths = [str(e.path) for e in series.episodes]
    mime = mime_for(view, view.episode_item(paths[0]))
    with qtbot.waitSignal(view.reorderRequested) as blocker:
        drop_at(view, mime, row_point(view, view.episode_item(paths[2]), upper=False))
    assert blocker.args == [[paths[1], paths[2], paths[0], paths[3]]]
    # dropping onto one of an episode's headings also means "after that episode"
    heading = children(view.episode_item(paths[3]))[2]
    with qtbot.waitSignal(view.reorderRequested) as blocker:
        drop_at(view, mime, row_point(view, heading, upper=True))
    assert blocker.args == [[paths[1], paths[2], paths[3], paths[0]]]


def test_dropping_an_episode_where_it_is_requests_nothing(qtbot, view: OutlineView,
                                                          series: Series) -> None:
    e02 = view.episode_item(path_of(series, "s01e02"))
    mime = mime_for(view, e02)
    with qtbot.assertNotEmitted(view.reorderRequested):
        event = drop_at(view, mime, row_point(view, e02, upper=True))
        QApplication.processEvents()
    assert not event.isAccepted()


def test_drag_move_shows_where_the_drop_goes(view: OutlineView, series: Series) -> None:
    paths = [str(e.path) for e in series.episodes]
    mime = mime_for(view, view.episode_item(paths[3]))
    target = view.episode_item(paths[1])
    pos = row_point(view, target, upper=True)
    event = QDragMoveEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
    view.tree.dragMoveEvent(event)
    assert event.isAccepted()
    assert view.tree._indicator == (view.tree.visualRect(target.index()).top(),
                                    view.tree.visualRect(target.index()).left())
    same = QDragMoveEvent(row_point(view, view.episode_item(paths[3]), upper=True),
                          Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    view.tree.dragMoveEvent(same)
    assert not same.isAccepted()
    assert view.tree._indicator is None


def test_dropping_a_heading_requests_a_section_move(qtbot, view: OutlineView,
                                                    series: Series) -> None:
    path = path_of(series, "s01e04")
    text = Path(path).read_text("utf-8")
    heads = {h.title: h.line for h in outline(text)}
    final = view.heading_item(path, heads[FINAL_E04])
    three = view.heading_item(path, heads["Three Bowls"])
    with qtbot.waitSignal(view.sectionMoveRequested) as blocker:
        event = drop_at(view, mime_for(view, final), row_point(view, three, upper=True))
    assert event.isAccepted()
    assert blocker.args == [path, heads[FINAL_E04], heads["Three Bowls"]]
    moved = move_section(text, *blocker.args[1:])
    assert [h.title for h in outline(moved)][:3] == [
        "Tape Number One", FINAL_E04, "Three Bowls"]
    # nothing moved in the tree itself
    assert texts(children(view.episode_item(path)))[-1] == FINAL_E04


def test_dropping_a_heading_at_the_end(qtbot, view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e04")
    text = Path(path).read_text("utf-8")
    heads = {h.title: h.line for h in outline(text)}
    tape = view.heading_item(path, heads["Tape Number One"])
    final = view.heading_item(path, heads[FINAL_E04])
    with qtbot.waitSignal(view.sectionMoveRequested) as blocker:
        drop_at(view, mime_for(view, tape), row_point(view, final, upper=False))
    end = len(text.splitlines())
    assert blocker.args == [path, heads["Tape Number One"], end]
    moved = move_section(text, *blocker.args[1:])
    assert [h.title for h in outline(moved)][-1] == "Tape Number One"


def test_heading_drops_that_make_no_sense_are_refused(qtbot, view: OutlineView,
                                                      series: Series) -> None:
    path = path_of(series, "s01e04")
    heads = {h.title: h.line for h in outline(Path(path).read_text("utf-8"))}
    tape = view.heading_item(path, heads["Tape Number One"])
    three = view.heading_item(path, heads["Three Bowls"])
    other = children(view.episode_item(path_of(series, "s01e01")))[1]
    mime = mime_for(view, tape)
    with qtbot.assertNotEmitted(view.sectionMoveRequested):
        assert not drop_at(view, mime, row_point(view, three, upper=True)).isAccepted()  # no-op
        assert not drop_at(view, mime, row_point(view, other, upper=True)).isAccepted()
        QApplication.processEvents()


def test_drop_through_the_model_api(qtbot, view: OutlineView, series: Series) -> None:
    paths = [str(e.path) for e in series.episodes]
    model = view.model
    root = model.series_item.index()
    mime = model.mimeData([view.episode_item(paths[0]).index()])
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 4, 0, root)
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, root)  # no change
    with qtbot.waitSignal(view.reorderRequested) as blocker:
        assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 4, 0, root) is False
    assert blocker.args == [paths[1:] + paths[:1]]

    text = Path(paths[3]).read_text("utf-8")
    heads = outline(text)
    e04 = view.episode_item(paths[3])
    mime = model.mimeData([children(e04)[3].index()])
    with qtbot.waitSignal(view.sectionMoveRequested) as blocker:
        model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, e04.index())
    assert blocker.args == [paths[3], heads[3].line, heads[0].line]
    foreign = QMimeData()
    foreign.setText("hello")
    assert not model.canDropMimeData(foreign, Qt.DropAction.MoveAction, 0, 0, root)
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())


def test_headings_inside_blocks_cannot_be_dragged(view: OutlineView, series: Series) -> None:
    path = path_of(series, "s01e01")
    text = Path(path).read_text("utf-8") + "\n::: spoiler Twist\n\n## Hidden Scene\n\n:::\n"
    view.update_episode_text(path, text)
    hidden = next(h for h in view.model.heading_items(view.episode_item(path))
                  if h.text() == "Hidden Scene")
    assert not hidden.flags() & Qt.ItemFlag.ItemIsDragEnabled
    first = children(view.episode_item(path))[0]
    assert first.flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert view.model.drop_request(
        {"kind": HEADING, "path": path, "line": hidden.data(LINE_ROLE)}, 0,
        view.episode_item(path).index()) is None


# --- context menu ------------------------------------------------------------------

def test_context_menu_actions_emit_requests(qtbot, view: OutlineView,
                                            series: Series) -> None:
    path = path_of(series, "s01e04")
    menu = view.context_menu(view.episode_item(path).index())
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "New episode", "Rename…", "Duplicate", "Mark as draft", "Mark as final", "Delete…"]
    assert action(menu, "Mark as draft").isChecked()
    with qtbot.waitSignal(view.newEpisodeRequested):
        action(menu, "New episode").trigger()
    with qtbot.waitSignal(view.renameRequested) as blocker:
        action(menu, "Rename…").trigger()
    assert blocker.args == [path]
    with qtbot.waitSignal(view.duplicateRequested) as blocker:
        action(menu, "Duplicate").trigger()
    assert blocker.args == [path]
    with qtbot.waitSignal(view.statusRequested) as blocker:
        action(menu, "Mark as final").trigger()
    assert blocker.args == [path, "final"]
    with qtbot.waitSignal(view.deleteRequested) as blocker:
        action(menu, "Delete…").trigger()
    assert blocker.args == [path]


def test_context_menu_on_a_heading_and_on_empty_space(qtbot, view: OutlineView,
                                                      series: Series) -> None:
    path = path_of(series, "s01e01")
    heading = children(view.episode_item(path))[0]
    menu = view.context_menu(heading.index())
    assert action(menu, "Mark as final").isChecked()
    with qtbot.waitSignal(view.statusRequested) as blocker:
        action(menu, "Mark as draft").trigger()
    assert blocker.args == [path, "draft"]
    empty = view.context_menu(QModelIndex())
    assert [a.text() for a in empty.actions()] == ["New episode"]


# --- rebuilding ----------------------------------------------------------------------

def test_set_series_again_keeps_expansion_and_selection(view: OutlineView,
                                                        series: Series) -> None:
    e01 = view.episode_item(path_of(series, "s01e01"))
    view.tree.collapse(e01.index())
    view.select_episode(path_of(series, "s01e03"))
    reread = open_project(series.root)
    view.set_series(reread)
    assert not view.tree.isExpanded(view.episode_item(path_of(series, "s01e01")).index())
    assert view.tree.isExpanded(view.episode_item(path_of(series, "s01e02")).index())
    current = view.model.itemFromIndex(view.tree.currentIndex())
    assert current.data(PATH_ROLE) == path_of(series, "s01e03")
    view.set_series(None)
    assert view.model.rowCount() == 0
