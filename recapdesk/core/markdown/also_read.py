"""`::: also-read` … `:::` -> `<aside class="also-read">` with an "Also Read" heading."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

DEFAULT_TITLE = "Also Read"


def also_read_plugin(md: MarkdownIt, *, heading_level: int = 2) -> None:
    """Register the "Also Read" box; `::: also-read Title` changes its heading."""

    def validate(params: str, *args: object) -> bool:
        words = params.strip().split(None, 1)
        return bool(words) and words[0].lower() == "also-read"

    def render(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if token.nesting == 1:
            words = token.info.strip().split(None, 1)
            title = md.renderInline(words[1].strip(), {}) if len(words) > 1 else DEFAULT_TITLE
            h = f"h{heading_level}"
            return (f'<aside class="also-read"{self.renderAttrs(token)}>\n'
                    f'<{h} class="also-read-title">{title}</{h}>\n')
        return "</aside>\n"

    container_plugin(md, "also-read", validate=validate, render=render)
