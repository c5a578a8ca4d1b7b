"""Decoding with PyAV: threads, frames that survive damaged packets, frame times, and
frames turned into RGB with the video's own colour tags.

Colours: a frame tagged BT.709 (or BT.2020, SMPTE 240M) is converted with that matrix;
an untagged one with BT.601, as FFmpeg itself does; full-range frames keep full range.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from fractions import Fraction

import av
import av.error
from PIL import Image

__all__ = ["configure", "decoded_frames", "fit", "frame_time", "to_image"]

# AVColorSpace -> swscale matrix; everything else (unspecified, BT.470BG, SMPTE 170M) is BT.601
_MATRIX = {1: "itu709", 9: "bt2020", 10: "bt2020", 7: "smpte240m", 4: "fcc"}
_MAX_BAD_PACKETS = 200  # in a row: beyond this the rest of the file is noise


def thread_count(threads: int | None = None) -> int:
    """Decoding threads: `threads`, else every core (as FFmpeg's own default)."""
    return max(1, threads if threads else (os.cpu_count() or 1))


def configure(stream: av.video.VideoStream, *, threads: int | None = None,
              fast: bool = False) -> None:
    """Threaded decoding (frame and slice threads); `fast` skips the deblocking filter,
    good enough to compare frames and far cheaper (never for a still)."""
    stream.thread_type = "AUTO"
    stream.thread_count = thread_count(threads)
    if fast:
        stream.codec_context.options = {"skip_loop_filter": "all", "flags2": "+fast"}


def decoded_frames(container: av.container.InputContainer, stream: av.video.VideoStream,
                   *, exact_from: int | None = None) -> Iterator[av.VideoFrame]:
    """Every frame the stream's packets decode to, from where the container stands.

    With `exact_from` (a pts), frames no other frame refers to are left undecoded until
    a packet at or after it: the frames after it come out exactly the same, sooner.
    A damaged packet is skipped (as players do); a file that breaks off ends the frames
    there, with the decoder's last frames flushed out.
    """
    bad = 0
    flushed = False
    cc = stream.codec_context
    skipping = exact_from is not None and cc.name in ("h264", "hevc")
    if skipping:
        cc.skip_frame = "NONREF"
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                flushed = True
            if skipping and (packet.pts is None or packet.pts >= exact_from):
                cc.skip_frame = "DEFAULT"
                skipping = False
            try:
                frames = packet.decode()
            except av.error.EOFError:
                return
            except (av.error.InvalidDataError, av.error.UndefinedError, av.error.BugError,
                    av.error.PatchWelcomeError):
                bad += 1
                if bad > _MAX_BAD_PACKETS:
                    break
                continue
            bad = 0
            yield from frames
    except av.error.FFmpegError:
        pass  # the file breaks off or is damaged here: what was decoded stands
    if not flushed:
        try:
            yield from stream.codec_context.decode(None)
        except av.error.FFmpegError:
            return


def frame_time(frame: av.VideoFrame, origin: Fraction) -> Fraction | None:
    """The frame's presentation time in seconds from the video's start (exact)."""
    if frame.pts is None or frame.time_base is None:
        return None
    return frame.pts * frame.time_base - origin


def fit(size: tuple[int, int], max_size: tuple[int, int] | None) -> tuple[int, int]:
    """`size` scaled down (never up) to fit in `max_size`, its shape kept; even-free."""
    w, h = size
    if not max_size:
        return w, h
    mw, mh = max(1, max_size[0]), max(1, max_size[1])
    scale = min(mw / w, mh / h, 1.0)
    return max(1, round(w * scale)), max(1, round(h * scale))


def to_image(frame: av.VideoFrame, max_size: tuple[int, int] | None = None, *,
             fast: bool = False) -> Image.Image:
    """The frame as an RGB Pillow image, converted with its own colour tags; scaled to
    fit `max_size` when given (area averaging; `fast`: bilinear, for scrubbing)."""
    matrix = _MATRIX.get(int(frame.colorspace or 2), "itu601")
    full = int(frame.color_range or 0) == 2 or frame.format.name.startswith("yuvj")
    width, height = fit((frame.width, frame.height), max_size)
    resized = (width, height) != (frame.width, frame.height)
    rgb = frame.reformat(width=width, height=height, format="rgb24",
                         src_colorspace=matrix, dst_colorspace=matrix,
                         src_color_range="JPEG" if full else "MPEG", dst_color_range="JPEG",
                         interpolation=("BILINEAR" if fast else "AREA") if resized else None)
    return rgb.to_image()
