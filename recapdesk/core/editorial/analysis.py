"""The editorial analysis of a recap: SEO checks around its focus keyphrase, readability
checks with its Flesch reading ease, and name drift against `recapdesk.yaml` (Qt-free,
reads and writes no file).

`analyse(series, ep, text=…, tokens=…, offset=…)` works from the parse the caller already
has (the inspection worker's, for a text being typed); `analyse_text` parses a full
file text; `analyse_series` analyses every recap of a project (the `seo` command).
Each `Check` carries `Span`s into the full file text (0-based lines and character
offsets), so a view can select the place it is about.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from recapdesk.core.editorial.drift_check import episode_drifts, front_value
from recapdesk.core.editorial.keyphrase import Keyphrase, SeoInput, seo_checks, synonyms
from recapdesk.core.editorial.names import (
    find_drifts,
    names_check,
    series_names,
)
from recapdesk.core.editorial.prose import Prose, read_prose
from recapdesk.core.editorial.readability import readability_checks
from recapdesk.core.editorial.results import Editorial, overall
from recapdesk.core.markdown import build_markdown
from recapdesk.core.model import Episode, Series, Still
from recapdesk.core.paths import still_name
from recapdesk.core.project import episode_from_text, episode_text, front_line

__all__ = ["CHECK_IDS", "analyse", "analyse_series", "analyse_text", "episode_drifts",
           "episode_keyphrase", "episode_prose"]

CHECK_IDS = (
    "keyphrase-title", "keyphrase-intro", "keyphrase-meta", "meta-length",
    "keyphrase-density", "keyphrase-alt", "keyphrase-subheadings", "text-length",
    "internal-links", "outbound-links", "keyphrase-reused",
    "subheading-distribution", "paragraph-length", "sentence-length",
    "consecutive-sentences", "passive-voice", "transition-words", "flesch",
    "names",
)


@functools.lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The dialect's parser, shared by the analyses of this process."""
    return build_markdown()


def episode_keyphrase(ep: Episode) -> str:
    """The recap's focus keyphrase (`keyphrase:` in its front matter), or ""."""
    value = ep._get("keyphrase")
    return str(value).strip() if isinstance(value, str | int | float) and value != "" else ""


def episode_prose(series: Series, ep: Episode, text: str, tokens: Sequence[Token],
                  offset: int) -> Prose:
    """The prose of a recap from its body's tokens (stills' metadata from the project)."""
    def still_for(src: str) -> Still | None:
        name = still_name(series.root, ep.path, src)
        return series.stills.get(name) if name else None

    return read_prose(text, tokens, offset, still_for=still_for)


def front_lines(ep: Episode) -> dict[str, int]:
    """0-based file lines of the front-matter keys the checks point at."""
    return {key: front_line(ep, key) - 1 for key in ("title", "excerpt", "keyphrase")}


def analyse(series: Series, ep: Episode, *, text: str | None = None,
            tokens: Sequence[Token] | None = None, offset: int | None = None) -> Editorial:
    """The editorial analysis of recap `ep` of `series`.

    text: the full file text (default: the episode as loaded); tokens: its body's tokens
    from the shared parser (`outline.parse_body(text)`; parsed here when None); offset:
    the 0-based file line the body starts on (default: the episode's). The other recaps'
    keyphrases are taken from `series` as read.
    """
    if text is None:
        text = episode_text(ep)
    if offset is None:
        offset = max(0, ep.body_line - 1)
    if tokens is None:
        tokens = parser().parse(ep.body)
    prose = episode_prose(series, ep, text, tokens, offset)
    lines = front_lines(ep)
    title, excerpt, keyphrase = (front_value(ep, "title"), front_value(ep, "excerpt"),
                                 episode_keyphrase(ep))
    others = {other.id: episode_keyphrase(other) for other in series.episodes
              if other.usable and other.path != ep.path and episode_keyphrase(other)}
    seo = SeoInput(
        title=title or ep.title, title_span=prose.find(title, lines["title"]),
        excerpt=excerpt, excerpt_span=prose.find(excerpt, lines["excerpt"]),
        keyphrase=Keyphrase.parse(keyphrase) if keyphrase else None,
        keyphrase_span=prose.find(keyphrase, lines["keyphrase"]),
        synonyms=synonyms(ep._get("keyphrase_synonyms")), others=others,
        base_url=series.base_url)
    checks = seo_checks(prose, seo)
    more, flesch = readability_checks(prose)
    checks.extend(more)
    names = series_names(series)
    front = [(v, lines[k]) for k, v in (("title", title), ("excerpt", excerpt)) if v]
    drifts = find_drifts(prose, names, front)
    checks.append(names_check(drifts, names))
    result = tuple(checks)
    words = sum(len(b.plain_words()) for b in prose.blocks)
    return Editorial(result, flesch, overall(result), keyphrase, words, tuple(drifts))


def analyse_text(series: Series, path: Path, text: str) -> Editorial:
    """The analysis of a full file text of recap `path` (as typed, not yet saved)."""
    from recapdesk.core.outline import parse_body

    ep, _ = episode_from_text(path, text)
    tokens, _, offset = parse_body(text)
    return analyse(series, ep, text=text, tokens=tokens, offset=offset)


def analyse_series(series: Series, episodes: Sequence[Episode] | None = None
                   ) -> dict[str, Editorial]:
    """The analysis of each readable recap (default: all of them), by episode id."""
    chosen = series.episodes if episodes is None else episodes
    return {ep.id: analyse(series, ep) for ep in chosen if ep.usable}
