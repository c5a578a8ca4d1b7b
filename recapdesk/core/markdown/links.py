"""No link inside a link: an autolink or [[wikilink]] inside link text becomes its text.

HTML forbids nested `<a>` elements (browsers split them, validators reject them).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _flatten(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    depth = 0
    dropped: list[bool] = []  # per open link: was its open tag dropped?
    for token in children:
        if token.type == "link_open":
            dropped.append(depth > 0)
            depth += 1
            if dropped[-1]:
                continue
        elif token.type == "link_close":
            depth -= 1
            if dropped and dropped.pop():
                continue
        elif token.type == "wikilink" and depth > 0:
            out.append(_text(token.meta.get("label") or token.meta.get("target", "")))
            continue
        out.append(token)
    return out


def _rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            if any(c.type in ("link_open", "wikilink") for c in token.children):
                token.children = _flatten(token.children)


def no_nested_links_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "no_nested_links", _rule)
