"""WatchPanel: the episode's video beside the recap, its shots as a contact sheet.

It presents and forwards: playback is `Playback`, frames and the shot scan come from the
background services in `media`, and what a grab or a note does to the project is the
window's (`grabRequested(seconds)`, `noteRequested(seconds)`, `openRequested()`).

Keys while the panel has the focus: Space plays or pauses, ←/→ step a frame, Shift+←/→
jump 5 seconds, G grabs the frame shown, T notes the time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core.video.timecode import format_time
from recapdesk.ui import icons
from recapdesk.ui.watch.media import FrameService, Playback, ShotScan, VideoFacts, probe_video
from recapdesk.ui.watch.screen import Screen
from recapdesk.ui.watch.sheet import ShotSheet
from recapdesk.ui.watch.timeline import Timeline

JUMP_SECONDS = 5.0
SCREEN_SLOT, HOVER_SLOT = "screen", "hover"
VIDEO_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".m4v", ".avi", ".ts", ".m2ts")
NO_VIDEO_HINT = ("Open the episode's video to watch it beside the recap, grab stills and "
                 "note times (Ctrl+Alt+V, or drop the file here).")


def _button(icon: str, tip: str, slot) -> QToolButton:
    button = QToolButton()
    button.setIcon(icons.icon(icon))
    button.setToolTip(tip)
    button.setAccessibleName(tip.split(" (")[0])
    button.setAutoRaise(True)
    button.clicked.connect(slot)
    return button


def video_files(mime: QMimeData) -> list[Path]:
    """The local video files in a drag."""
    return [Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(VIDEO_SUFFIXES)]


class WatchPanel(QWidget):
    """The video of the current recap: screen, timeline, transport and shot sheet."""

    openRequested = Signal()
    videoDropped = Signal(str)
    grabRequested = Signal(float)
    noteRequested = Signal(float)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchPanel")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.path: Path | None = None
        self.facts: VideoFacts | None = None
        self.time = 0.0  # the time of the frame shown
        self._build()
        self.frames = FrameService(self)
        self.frames.frameReady.connect(self._frame_ready)
        self.frames.failed.connect(self._failed)
        self.playback = Playback(self)
        self.playback.frame.connect(self._played_frame)
        self.playback.stateChanged.connect(self._update_play_button)
        self.playback.failed.connect(self._failed)
        self.scan = ShotScan(self)
        self.scan.shotFound.connect(self._shot_found)
        self.scan.progress.connect(self._scan_progress)
        self.scan.finished.connect(self._scan_finished)
        self.show_video(None)

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("watchTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_button = _button("open_video", "Open the episode's video… (Ctrl+Alt+V)",
                                   self.openRequested.emit)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.open_button)

        self.screen = Screen(self)
        self.screen.set_hint(NO_VIDEO_HINT)
        self.timeline = Timeline(self)
        self.timeline.seekRequested.connect(self.seek)

        self.back_button = _button("jump_back", "Back 5 seconds (Shift+←)",
                                   lambda: self.jump(-JUMP_SECONDS))
        self.prev_button = _button("frame_back", "Previous frame (←)", lambda: self.step(-1))
        self.play_button = _button("play", "Play (Space)", self.toggle_play)
        self.next_button = _button("frame_forward", "Next frame (→)", lambda: self.step(1))
        self.forward_button = _button("jump_forward", "Forward 5 seconds (Shift+→)",
                                      lambda: self.jump(JUMP_SECONDS))
        self.time_label = QLabel("00:00:00.000", self)
        self.time_label.setObjectName("watchTime")
        self.time_label.setAccessibleName("Time")
        font = self.time_label.font()
        font.setFamilies(["DejaVu Sans Mono", "monospace"])
        self.time_label.setFont(font)
        self.grab_button = QPushButton(icons.icon("grab"), "Grab Still", self)
        self.grab_button.setObjectName("grabButton")
        self.grab_button.setToolTip("Save the frame shown as a still of this recap and put "
                                    "it at the cursor (G, or Ctrl+Alt+G anywhere)")
        self.grab_button.clicked.connect(lambda: self.grabRequested.emit(self.time))
        self.note_button = _button("time_note", "Note this time in the recap (T, or "
                                   "Ctrl+Alt+T anywhere)", lambda: self.noteRequested.emit(
                                       self.time))
        transport = QHBoxLayout()
        transport.setContentsMargins(6, 0, 6, 0)
        transport.setSpacing(2)
        for w in (self.back_button, self.prev_button, self.play_button, self.next_button,
                  self.forward_button):
            transport.addWidget(w)
        transport.addSpacing(6)
        transport.addWidget(self.time_label)
        transport.addStretch(1)
        transport.addWidget(self.note_button)
        transport.addWidget(self.grab_button)

        video = QWidget(self)
        video_layout = QVBoxLayout(video)
        video_layout.setContentsMargins(0, 0, 0, 0)
        video_layout.setSpacing(4)
        video_layout.addWidget(self.screen, 1)
        video_layout.addWidget(self.timeline)
        video_layout.addLayout(transport)

        self.sheet_label = QLabel("Shots", self)
        self.sheet_label.setObjectName("sheetLabel")
        self.scan_bar = QProgressBar(self)
        self.scan_bar.setObjectName("scanProgress")
        self.scan_bar.setRange(0, 1000)
        self.scan_bar.setTextVisible(False)
        self.scan_bar.setMaximumHeight(8)
        self.scan_cancel = _button("cancel", "Stop finding shots", self.cancel_scan)
        sheet_top = QHBoxLayout()
        sheet_top.setContentsMargins(6, 0, 6, 0)
        sheet_top.addWidget(self.sheet_label)
        sheet_top.addWidget(self.scan_bar, 1)
        sheet_top.addWidget(self.scan_cancel)
        self.sheet = ShotSheet(self)
        self.sheet.hovered.connect(self._hovered)
        self.sheet.grabRequested.connect(self._grab_at)
        self.sheet.seekRequested.connect(self.seek)
        sheet_box = QWidget(self)
        sheet_layout = QVBoxLayout(sheet_box)
        sheet_layout.setContentsMargins(0, 4, 0, 0)
        sheet_layout.setSpacing(2)
        sheet_layout.addLayout(sheet_top)
        sheet_layout.addWidget(self.sheet, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("watchSplitter")
        self.splitter.addWidget(video)
        self.splitter.addWidget(sheet_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    # --- the video ------------------------------------------------------------------------

    def show_video(self, path: Path | None, cache_dir: Path | None = None) -> bool:
        """Show this video (None: none), its shots remembered in `cache_dir`. False, with a
        message, when it cannot be read."""
        if path is not None and self.path is not None and path == self.path:
            return True
        self.playback.stop()
        self.scan.cancel()
        self.sheet.clear_shots()
        self.timeline.set_cuts([])
        self.screen.set_image(QImage())
        self.path, self.facts, self.time = None, None, 0.0
        if path is not None:
            try:
                self.facts = probe_video(path)
            except ValueError as exc:  # VideoError: one sentence
                self.screen.set_hint(str(exc))
                self.title.setText(path.name)
                self.title.setToolTip(str(path))
                self.message.emit(str(exc))
                self._enable(False)
                return False
            self.path = path
        self._enable(self.path is not None)
        if self.path is None:
            self.title.setText("No video")
            self.title.setToolTip("")
            self.screen.set_hint(NO_VIDEO_HINT)
            self.frames.open(None)
            self._scan_idle()
            return True
        facts = self.facts
        assert facts is not None
        self.title.setText(f"{self.path.name} — {format_time(facts.duration)}")
        self.title.setToolTip(f"{self.path}\n{facts.width}×{facts.height}, "
                              f"{facts.fps:.3f} frames a second")
        self.screen.set_hint("")
        self.timeline.set_duration(facts.duration)
        self.frames.open(self.path)
        self.playback.open(self.path)
        self.seek(0.0)
        self.scan_bar.setValue(0)
        self.scan_bar.show()
        self.scan_cancel.show()
        self.sheet_label.setText("Finding shots…")
        self.scan.start(self.path, cache_dir)
        return True

    def _enable(self, on: bool) -> None:
        for w in (self.back_button, self.prev_button, self.play_button, self.next_button,
                  self.forward_button, self.grab_button, self.note_button, self.timeline):
            w.setEnabled(on)

    # --- moving through it ----------------------------------------------------------------

    def seek(self, seconds: float) -> None:
        """Show the frame at `seconds` (clamped to the video)."""
        if self.facts is None:
            return
        seconds = min(max(0.0, seconds), self.facts.last_frame)
        self.time = seconds
        self._show_time()
        if self.playback.playing:
            self.playback.seek(seconds)
        else:
            self.frames.request(SCREEN_SLOT, seconds, self.screen.size())

    def step(self, frames: int) -> None:
        """Step a frame forward or back (pauses first)."""
        if self.facts is None:
            return
        if self.playback.playing:
            self.playback.pause()
        self.seek(self.facts.step(self.time, frames))

    def jump(self, seconds: float) -> None:
        self.seek(self.time + seconds)

    def toggle_play(self) -> None:
        if self.facts is None:
            return
        if self.playback.playing:
            self.playback.pause()
            self.seek(self.time)  # the exact frame, as a grab will save it
        else:
            self.playback.play(self.time)

    def _show_time(self) -> None:
        self.time_label.setText(format_time(self.time))
        self.timeline.set_time(self.time)

    def _played_frame(self, seconds: float, image: QImage) -> None:
        self.time = seconds
        self.screen.set_image(image)
        self._show_time()

    def _frame_ready(self, slot: str, asked: float, shown: float, image: QImage) -> None:
        if slot == SCREEN_SLOT:
            if self.playback.playing or abs(asked - self.time) > 1e-6:
                return  # a later request is on its way
            self.time = shown
            self.screen.set_image(image)
            self._show_time()
        elif slot.startswith(HOVER_SLOT):
            self.sheet.show_frame(int(slot[len(HOVER_SLOT):]), shown, image)

    def _failed(self, message: str) -> None:
        self.message.emit(message)

    def _update_play_button(self, playing: bool) -> None:
        self.play_button.setIcon(icons.icon("pause" if playing else "play"))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")

    # --- the shot sheet -------------------------------------------------------------------

    def _shot_found(self, start: float, end: float, frame: float, image: QImage) -> None:
        if self.sheet.shots:
            self.sheet.set_end(len(self.sheet.shots) - 1, start)
        self.sheet.add_shot(start, end, frame, image)
        self.timeline.add_cut(start)
        self.sheet_label.setText(f"Shots ({len(self.sheet.shots)})")

    def _scan_progress(self, fraction: float) -> None:
        self.scan_bar.setValue(int(fraction * 1000))

    def _scan_finished(self, error: str) -> None:
        self._scan_idle()
        if error:
            self.sheet_label.setText(f"Shots ({len(self.sheet.shots)}) — {error}")
            self.sheet_label.setToolTip(error)
            self.message.emit(error)

    def _scan_idle(self) -> None:
        self.scan_bar.hide()
        self.scan_cancel.hide()
        if self.path is None:
            self.sheet_label.setText("Shots")

    def cancel_scan(self) -> None:
        self.scan.cancel()
        self._scan_idle()
        self.sheet_label.setText(f"Shots ({len(self.sheet.shots)}, stopped)")

    def _hovered(self, row: int, seconds: float) -> None:
        self.frames.request(f"{HOVER_SLOT}{row}", seconds, self.sheet.iconSize())

    def _grab_at(self, seconds: float) -> None:
        self.seek(seconds)
        self.grabRequested.emit(seconds)

    # --- keys and drops -------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key == Qt.Key.Key_Left:
            self.jump(-JUMP_SECONDS) if shift else self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.jump(JUMP_SECONDS) if shift else self.step(1)
        elif key == Qt.Key.Key_G and self.facts is not None:
            self.grabRequested.emit(self.time)
        elif key == Qt.Key.Key_T and self.facts is not None:
            self.noteRequested.emit(self.time)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if video_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = video_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.videoDropped.emit(str(files[0])))

    def busy(self) -> bool:
        """True while shots are being found or a frame is on its way."""
        return self.scan.running or self.frames.pending()

    def shutdown(self) -> None:
        """Stop the background work (the window is closing)."""
        self.scan.cancel()
        self.playback.stop()
        self.frames.close()
