"""The recap dialect: CommonMark + tables, strikethrough, footnotes and the recap plugins.

`build_markdown()` is the only factory: preview, export, checks and tests all use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from recapdesk.core.markdown.also_read import also_read_plugin
from recapdesk.core.markdown.dispatch import dispatch_block_rules, dispatch_inline_rules
from recapdesk.core.markdown.figures import ImageRef, ImageResolver, StillOf, figures_plugin
from recapdesk.core.markdown.headings import heading_ids_plugin
from recapdesk.core.markdown.links import no_nested_links_plugin
from recapdesk.core.markdown.normalize import quick_normalize
from recapdesk.core.markdown.sanitize import sanitize
from recapdesk.core.markdown.sourcemap import sourcemap_plugin
from recapdesk.core.markdown.spoilers import (
    inline_spoiler_plugin,
    spoiler_block_plugin,
    spoiler_free_plugin,
)
from recapdesk.core.markdown.time_notes import time_notes_plugin
from recapdesk.core.markdown.tokens import has_raw_html
from recapdesk.core.markdown.wikilinks import LinkTarget, WikiResolver, wikilink_plugin
from recapdesk.core.model import Still

__all__ = ["build_markdown", "ImageRef", "LinkTarget", "has_raw_html"]

NOTES_ID = "recap-notes"


class RecapRenderer(RendererHTML):
    """The HTML renderer; raw HTML in the source passes through the allow-list."""

    sanitize_raw_html = True

    def render(self, tokens: Sequence[Token], options: Any, env: Any) -> str:
        html = super().render(tokens, options, env)
        if self.sanitize_raw_html and has_raw_html(tokens):
            html = sanitize(html)
        return html


def _render_footnotes_open(self, tokens, idx, options, env) -> str:
    """Footnotes as a titled section (a section without a heading is poor structure)."""
    end = " />" if options.get("xhtmlOut") else ">"
    hr = f'<hr class="footnotes-sep"{end}'
    return (f"{hr}\n<section class=\"footnotes\" aria-labelledby=\"{NOTES_ID}\">\n"
            f"<h2 class=\"footnotes-title\" id=\"{NOTES_ID}\">Notes</h2>\n"
            "<ol class=\"footnotes-list\">\n")


def build_markdown(
    *,
    episodes: WikiResolver | None = None,
    stills: Mapping[str, Still] | None = None,
    still_of: StillOf | None = None,
    images: ImageResolver | None = None,
    source_lines: bool = False,
    line_offset: int = 0,
    spoiler_free: bool = False,
    heading_shift: int = 0,
    sanitize_html: bool = True,
    eager_first: bool = False,
    time_notes: bool = False,
) -> MarkdownIt:
    """Make the recap-dialect MarkdownIt.

    With no arguments `.render(text)` gives the article HTML export writes for `text`.
    episodes: resolves a wikilink target to a LinkTarget (or None when unknown).
    stills: still metadata by file name, for alt/caption fallbacks.
    still_of: which still an image source is (`paths.still_name` for the recap's file;
        without it, sources are read as written in a recap in `episodes/`).
    images: maps an image source as written to the exported URL and size.
    source_lines: add `data-line` (file line = body line + line_offset) for the preview.
    spoiler_free: drop spoiler blocks and inline spoilers.
    heading_shift: move heading levels down (the page's title is its one <h1>).
    sanitize_html: pass raw HTML through the allow-list (never turn off for export).
    eager_first: the first still loads at once (a page's largest paint), not lazily
        like the others.
    time_notes: show the writer's time notes (`[12:34] …` lines; the preview); without
        it they are left out, as every export does.
    """
    md = MarkdownIt("commonmark", renderer_cls=RecapRenderer)
    md.enable(["table", "strikethrough"])
    md.renderer.sanitize_raw_html = sanitize_html  # type: ignore[attr-defined]
    footnote_plugin(md)
    md.add_render_rule("footnote_block_open", _render_footnotes_open)
    spoiler_block_plugin(md)
    also_read_plugin(md)
    time_notes_plugin(md, show=time_notes)
    inline_spoiler_plugin(md)
    wikilink_plugin(md, resolver=episodes)
    no_nested_links_plugin(md)
    figures_plugin(md, stills=stills, still_of=still_of, resolver=images,
                   eager_first=eager_first)
    heading_ids_plugin(md, shift=heading_shift)
    if spoiler_free:
        spoiler_free_plugin(md)
    if source_lines:
        sourcemap_plugin(md, line_offset=line_offset)
    dispatch_inline_rules(md)
    dispatch_block_rules(md)
    quick_normalize(md)
    return md
