"""Per-block Markdown highlighting for the recap dialect, with spell checking.

Each block is highlighted from its own text and the state the previous block left
(an int): front matter, fenced code (fence char and length), and a small stack of
`:::` containers. So an edit re-highlights only the blocks whose state changes, which
keeps typing cheap on a 50 000-word recap. The state also tells the editor which blocks
to paint with the spoiler / also-read / front-matter tint (`region_of()`).
"""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

from recapdesk.core.editing import inline_spoilers
from recapdesk.ui.editor.spelling import SpellChecker
from recapdesk.ui.editor.theme import LIGHT, WRITING_POINT_SIZE, Theme, code_families

# ------------------------------------------------------------------ block states
FRONT = 1 << 0  # inside the front matter
CODE = 1 << 1  # inside a fenced code block
_FENCE_LEN_SHIFT = 2  # 5 bits: the opening fence's length
_FENCE_LEN_MASK = 0x1F << _FENCE_LEN_SHIFT
TILDE = 1 << 7  # the code fence is ~~~
_DEPTH_SHIFT = 8  # 3 bits: how many ::: containers are open
_DEPTH_MASK = 0x7 << _DEPTH_SHIFT
_KINDS_SHIFT = 11  # 4 x 2 bits: the kind of each open container
_KINDS_MASK = 0xFF << _KINDS_SHIFT
_REGION_SHIFT = 19  # 2 bits: what tint this line gets (for painting only)
_REGION_MASK = 0x3 << _REGION_SHIFT
FRONT_LINE = 1 << 21  # this line is part of the front matter (fences included)

KIND_SPOILER, KIND_ALSO_READ, KIND_OTHER = 1, 2, 3
REGION_NONE, REGION_SPOILER, REGION_ALSO_READ = 0, 1, 2
REGION_FRONT = 3  # returned by region_of() for front matter lines

PROSE_KEYS = {"title", "excerpt", "description", "summary", "caption", "alt", "subtitle"}


LONG_LINE = 20_000  # characters; longer lines are shown unstyled (a 2 MB line stays fast)

def region_of(state: int) -> int:
    """Which tint a block with this user state gets (REGION_* constant)."""
    if state < 0:
        return REGION_NONE
    if state & FRONT_LINE:
        return REGION_FRONT
    return (state & _REGION_MASK) >> _REGION_SHIFT


def _kinds(state: int) -> list[int]:
    depth = (state & _DEPTH_MASK) >> _DEPTH_SHIFT
    return [(state >> (_KINDS_SHIFT + 2 * i)) & 0x3 for i in range(min(depth, 4))]


def _with_kinds(state: int, kinds: list[int]) -> int:
    state &= ~(_DEPTH_MASK | _KINDS_MASK)
    state |= min(len(kinds), 7) << _DEPTH_SHIFT
    for i, kind in enumerate(kinds[:4]):
        state |= kind << (_KINDS_SHIFT + 2 * i)
    return state


def _region(kinds: list[int]) -> int:
    if KIND_SPOILER in kinds:
        return REGION_SPOILER
    if KIND_ALSO_READ in kinds:
        return REGION_ALSO_READ
    return REGION_NONE


# --------------------------------------------------------------------- patterns
_HEADING = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
_CONTAINER = re.compile(r" {0,3}(:{3,})[ \t]*(\S+)?(.*)$")
_THEMATIC = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
_LIST = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)(?:[ \t]+\[[ xX]\](?=[ \t]|$))?")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_HTML = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^<>\s]*>|\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*([^()\s]*)(?:\s+(\"[^\"]*\"|'[^']*'))?\s*\)")
_LINK = re.compile(r"(?<![!\[\\])\[([^\[\]\n]+)\]\(\s*([^()\s]*)(?:\s+(\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"(?<![!\[\\])\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]")
_REF_DEF = re.compile(r" {0,3}\[[^\]]+\]:\s*\S+.*$")
_WIKILINK = re.compile(r"(?<!\[)\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*))?\]\](?!\])")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?!\*)")
_EM_UNDER = re.compile(r"(?<![\w_\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")
_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()#+\-.!|<>~]")
_PATHLIKE = re.compile(
    r"[^\s()\[\]<>\"'|]*[/\\][^\s()\[\]<>\"'|]*"
    r"|\b[\w.-]+\.(?:jpe?g|png|webp|gif|svg|md|html?|ya?ml|css|js)\b",
    re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_FRONT_KEY = re.compile(r"([A-Za-z_][\w-]*)([ \t]*:)(.*)$")
_COMMENT = re.compile(r"(?:^|[ \t])(#.*)$")
_ASTRAL = re.compile(r"[\U00010000-\U0010FFFF]")


@dataclass
class Formats:
    """The character formats of one theme."""

    theme: Theme
    base_size: float

    def __post_init__(self) -> None:
        t = self.theme
        self.muted = _fmt(t.muted)
        self.faint = _fmt(t.faint)
        self.headings = [self._heading(level) for level in range(1, 7)]
        self.heading_marker = _fmt(t.muted)
        self.em = QTextCharFormat()
        self.em.setFontItalic(True)
        self.strong = QTextCharFormat()
        self.strong.setFontWeight(QFont.Weight.Bold)
        self.strike = _fmt(t.muted)
        self.strike.setFontStrikeOut(True)
        self.link = _fmt(t.link)
        self.url = _fmt(t.url)
        self.image = _fmt(t.image)
        self.image_alt = _fmt(t.image)
        self.image_alt.setFontItalic(True)
        self.wikilink = _fmt(t.wikilink)
        self.wikilink_target = _fmt(t.wikilink)
        self.wikilink_target.setFontWeight(QFont.Weight.DemiBold)
        self.spoiler_marker = _fmt(t.spoiler)
        self.spoiler_marker.setFontWeight(QFont.Weight.Bold)
        self.spoiler_text = QTextCharFormat()
        self.spoiler_text.setBackground(t.spoiler_text_bg)
        self.spoiler_fence = _fmt(t.spoiler)
        self.spoiler_fence.setFontWeight(QFont.Weight.DemiBold)
        self.spoiler_label = _fmt(t.spoiler)
        self.spoiler_label.setFontItalic(True)
        self.also_read_fence = _fmt(t.also_read)
        self.also_read_fence.setFontWeight(QFont.Weight.DemiBold)
        self.other_fence = _fmt(t.muted)
        self.front_fence = _fmt(t.faint)
        self.front_key = _fmt(t.front_key)
        self.front_value = _fmt(t.front_value)
        self.front_comment = _fmt(t.faint)
        self.front_comment.setFontItalic(True)
        self.code = _fmt(t.code)
        self.code.setFontFamilies(code_families())
        self.code.setFontPointSize(self.base_size * 0.88)
        self.code_span = QTextCharFormat(self.code)
        self.code_span.setBackground(t.code_bg)
        self.code_fence = QTextCharFormat(self.code)
        self.code_fence.setForeground(t.muted)
        self.quote = _fmt(t.quote)
        self.quote.setFontItalic(True)
        self.list_marker = _fmt(t.list_marker)
        self.list_marker.setFontWeight(QFont.Weight.DemiBold)
        self.html = _fmt(t.url)
        self.misspelt = QTextCharFormat()
        # explicitly wavy (SpellCheckUnderline is whatever the widget style says)
        self.misspelt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.misspelt.setUnderlineColor(t.misspelt)

    def _heading(self, level: int) -> QTextCharFormat:
        f = _fmt(self.theme.heading)
        f.setFontWeight(QFont.Weight.Bold)
        f.setFontPointSize(self.base_size * {1: 1.45, 2: 1.25, 3: 1.12}.get(level, 1.0))
        return f


def _fmt(color: QColor) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(color)
    return f


class MarkdownHighlighter(QSyntaxHighlighter):
    """Highlights the recap dialect and underlines misspelt words."""

    def __init__(self, document: QTextDocument, theme: Theme = LIGHT,
                 speller: SpellChecker | None = None,
                 base_size: float = WRITING_POINT_SIZE) -> None:
        super().__init__(document)
        self._formats = Formats(theme, base_size)
        self.speller = speller
        self.spell_enabled = speller is not None and speller.available
        # per-block scratch (highlightBlock is not re-entrant)
        self._cuts: list[int] = []
        self._u16: Callable[[int], int] = _identity
        self._prose: list[tuple[int, int]] = []

    # ------------------------------------------------------------------- setup

    def set_theme(self, theme: Theme, base_size: float) -> None:
        self._formats = Formats(theme, base_size)
        self.rehighlight()

    def set_spellcheck(self, speller: SpellChecker | None, enabled: bool) -> None:
        self.speller = speller
        self.spell_enabled = bool(enabled and speller is not None and speller.available)
        self.rehighlight()

    @property
    def formats(self) -> Formats:
        return self._formats

    # ---------------------------------------------------------------- analysis

    def misspellings(self, block: QTextBlock) -> list[tuple[int, int]]:
        """The misspelt words of a block as (start, end) offsets into `block.text()`."""
        if not self.spell_enabled or self.speller is None:
            return []
        prev = block.previous().userState() if block.previous().isValid() else -1
        text = block.text()
        prose = self._prose_spans(text, prev, block.blockNumber())
        return list(self.speller.misspelt(text, prose))

    def _prose_spans(self, text: str, prev: int, number: int) -> list[tuple[int, int]]:
        """Where words are prose (spell-checkable) in a line, given the previous state."""
        prev = max(prev, 0)
        if prev & CODE:
            return []
        if prev & FRONT:
            m = _FRONT_KEY.match(text)
            if m and m.group(1).lower() in PROSE_KEYS:
                value_start = m.start(3)
                c = _COMMENT.search(text, value_start)
                return [(value_start, c.start(1) if c else len(text))]
            return []
        if number == 0 and text == "---":
            return []
        if _FENCE.match(text) or _REF_DEF.match(text):
            return []
        c = _CONTAINER.match(text)
        if c:
            label_start = c.start(3) if c.group(2) else len(text)
            return [(label_start, len(text))]
        protected = [m.span() for rx in (_CODE_SPAN, _HTML, _AUTOLINK, _EMAIL, _PATHLIKE,
                                         _FOOTNOTE) for m in rx.finditer(text)]
        for rx, groups in ((_IMAGE, (2, 3)), (_LINK, (2,)), (_WIKILINK, (1,))):
            for m in rx.finditer(text):
                protected += [m.span(g) for g in groups if m.group(g)]
        return _complement(protected, len(text))

    # ------------------------------------------------------------- highlighting

    def highlightBlock(self, text: str) -> None:
        prev = self.previousBlockState()
        prev = 0 if prev < 0 else prev
        if len(text) > LONG_LINE:  # a pasted blob, not prose: keep the state, skip styling
            self.setCurrentBlockState(prev & ~FRONT_LINE)
            return
        number = self.currentBlock().blockNumber()
        self._cuts = [0, len(text)]
        self._u16 = _u16_mapper(text)
        f = self._formats
        state = prev & ~(_REGION_MASK | FRONT_LINE)

        if number == 0 and text.rstrip() == "---":  # front matter opens
            self._set(0, len(text), f.front_fence)
            self.setCurrentBlockState(FRONT | FRONT_LINE)
            return
        if prev & FRONT:
            if text.rstrip() in ("---", "..."):
                self._set(0, len(text), f.front_fence)
                self.setCurrentBlockState(FRONT_LINE)
                return
            self._front_line(text)
            self._spell(text, self._prose_spans(text, prev, number))
            self.setCurrentBlockState(FRONT | FRONT_LINE)
            return

        kinds = _kinds(state)
        if state & CODE:
            m = _FENCE.match(text)
            length = (state & _FENCE_LEN_MASK) >> _FENCE_LEN_SHIFT
            char = "~" if state & TILDE else "`"
            if m and m.group(1)[0] == char and len(m.group(1)) >= length \
                    and not m.group(2).strip():
                self._set(0, len(text), f.code_fence)
                state &= ~(CODE | TILDE | _FENCE_LEN_MASK)
            else:
                self._set(0, len(text), f.code)
            self.setCurrentBlockState(state | (_region(kinds) << _REGION_SHIFT))
            return
        m = _FENCE.match(text)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            self._set(0, len(text), f.code_fence)
            state |= CODE | (min(len(m.group(1)), 31) << _FENCE_LEN_SHIFT)
            if m.group(1)[0] == "~":
                state |= TILDE
            self.setCurrentBlockState(state | (_region(kinds) << _REGION_SHIFT))
            return

        c = _CONTAINER.match(text)
        if c:
            region = self._container_line(text, c, kinds)
            state = _with_kinds(state, kinds)
            self._spell(text, self._prose_spans(text, prev, number))
            self.setCurrentBlockState(state | (region << _REGION_SHIFT))
            return

        self._markdown_line(text)
        self._spell(text, self._prose_spans(text, prev, number))
        self.setCurrentBlockState(state | (_region(kinds) << _REGION_SHIFT))

    def _container_line(self, text: str, c: re.Match[str], kinds: list[int]) -> int:
        """Format a `:::` line, update `kinds` (the open containers), return its region."""
        f = self._formats
        word = (c.group(2) or "").lower()
        if word:
            kind = {"spoiler": KIND_SPOILER, "also-read": KIND_ALSO_READ}.get(word, KIND_OTHER)
            kinds.append(kind)
            fence = {KIND_SPOILER: f.spoiler_fence, KIND_ALSO_READ: f.also_read_fence}.get(
                kind, f.other_fence)
            self._set(0, c.end(2), fence)
            if kind == KIND_SPOILER and c.group(3).strip():
                self._set(c.start(3), len(text), f.spoiler_label)
            else:
                self._set(c.start(3), len(text), fence)
            return _region(kinds)
        if kinds:
            region = _region(kinds)
            kind = kinds.pop()
            fence = {KIND_SPOILER: f.spoiler_fence, KIND_ALSO_READ: f.also_read_fence}.get(
                kind, f.other_fence)
            self._set(0, len(text), fence)
            return region
        self._set(0, len(text), f.other_fence)
        return REGION_NONE

    def _front_line(self, text: str) -> None:
        f = self._formats
        m = _FRONT_KEY.match(text)
        if m:
            self._set(0, m.end(2), f.front_key)
            self._set(m.start(3), len(text), f.front_value)
        else:
            self._set(0, len(text), f.front_value)
        c = _COMMENT.search(text)
        if c and not _in_quotes(text, c.start(1)):
            self._set(c.start(1), len(text), f.front_comment)

    def _markdown_line(self, text: str) -> None:
        f = self._formats
        body = 0
        h = _HEADING.match(text)
        if h:
            level = len(h.group(1))
            self._set(0, len(text), f.headings[level - 1])
            self._overlay(0, h.end(1), f.heading_marker)
            trailing = re.search(r"[ \t]+#+[ \t]*$", text)
            if trailing and trailing.start() >= h.end(1):
                self._overlay(trailing.start(), len(text), f.heading_marker)
        elif _THEMATIC.match(text):
            self._set(0, len(text), f.faint)
            return
        elif _REF_DEF.match(text):
            self._set(0, len(text), f.url)
            return
        else:
            q = _QUOTE.match(text)
            if q and ">" in q.group():
                self._set(q.end(), len(text), f.quote)
                self._overlay(0, q.end(), f.muted)
                body = q.end()
            li = _LIST.match(text, body)
            if li:
                self._overlay(body, li.end(), f.list_marker)
        self._inline(text)

    def _inline(self, text: str) -> None:
        f = self._formats
        taken: list[tuple[int, int]] = []  # code, HTML, URLs: nothing else applies there

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in taken)

        if "`" in text:
            for m in _CODE_SPAN.finditer(text):
                self._overlay(*m.span(), f.code_span)
                taken.append(m.span())
        if "<" in text:
            for m in _HTML.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(), f.html)
                    taken.append(m.span())
        if "://" in text or "mailto:" in text:
            for m in _AUTOLINK.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(), f.url)
                    taken.append(m.span())
        if "[" in text:
            for m in _IMAGE.finditer(text):
                if not free(*m.span()):
                    continue
                self._overlay(*m.span(), f.image)
                if m.group(1):
                    self._overlay(*m.span(1), f.image_alt)
                self._overlay(m.start(2), m.end(), f.url)
                if m.group(3):
                    self._overlay(*m.span(3), f.image_alt)
                taken.append((m.start(2), m.end()))
            for m in _WIKILINK.finditer(text):
                if not free(*m.span()):
                    continue
                self._overlay(*m.span(), f.muted)
                self._overlay(*m.span(1), f.wikilink_target)
                if m.group(2):
                    self._overlay(*m.span(2), f.wikilink)
                taken.append(m.span(1))
            for m in _LINK.finditer(text):
                if not free(*m.span(1)):
                    continue
                self._overlay(m.start(), m.start(1), f.muted)
                self._overlay(*m.span(1), f.link)
                self._overlay(m.end(1), m.end(), f.url)
                taken.append((m.end(1), m.end()))
            for m in _REF_LINK.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(1), f.link)
                    self._overlay(m.end(1), m.end(), f.url)
            for m in _FOOTNOTE.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(), f.url)
        if "||" in text:
            for s, e in inline_spoilers(text):
                self._overlay(s + 2, e - 2, f.spoiler_text)
                self._overlay(s, s + 2, f.spoiler_marker)
                self._overlay(e - 2, e, f.spoiler_marker)
        if "*" in text or "_" in text:
            for m in _STRONG.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(2), f.strong)
                    self._overlay(m.start(), m.start(2), f.muted)
                    self._overlay(m.end(2), m.end(), f.muted)
            for rx in (_EM_STAR, _EM_UNDER):
                for m in rx.finditer(text):
                    if free(*m.span()):
                        self._overlay(*m.span(1), f.em)
                        self._overlay(m.start(), m.start(1), f.muted)
                        self._overlay(m.end(1), m.end(), f.muted)
        if "~~" in text:
            for m in _STRIKE.finditer(text):
                if free(*m.span()):
                    self._overlay(*m.span(), f.strike)
        if "\\" in text:
            for m in _ESCAPE.finditer(text):
                if free(*m.span()):
                    self._overlay(m.start(), m.start() + 1, f.muted)

    def _spell(self, text: str, prose: Iterable[tuple[int, int]]) -> None:
        if not self.spell_enabled or self.speller is None:
            return
        for s, e in self.speller.misspelt(text, prose):
            self._overlay(s, e, self._formats.misspelt)

    # ----------------------------------------------------------------- formats

    def _set(self, start: int, end: int, fmt: QTextCharFormat) -> None:
        """Set the format of [start, end) (Python offsets) outright."""
        if end <= start:
            return
        a, b = self._u16(start), self._u16(end)
        self.setFormat(a, b - a, fmt)
        insort(self._cuts, start)
        insort(self._cuts, end)

    def _overlay(self, start: int, end: int, fmt: QTextCharFormat) -> None:
        """Merge `fmt` into whatever [start, end) already has (run by run)."""
        if end <= start:
            return
        points = [start] + [c for c in self._cuts if start < c < end] + [end]
        for a, b in zip(points, points[1:], strict=False):
            if b <= a:
                continue
            ua, ub = self._u16(a), self._u16(b)
            merged = QTextCharFormat(self.format(ua))
            merged.merge(fmt)
            self.setFormat(ua, ub - ua, merged)
        insort(self._cuts, start)
        insort(self._cuts, end)


def _identity(i: int) -> int:
    return i


def _u16_mapper(text: str) -> Callable[[int], int]:
    """Python offsets -> UTF-16 offsets (what Qt counts) for this line."""
    if text.isascii() or not _ASTRAL.search(text):
        return _identity
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table.__getitem__


def _complement(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in sorted(spans):
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < length:
        out.append((pos, length))
    return out


def _in_quotes(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1
