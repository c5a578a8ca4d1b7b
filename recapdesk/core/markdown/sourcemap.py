"""`data-line` attributes on rendered blocks, so the preview can map HTML to source lines."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

OFFSET_KEY = "line_offset"  # in `env`: the offset for this render, instead of the option's


def sourcemap_plugin(md: MarkdownIt, *, line_offset: int = 0) -> None:
    """Mark each block with the 0-based file line it starts on (body line + offset).

    A caller rendering a page in pieces gives each piece its offset in `env`.
    """

    def rule(state: StateCore) -> None:
        offset = state.env.get(OFFSET_KEY, line_offset)
        for token in state.tokens:
            if token.map and token.type != "inline":
                token.attrSet("data-line", str(token.map[0] + offset))
                token.attrSet("data-line-end", str(token.map[1] + offset))

    md.core.ruler.push("sourcemap", rule)
