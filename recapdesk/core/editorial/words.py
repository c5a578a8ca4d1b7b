"""Words and sentences of plain text (what a reader sees of a paragraph), with their
places in that text.

A word is a run of letters or digits, joined by inner apostrophes or hyphens
(`Seo-rin's`, `don't`, `K-drama`); a sentence ends at `.`, `!`, `?` or `…` (closing
quotes and brackets stay with it) followed by a space and what can start a sentence,
except after a known abbreviation (`Mr.`, `p.m.`, `vs.`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Sentence", "Word", "group", "sentence_bounds", "sentences", "words"]

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[^\W_]|\s*$)")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "prof", "vs", "etc", "e.g", "i.e", "a.m",
    "p.m", "no", "vol", "ep", "eps", "approx", "cf", "fig", "mt", "ft", "lt", "sgt",
    "capt", "gen", "col", "rev", "inc", "ltd", "co", "u.s", "u.k",
})


class Word(NamedTuple):
    """A word and its place [start, end) in the text it was read from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its text, its place [start, end) and its words (places in the same
    text as the sentence's)."""

    text: str
    start: int
    end: int
    words: tuple[Word, ...]


def words(text: str, offset: int = 0) -> list[Word]:
    """The words of `text`, their places shifted by `offset`."""
    return [Word(m.group(), m.start() + offset, m.end() + offset) for m in WORD.finditer(text)]


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the `.` at `end` closes an abbreviation or an initial (`J. Kim`)."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    token = text[start:end].lower().rstrip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()
                                       and token.upper() == text[start:end][0])


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of `text` (spaces around left out); a piece without
    any word (a lone `…`) is no sentence."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group() == "." and _is_abbreviation(text, m.start()):
            continue
        _add(bounds, text, start, m.end())
        start = m.end()
    _add(bounds, text, start, len(text))
    return bounds


def _add(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and WORD.search(text, start, end):
        bounds.append((start, end))


def group(found: list[Word], bounds: list[tuple[int, int]]) -> list[list[int]]:
    """For each sentence bound, the indices of the words of `found` inside it."""
    out: list[list[int]] = []
    i = 0
    for start, end in bounds:
        while i < len(found) and found[i].start < start:
            i += 1
        indices = []
        while i < len(found) and found[i].end <= end:
            indices.append(i)
            i += 1
        out.append(indices)
    return out


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` (one paragraph's plain text), in order."""
    found = words(text)
    bounds = sentence_bounds(text)
    return [Sentence(text[a:b], a, b, tuple(found[i] for i in indices))
            for (a, b), indices in zip(bounds, group(found, bounds), strict=True) if indices]
