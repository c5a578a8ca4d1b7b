"""The frame shown at a time, exactly: `FrameReader` (an open video for scrubbing) and
`grab_frame` (one full-resolution frame).

The frame shown at `t` is the last one whose presentation time is at or before `t`
(times compared to the microsecond, as FFmpeg counts them). A seek lands on a keyframe
before `t`; decoding goes forward from there. A reader keeps its place, so asking for a
later time nearby decodes on instead of seeking again.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import av.error
from PIL import Image

from recapdesk.core.video.decode import configure, decoded_frames, frame_time, to_image
from recapdesk.core.video.probing import VideoError, VideoInfo, open_video, origin, probe
from recapdesk.core.video.timecode import format_time

__all__ = ["FrameReader", "grab_frame"]

_FORWARD = Fraction(3)  # seconds: decode on rather than seek when this close ahead
_US = Fraction(1, 1_000_000)
_LEAD = Fraction(1)  # seconds before the time asked from which every frame is decoded


def _us(t: Fraction) -> int:
    return round(t / _US)


class FrameReader:
    """An open video that returns the frame shown at any time; one thread at a time.

    `frame_at(t, max_size)` -> (the frame's own time, RGB image); `close()` when done (or
    use it as a context manager). Raises VideoError with one sentence.
    """

    def __init__(self, path: Path | str, *, threads: int | None = None) -> None:
        self.path = Path(path).expanduser()
        self.info: VideoInfo = probe(self.path)
        self._container, self._stream = open_video(self.path)
        configure(self._stream, threads=threads)
        self._zero = origin(self._container, self._stream)
        tb = self._stream.time_base or Fraction(1, 90_000)
        self._tb = Fraction(tb)
        rate = self._stream.average_rate or self._stream.guessed_rate
        self._step = Fraction(1) / Fraction(rate) if rate else Fraction(1, 25)
        self._frames = None  # the decode iterator where the reader stands
        self._shown: tuple[Fraction, av.VideoFrame] | None = None  # last frame read
        self._ahead: tuple[Fraction, av.VideoFrame] | None = None  # the one after it
        self._ended = False

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._frames = None
        self._shown = self._ahead = None
        self._container.close()

    # --- reading -----------------------------------------------------------------

    def frame_at(self, seconds: float | Fraction, max_size: tuple[int, int] | None = None,
                 *, fast: bool = True) -> tuple[float, Image.Image]:
        """(the shown frame's time, its RGB image fitting `max_size`, or full size)."""
        t, frame = self.frame(seconds)
        return float(t), to_image(frame, max_size, fast=fast and max_size is not None)

    def frame(self, seconds: float | Fraction) -> tuple[Fraction, av.VideoFrame]:
        """(time, decoded frame) of the frame shown at `seconds` from the start."""
        t = Fraction(seconds)
        if t < 0:
            raise VideoError(f"{format_time(float(t))} is before the start of "
                             f"{self.path.name}")
        if self.info.duration > 0 and _us(t) >= _us(Fraction(self.info.duration)):
            raise VideoError(f"{format_time(float(t))} is past the end of {self.path.name} "
                             f"({format_time(self.info.duration)} long)")
        target = _us(t)
        shown = self._shown
        if shown is not None and _us(shown[0]) <= target and not self._ended \
                and t - shown[0] <= _FORWARD:
            found = self._read_on(target)
        elif shown is not None and _us(shown[0]) <= target and self._ended:
            found = shown  # past the last frame decoded
        else:
            found = self._seek_and_read(t, target)
        if found is None:
            raise VideoError(f"no frame of {self.path.name} could be decoded at "
                             f"{format_time(float(t))} (damaged file?)")
        if self._ended and self._ahead is None and _us(found[0] + 2 * self._step) < target:
            raise VideoError(f"{self.path.name} breaks off at {format_time(float(found[0]))}"
                             f", before {format_time(float(t))} (cut short or damaged)")
        return found

    def _seek(self, t: Fraction | None, wanted: Fraction | None = None) -> None:
        self._shown = self._ahead = None
        self._ended = False
        if t is None or t <= 0:
            offset = self._stream.start_time or 0
        else:
            offset = int((t + self._zero) / self._tb)
        try:
            self._container.seek(offset, stream=self._stream, backward=True, any_frame=False)
        except av.error.FFmpegError:
            self._container.seek(0)
        # frames more than a second before the time are never shown: only those others
        # refer to are decoded
        exact = None if wanted is None else int((wanted - _LEAD + self._zero) / self._tb)
        self._frames = iter(decoded_frames(self._container, self._stream, exact_from=exact))

    def _next(self) -> tuple[Fraction, av.VideoFrame] | None:
        """The next decoded frame with a time after the last one (None at the end)."""
        assert self._frames is not None
        for frame in self._frames:
            t = frame_time(frame, self._zero)
            if t is None:
                t = (self._shown[0] + self._step) if self._shown else Fraction(0)
            if self._shown is None or t > self._shown[0]:
                return t, frame
        self._ended = True
        return None

    def _seek_and_read(self, t: Fraction, target: int) -> tuple[Fraction, av.VideoFrame] | None:
        """Seek before `t` (further back while a seek lands after it) and read on."""
        for back in (0, 2, 10, 60, None):
            self._seek(None if back is None else t - back, t)
            first = self._next()
            if first is None:
                if back is None:
                    return None
                continue
            if _us(first[0]) > target and back is not None and t - back > 0:
                continue  # landed after the time: start further back
            self._shown = first
            if _us(first[0]) > target:  # before the first frame: the first one shows
                return first
            return self._read_on(target)
        return None

    def _read_on(self, target: int) -> tuple[Fraction, av.VideoFrame] | None:
        """Decode on from where the reader stands to the last frame at or before
        `target`, keeping the one after it."""
        if self._ahead is not None:
            if _us(self._ahead[0]) > target:
                return self._shown
            self._shown, self._ahead = self._ahead, None
        while True:
            nxt = self._next()
            if nxt is None:
                return self._shown
            if _us(nxt[0]) > target:
                self._ahead = nxt
                return self._shown
            self._shown = nxt


def grab_frame(path: Path | str, seconds: float | Fraction) -> tuple[float, Image.Image]:
    """The frame shown at `seconds`, full resolution, RGB with the video's colour tags:
    (its own time, image). Raises VideoError with one sentence."""
    with FrameReader(path) as reader:
        t, frame = reader.frame(seconds)
        return float(t), to_image(frame)
