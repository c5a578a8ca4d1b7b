"""Walking markdown-it token streams: every token with the body line it sits on."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

RAW_HTML = ("html_block", "html_inline")


@dataclass
class Located:
    """A token with the 0-based body line it sits on."""

    token: Token
    line: int


def walk(tokens: list[Token]) -> Iterator[Located]:
    """Every block and inline token with its body line (inline lines count soft breaks)."""
    for token in tokens:
        line = token.map[0] if token.map else 0
        yield Located(token, line)
        if token.type == "inline" and token.children:
            offset = line
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    offset += 1
                yield Located(child, offset)


def walk_types(tokens: list[Token], types: Collection[str], starts: str = ""
               ) -> Iterator[tuple[Token, int]]:
    """(token, body line) of the tokens of these types, in `walk`'s order and with its
    lines: for scans that look at a few kinds of token among thousands. `starts`: the
    characters the wanted inline tokens begin with in the source (`dispatch`'s
    FIRST_CHARACTERS); an inline whose text holds none of them is not looked into."""
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.type in types:
            yield token, line
        if token.type == "inline" and token.children and (
                not starts or any(ch in token.content for ch in starts)):
            offset = line
            for child in token.children:
                kind = child.type
                if kind == "softbreak" or kind == "hardbreak":
                    offset += 1
                if kind in types:
                    yield child, offset


def has_raw_html(tokens: Sequence[Token]) -> bool:
    """True when the token stream holds raw HTML from the source."""
    for token in tokens:
        if token.type in RAW_HTML:
            return True
        if token.children and has_raw_html(token.children):
            return True
    return False
