"""Opening a video safely, and what it is: `probe(path) -> VideoInfo`.

Every way a file can fail to be a usable video (missing, a folder, not a media file, an
image, sound only, a codec FFmpeg cannot decode) ends in one VideoError whose message is
one sentence naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error

__all__ = ["VideoError", "VideoInfo", "open_video", "probe"]

# demuxers that read a still image or text, never an episode
_NOT_VIDEO_FORMATS = {"image2", "tty", "apng", "gif", "webp_pipe", "ico"}


class VideoError(ValueError):
    """A video that cannot be used; the message is one sentence naming the file."""


@dataclass(frozen=True)
class VideoInfo:
    """The facts of a video's first video stream (times in seconds)."""

    path: Path
    duration: float  # from the first frame's start to the end of the last one (as declared)
    fps: float
    width: int
    height: int
    codec: str  # h264, hevc, vp9, av1, …
    colorspace: str  # bt709, bt601, bt2020 or "" (not tagged: read as BT.601, as FFmpeg does)
    full_range: bool  # full (0–255) YUV levels rather than limited (16–235)
    frames: int | None  # declared or estimated frame count

    @property
    def frame_time(self) -> float:
        """Seconds per frame (1/25 when the rate is unknown)."""
        return 1.0 / self.fps if self.fps > 0 else 0.04


def _name(path: Path) -> str:
    return path.name or str(path)


def open_video(path: Path | str) -> tuple[av.container.InputContainer, av.video.VideoStream]:
    """Open `path` and return (container, its first video stream); the caller closes it.

    Raises VideoError with one sentence for anything that is not a readable video.
    """
    path = Path(path).expanduser()
    name = _name(path)
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    try:
        if path.stat().st_size == 0:
            raise VideoError(f"{name} is empty, not a video")
        container = av.open(str(path), "r", metadata_errors="ignore")
    except VideoError:
        raise
    except av.error.PermissionError:
        raise VideoError(f"{name} cannot be read (permission denied)") from None
    except av.error.FFmpegError as exc:
        if isinstance(exc, OSError) and not isinstance(exc, av.error.InvalidDataError) \
                and exc.errno not in (None,) and exc.errno < 1000:
            raise VideoError(f"{name} cannot be read ({os.strerror(exc.errno)})") from None
        raise VideoError(f"{name} is not a video file FFmpeg can read") from None
    except OSError as exc:
        raise VideoError(f"{name} cannot be read ({exc.strerror or exc})") from None
    try:
        fmt = container.format.name or ""
        if fmt in _NOT_VIDEO_FORMATS or fmt.endswith("_pipe"):
            raise VideoError(f"{name} is an image or text file, not a video")
        streams = [s for s in container.streams.video
                   if not (s.disposition & av.stream.Disposition.attached_pic)]
        if not streams:
            kinds = "sound only" if container.streams.audio else "no picture"
            raise VideoError(f"{name} has no video stream ({kinds})")
        stream = streams[0]
        if stream.codec_context is None or not stream.codec_context.name:
            raise VideoError(f"{name}: its video codec cannot be decoded here")
    except BaseException:
        container.close()
        raise
    return container, stream


def origin(container: av.container.InputContainer, stream: av.video.VideoStream) -> Fraction:
    """The time (seconds) that counts as 0: the file's start, as FFmpeg and players count."""
    if container.start_time is not None:
        return Fraction(container.start_time, 1_000_000)
    if stream.start_time is not None and stream.time_base is not None:
        return stream.start_time * stream.time_base
    return Fraction(0)


def colour_tags(stream: av.video.VideoStream) -> tuple[str, bool]:
    """(colour matrix name, full range) from a stream's tags."""
    cc = stream.codec_context
    space = {1: "bt709", 5: "bt601", 6: "bt601", 9: "bt2020", 10: "bt2020",
             7: "smpte240m", 4: "fcc"}.get(int(cc.colorspace or 2), "")
    pix = cc.format.name if cc.format is not None else ""
    full = int(cc.color_range or 0) == 2 or pix.startswith("yuvj")
    return space, full


def probe(path: Path | str) -> VideoInfo:
    """The facts of a video; VideoError with one sentence when it cannot be used."""
    path = Path(path).expanduser()
    container, stream = open_video(path)
    try:
        cc = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        start = origin(container, stream)
        duration = 0.0
        if stream.duration is not None and stream.time_base is not None:
            end = (stream.start_time or 0) * stream.time_base + stream.duration \
                * stream.time_base
            duration = float(end - start)
        if duration <= 0 and container.duration is not None:
            duration = container.duration / 1_000_000
        frames = stream.frames or (round(duration * fps) if duration and fps else None)
        space, full = colour_tags(stream)
        if not cc.width or not cc.height:
            raise VideoError(f"{_name(path)}: its picture size is unknown (damaged file?)")
        return VideoInfo(path=path, duration=max(0.0, duration), fps=fps, width=cc.width,
                         height=cc.height, codec=cc.name, colorspace=space, full_range=full,
                         frames=frames)
    finally:
        container.close()
