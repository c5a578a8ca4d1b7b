"""A quicker inline loop: at each position, only the rules that can start with its
character are tried.

markdown-it's inline tokenizer tries every inline rule, in order, at every position the
`text` rule stops at; each rule then looks at the character and gives up. With the
dialect's extra rules (spoilers, wikilinks, footnotes, strikethrough) that was most of
its cost over plain CommonMark. Each rule below gives up on any other first character
(checked against markdown-it-py's and mdit-py-plugins' sources, and by the tests that
compare whole renders); a rule not listed is tried everywhere, as before. The order of
the rules and the result are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MethodType

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline

__all__ = ["FIRST_CHARACTERS", "dispatch_inline_rules"]

# rule name -> the characters it can start at (it returns False at any other)
FIRST_CHARACTERS: dict[str, str] = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "spoiler": "|",
    "emphasis": "*_",
    "wikilink": "[",
    "link": "[",
    "image": "!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}

Rule = Callable[[StateInline, bool], bool]


class _Table:
    """The rules to try per character, rebuilt when the rule chain or the `text` rule's
    stop characters change."""

    def __init__(self, parser: ParserInline) -> None:
        self.parser = parser
        self.rules: list[Rule] | None = None
        self.terminators: re.Pattern[str] | None = None
        self.named: list[tuple[str, Rule]] = []
        self.by_char: dict[str, list[Rule]] = {}

    def current(self) -> dict[str, list[Rule]]:
        parser = self.parser
        rules = parser.ruler.getRules("")
        if rules is not self.rules or parser.terminator_re is not self.terminators:
            self.rules, self.terminators = rules, parser.terminator_re
            enabled = [(r.name, r.fn) for r in parser.ruler.__rules__ if r.enabled]
            if [fn for _, fn in enabled] != list(rules):  # an order we cannot follow
                enabled = [("", fn) for fn in rules]
            self.named = enabled
            self.by_char = {}
        return self.by_char

    def build(self, ch: str) -> list[Rule]:
        """The rules that may match at `ch`, in chain order."""
        stops = self.terminators
        assert stops is not None
        chosen = []
        for name, fn in self.named:
            if name == "text":
                if not stops.match(ch):
                    chosen.append(fn)
            elif name not in FIRST_CHARACTERS or ch in FIRST_CHARACTERS[name]:
                chosen.append(fn)
        self.by_char[ch] = chosen
        return chosen


def _tokenize(self: ParserInline, state: StateInline) -> None:
    """ParserInline.tokenize, trying only the rules that can start at each character."""
    table = self._recap_table  # type: ignore[attr-defined]
    by_char = table.current()
    src = state.src
    end = state.posMax
    max_nesting = state.md.options["maxNesting"]
    while state.pos < end:
        pos = state.pos
        ok = False
        if state.level < max_nesting:
            ch = src[pos]
            rules = by_char.get(ch)
            if rules is None:
                rules = table.build(ch)
            for rule in rules:
                ok = rule(state, False)
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        if ok:
            if state.pos >= end:
                break
            continue
        state.append_pending(src[state.pos])
        state.pos += 1
    if state.pending:
        state.pushPending()


def _skip_token(self: ParserInline, state: StateInline) -> None:
    """ParserInline.skipToken, trying only the rules that can start at the character."""
    pos = state.pos
    cache = state.cache
    if pos in cache:
        state.pos = cache[pos]
        return
    ok = False
    if state.level < state.md.options["maxNesting"]:
        table = self._recap_table  # type: ignore[attr-defined]
        by_char = table.current()
        ch = state.src[pos]
        rules = by_char.get(ch)
        if rules is None:
            rules = table.build(ch)
        for rule in rules:
            state.level += 1
            ok = rule(state, True)
            state.level -= 1
            if ok:
                if state.pos <= pos:
                    raise RuntimeError("inline rule didn't increment state.pos")
                break
    else:
        state.pos = state.posMax  # too much nesting: skip to the end (as markdown-it does)
    if not ok:
        state.pos += 1
    cache[pos] = state.pos


def dispatch_inline_rules(md: MarkdownIt) -> None:
    """Make `md`'s inline parser try only the rules that can start at each character."""
    inline = md.inline
    inline._recap_table = _Table(inline)  # type: ignore[attr-defined]
    inline.tokenize = MethodType(_tokenize, inline)  # type: ignore[method-assign]
    inline.skipToken = MethodType(_skip_token, inline)  # type: ignore[method-assign]
