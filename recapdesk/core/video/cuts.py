"""Where shots change, from the signatures of the decoded frames in order.

- A cut is a frame whose difference from the frame before stands out: at least
  `MIN_JUMP`, a local peak, and `RATIO` times the usual difference around it (the median
  of `WINDOW` frames on each side, the busier side counting), so motion inside a shot
  (which raises every difference around it) is not taken for a cut.
- One odd frame (a flash, a damaged frame) is no cut: the frames on either side of it
  look alike.
- A fade through black (or white) is one boundary: a short run of flat frames between
  pictures becomes a single boundary in its middle, whatever cuts were seen at its edges.
- Boundaries closer than `MIN_GAP` frames keep the first.

`CutFinder.push()` takes frames one at a time and returns the boundaries it is sure of
(it looks `LOOKAHEAD` frames ahead); `finish()` returns the rest. Boundaries are
indexes into the pushed frames: the first frame of the new shot.
"""

from __future__ import annotations

import statistics

from recapdesk.core.video.features import Signature, distance

__all__ = ["CutFinder"]

MIN_JUMP = 30.0
RATIO = 2.5
WINDOW = 10
LOOKAHEAD = WINDOW + 2
MIN_GAP = 4
MAX_FADE_FRAMES = 90  # a flat run longer than this is a shot of its own


class CutFinder:
    """Finds boundaries in a stream of frame signatures (see the module's notes)."""

    def __init__(self) -> None:
        self._sigs: dict[int, Signature] = {}
        self._diffs: list[float] = [0.0]  # _diffs[i]: frame i against frame i - 1
        self._flat: list[bool] = []
        self._count = 0
        self._checked = 1  # next frame to judge as a cut
        self._pending: list[int] = []
        self._run_start: int | None = None  # an open run of flat frames
        self._runs: list[tuple[int, int]] = []  # closed runs (first flat, first picture after)
        self._done: list[int] = []  # boundaries handed out
        self._last = -MIN_GAP

    # --- input -------------------------------------------------------------------

    def push(self, sig: Signature) -> list[int]:
        """Add the next frame; the boundaries that are now certain, in order."""
        i = self._count
        self._count += 1
        prev = self._sigs.get(i - 1)
        if prev is not None:
            self._diffs.append(distance(prev, sig))
        self._sigs[i] = sig
        self._sigs.pop(i - LOOKAHEAD - 4, None)
        self._track_flat(i, sig.flat)
        while self._checked <= i - LOOKAHEAD:
            self._judge(self._checked)
            self._checked += 1
        self._merge_runs()
        return self._release(i - LOOKAHEAD)

    def finish(self) -> list[int]:
        """No more frames: the remaining boundaries."""
        while self._checked < self._count:
            self._judge(self._checked)
            self._checked += 1
        self._merge_runs()
        if self._run_start is not None:  # the video ends flat (a fade out): no boundary
            start = self._run_start
            self._pending = [b for b in self._pending if b < start]
            self._run_start = None
        return self._release(self._count)

    # --- judging -----------------------------------------------------------------

    def _judge(self, t: int) -> None:
        d = self._diffs
        dt = d[t]
        if dt < MIN_JUMP:
            return
        if any(d[k] > dt for k in range(max(1, t - 2), t)) or \
                any(d[k] >= dt for k in range(t + 1, min(len(d), t + 3))):
            return
        before = d[max(1, t - WINDOW): max(1, t - 1)]
        after = d[t + 2: t + 2 + WINDOW]
        if len(after) < 3:
            return  # the last frames of a video: too little after them to tell
        base = max(statistics.median(before) if before else 0.0,
                   statistics.median(after) if after else 0.0)
        if dt < RATIO * base + 2.0:
            return
        a, b = self._sigs.get(t - 1), self._sigs.get(t + 1)
        if a is not None and b is not None and distance(a, b) < 0.35 * dt:
            return  # one odd frame between two alike: a flash, not a cut
        self._pending.append(t)

    def _track_flat(self, i: int, flat: bool) -> None:
        if flat:
            if self._run_start is None:
                self._run_start = i
        elif self._run_start is not None:
            self._runs.append((self._run_start, i))  # flat start..i-1, a picture at i
            self._run_start = None

    def _merge_runs(self) -> None:
        """Once every frame of a closed flat run and the one after are judged, its
        boundaries become one (or one at each end of a long run)."""
        while self._runs and self._runs[0][1] < self._checked:
            start, end = self._runs.pop(0)
            rest = [b for b in self._pending if not start <= b <= end]
            if start == 0:  # the video opens on black: part of the first shot
                self._pending = rest
            elif end - start <= MAX_FADE_FRAMES:
                self._pending = sorted(rest + [start + (end - start - 1) // 2])
            else:  # a long black shot: a boundary at each end
                self._pending = sorted(set(rest + [start, end]))

    def _release(self, upto: int) -> list[int]:
        """Hand out pending boundaries before `upto` that no open flat run may move."""
        limit = upto
        for start in [self._run_start, *(r[0] for r in self._runs)]:
            if start is not None:
                limit = min(limit, start - 1)
        out: list[int] = []
        keep: list[int] = []
        for b in sorted(set(self._pending)):
            if b < limit:
                if b - self._last >= MIN_GAP:
                    out.append(b)
                    self._last = b
            else:
                keep.append(b)
        self._pending = keep
        self._done.extend(out)
        return out
