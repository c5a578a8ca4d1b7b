"""The shots of a video: `scan_shots()` finds them progressively, `shots_for()` returns
them all, both remembered per file (see `cache`).

How: one pass of threaded decoding (frame and slice threads) with the deblocking filter
off, which costs less than a plain decode; each frame gives a tiny signature
(`features`: about 1 % of its pixels, read in place), and `cuts.CutFinder` finds the
boundaries, exact to the frame. Optionally (`skip_nonref`) H.264 and HEVC frames that no
other frame refers to are left undecoded (about half the work); a cut between two
decoded frames is then put in the middle of the gap, at most two frames off. Each
shot's representative frame is the one nearest its middle among frames sampled every
quarter second.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from PIL import Image

from recapdesk.core.video import cache
from recapdesk.core.video.cuts import CutFinder
from recapdesk.core.video.decode import configure, decoded_frames, frame_time, to_image
from recapdesk.core.video.features import signature
from recapdesk.core.video.probing import VideoError, open_video, origin

__all__ = ["THUMB_SIZE", "USER_CACHE", "Shot", "scan_shots", "shots_for"]

THUMB_SIZE = (160, 90)
USER_CACHE: Literal["user"] = "user"
SAMPLE_EVERY = Fraction(1, 4)  # seconds between frames that may represent a shot
_SKIPPING_CODECS = {"h264", "hevc"}
_MAX_SKIP = 4  # frames: a longer gap between decoded frames turns skipping off


@dataclass(frozen=True)
class Shot:
    """One shot: from `start` to `end` (seconds), represented by the frame at `frame`."""

    start: float
    end: float
    frame: float

    def to_json(self) -> dict[str, float]:
        return {"start": round(self.start, 6), "end": round(self.end, 6),
                "frame": round(self.frame, 6)}


def _folder(cache_dir: Path | str | None) -> Path | None:
    if cache_dir == USER_CACHE:
        return cache.user_cache_dir()
    return Path(cache_dir) if cache_dir is not None else None


def shots_for(path: Path | str, cache_dir: Path | str | None = USER_CACHE, *,
              cancel: Callable[[], bool] | None = None) -> list[Shot]:
    """Every shot of the video, from the cache when it was scanned before."""
    return list(scan_shots(path, cache_dir=cache_dir, cancel=cancel))


def scan_shots(path: Path | str, *, progress: Callable[[float], None] | None = None,
               cancel: Callable[[], bool] | None = None, thumbnails: bool = False,
               thumb_size: tuple[int, int] = THUMB_SIZE,
               cache_dir: Path | str | None = USER_CACHE,
               threads: int | None = None, skip_nonref: bool = False) -> Iterator:
    """The shots of a video in order, each as soon as it is known.

    Yields `Shot`s, or `(Shot, thumbnail)` pairs with `thumbnails` (RGB Pillow images
    fitting `thumb_size`). `progress(fraction)` is called now and then; `cancel()` is
    asked at every frame and ends the scan (nothing is remembered then). `cache_dir`:
    where scans are remembered (`USER_CACHE`, a folder, or None for no cache). A file
    that breaks off gives the shots up to the break. Raises VideoError (one sentence)
    for a file that is not a usable video. Decoding releases the GIL: run it on a
    worker thread, never on a UI thread. `skip_nonref` (H.264/HEVC) leaves the frames
    no other frame refers to undecoded: about half the work, cuts placed within two
    frames instead of exactly, fades less sure; never remembered in the cache.
    """
    path = Path(path).expanduser()
    folder = _folder(cache_dir) if not skip_nonref else None
    key = None
    if folder is not None:
        try:
            key = cache.video_key(path)
        except OSError:
            key = None  # open_video below says why
    if folder is not None and key is not None:
        remembered = cache.load_shots(folder, key)
        if remembered is not None:
            shots = [Shot(**s) for s in remembered]
            if not thumbnails:
                if progress:
                    progress(1.0)
                yield from shots
                return
            thumbs = [cache.load_thumb(folder, key, i) for i in range(len(shots))]
            if sum(t is None for t in thumbs) <= 3:
                yield from _with_thumbs(path, shots, thumbs, thumb_size, folder, key)
                if progress:
                    progress(1.0)
                return
    yield from _scan(path, progress=progress, cancel=cancel, thumbnails=thumbnails,
                     thumb_size=thumb_size, folder=folder, key=key, threads=threads,
                     skip_nonref=skip_nonref)


def _with_thumbs(path: Path, shots: list[Shot], thumbs: list[Image.Image | None],
                 thumb_size: tuple[int, int], folder: Path, key: str
                 ) -> Iterator[tuple[Shot, Image.Image]]:
    from recapdesk.core.video.frames import FrameReader

    reader: FrameReader | None = None
    try:
        for i, (shot, thumb) in enumerate(zip(shots, thumbs, strict=True)):
            if thumb is None:
                reader = reader or FrameReader(path)
                _, thumb = reader.frame_at(shot.frame, max_size=thumb_size)
                cache.save_thumb(folder, key, i, thumb)
            yield shot, thumb
    finally:
        if reader is not None:
            reader.close()


def _scan(path: Path, *, progress: Callable[[float], None] | None,
          cancel: Callable[[], bool] | None, thumbnails: bool, thumb_size: tuple[int, int],
          folder: Path | None, key: str | None, threads: int | None,
          skip_nonref: bool) -> Iterator:
    container, stream = open_video(path)
    try:
        cc = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate
        step = Fraction(1) / Fraction(rate) if rate else Fraction(1, 25)
        zero = origin(container, stream)
        total = float(container.duration / 1_000_000) if container.duration else 0.0
        configure(stream, threads=threads, fast=True)
        skipping = skip_nonref and cc.name in _SKIPPING_CODECS
        if skipping:
            cc.skip_frame = "NONREF"
        long_gaps = 0
        finder = CutFinder()
        times: list[Fraction] = []
        samples: list[int] = []
        thumbs: dict[int, Image.Image] = {}
        next_sample = Fraction(-1)
        next_progress = 0.0
        start = 0  # index of the current shot's first frame
        made: list[dict] = []

        def shot(first: int, last: int, end: Fraction) -> tuple[Shot, Image.Image | None]:
            begin = _boundary_time(times, first, step)
            middle = (begin + end) / 2
            inside = [s for s in samples if first <= s < last] or [first]
            pick = min(inside, key=lambda s: abs(times[s] - middle))
            found = Shot(float(begin), float(end), float(times[pick]))
            thumb = thumbs.get(pick)
            if thumbnails and thumb is None:
                thumb = _thumb_at(path, found.frame, thumb_size)
            made.append(found.to_json())
            if thumbnails and folder is not None and key is not None and thumb is not None:
                cache.save_thumb(folder, key, len(made) - 1, thumb)
            for s in [s for s in thumbs if s < last]:
                del thumbs[s]
            return found, thumb

        for frame in decoded_frames(container, stream):
            if cancel is not None and cancel():
                return
            t = frame_time(frame, zero)
            if t is None:
                t = times[-1] + step if times else Fraction(0)
            if times and t <= times[-1]:
                continue  # a damaged or repeated timestamp
            if skipping and times and (t - times[-1]) / step > _MAX_SKIP + 0.5:
                long_gaps += 1
                if long_gaps >= 3:
                    cc.skip_frame = "DEFAULT"
                    skipping = False
            index = len(times)
            times.append(t)
            if t >= next_sample:
                samples.append(index)
                next_sample = t + SAMPLE_EVERY
                if thumbnails:
                    thumbs[index] = to_image(frame, thumb_size)
            for b in finder.push(signature(frame)):
                found, thumb = shot(start, b, _boundary_time(times, b, step))
                start = b
                yield (found, thumb) if thumbnails else found
            if progress is not None and total > 0 and float(t) / total >= next_progress:
                progress(min(1.0, float(t) / total))
                next_progress = float(t) / total + 0.01
        if cancel is not None and cancel():
            return
        if not times:
            raise VideoError(f"{path.name}: no frame of its video could be decoded "
                             "(damaged or cut short)")
        for b in finder.finish():
            found, thumb = shot(start, b, _boundary_time(times, b, step))
            start = b
            yield (found, thumb) if thumbnails else found
        end = times[-1] + step
        if total and 0 <= total - end < 0.5:  # frames left undecoded at the very end
            end = Fraction(total).limit_denominator(1_000_000)
        found, thumb = shot(start, len(times), end)
        yield (found, thumb) if thumbnails else found
        if progress is not None:
            progress(1.0)
        if folder is not None and key is not None:
            cache.save_shots(folder, key, made, path.name)
    finally:
        container.close()


def _boundary_time(times: list[Fraction], index: int, step: Fraction) -> Fraction:
    """When the shot starting at decoded frame `index` starts: that frame's time, or the
    middle of the frames left undecoded just before it."""
    if index <= 0:
        return times[0] if times else Fraction(0)
    if index >= len(times):
        return times[-1] + step
    gap = (times[index] - times[index - 1]) / step
    frames = max(1, math.floor(gap + Fraction(1, 2)))
    if frames <= 1:
        return times[index]
    return times[index] - ((frames - 1) // 2) * step


def _thumb_at(path: Path, seconds: float, size: tuple[int, int]) -> Image.Image | None:
    from recapdesk.core.video.frames import FrameReader

    try:
        with FrameReader(path) as reader:
            return reader.frame_at(seconds, max_size=size)[1]
    except VideoError:
        return None
