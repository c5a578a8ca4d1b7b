"""Python string offsets and Qt text positions (which count UTF-16 code units)."""

from __future__ import annotations

import re

_ASTRAL = re.compile(r"[\U00010000-\U0010FFFF]")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Qt positions count)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


class Positions:
    """Converts between Python offsets and Qt (UTF-16) positions for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.simple = _ASTRAL.search(text) is None

    def qt(self, index: int) -> int:
        return index if self.simple else utf16_len(self.text[:index])

    def py(self, position: int) -> int:
        if self.simple:
            return position
        data = self.text.encode("utf-16-le")[: 2 * position]
        return len(data.decode("utf-16-le", "ignore"))
