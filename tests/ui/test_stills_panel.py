"""The stills panel driven as a writer would: grid, filters, details, import, drag, menus."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from recapdesk.core import stills as core
from recapdesk.core.project import open_project
from recapdesk.ui.stills import STILL_MIME, StillsPanel, png_bytes
from recapdesk.ui.stills.thumbs import (
    BROKEN,
    MISSING,
    MISSING_ALT_ROLE,
    READY,
    STATE_ROLE,
    UNUSED_ROLE,
)

WAIT_MS = 30_000  # an upper bound for background work, not a timing requirement


@pytest.fixture
def panel(qtbot) -> StillsPanel:
    widget = StillsPanel()
    qtbot.addWidget(widget)
    widget.resize(340, 720)
    return widget


def all_loaded(qtbot, panel: StillsPanel) -> None:
    qtbot.waitUntil(lambda: panel.model.loaded() == len(panel.model.items), timeout=WAIT_MS)


def open_in(qtbot, panel: StillsPanel, root: Path) -> None:
    """Show a project; its usages are worked out right after the grid is filled."""
    panel.set_series(open_project(root))
    qtbot.waitUntil(lambda: panel.model.usages_known)


def row_of(panel: StillsPanel, name: str):
    return panel.model.index(panel.model.rows[name])


def yaml_stills(root: Path) -> dict:
    return open_project(root).stills


# --- the grid ---------------------------------------------------------------------------

def test_sample_project_fills_at_once_and_thumbnails_stream_in(qtbot, panel: StillsPanel,
                                                               sample_project: Path) -> None:
    series = open_project(sample_project)
    panel.set_series(series)
    assert panel.model.rowCount() == 10
    assert panel.visible_names()[0] == "s01e01-01.jpg"
    all_loaded(qtbot, panel)
    for row in range(10):
        index = panel.model.index(row)
        assert index.data(STATE_ROLE) == READY
        assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    cache = sample_project / ".recapdesk" / "thumbs"
    assert len([p for p in cache.iterdir() if p.suffix == ".jpg"]) == 10
    assert panel.count.text() == "10 stills"


def test_thumbnails_are_made_off_the_ui_thread(qtbot, panel: StillsPanel,
                                               sample_project: Path) -> None:
    threads: list[int] = []
    panel.loader.worker_hook = lambda name: threads.append(threading.get_ident())
    panel.set_series(open_project(sample_project))
    all_loaded(qtbot, panel)
    assert len(threads) == 10
    assert threading.get_ident() not in threads


def test_five_hundred_stills_open_at_once(qtbot, panel: StillsPanel, make_project) -> None:
    root = make_project({"episodes/s01e01.md": "---\ntitle: One\nseason: 1\nepisode: 1\n---\n"
                                               "![a](../stills/s01e01-001.jpg)\n"})
    for i in range(500):
        Image.new("RGB", (64, 36), (i % 256, (i * 7) % 256, i // 2)).save(
            root / "stills" / f"s01e01-{i:03d}.jpg", "JPEG")
    panel.show()
    panel.set_series(open_project(root))
    assert panel.model.rowCount() == 500  # names first, pictures later
    assert panel.proxy.rowCount() == 500
    assert panel.thumbnails_pending() > 0
    qtbot.waitUntil(lambda: panel.thumbnails_pending() == 0, timeout=WAIT_MS)
    assert all(item.state == READY for item in panel.model.items)
    assert len(list((root / ".recapdesk" / "thumbs").glob("*.jpg"))) == 500
    assert panel.count.text() == "500 stills · 500 without alt · 499 unused"
    # opened again (cached thumbnails, same files), the pictures are kept
    requests: list[str] = []
    panel.loader.worker_hook = requests.append
    panel.set_series(open_project(root))
    assert panel.model.loaded() == 500 and requests == []


def test_broken_and_missing_stills_get_placeholders(qtbot, panel: StillsPanel,
                                                    make_project, make_image) -> None:
    root = make_project({"stills/stills.yaml": "gone.jpg:\n  alt: The file was deleted\n"})
    make_image(root / "stills" / "good.jpg", (64, 36))
    (root / "stills" / "broken.jpg").write_bytes(b"not really a jpeg")
    (root / "stills" / "empty.png").write_bytes(b"")
    panel.set_series(open_project(root))
    all_loaded(qtbot, panel)
    states = {item.name: item.state for item in panel.model.items}
    assert states == {"broken.jpg": BROKEN, "empty.png": BROKEN, "good.jpg": READY,
                      "gone.jpg": MISSING}
    assert "empty" in panel.model.item("empty.png").error
    assert not row_of(panel, "gone.jpg").flags() & Qt.ItemFlag.ItemIsDragEnabled
    panel.select("broken.jpg")
    assert panel.details.info.text().startswith("Cannot be used: not a readable image")
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.view.viewport().grab().toImage()
    assert not image.isNull()


# --- filters, search, badges --------------------------------------------------------------

@pytest.fixture
def mixed(make_project, make_image) -> Path:
    root = make_project({
        "episodes/s01e01.md": "---\ntitle: One\nseason: 1\nepisode: 1\n---\n"
                              "![Harbour](../stills/s01e01-01.jpg)\n\n"
                              "![](../stills/s01e02-01.jpg)\n",
        "episodes/s01e02.md": "---\ntitle: Two\nseason: 1\nepisode: 2\n---\nNo stills yet.\n",
        "stills/stills.yaml": "s01e01-01.jpg:\n  alt: A harbour at dusk\n"
                              "  caption: The harbour\n"
                              "s01e02-01.jpg:\n  alt: A diver\n  caption: Deep water\n"
                              "poster.jpg:\n  caption: Key art\n  episode: s01e02\n",
    })
    for name in ("s01e01-01.jpg", "s01e01-02.jpg", "s01e02-01.jpg", "poster.jpg"):
        make_image(root / "stills" / name, (64, 36))
    return root


def test_filters_search_and_badges(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.set_series(open_project(mixed))
    assert not panel.model.usages_known  # not yet: no still is called unused meanwhile
    assert row_of(panel, "poster.jpg").data(UNUSED_ROLE) is False
    qtbot.waitUntil(lambda: panel.model.usages_known)
    everything = ["poster.jpg", "s01e01-01.jpg", "s01e01-02.jpg", "s01e02-01.jpg"]
    assert panel.visible_names() == everything
    assert not panel.filter_buttons["episode"].isEnabled()

    panel.set_current_episode("S01E01")
    assert panel.filter_buttons["episode"].text() == "S01E01"
    qtbot.mouseClick(panel.filter_buttons["episode"], Qt.MouseButton.LeftButton)
    # its own stills (by name) and the ones it uses
    assert panel.visible_names() == ["s01e01-01.jpg", "s01e01-02.jpg", "s01e02-01.jpg"]
    panel.set_current_episode("s01e02")
    assert panel.visible_names() == ["poster.jpg", "s01e02-01.jpg"]

    qtbot.mouseClick(panel.filter_buttons["unused"], Qt.MouseButton.LeftButton)
    assert panel.visible_names() == ["poster.jpg", "s01e01-02.jpg"]
    qtbot.mouseClick(panel.filter_buttons["no_alt"], Qt.MouseButton.LeftButton)
    assert panel.visible_names() == ["poster.jpg", "s01e01-02.jpg"]
    qtbot.mouseClick(panel.filter_buttons["all"], Qt.MouseButton.LeftButton)

    qtbot.keyClicks(panel.search, "harbour")
    assert panel.visible_names() == ["s01e01-01.jpg"]  # by caption (and alt)
    panel.search.clear()
    qtbot.keyClicks(panel.search, "POSTER")
    assert panel.visible_names() == ["poster.jpg"]  # by name, any case
    panel.search.clear()
    qtbot.keyClicks(panel.search, "deep")
    assert panel.visible_names() == ["s01e02-01.jpg"]
    panel.search.clear()

    badges = {n: (row_of(panel, n).data(MISSING_ALT_ROLE), row_of(panel, n).data(UNUSED_ROLE))
              for n in everything}
    assert badges == {"poster.jpg": (True, True), "s01e01-01.jpg": (False, False),
                      "s01e01-02.jpg": (True, True), "s01e02-01.jpg": (False, False)}
    assert "No alt text yet" in row_of(panel, "poster.jpg").data(Qt.ItemDataRole.ToolTipRole)
    assert panel.count.text() == "4 stills · 2 without alt · 2 unused"

    # the window recomputes usages from unsaved text: the badge follows
    series = panel.series
    ep2 = series.find_episode("s01e02").path
    text = ep2.read_text("utf-8") + "\n![p](../stills/poster.jpg)\n"
    panel.set_usages(core.usages(series, {ep2: text}))
    assert row_of(panel, "poster.jpg").data(UNUSED_ROLE) is False
    assert panel.count.text() == "4 stills · 2 without alt · 1 unused"


def test_episode_filter_falls_back_when_no_recap_is_open(panel: StillsPanel, mixed: Path) -> None:
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e02")
    panel.set_filter("episode")
    assert panel.proxy.mode == "episode"
    panel.set_current_episode(None)
    assert panel.proxy.mode == "all" and panel.filter_buttons["all"].isChecked()
    assert len(panel.visible_names()) == 4


# --- details --------------------------------------------------------------------------------

def test_details_edits_reach_stills_yaml(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.show()
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e01")
    assert panel.select("s01e01-02.jpg")
    details = panel.details
    assert details.title.text() == "s01e01-02.jpg"
    assert details.caption.placeholderText() == "Still From Test Show Episode 1"
    assert details.alt_hint.text().startswith("Needed")

    details.alt.setFocus()
    with qtbot.waitSignal(panel.stillsChanged, timeout=WAIT_MS):
        qtbot.keyClicks(details.alt, "Two friends on the pier")
    assert yaml_stills(mixed)["s01e01-02.jpg"].alt == "Two friends on the pier"
    assert row_of(panel, "s01e01-02.jpg").data(MISSING_ALT_ROLE) is False

    details.caption.setFocus()
    qtbot.keyClicks(details.caption, "Still From Test Show Episode 1")
    with qtbot.waitSignal(panel.stillsChanged, timeout=WAIT_MS):
        qtbot.keyClick(details.caption, Qt.Key.Key_Return)
    details.credit.setFocus()
    qtbot.keyClicks(details.credit, "Netflix")
    with qtbot.waitSignal(panel.stillsChanged, timeout=WAIT_MS):
        details.alt.setFocus()  # leaving the field saves it
    with qtbot.waitSignal(panel.stillsChanged, timeout=WAIT_MS):
        details.episode.setCurrentIndex(details.episode.findData("s01e02"))
    saved = yaml_stills(mixed)["s01e01-02.jpg"]
    # the pattern caption of the old episode followed the new one
    assert (saved.alt, saved.caption, saved.credit, saved.episode) == (
        "Two friends on the pier", "Still From Test Show Episode 2", "Netflix", "s01e02")
    text = (mixed / "stills" / "stills.yaml").read_text("utf-8")
    assert text.startswith("s01e01-01.jpg:\n  alt: A harbour at dusk\n")


def test_typing_then_choosing_another_still_saves_the_first(qtbot, panel: StillsPanel,
                                                           mixed: Path) -> None:
    panel.show()
    panel.set_series(open_project(mixed))
    panel.select("poster.jpg")
    panel.details.alt.setFocus()
    qtbot.keyClicks(panel.details.alt, "Key art: two faces")
    with qtbot.waitSignal(panel.stillsChanged, timeout=1000):
        panel.select("s01e01-01.jpg")
    assert yaml_stills(mixed)["poster.jpg"].alt == "Key art: two faces"
    assert panel.details.alt.toPlainText() == "A harbour at dusk"


def test_used_in_entries_jump_to_the_line(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.set_series(open_project(mixed))
    panel.select("s01e02-01.jpg")
    assert "Looking through the recaps" in panel.details.used.text()
    qtbot.waitUntil(lambda: panel.model.usages_known)
    assert "s01e01&nbsp;line&nbsp;8" in panel.details.used.text()
    with qtbot.waitSignal(panel.usageActivated) as blocker:
        panel.details.used.linkActivated.emit("0")
    assert blocker.args == [str((mixed / "episodes" / "s01e01.md").resolve()), 8]
    panel.select("poster.jpg")
    assert "Not used" in panel.details.used.text()


def drag_events(panel: StillsPanel, mime: QMimeData) -> tuple[QDragEnterEvent, QDropEvent]:
    """A drag entering the panel, then the drop (Qt delivers a drop only after an enter)."""
    pos = panel.view.geometry().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    return enter, drop


# --- import -------------------------------------------------------------------------------------

def test_import_by_dialog(qtbot, panel: StillsPanel, mixed: Path, tmp_path: Path,
                          make_image) -> None:
    picked = [make_image(tmp_path / "Screen Shot 1.png", (1280, 720), "PNG"),
              make_image(tmp_path / "grab.webp", (640, 360), "WEBP")]
    panel.choose_files = lambda: [str(p) for p in picked]
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e01")
    imported: list[str] = []
    panel.stillImported.connect(imported.append)
    with qtbot.waitSignal(panel.stillsChanged):
        qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert imported == ["s01e01-03.png", "s01e01-04.webp"]
    assert (mixed / "stills" / "s01e01-03.png").read_bytes() == picked[0].read_bytes()
    saved = yaml_stills(mixed)["s01e01-04.webp"]
    assert (saved.episode, saved.caption) == ("s01e01", "Still From Test Show Episode 1")
    assert panel.model.rowCount() == 6
    assert panel.current_name() == "s01e01-04.webp"
    assert panel.banner.isVisibleTo(panel) and "Imported 2 stills" in panel.banner.text()
    all_loaded(qtbot, panel)


def test_dropping_files_from_the_desktop_imports_them(qtbot, panel: StillsPanel, mixed: Path,
                                                      tmp_path: Path, make_image) -> None:
    photo = make_image(tmp_path / "frame.jpg", (800, 450))
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    fake = tmp_path / "fake.jpg"
    fake.write_text("also not an image")
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e02")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (photo, notes, fake)])
    enter, drop = drag_events(panel, mime)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted() and panel.view.drop_hint
    with qtbot.waitSignal(panel.stillImported, timeout=WAIT_MS) as blocker:
        QApplication.sendEvent(panel, drop)
        assert drop.isAccepted()
    assert not panel.view.drop_hint
    assert blocker.args == ["s01e02-02.jpg"]
    assert (mixed / "stills" / "s01e02-02.jpg").read_bytes() == photo.read_bytes()
    assert not (mixed / "stills" / "s01e02-03.jpg").exists()
    assert panel.banner.isVisibleTo(panel)
    assert "notes.txt is a .txt file, not an image" in panel.banner.text()
    assert "fake.jpg: not a readable image" in panel.banner.text()


def test_an_image_dropped_on_a_text_field_is_imported_not_typed(qtbot, panel: StillsPanel,
                                                               mixed: Path, tmp_path: Path,
                                                               make_image) -> None:
    photo = make_image(tmp_path / "frame.png", (160, 90), "PNG")
    panel.show()
    panel.set_series(open_project(mixed))
    panel.select("poster.jpg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    field = panel.details.caption
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(field, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.stillImported) as blocker:
        QApplication.sendEvent(field, drop)
    assert blocker.args == ["still-01.png"]
    assert panel.details.name == "still-01.png"  # the new still is shown
    assert "frame.png" not in field.text()
    assert yaml_stills(mixed)["poster.jpg"].caption == "Key art"


def test_a_still_dragged_from_the_panel_is_not_imported_again(panel: StillsPanel,
                                                             mixed: Path) -> None:
    panel.set_series(open_project(mixed))
    mime = panel.model.mimeData([row_of(panel, "poster.jpg")])
    enter, drop = drag_events(panel, mime)
    QApplication.sendEvent(panel, enter)
    assert not enter.isAccepted()
    QApplication.sendEvent(panel, drop)
    assert not drop.isAccepted()
    assert panel.import_mime(mime) == []
    assert panel.model.rowCount() == 4


def test_pasting_a_clipboard_image(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.show()
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e02")
    image = QImage(320, 180, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a6f97"))
    QGuiApplication.clipboard().setImage(image)
    panel.view.setFocus()
    with qtbot.waitSignal(panel.stillImported) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["s01e02-02.png"]
    with Image.open(mixed / "stills" / "s01e02-02.png") as im:
        assert im.format == "PNG" and im.size == (320, 180)
        assert im.convert("RGB").getpixel((5, 5)) == (0x2a, 0x6f, 0x97)
    assert yaml_stills(mixed)["s01e02-02.png"].episode == "s01e02"


def test_qimage_png_bytes_import_as_they_are(mixed: Path) -> None:
    image = QImage(64, 36, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 40, 40, 128))
    data = png_bytes(image)
    series = open_project(mixed)
    still = core.import_image(series, data, episode=series.find_episode("s01e01"),
                              ext_hint=".png")
    assert still.name == "s01e01-03.png"
    assert (mixed / "stills" / still.name).read_bytes() == data
    with Image.open(mixed / "stills" / still.name) as im:
        assert im.mode == "RGBA" and im.getpixel((1, 1))[3] == 128


# --- placing, menus ---------------------------------------------------------------------------

def test_drag_out_carries_the_figure_markdown(panel: StillsPanel, mixed: Path) -> None:
    panel.set_series(open_project(mixed))
    panel.set_current_episode("s01e01")
    mime = panel.model.mimeData([row_of(panel, "s01e02-01.jpg")])
    assert mime.text() == '![A diver](../stills/s01e02-01.jpg "Deep water")'
    assert bytes(mime.data(STILL_MIME).data()) == b"s01e02-01.jpg"
    assert panel.model.supportedDragActions() == Qt.DropAction.CopyAction
    assert row_of(panel, "s01e02-01.jpg").flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_double_click_and_enter_ask_to_insert(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_series(open_project(mixed))
    index = panel.proxy.index(1, 0)
    rect = panel.view.visualRect(index)
    with qtbot.waitSignal(panel.insertRequested) as blocker:
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["s01e01-01.jpg"]
    panel.select("poster.jpg")
    panel.view.setFocus()
    with qtbot.waitSignal(panel.insertRequested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert blocker.args == ["poster.jpg"]


def test_context_menu_requests(qtbot, panel: StillsPanel, mixed: Path) -> None:
    opened: list[Path] = []
    panel.open_folder = opened.append
    panel.set_series(open_project(mixed))
    panel.select("s01e01-02.jpg")
    menu = panel.context_menu(True)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Insert into recap", "Copy figure Markdown", "Rename…", "Remove…",
                     "Show in folder"]
    for action, signal in ((panel.insert_action, panel.insertRequested),
                           (panel.rename_action, panel.renameRequested),
                           (panel.remove_action, panel.removeRequested)):
        with qtbot.waitSignal(signal) as blocker:
            action.trigger()
        assert blocker.args == ["s01e01-02.jpg"]
    panel.show_action.trigger()
    assert opened == [(mixed / "stills").resolve()]
    panel.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == "![](../stills/s01e01-02.jpg)"
    empty = [a.text() for a in panel.context_menu(False).actions()]
    assert empty == ["Import images…", "Paste image", "Show in folder"]


def test_keys_for_rename_and_remove(qtbot, panel: StillsPanel, mixed: Path) -> None:
    panel.show()
    panel.set_series(open_project(mixed))
    panel.select("poster.jpg")
    panel.view.setFocus()
    with qtbot.waitSignal(panel.renameRequested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    assert blocker.args == ["poster.jpg"]
    with qtbot.waitSignal(panel.removeRequested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert blocker.args == ["poster.jpg"]


def test_refresh_after_a_rename_keeps_pictures_and_follows_the_file(
        qtbot, panel: StillsPanel, mixed: Path) -> None:
    series = open_project(mixed)
    panel.set_series(series)
    all_loaded(qtbot, panel)
    changed = core.rename_still(series, "s01e01-01.jpg", "harbour")
    assert list(changed) == [series.find_episode("s01e01").path]
    panel.set_usages(core.usages(series, changed))
    panel.refresh()
    assert "harbour.jpg" in panel.visible_names()
    assert "s01e01-01.jpg" not in panel.visible_names()
    all_loaded(qtbot, panel)
    assert panel.model.item("harbour.jpg").state == READY
    assert panel.model.item("harbour.jpg").uses


def test_details_pane_shows_nothing_without_a_selection(panel: StillsPanel, mixed: Path) -> None:
    panel.show()
    panel.set_series(open_project(mixed))
    assert panel.details.name is None
    assert panel.details.empty.isVisible() and not panel.details.form_box.isVisible()
    panel.set_series(None)
    assert panel.model.rowCount() == 0 and panel.view.empty_text == "No project open"
    point = QPoint(5, 5)
    assert not panel.view.indexAt(point).isValid()
