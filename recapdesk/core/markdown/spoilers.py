"""Spoilers: `::: spoiler Label` blocks and `||inline||` spoilers; the spoiler-free filter."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

PIPE = 0x7C


def spoiler_label(info: str) -> str:
    """The label of a `::: spoiler Label` line ("" when none)."""
    words = info.strip().split(None, 1)
    return words[1].strip() if len(words) > 1 else ""


def spoiler_block_plugin(md: MarkdownIt) -> None:
    """`::: spoiler Label` … `:::` -> `<details class="spoiler"><summary>Label</summary>…`."""

    def validate(params: str, *args: object) -> bool:
        words = params.strip().split(None, 1)
        return bool(words) and words[0].lower() == "spoiler"

    def render(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if token.nesting == 1:
            label = spoiler_label(token.info) or "Spoiler"
            attrs = self.renderAttrs(token)
            summary = md.renderInline(label, {}) if label != "Spoiler" else "Spoiler"
            return f'<details class="spoiler"{attrs}>\n<summary>{summary}</summary>\n'
        return "</details>\n"

    container_plugin(md, "spoiler", validate=validate, render=render)


def _tokenize(state: StateInline, silent: bool) -> bool:
    """Push each `||` as a text token and remember it as a delimiter (like `~~`)."""
    if silent or state.src[state.pos] != "|":
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "|"
        length -= 1
    for _ in range(length // 2):
        token = state.push("text", "", 0)
        token.content = "||"
        state.delimiters.append(Delimiter(marker=PIPE, length=0, token=len(state.tokens) - 1,
                                          end=-1, open=scanned.can_open,
                                          close=scanned.can_close))
    state.pos += scanned.length
    return True


def _pair(state: StateInline, delimiters: list[Delimiter]) -> None:
    for start in delimiters:
        if start.marker != PIPE or start.end == -1:
            continue
        end = delimiters[start.end]
        opening = state.tokens[start.token]
        opening.type, opening.tag, opening.nesting = "spoiler_open", "span", 1
        opening.markup, opening.content = "||", ""
        closing = state.tokens[end.token]
        closing.type, closing.tag, closing.nesting = "spoiler_close", "span", -1
        closing.markup, closing.content = "||", ""


def _post_process(state: StateInline) -> None:
    _pair(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair(state, meta["delimiters"])


def inline_spoiler_plugin(md: MarkdownIt) -> None:
    """`||text||` -> `<span class="spoiler" tabindex="0">text</span>`.

    Delimiter-based like strikethrough, so code spans, autolinks and raw HTML win.
    """
    md.inline.add_terminator_char("|")
    md.inline.ruler.after("strikethrough", "spoiler", _tokenize)
    md.inline.ruler2.after("strikethrough", "spoiler", _post_process)

    def render_open(self, tokens, idx, options, env) -> str:
        return f'<span class="spoiler" tabindex="0"{self.renderAttrs(tokens[idx])}>'

    def render_close(self, tokens, idx, options, env) -> str:
        return "</span>"

    md.add_render_rule("spoiler_open", render_open)
    md.add_render_rule("spoiler_close", render_close)


def _drop_range(tokens: list[Token], open_type: str, close_type: str) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for token in tokens:
        if token.type == open_type:
            depth += 1
            continue
        if token.type == close_type and depth:
            depth -= 1
            continue
        if not depth:
            out.append(token)
    return out


def _strip_spoilers(state: StateCore) -> None:
    tokens = _drop_range(state.tokens, "container_spoiler_open", "container_spoiler_close")
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _drop_range(token.children, "spoiler_open", "spoiler_close")
    # paragraphs left empty by a removed inline spoiler go too
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.type == "paragraph_open" and i + 2 < len(tokens)
                and tokens[i + 1].type == "inline" and tokens[i + 2].type == "paragraph_close"
                and not any(c.type not in ("text", "softbreak", "hardbreak") or c.content.strip()
                            for c in tokens[i + 1].children or [])):
            i += 3
            continue
        kept.append(token)
        i += 1
    state.tokens = kept


def spoiler_free_plugin(md: MarkdownIt) -> None:
    """Drop every spoiler block and inline spoiler (the teaser version)."""
    md.core.ruler.after("inline", "spoiler_free", _strip_spoilers)
