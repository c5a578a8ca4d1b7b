"""Stable heading ids (slugs), unique within a page; optional level shift for export."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# ids the page template uses itself; a heading never takes one of them
RESERVED_IDS = frozenset({"content", "recaps-heading", "cast-heading", "series-facts",
                          "recap-notes"})


def slugify(text: str) -> str:
    """`Final Thoughts!` -> `final-thoughts`; letters of every script are kept."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    text = re.sub(r"[\s_]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text or "section"


def inline_text(token: Token) -> str:
    """The plain text of an inline token (what a reader sees)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(inline_text(child))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            parts.append(child.meta.get("label") or child.meta.get("target", ""))
    return "".join(parts)


def unique_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def heading_ids_plugin(md: MarkdownIt, *, shift: int = 0,
                       reserved: Iterable[str] = RESERVED_IDS) -> None:
    """Give every heading an `id`; with `shift`, move levels down (h1 -> h2)."""

    def rule(state: StateCore) -> None:
        taken = set(reserved)
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type not in ("heading_open", "heading_close"):
                continue
            if shift:
                level = min(6, int(token.tag[1]) + shift)
                token.tag = f"h{level}"
            if token.type == "heading_open" and not token.attrGet("id"):
                text = inline_text(tokens[i + 1]) if i + 1 < len(tokens) else ""
                token.attrSet("id", unique_slug(slugify(text), taken))

    md.core.ruler.push("heading_ids", rule)
