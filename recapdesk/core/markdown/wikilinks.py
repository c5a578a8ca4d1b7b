"""`[[s01e03]]` and `[[s01e03|label]]`: links to another recap of the project."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape
from markdown_it.rules_inline import StateInline


@dataclass(frozen=True)
class LinkTarget:
    """Where a wikilink goes: `href` None means the recap exists but is not published."""

    href: str | None
    title: str


WikiResolver = Callable[[str], LinkTarget | None]


def default_resolver(target: str) -> LinkTarget:
    """Without project context a wikilink points at the page named after the id."""
    page = target.strip().lower()
    return LinkTarget(f"{page}.html", target.strip())


_TARGET = re.compile(r"[\w.\-]+")
MAX_INNER = 300  # a wikilink is short; never scan far for its end


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos) or (pos > 0 and src[pos - 1] == "["):
        return False
    end = src.find("]]", pos + 2, min(len(src), pos + 2 + MAX_INNER))
    if end < 0 or src.startswith("]]]", end):
        return False
    inner = src[pos + 2 : end]
    if any(c in inner for c in "[]\n\r"):
        return False
    target, _, label = inner.partition("|")
    target = target.strip()
    if not _TARGET.fullmatch(target):
        return False
    if not silent:
        token = state.push("wikilink", "a", 0)
        token.markup = "[["
        token.content = inner
        token.meta = {"target": target, "label": label.strip()}
    state.pos = end + 2
    return True


def wikilink_plugin(md: MarkdownIt, *, resolver: WikiResolver | None = None) -> None:
    """Register the `[[…]]` inline rule and its renderer."""
    resolve = resolver or default_resolver
    md.inline.ruler.before("link", "wikilink", _wikilink)

    def render(self, tokens, idx, options, env) -> str:
        meta = tokens[idx].meta
        found = resolve(meta["target"])
        label = meta["label"]
        if found is None:
            text = escape(label or meta["target"])
            return f'<span class="wikilink-missing">{text}</span>'
        text = escape(label or found.title)
        if found.href is None:
            return f'<span class="wikilink-unpublished">{text}</span>'
        return f'<a class="wikilink" href="{escape(found.href)}">{text}</a>'

    md.add_render_rule("wikilink", render)
