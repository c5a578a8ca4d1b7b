"""The editorial checks' results: one `Check` per check id, and `Editorial`, the whole
analysis of one recap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from recapdesk.core.editorial.prose import Span

if TYPE_CHECKING:
    from recapdesk.core.editorial.names import NameDrift

__all__ = ["GOOD", "OK", "PROBLEM", "STATUSES", "Check", "Editorial", "NameFix", "overall"]

GOOD, OK, PROBLEM = "good", "ok", "problem"
STATUSES = (GOOD, OK, PROBLEM)  # from best to worst


@dataclass(frozen=True)
class NameFix:
    """A suggested replacement: the word as written (`wrong`), the name as listed in
    recapdesk.yaml (`right`), and where the word stands."""

    wrong: str
    right: str
    span: Span


@dataclass(frozen=True)
class Check:
    """One check: its id (`keyphrase-title`, `flesch`, `names` …), its group (`seo`,
    `readability`, `names`), its status and one sentence that says what to do.

    `spans` are the places it is about (the first is the one to show), in the full file
    text: a sentence that is too long, a near-miss name, the front-matter line to fix.
    `fixes`: replacements a view can offer (the `names` check's suggestions).
    """

    id: str
    group: str
    status: str
    message: str
    spans: tuple[Span, ...] = ()
    fixes: tuple[NameFix, ...] = ()

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class Editorial:
    """The editorial analysis of one recap: its checks in a fixed order, its Flesch
    reading ease (None without a sentence), its overall score and its keyphrase."""

    checks: tuple[Check, ...]
    flesch: float | None
    score: str
    keyphrase: str = ""
    words: int = 0
    drifts: tuple[NameDrift, ...] = ()  # the near-miss names (`check` warns about each)

    def check(self, check_id: str) -> Check | None:
        """The check with this id, if it was made."""
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def problems(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == PROBLEM)

    def as_json(self) -> dict:
        """`{"checks": [{"id", "status", "message"}, …], "flesch": 63.2, "score": …}`."""
        return {"checks": [c.as_json() for c in self.checks],
                "flesch": None if self.flesch is None else round(self.flesch, 1),
                "score": self.score}


def overall(checks: tuple[Check, ...]) -> str:
    """`problem` when any check is a problem; `good` when at most a quarter of the
    checks are `ok` (a recap rarely gets every light green); else `ok`."""
    if any(c.status == PROBLEM for c in checks):
        return PROBLEM
    oks = sum(c.status == OK for c in checks)
    return GOOD if oks * 4 <= len(checks) else OK
