"""Quicker parser loops: at each position, only the rules that can start with its
character are tried.

markdown-it's inline tokenizer tries every inline rule, in order, at every position the
`text` rule stops at; each rule then looks at the character and gives up. With the
dialect's extra rules (spoilers, wikilinks, footnotes, strikethrough) that was most of
its cost over plain CommonMark. Its block tokenizer likewise tries every block rule on
every line. Each rule below gives up on any other first character (of the position, or
of the line after its indent; checked against markdown-it-py's and mdit-py-plugins'
sources, and by the tests that compare whole renders); a rule not listed is tried
everywhere, as before. The order of the rules and the result are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MethodType

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

__all__ = ["BLOCK_FIRST_CHARACTERS", "FIRST_CHARACTERS", "dispatch_block_rules",
           "dispatch_inline_rules"]

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

# block rule name -> the characters a line (after its indent) can start with for it
# (`table`, `code`, `lheading` and `paragraph` can start a line with any character)
BLOCK_FIRST_CHARACTERS: dict[str, str] = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
    "footnote_def": "[",
    "container_spoiler": ":",
    "container_also-read": ":",
    "time_notes": "[",
}

Rule = Callable[[StateInline, bool], bool]


class _Table:
    """The rules to try per character, rebuilt when the rule chain or the `text` rule's
    stop characters change.

    It also narrows those stop characters to the ones a rule of the chain can start at
    (and `]`, which ends link labels): markdown-it stops its `text` rule at every
    character any extension might want (`-`, `:`, `#`, …), and at each the loop found
    no rule and went on, one character at a time. Hyphenated names made that a third
    of the inline loop's stops."""

    def __init__(self, parser: ParserInline) -> None:
        self.parser = parser
        self.rules: list[Rule] | None = None
        self.terminators: re.Pattern[str] | None = None
        self.full: re.Pattern[str] = parser.terminator_re  # markdown-it's own stops
        self.named: list[tuple[str, Rule]] = []
        self.by_char: dict[str, list[Rule]] = {}

    def current(self) -> dict[str, list[Rule]]:
        parser = self.parser
        rules = parser.ruler.getRules("")
        if rules is not self.rules or parser.terminator_re is not self.terminators:
            if parser.terminator_re is not self.terminators:  # set by markdown-it
                self.full = parser.terminator_re
            self.rules = rules
            enabled = [(r.name, r.fn) for r in parser.ruler.__rules__ if r.enabled]
            if [fn for _, fn in enabled] != list(rules):  # an order we cannot follow
                enabled = [("", fn) for fn in rules]
            self.named = enabled
            parser.terminator_re = self.terminators = self._stops()
            self.by_char = {}
        return self.by_char

    def _stops(self) -> re.Pattern[str]:
        """markdown-it's stop characters less those no rule of the chain starts at (all
        of them when a rule's first characters are not known)."""
        names = [name for name, _ in self.named if name != "text"]
        if not all(name in FIRST_CHARACTERS for name in names):
            return self.full
        wanted = {"]", *(ch for name in names for ch in FIRST_CHARACTERS[name])}
        kept = "".join(sorted(ch for ch in wanted if self.full.match(ch)))
        return re.compile(f"[{re.escape(kept)}]") if kept else self.full

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


class _BlockTable:
    """The block rules to try per first character of a line, rebuilt when the rule
    chain changes."""

    def __init__(self, parser: ParserBlock) -> None:
        self.parser = parser
        self.rules: list | None = None
        self.named: list[tuple[str, Callable]] = []
        self.by_char: dict[str, list[Callable]] = {}

    def current(self) -> dict[str, list[Callable]]:
        rules = self.parser.ruler.getRules("")
        if rules is not self.rules:
            self.rules = rules
            enabled = [(r.name, r.fn) for r in self.parser.ruler.__rules__ if r.enabled]
            if [fn for _, fn in enabled] != list(rules):  # an order we cannot follow
                enabled = [("", fn) for fn in rules]
            self.named = enabled
            self.by_char = {}
        return self.by_char

    def build(self, ch: str) -> list[Callable]:
        chosen = [fn for name, fn in self.named
                  if name not in BLOCK_FIRST_CHARACTERS or ch in BLOCK_FIRST_CHARACTERS[name]]
        self.by_char[ch] = chosen
        return chosen


def _block_tokenize(self: ParserBlock, state: StateBlock, start_line: int,
                    end_line: int) -> None:
    """ParserBlock.tokenize, trying only the rules that can start the line's first
    character."""
    table = self._recap_table  # type: ignore[attr-defined]
    by_char = table.current()
    src = state.src
    line, endLine = start_line, end_line
    max_nesting = state.md.options.maxNesting
    has_empty_lines = False
    while line < endLine:
        state.line = line = state.skipEmptyLines(line)
        if line >= endLine:
            break
        if state.sCount[line] < state.blkIndent:
            break  # the end of a nested block (lists, blockquotes)
        if state.level >= max_nesting:
            state.line = endLine  # too much nesting: skip to the end (as markdown-it does)
            break
        ch = src[state.bMarks[line] + state.tShift[line]]
        rules = by_char.get(ch)
        if rules is None:
            rules = table.build(ch)
        ok = False
        for rule in rules:
            ok = rule(state, line, endLine, False)
            if ok:
                if state.line <= line:
                    raise RuntimeError("block rule didn't increment state.line")
                break
        if not ok:
            raise RuntimeError("none of the block rules matched")
        state.tight = not has_empty_lines
        line = state.line
        if (line - 1) < endLine and state.isEmpty(line - 1):
            has_empty_lines = True
        if line < endLine and state.isEmpty(line):
            has_empty_lines = True
            line += 1
            state.line = line


def dispatch_block_rules(md: MarkdownIt) -> None:
    """Make `md`'s block parser try only the rules that can start each line."""
    block = md.block
    block._recap_table = _BlockTable(block)  # type: ignore[attr-defined]
    block.tokenize = MethodType(_block_tokenize, block)  # type: ignore[method-assign]
