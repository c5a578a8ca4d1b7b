"""The Watch panel driven as a writer would: open the episode's video, see its shots fill
in, step through frames, grab a still at the cursor, note times and jump back to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from recapdesk.core import frontmatter
from recapdesk.core.project import open_project
from recapdesk.core.video import FrameReader, shots_for
from tests.core.video_fixtures import EPISODE, encode
from tests.ui.conftest import editor_of, episode_path, inspected, run_js, wait_js

WAIT_MS = 60_000  # an upper bound for background decoding, not a timing requirement


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return encode(tmp_path_factory.mktemp("watch") / "episode.mp4", EPISODE)


def _watching(qtbot, window, video: Path):
    window.watch_actions.use_video(video)
    panel = window.watch
    qtbot.waitUntil(lambda: panel.path == video and not panel.busy(), timeout=WAIT_MS)
    return panel


def _shown(qtbot, panel, seconds: float) -> None:
    """Wait for the frame at `seconds` to be on the screen."""
    qtbot.waitUntil(lambda: not panel.busy() and not panel.screen.image.isNull()
                    and abs(panel.time - seconds) < 1e-3, timeout=WAIT_MS)


def test_opening_a_video_remembers_it_and_fills_the_shot_sheet(qtbot, open_window,
                                                                 sample_project, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    assert window.watch_dock.isVisible()
    assert frontmatter.value(editor_of(window).document_text(), "video") == video.as_posix()

    expected = shots_for(video, None)
    assert len(panel.sheet.shots) == len(expected) == len(EPISODE.cut_frames()) + 1
    assert [round(s.start, 3) for s in panel.sheet.shots] == \
        [round(s.start, 3) for s in expected]
    assert all(not s.image.isNull() for s in panel.sheet.shots)
    assert len(panel.timeline.cuts) == len(expected)
    assert panel.sheet_label.text() == f"Shots ({len(expected)})"
    assert panel.scan_bar.isHidden()
    assert panel.time_label.text() == "00:00:00.000"
    # the shots are remembered in the project: a second open is instant
    assert list((sample_project / ".recapdesk" / "cache" / "shots").glob("*.json"))

    # another recap has no video; coming back shows this one again
    window.open_episode(episode_path(sample_project, "s01e02"))
    qtbot.waitUntil(lambda: panel.path is None)
    window.open_episode(episode_path(sample_project, "s01e01"))
    qtbot.waitUntil(lambda: panel.path == video and not panel.busy(), timeout=WAIT_MS)


def test_frames_step_exactly_and_show_what_a_grab_saves(qtbot, open_window, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    _shown(qtbot, panel, 0.04)
    assert panel.time_label.text() == "00:00:00.040"
    qtbot.keyClick(panel, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    _shown(qtbot, panel, 5.04)
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    _shown(qtbot, panel, 5.0)
    assert panel.time_label.text() == "00:00:05.000"

    with FrameReader(video) as reader:
        t, image = reader.frame_at(5.0, max_size=(panel.screen.image.width(),
                                                  panel.screen.image.height()))
    assert t == pytest.approx(5.0)
    shown = panel.screen.image
    assert (shown.width(), shown.height()) == image.size
    # the same decoded frame: the pixels match
    for x, y in ((10, 10), (image.width // 2, image.height // 2), (image.width - 5, 5)):
        colour = shown.pixelColor(x, y)
        assert (colour.red(), colour.green(), colour.blue()) == image.getpixel((x, y))

    panel.seek(10_000.0)  # past the end: the last frame
    qtbot.waitUntil(lambda: not panel.busy(), timeout=WAIT_MS)
    assert panel.time <= EPISODE.frames / EPISODE.fps


def test_grab_puts_the_still_at_the_cursor_and_asks_for_its_alt_text(
        qtbot, open_window, sample_project, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    panel.seek(3.0)
    _shown(qtbot, panel, 3.0)
    editor = editor_of(window)
    before = set(open_project(sample_project).stills)
    window.actions.grab.trigger()
    qtbot.waitUntil(lambda: not window.watch_actions.grabbing, timeout=WAIT_MS)
    stills = open_project(sample_project).stills
    (name,) = set(stills) - before
    assert name.startswith("s01e01-") and name.endswith(".jpg")
    entry = frontmatter.load_yaml((sample_project / "stills" / "stills.yaml")
                                  .read_text("utf-8"))[name]
    assert entry["source"] == video.name and entry["at"] == "00:00:03.000"
    assert f"../stills/{name}" in editor.document_text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.stills.details.alt)


def test_time_notes_go_in_the_recap_and_take_the_video_back(qtbot, open_window,
                                                             sample_project, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    panel.seek(12.48)
    _shown(qtbot, panel, 12.48)
    editor = editor_of(window)
    window.actions.time_note.trigger()
    qtbot.keyClicks(editor, "She finds the letter")
    assert "\n[00:12] She finds the letter" in editor.document_text()
    inspected(qtbot, window)

    panel.seek(0.0)
    _shown(qtbot, panel, 0.0)
    # the note's time in the preview is a link that takes the video back there
    window.preview_dock.raise_()
    qtbot.waitUntil(window.preview_is_ready, timeout=WAIT_MS)
    wait_js(qtbot, window, "document.querySelectorAll('a.time-stamp').length",
            lambda n: n == 1)
    run_js(qtbot, window, "document.querySelector('a.time-stamp').click(); 1")
    _shown(qtbot, panel, 12.0)


def test_a_file_that_is_not_a_video_is_refused_and_not_remembered(
        qtbot, open_window, tmp_path) -> None:
    window = open_window("s01e01")
    notes = tmp_path / "notes.mp4"
    notes.write_text("only text\n" * 50, "utf-8")
    before = editor_of(window).document_text()
    window.watch_actions.use_video(notes)
    assert window.watch.path is None
    assert "video" not in window.watch.screen.hint.lower() or "not" in \
        window.watch.screen.hint.lower()
    assert editor_of(window).document_text() == before
    assert not window.watch.grab_button.isEnabled()


def test_hovering_a_shot_scrubs_it_and_double_click_grabs_that_frame(
        qtbot, open_window, sample_project, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    sheet = panel.sheet
    shot = sheet.shots[1]
    rect = sheet.visualItemRect(sheet.item(1))
    point = QPoint(rect.left() + rect.width() * 3 // 4, rect.center().y())
    qtbot.mouseMove(sheet.viewport(), point)
    qtbot.waitUntil(lambda: sheet.shots[1].shown != shot.frame and not panel.busy(),
                    timeout=WAIT_MS)
    hovered = sheet.shots[1].shown
    assert shot.start + (shot.end - shot.start) / 2 < hovered < shot.end
    before = set(open_project(sample_project).stills)
    qtbot.mouseClick(sheet.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(sheet.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: not window.watch_actions.grabbing
                    and len(open_project(sample_project).stills) > len(before),
                    timeout=WAIT_MS)
    (name,) = set(open_project(sample_project).stills) - before
    entry = frontmatter.load_yaml((sample_project / "stills" / "stills.yaml")
                                  .read_text("utf-8"))[name]
    assert abs(parse_seconds(entry["at"]) - hovered) < 0.002
    # moving away shows the shot's own frame again
    qtbot.mouseMove(sheet.viewport(), QPoint(2, sheet.viewport().height() - 2))
    qtbot.waitUntil(lambda: sheet.shots[1].shown == shot.frame)


def parse_seconds(text: str) -> float:
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_play_then_pause_shows_the_exact_frame(qtbot, open_window, video) -> None:
    window = open_window("s01e01")
    panel = _watching(qtbot, window, video)
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    assert panel.playback.playing
    assert panel.play_button.toolTip().startswith("Pause")
    qtbot.waitUntil(lambda: panel.time > 0.5, timeout=WAIT_MS)
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    assert not panel.playback.playing
    qtbot.waitUntil(lambda: not panel.busy(), timeout=WAIT_MS)
    paused_at = panel.time
    with FrameReader(video) as reader:
        t, _ = reader.frame_at(paused_at)
    assert t == pytest.approx(paused_at, abs=1e-6)  # a frame's own time: what a grab saves
    assert panel.time_label.text().startswith("00:00:")
