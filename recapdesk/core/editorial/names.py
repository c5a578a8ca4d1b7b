"""Name drift: a word that nearly spells a cast or character name of `recapdesk.yaml`.

Romanised names drift within one article (Eun-soo, Eunsoo, Eun-su). The names are the
parts of every `cast`, `characters` (both sides) and `directors` entry ("Han So-hee" →
"Han", "So-hee"). A word is a near miss of a name when it is not itself a name and:
- hyphen: it differs only by a missing, extra or moved hyphen ("Eunsoo", "Bo-ri"), or by
  a space for the hyphen ("Eun Soo");
- case: it differs only in case, for a hyphenated name ("sun-woo", "Sun-Woo"; an
  all-capitals word is taken as emphasis, and short plain names such as "Ha" or "Oh" are
  ordinary words in lower case);
- spelling: it is one letter off (a letter added, dropped or changed) a hyphenated name,
  counting the romanisation variants oo/u and ee/i as the same, and is itself
  capitalised or hyphenated ("Eun-su" for "Eun-soo", "Seo-lin" for "Seo-rin"). Names
  without a hyphen are matched only for hyphens, so that "Bori" never flags "Born", nor
  "Grandma" "Grandpa".
A possessive ("Eun-soo's") is the name, and so is a name with a short Korean ending
("Seo-rin-a", "Jun-ho-ya", "Eun-soo-ssi"). Checked words: the title, the excerpt, every
paragraph, heading and table cell, and the stills' alt text and captions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from recapdesk.core.editorial.words import WORD, Word, words
from recapdesk.core.model import Series

if TYPE_CHECKING:  # (not imported for `check`'s pre-scan, which most recaps stop at)
    from recapdesk.core.editorial.prose import Prose, Span
    from recapdesk.core.editorial.results import Check

__all__ = ["NameDrift", "find_drifts", "may_drift", "names_check", "series_names"]


@dataclass(frozen=True)
class NameDrift:
    """A near miss: the word as written, the name it should be, why, and where."""

    written: str
    name: str
    kind: str  # "hyphen" | "case" | "spelling"
    span: Span

    @property
    def message(self) -> str:
        return f"“{self.written}” looks like the name “{self.name}” (recapdesk.yaml): " \
               f"write “{self.name}”"


def series_names(series: Series) -> tuple[str, ...]:
    """The cast, character and director names of a project, as written there."""
    names = [*series.cast, *series.directors]
    for character, actor in series.characters.items():
        names.append(character)
        if actor:
            names.append(actor)
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


@dataclass(frozen=True, eq=False)  # hashed by identity: one per set of names
class _Index:
    """The names of a project arranged for finding near misses quickly."""

    exact: frozenset[str]  # every name part as written
    by_key: dict[str, str]  # part without hyphens, lower case -> the part
    fuzzy: tuple[tuple[str, str], ...]  # (key, part) of the hyphenated parts
    pair_heads: frozenset[str]  # lower-case first halves of hyphenated keys ("eun")
    # pieces of text (between white space) found to hold no suspect word: most of a
    # recap's were in the recaps before it
    innocent: set[str] = field(default_factory=set)


@functools.lru_cache(maxsize=8)
def _index(names: tuple[str, ...]) -> _Index:
    parts: list[str] = []
    for name in names:
        parts.extend(w.text for w in words(name))
    exact = frozenset(parts)
    by_key: dict[str, str] = {}
    for part in parts:
        by_key.setdefault(_key(part), part)
    fuzzy = tuple((_sound(_key(p)), p) for p in dict.fromkeys(parts) if "-" in p)
    heads = frozenset(key[:i] for key, part in by_key.items() if "-" in part
                      for i in range(1, len(key)))
    return _Index(exact, by_key, fuzzy, heads)


def _key(word: str) -> str:
    return word.replace("-", "").lower()


def _sound(key: str) -> str:
    """A key with romanisation variants merged: 수 is su or soo, 희 hi or hee."""
    return key.replace("oo", "u").replace("ee", "i")


def _bare(word: str) -> str:
    """A word without its possessive ending."""
    if word[-1] not in "s'’":
        return word
    for end in ("'s", "’s", "'", "’"):
        if word.endswith(end) and len(word) > len(end):
            return word[: -len(end)]
    return word


def _one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by exactly one added, dropped or changed letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


@functools.lru_cache(maxsize=32768)
def _near_miss(index: _Index, word: str) -> tuple[str, str] | None:
    """(name, kind) when `word` (possessive removed) is a near miss of a name."""
    if word in index.exact or len(word) < 2:
        return None
    if word.isupper() and len(word) > 2:
        return None  # SEO-RIN!: emphasis, not a spelling
    head, _, tail = word.rpartition("-")
    if head in index.exact and tail.isalpha() and tail.islower() and len(tail) <= 4:
        return None  # a name with a Korean ending: "Seo-rin-a", "Jun-ho-ya", "Min-ssi"
    key = _key(word)
    part = index.by_key.get(key)
    if part is not None:
        if word.lower() != part.lower():
            return part, "hyphen"
        if "-" in part:
            return part, "case"
        return None
    hyphenated = "-" in word
    if len(key) < 4 or not (hyphenated or word[0].isupper()):
        return None
    sound = _sound(key)
    for other, part in index.fuzzy:
        if sound == other or _one_edit(sound, other):
            return part, "spelling"
    return None


def _pairs(ws: Sequence[Word], source: str, base: int) -> Iterable[tuple[Word, Word]]:
    """Neighbouring words with only spaces between them (offsets relative to `base`)."""
    for a, b in zip(ws, ws[1:], strict=False):
        if not a.text[0].isupper() or b.start - a.end != 1:
            continue
        if source[a.end - base] == " ":
            yield a, b


def _scan(index: _Index, ws: Sequence[Word], prose: Prose, found: list[NameDrift],
          source: str, base: int) -> None:
    for w in ws:
        bare = _bare(w.text)
        hit = _near_miss(index, bare)
        if hit is not None:
            found.append(NameDrift(bare, hit[0], hit[1], prose.place(w.start, len(bare))))
    for a, b in _pairs(ws, source, base):
        second = _bare(b.text)
        part = index.by_key.get((a.text + second).lower())
        if part is not None and "-" in part and a.text + "-" + second != part:
            length = b.start - a.start + len(second)
            found.append(NameDrift(f"{a.text} {second}", part, "hyphen",
                                   prose.place(a.start, length)))


def _pieces(texts: Sequence[str]) -> set[str]:
    """The distinct pieces of these texts between white space (a word never spans it:
    the words of the pieces are all of the texts' words)."""
    pieces: set[str] = set()
    for text in texts:
        pieces.update(text.split())
    return pieces


def _suspects(index: _Index, texts: Sequence[str]) -> set[str]:
    """The words of these texts that are near misses, or could begin a spaced name
    ("Eun" of "Eun Soo"): a block without any of them has no drift, so is not scanned
    word by word (most blocks of most recaps)."""
    return _suspects_in(index, _pieces(texts))


_INNOCENT_MAX = 50_000


def _suspects_in(index: _Index, pieces: set[str]) -> set[str]:
    suspects = set()
    for text in set(WORD.findall(" ".join(pieces))):
        if not text[0].isupper() and "-" not in text \
                and _key(_bare(text)) not in index.by_key:
            continue  # (`_near_miss` of such a word needs its key to be a name's)
        if _near_miss(index, _bare(text)) is not None \
                or (text[0].isupper() and text.lower() in index.pair_heads):
            suspects.add(text)
    return suspects


def may_drift(names: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether any word of these texts is a suspect (`_suspects`): False proves that
    prose read from them holds no near miss. (Pieces of text found innocent before are
    not looked at again.)"""
    if not names:
        return False
    index = _index(tuple(names))
    new = _pieces(texts) - index.innocent
    if _suspects_in(index, new):
        return True
    if len(index.innocent) > _INNOCENT_MAX:
        index.innocent.clear()
    index.innocent.update(new)
    return False


def find_drifts(prose: Prose, names: Sequence[str],
                front: Sequence[tuple[str, int]] = ()) -> list[NameDrift]:
    """Every near miss of `names` in the recap, in order of place; `front` holds
    front-matter values to check too (value, 0-based file line)."""
    if not names:
        return []
    index = _index(tuple(names))
    found: list[NameDrift] = []
    for value, line in front:
        start = prose.find(value, line)
        if start.end - start.start == len(value) and start.line == line:
            _scan(index, words(value, start.start), prose, found, value, start.start)
        else:  # written over several lines, or escaped: the key's line
            for w in words(value):
                hit = _near_miss(index, _bare(w.text))
                if hit is not None:
                    found.append(NameDrift(_bare(w.text), hit[0], hit[1],
                                           prose.line_span(line)))
    suspects = _suspects(index, [block.text for block in prose.blocks])
    for block in prose.blocks:
        if any(word in block.text for word in suspects):
            _scan(index, block.words(), prose, found, block._source, block.span.start)
    for image in prose.images:
        for text in (image.alt, image.caption):
            for w in words(text):
                hit = _near_miss(index, _bare(w.text))
                if hit is not None:
                    found.append(NameDrift(_bare(w.text), hit[0], hit[1],
                                           prose.find(_bare(w.text), image.span.line)))
    found.sort(key=lambda d: d.span.start)
    return found


def names_check(drifts: Sequence[NameDrift], names: Sequence[str]) -> Check:
    """The `names` check: a problem with the suggestions when a name drifts."""
    from recapdesk.core.editorial.results import GOOD, OK, PROBLEM, Check, NameFix

    if not names:
        return Check("names", "names", OK, "Add `cast:` and `characters:` to recapdesk.yaml "
                                           "to check how names are spelled.")
    if not drifts:
        return Check("names", "names", GOOD, "Every cast and character name is spelled as "
                                             "in recapdesk.yaml.")
    seen: dict[tuple[str, str], int] = {}
    for d in drifts:
        seen[(d.written, d.name)] = seen.get((d.written, d.name), 0) + 1
    listed = "; ".join(f"“{w}” → “{n}”" + (f" ({k}×)" if k > 1 else "")
                       for (w, n), k in list(seen.items())[:6])
    more = "" if len(seen) <= 6 else f"; and {len(seen) - 6} more"
    return Check("names", "names", PROBLEM,
                 f"Names that drift from recapdesk.yaml: {listed}{more}. Write them as "
                 "listed there.", tuple(d.span for d in drifts),
                 tuple(NameFix(d.written, d.name, d.span) for d in drifts))
