"""Spell checking with pyenchant and a project word list (cast, characters, places).

No Qt here: the highlighter asks `SpellChecker.misspelt()` for the ranges to underline.
Without pyenchant or without a dictionary for the language the checker is simply
unavailable (`available` False, `status` says why) and finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

# Letters with inner hyphens/apostrophes: "Seo-rin's", "don't", "K-drama".
# Words glued to digits or underscores ("3rd", "s01e03", "snake_case") are not words.
WORD = re.compile(r"(?<![\w'’])[^\W\d_]+(?:[-'’][^\W\d_]+)*(?!\w)")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_LATIN_MAX = 0x024F  # Basic Latin … Latin Extended-B


@lru_cache(maxsize=8)
def _load_dictionary(language: str) -> tuple[Any, str]:
    """(enchant.Dict or None, reason when None); cached: loading costs ~50 ms."""
    try:
        import enchant
    except ImportError as exc:  # pyenchant or the Enchant C library missing
        return None, f"Spell checking is off: the Enchant library is not available ({exc})."
    try:
        return enchant.Dict(language), ""
    except enchant.errors.DictNotFoundError:
        return None, f"Spell checking is off: no {language} dictionary is installed."
    except Exception as exc:  # a broken provider must not break the editor
        return None, f"Spell checking is off: {exc}"


def is_latin(word: str) -> bool:
    return all(ord(c) <= _LATIN_MAX for c in word)


class SpellChecker:
    """Checks words against an Enchant dictionary plus the project's own words."""

    def __init__(self, language: str = "en_US", also: tuple[str, ...] | None = None) -> None:
        """`language` gives the suggestions; words of the `also` dictionaries pass too.

        By default English accepts both US and British spellings ("realise", "harbour"):
        recaps are written in either, and one should not be flagged for the other.
        """
        self.language = language
        self._dict, self.status = _load_dictionary(language)
        if also is None:
            also = tuple(x for x in ("en_US", "en_GB") if x != language) \
                if language.startswith("en") else ()
        self._also = [d for d in (_load_dictionary(x)[0] for x in also) if d is not None]
        self._project: set[str] = set()
        self._cache: dict[str, bool] = {}

    @property
    def available(self) -> bool:
        """True when a dictionary was found (otherwise nothing is ever marked)."""
        return self._dict is not None

    # ---------------------------------------------------------------- words

    def set_project_words(self, words: Iterable[str]) -> None:
        """Words to accept besides the dictionary: each entry may be a name ("Ha Yoon-seul")."""
        self._project = set()
        for entry in words:
            self._add(entry)
        self._cache.clear()

    def add_word(self, word: str) -> None:
        self._add(word)
        self._cache.clear()

    def _add(self, entry: str) -> None:
        for m in WORD.finditer(str(entry)):
            token = _normal(m.group())
            self._project.add(token)
            self._project.update(p for p in re.split(r"[-']", token) if p)

    # ---------------------------------------------------------------- checks

    def is_correct(self, word: str) -> bool:
        """Whether `word` is fine: known, a project word, an acronym, or not Latin script."""
        if self._dict is None:
            return True
        known = self._cache.get(word)
        if known is None:
            known = self._cache[word] = self._check(word)
        return known

    def _check(self, word: str) -> bool:
        token = _normal(word)
        bare = _POSSESSIVE.sub("", token)
        if len(bare) <= 1 or not is_latin(bare) or (bare.isupper() and len(bare) <= 6):
            return True
        if token in self._project or bare in self._project:
            return True
        plain = word.replace("’", "'")
        if self._known(plain) or (bare != token and self._known(_POSSESSIVE.sub("", plain))):
            return True
        if "-" in bare:
            return all(self._check(part) for part in bare.split("-") if part)
        return False

    def _known(self, word: str) -> bool:
        return self._dict.check(word) or any(d.check(word) for d in self._also)

    def suggest(self, word: str, limit: int = 6) -> list[str]:
        """Up to `limit` corrections (empty without a dictionary)."""
        if self._dict is None:
            return []
        try:
            found = self._dict.suggest(word.replace("’", "'"))
        except Exception:  # an odd word must not break the menu
            return []
        out: list[str] = []
        for s in found:
            if s not in out:
                out.append(s)
        return out[:limit]

    def misspelt(self, text: str, spans: Iterable[tuple[int, int]] | None = None
                 ) -> Iterator[tuple[int, int]]:
        """(start, end) of each misspelt word of `text`, only inside `spans` when given."""
        if self._dict is None:
            return
        for start, end in spans if spans is not None else [(0, len(text))]:
            for m in WORD.finditer(text, start, end):
                if not self.is_correct(m.group()):
                    yield m.span()


def _normal(word: str) -> str:
    return word.replace("’", "'").casefold()
