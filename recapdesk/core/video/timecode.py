"""Times in an episode as people write them: `12.5`, `MM:SS(.mmm)`, `HH:MM:SS(.mmm)`.

`parse_time` gives exact seconds (a Fraction: `12.52` is exactly 313/25, so a time on a
frame's start picks that frame), `format_time` writes `HH:MM:SS.mmm`.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["format_time", "parse_time"]

_TIME = re.compile(r"^(?:(?:(?P<h>\d+):)?(?P<m>\d{1,2}):)?(?P<s>\d+(?:\.\d*)?|\.\d+)$")


def parse_time(text: str) -> Fraction:
    """Seconds of a time written as `12.5`, `MM:SS(.mmm)` or `HH:MM:SS(.mmm)`.

    Raises ValueError with one sentence for anything else (negative, minutes or seconds
    of 60 and more after a colon, letters).
    """
    raw = str(text).strip()
    m = _TIME.match(raw)
    if m is None:
        raise ValueError(f"{raw!r} is not a time: write seconds (12.5), MM:SS(.mmm) "
                         "or HH:MM:SS(.mmm)")
    seconds = Fraction(m.group("s"))
    minutes = int(m.group("m")) if m.group("m") is not None else 0
    hours = int(m.group("h")) if m.group("h") is not None else 0
    if m.group("m") is not None and seconds >= 60:
        raise ValueError(f"{raw!r} is not a time: seconds after a colon go up to 59.999")
    if m.group("h") is not None and minutes >= 60:
        raise ValueError(f"{raw!r} is not a time: minutes after an hour go up to 59")
    return hours * 3600 + minutes * 60 + seconds


def format_time(seconds: float | Fraction) -> str:
    """`HH:MM:SS.mmm` (milliseconds rounded; never negative)."""
    ms = max(0, round(Fraction(seconds) * 1000)) if not isinstance(seconds, float) \
        else max(0, round(seconds * 1000))
    h, rest = divmod(int(ms), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
