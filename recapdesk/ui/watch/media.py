"""The Watch panel's background work: frames decoded off the UI thread (`FrameService`),
the shot scan (`ShotScan`), playback with sound (`Playback`, QtMultimedia).

Decoding is the Qt-free core's (`core.video`); here it runs on Python threads, and the
answers reach the UI thread through `thread_relay` (never by touching a panel that may be
being deleted). A paused video always shows the frame the
core decodes for its time: exactly what a grab saves. PyAV is imported on first use, so
a window that shows no video starts without it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PIL import Image
from PySide6.QtCore import QObject, QSize, QUrl, Signal
from PySide6.QtGui import QImage

from recapdesk.ui.thread_relay import ensure_relay, to_ui_thread

__all__ = ["FrameService", "Playback", "ShotScan", "VideoFacts", "probe_video", "qimage"]


@dataclass(frozen=True)
class VideoFacts:
    """What the panel needs to know of a video."""

    duration: float
    fps: float
    width: int
    height: int

    @property
    def frame_time(self) -> float:
        return 1.0 / self.fps if self.fps > 0 else 1 / 25

    @property
    def last_frame(self) -> float:
        """A time at which the last frame is shown."""
        return max(0.0, self.duration - self.frame_time / 2)

    def step(self, seconds: float, frames: int) -> float:
        """The time `frames` frames away from the frame shown at `seconds` (a time in
        the middle of that frame, so that rounding never lands on its neighbour)."""
        index = round(seconds / self.frame_time) + frames
        return max(0.0, min(self.last_frame, index * self.frame_time))


def probe_video(path: Path) -> VideoFacts:
    """The video's facts; ValueError (VideoError) with one sentence when it is unusable."""
    from recapdesk.core.video import probe

    info = probe(path)
    return VideoFacts(info.duration, info.fps, info.width, info.height)


def qimage(image: Image.Image) -> QImage:
    """A QImage copy of an RGB Pillow image."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, rgb.width * 3,
                  QImage.Format.Format_RGB888).copy()


class FrameService(QObject):
    """Frames of one video, decoded on a thread; for each slot the latest request wins."""

    frameReady = Signal(str, float, float, QImage)  # slot, asked, the frame's time, image
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        ensure_relay()
        self._cond = threading.Condition()
        self._path: Path | None = None
        self._wanted: dict[str, tuple[float, tuple[int, int]]] = {}
        self._closed = False
        self._thread: threading.Thread | None = None
        self._working = False
        self.decoded = 0

    def open(self, path: Path | None) -> None:
        with self._cond:
            self._path = path
            self._wanted.clear()
            self._cond.notify()

    def request(self, slot: str, seconds: float, size: QSize) -> None:
        """Decode the frame shown at `seconds`, to fit `size`; answered by frameReady."""
        with self._cond:
            if self._path is None or self._closed:
                return
            if slot != "screen":  # one hovered thumbnail at a time
                for other in [s for s in self._wanted if s != "screen"]:
                    del self._wanted[other]
            self._wanted[slot] = (seconds, (max(16, size.width()), max(16, size.height())))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="watch-frames",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()

    def pending(self) -> bool:
        """True while a frame asked for is not handed out yet."""
        with self._cond:
            return bool(self._wanted) or self._working

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from recapdesk.core.video import FrameReader, VideoError

        reader: FrameReader | None = None
        reader_path: Path | None = None
        while True:
            with self._cond:
                self._working = False
                while not self._closed and not self._wanted:
                    if not self._cond.wait(timeout=10) and not shiboken6.isValid(self):
                        self._closed = True  # deleted without close(): end the thread
                if self._closed:
                    break
                slot = "screen" if "screen" in self._wanted else next(iter(self._wanted))
                seconds, size = self._wanted.pop(slot)
                path = self._path
                self._working = True
            if path is None:
                continue
            try:
                if reader is None or reader_path != path:
                    if reader is not None:
                        reader.close()
                    reader, reader_path = FrameReader(path), path
                shown, image = reader.frame_at(seconds, max_size=size)
            except VideoError as exc:
                self._emit_failed(str(exc))
                continue
            self.decoded += 1
            to_ui_thread(self, self.frameReady.emit, slot, seconds, float(shown), qimage(image))
        if reader is not None:
            reader.close()
        with self._cond:
            self._working = False

    def _emit_failed(self, message: str) -> None:
        to_ui_thread(self, self.failed.emit, message)


class ShotScan(QObject):
    """Finds the shots of a video on a thread (cached by the core), one signal per shot."""

    shotFound = Signal(float, float, float, QImage)  # start, end, frame, thumbnail
    progress = Signal(float)  # 0..1
    finished = Signal(str)  # "" when complete, else one sentence

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        ensure_relay()
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self.running = False  # from start() until `finished` reaches the UI thread
        self.finished.connect(self._done)

    def _done(self, _error: str) -> None:
        self.running = False

    def start(self, path: Path, cache_dir: Path | None = None) -> None:
        """Find the shots of `path`, remembered in `cache_dir` (the project's, or the
        user's cache when None)."""
        self.cancel()
        cancel = threading.Event()
        self._cancel = cancel
        self.running = True
        self._thread = threading.Thread(target=self._run, args=(path, cancel, cache_dir),
                                        name="watch-shots", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = None
        self.running = False

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, path: Path, cancel: threading.Event, cache_dir: Path | None) -> None:
        from recapdesk.core.video import USER_CACHE, VideoError, scan_shots

        error = ""
        try:
            for found in scan_shots(path, cancel=cancel.is_set,
                                    progress=lambda f: self._emit(cancel, self.progress, f),
                                    thumbnails=True,
                                    cache_dir=cache_dir if cache_dir else USER_CACHE):
                if cancel.is_set():
                    return
                shot, thumb = found
                self._emit(cancel, self.shotFound, shot.start, shot.end, shot.frame,
                           qimage(thumb))
        except VideoError as exc:
            error = str(exc)
        if not cancel.is_set():
            self._emit(cancel, self.finished, error)

    def _emit(self, cancel: threading.Event, signal, *args) -> None:
        if not cancel.is_set():
            to_ui_thread(self, signal.emit, *args)


class Playback(QObject):
    """Plays the video with its sound (QtMultimedia); `frame(seconds, image)` per frame
    while playing. Made on first use, so a window without a video loads no media stack."""

    frame = Signal(float, QImage)
    stateChanged = Signal(bool)  # playing
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = None
        self._sink = None
        self._audio = None
        self._path: Path | None = None
        self.playing = False

    def _ensure(self) -> None:
        if self._player is not None:
            return
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink

        self._player = QMediaPlayer(self)
        self._sink = QVideoSink(self)
        self._audio = QAudioOutput(self)
        self._player.setVideoSink(self._sink)
        self._player.setAudioOutput(self._audio)
        self._sink.videoFrameChanged.connect(self._frame)
        self._player.playbackStateChanged.connect(self._state)
        self._player.errorOccurred.connect(self._error)

    def open(self, path: Path) -> None:
        self._path = path
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())

    def play(self, seconds: float) -> None:
        if self._path is None:
            return
        self._ensure()
        assert self._player is not None
        url = QUrl.fromLocalFile(str(self._path))
        if self._player.source() != url:
            self._player.setSource(url)
        self._player.setPosition(int(round(seconds * 1000)))
        self.playing = True
        self._player.play()
        self.stateChanged.emit(True)

    def seek(self, seconds: float) -> None:
        if self._player is not None:
            self._player.setPosition(int(round(seconds * 1000)))

    def pause(self) -> None:
        if self._player is not None:
            self._player.pause()
        if self.playing:
            self.playing = False
            self.stateChanged.emit(False)

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
        if self.playing:
            self.playing = False
            self.stateChanged.emit(False)

    def _frame(self, frame) -> None:
        if not self.playing or not frame.isValid():
            return
        image = frame.toImage()
        if not image.isNull():
            self.frame.emit(frame.startTime() / 1_000_000, image)

    def _state(self, state) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state != QMediaPlayer.PlaybackState.PlayingState and self.playing:
            self.playing = False  # the end of the video
            self.stateChanged.emit(False)

    def _error(self, _error, text: str) -> None:
        self.failed.emit(f"The video cannot be played: {text}" if text
                         else "The video cannot be played.")
