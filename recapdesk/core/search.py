"""Qt-free find and replace over one text or many (the episodes of a project).

A `Query` says what to look for; `find_all()` lists the matches in a set of texts
(keyed by anything: episode id, file path) line by line, `replace_all()` rewrites one
text. The editor's find bar and the window's "in all episodes" search share them, so
they agree on what matches. A pattern that is not a valid regular expression raises a
`ValueError` whose message can be shown to the writer as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Query:
    """What to find: a literal text or a Python regular expression.

    `whole_word` keeps matches that are not part of a longer word; without
    `case_sensitive` case is ignored. Regular expressions run with `re.MULTILINE`, so
    `^` and `$` match at every line.
    """

    pattern: str
    regex: bool = False
    whole_word: bool = False
    case_sensitive: bool = False

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; a bad regular expression raises a clear `ValueError`."""
        return compile_query(self)

    def error(self) -> str | None:
        """The message for a bad regular expression, None when the query is fine."""
        try:
            self.compiled  # noqa: B018
        except ValueError as exc:
            return str(exc)
        return None


@dataclass(frozen=True)
class Match:
    """One match: `line` is 0-based; `start`/`end` are columns in that line.

    A match running over the end of its line (a regex with `\\n`) has `end` at the end
    of the line; `offset`/`length` give it exactly within the whole text.
    """

    key: str
    line: int
    start: int
    end: int
    line_text: str
    offset: int = 0
    length: int = 0


def compile_query(query: Query) -> re.Pattern[str]:
    """Compile a query; a bad regular expression raises `ValueError` with a clear message."""
    source = query.pattern if query.regex else re.escape(query.pattern)
    if query.whole_word:
        source = rf"(?<!\w)(?:{source})(?!\w)"
    flags = re.MULTILINE | (0 if query.case_sensitive else re.IGNORECASE)
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise ValueError(regex_error_message(query.pattern, exc)) from None


def regex_error_message(pattern: str, exc: re.error) -> str:
    """"Bad regular expression: missing ), unterminated subpattern (at character 4)"."""
    message = exc.msg
    if exc.pos is not None and 0 <= exc.pos <= len(pattern):
        message += f" (at character {exc.pos + 1})"
    return f"Bad regular expression: {message}"


def iter_spans(text: str, query: Query) -> Iterator[tuple[int, int]]:
    """Every non-empty match of `query` in `text` as `(start, end)` offsets."""
    if not query.pattern:
        return
    for m in query.compiled.finditer(text):
        if m.end() > m.start():
            yield m.span()


def find_next(text: str, query: Query, pos: int, *, backward: bool = False,
              wrap: bool = True) -> tuple[int, int] | None:
    """The first match starting at/after `pos` (backward: the last one ending at/before it).

    With `wrap` the search goes round the end (or the start) of the text.
    """
    if not query.pattern:
        return None
    pattern = query.compiled
    if not backward:
        for m in pattern.finditer(text, pos):
            if m.end() > m.start():
                return m.span()
        return find_next(text, query, 0, wrap=False) if wrap and pos > 0 else None
    best = None
    for span in iter_spans(text, query):
        if span[1] > pos:
            break
        best = span
    if best is None and wrap:
        spans = list(iter_spans(text, query))
        best = spans[-1] if spans else None
    return best


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def find_all(texts: Mapping[str, str], query: Query) -> list[Match]:
    """Every non-empty match in every text, in key order then text order.

    Raises `ValueError` for a bad regular expression (before looking at any text).
    """
    if not query.pattern:
        return []
    query.compiled  # noqa: B018  (fail early on a bad pattern)
    matches: list[Match] = []
    for key, text in texts.items():
        starts: list[int] | None = None
        for s, e in iter_spans(text, query):
            if starts is None:
                starts = _line_starts(text)
            line = _bisect(starts, s)
            line_start = starts[line]
            line_end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            line_text = text[line_start:line_end].rstrip("\r")
            matches.append(Match(key, line, s - line_start, min(e, line_end) - line_start,
                                 line_text, s, e - s))
    return matches


def _bisect(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def expand_replacement(match: re.Match[str], query: Query, replacement: str) -> str:
    """The text replacing one match: `\\1`/`\\g<name>` expanded for a regex query."""
    if not query.regex:
        return replacement
    try:
        return match.expand(replacement)
    except (re.error, IndexError) as exc:
        raise ValueError(f"Bad replacement: {exc}") from None


def replace_all(text: str, query: Query, replacement: str) -> tuple[str, int]:
    """Replace every match; returns the new text and the number of replacements.

    For a regex query the replacement may use `\\1` and `\\g<name>`; otherwise it is
    taken literally. Empty matches are left alone (so `x*` does not fill every gap).
    """
    if not query.pattern:
        return text, 0
    pattern = query.compiled
    count = 0

    def substitute(m: re.Match[str]) -> str:
        nonlocal count
        if m.end() == m.start():
            return ""
        count += 1
        return expand_replacement(m, query, replacement)

    new = pattern.sub(substitute, text)
    return new, count


def replace_in_texts(texts: Mapping[str, str], query: Query, replacement: str
                     ) -> dict[str, tuple[str, int]]:
    """`replace_all` over many texts: key -> (new text, count) for the texts that changed."""
    out: dict[str, tuple[str, int]] = {}
    for key, text in texts.items():
        new, count = replace_all(text, query, replacement)
        if count:
            out[key] = (new, count)
    return out
