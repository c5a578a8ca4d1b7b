"""Name drift for `check`: the near misses of cast and character names in a recap as
loaded. Light to import: the prose of a recap is read (with the analysis' modules) only
when one of its words is a suspect, which most recaps do not have."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from recapdesk.core.editorial.names import NameDrift, find_drifts, may_drift, series_names
from recapdesk.core.model import Episode, Series


def front_value(ep: Episode, key: str) -> str:
    """A front-matter value as text ("" when not set)."""
    value = ep._get(key)
    return str(value).strip() if value not in (None, "") else ""


def episode_drifts(series: Series, ep: Episode, tokens: Sequence[Token] | None = None
                   ) -> list[NameDrift]:
    """The near misses of cast and character names in a recap as loaded (its title,
    excerpt and body; `tokens`: its body's, when parsed already), for `check`."""
    names = series_names(series)
    if not names or not ep.readable:
        return []
    # every word a reader sees is in the Markdown as written, or in the stills' texts
    # (unless escaped or written as an entity): no suspect there, no drift, no prose read
    sources = [ep.body, *(v for k in ("title", "excerpt") if (v := front_value(ep, k))),
               *(t for still in series.stills.values() for t in (still.alt, still.caption))]
    if "\\" not in ep.body and "&" not in ep.body and not may_drift(names, sources):
        return []
    from recapdesk.core.editorial import analysis

    if tokens is None:
        tokens = analysis.parser().parse(ep.body)
    offset = max(0, ep.body_line - 1)
    # the body at its lines; the front matter's lines left blank (warnings give lines)
    prose = analysis.episode_prose(series, ep, "\n" * offset + ep.body, tokens, offset)
    lines = analysis.front_lines(ep)
    front = [(v, lines[k]) for k in ("title", "excerpt") if (v := front_value(ep, k))]
    return find_drifts(prose, names, front)
