"""Stable heading ids (slugs), unique within a page; optional level shift for export."""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from recapdesk.core.slugs import slugify

# ids the page template uses itself; a heading never takes one of them
RESERVED_IDS = frozenset({"content", "recaps-heading", "cast-heading", "series-facts",
                          "recap-notes"})


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


# A page rendered in pieces (the preview, block by block) shares these through `env`:
SHIFT_KEY = "heading_shift"  # the level shift, instead of the plugin's `shift`
TAKEN_KEY = "heading_ids_taken"  # the ids given so far on the page (a set, updated)
FOUND_KEY = "heading_ids_found"  # (slug before de-duplication, id) of each heading, added


def heading_ids_plugin(md: MarkdownIt, *, shift: int = 0,
                       reserved: Iterable[str] = RESERVED_IDS) -> None:
    """Give every heading an `id`; with `shift`, move levels down (h1 -> h2).

    The env keys above let a caller that renders one page in pieces keep ids unique
    across the pieces and learn which ids each piece gave.
    """

    def rule(state: StateCore) -> None:
        env = state.env
        level_shift = env.get(SHIFT_KEY, shift)
        taken = env[TAKEN_KEY] if TAKEN_KEY in env else set(reserved)
        found = env.get(FOUND_KEY)
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type not in ("heading_open", "heading_close"):
                continue
            if level_shift:
                level = min(6, int(token.tag[1]) + level_shift)
                token.tag = f"h{level}"
            if token.type == "heading_open" and not token.attrGet("id"):
                text = inline_text(tokens[i + 1]) if i + 1 < len(tokens) else ""
                base = slugify(text)
                slug = unique_slug(base, taken)
                if found is not None:
                    found.append((base, slug))
                token.attrSet("id", slug)

    md.core.ruler.push("heading_ids", rule)
