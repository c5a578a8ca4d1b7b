"""Headings, word counts and section moves for the outline tree (Qt-free).

Every line number here is a 0-based line of the FULL episode file text (front matter
included), so the editor can jump straight to it. Headings and their anchors come from
the same parser the preview and export use (`build_markdown`), so a heading in the
outline is exactly a heading on the page, with the `id` the page gives it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from recapdesk.core import frontmatter
from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.headings import RESERVED_IDS, inline_text, unique_slug
from recapdesk.core.model import Episode
from recapdesk.core.slugs import slugify

WORDS_PER_MINUTE = 230

__all__ = [
    "Analysis",
    "Heading",
    "WORDS_PER_MINUTE",
    "analyze",
    "analyze_tokens",
    "count_plain_words",
    "count_recap_words",
    "move_section",
    "outline",
    "parse_body",
    "reading_minutes",
    "renumber",
    "section_range",
]


class Heading(NamedTuple):
    """One heading of an episode: level 1–6, its text, its file line and its page id."""

    level: int
    title: str
    line: int  # 0-based line in the full file text (front matter included)
    anchor: str  # the `id` the renderer gives the heading


@dataclass(frozen=True)
class Analysis:
    """Everything the outline needs from one episode text, from a single parse."""

    headings: tuple[Heading, ...]
    words: int
    line_count: int
    depths: tuple[int, ...]  # per heading: 0 at top level, >0 inside a block (spoiler, list…)
    limits: tuple[int, ...]  # per heading: the end line of its innermost enclosing block
    body_start: int = 0  # the first line after the front matter

    def index_of(self, line: int) -> int:
        for i, heading in enumerate(self.headings):
            if heading.line == line:
                return i
        raise ValueError(f"line {line} is not a heading")

    def movable(self, line: int) -> bool:
        """True when the heading at `line` starts a section that can be moved as a whole."""
        try:
            return self.depths[self.index_of(line)] == 0
        except ValueError:
            return False

    def section(self, index: int) -> tuple[int, int]:
        """(start, end) lines of heading `index`'s section; `end` is exclusive."""
        heading, depth = self.headings[index], self.depths[index]
        end = self.limits[index]
        for other, other_depth in zip(self.headings[index + 1:], self.depths[index + 1:],
                                      strict=True):
            if other.line >= end:
                break
            if other_depth == depth and other.level <= heading.level:
                end = other.line
                break
        return heading.line, end


# --- lines ------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _split_lines(text: str) -> list[str]:
    """Lines with their endings, breaking only where Markdown does (\\n, \\r\\n, \\r)."""
    lines: list[str] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        lines.append(text[pos:m.end()])
        pos = m.end()
    if pos < len(text):
        lines.append(text[pos:])
    return lines


def _line_breaks(text: str) -> int:
    return len(_LINE_BREAK.findall(text))


def _newline(text: str) -> str:
    m = _LINE_BREAK.search(text)
    return m.group(0) if m else "\n"


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\n")


# --- parsing ----------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return build_markdown()


def _body(text: str) -> tuple[str, int]:
    """The Markdown body of a full file text and the 0-based file line it starts on."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        body = frontmatter.split(text).body
    except frontmatter.FrontMatterError:
        return text, 0  # unclosed front matter: the whole text is shown as Markdown
    return body, _line_breaks(text[: len(text) - len(body)])


def parse_body(text: str) -> tuple[list[Token], str, int]:
    """The tokens of a full episode text's body (the shared parser), the body, and the
    file line it starts on: what `analyze_tokens` needs, and what the checks can reuse."""
    body, offset = _body(text)
    return _parser().parse(body), body, offset


@functools.lru_cache(maxsize=16)
def analyze(text: str) -> Analysis:
    """Headings and word count of a full episode file text, from one parse (cached)."""
    tokens, _, offset = parse_body(text)
    return analyze_tokens(text, tokens, offset)


def analyze_tokens(text: str, tokens: list[Token], offset: int) -> Analysis:
    """analyze() of `text` from its body's tokens (`parse_body(text)`)."""
    line_count = len(_split_lines(text))
    headings: list[Heading] = []
    depths: list[int] = []
    limits: list[int] = []
    stack: list[Token] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            inline = tokens[i + 1] if i + 1 < len(tokens) else None
            title = inline_text(inline).strip() if inline is not None else ""
            headings.append(Heading(int(token.tag[1]), title, token.map[0] + offset,
                                    str(token.attrGet("id") or "")))
            depths.append(len(stack))
            enclosing = next((t for t in reversed(stack) if t.map), None)
            limits.append(enclosing.map[1] + offset if enclosing is not None else line_count)
        if token.nesting == 1:
            stack.append(token)
        elif token.nesting == -1 and stack:
            stack.pop()
    return Analysis(tuple(headings), _count_tokens(tokens), line_count, tuple(depths),
                    tuple(limits), offset)


LARGE_TEXT = 1_000_000  # characters: above this, analyze_fast() scans lines instead
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def analyze_fast(text: str) -> Analysis:
    """A cheap line scan for very large texts: ATX headings outside fences, words by
    whitespace. No Markdown parse, so a 5 MB recap opens at once (sections inside
    blocks are not told apart: every heading counts as top level)."""
    body, offset = _body(text)
    lines = body.split("\n")
    headings: list[Heading] = []
    taken = set(RESERVED_IDS)
    fence = ""
    for number, line in enumerate(lines):
        m = _FENCE_LINE.match(line)
        if m:
            marker = m.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence or len(line) > 300:
            continue
        h = _ATX.match(line)
        if h:
            title = h.group(2).strip()
            headings.append(Heading(len(h.group(1)), title, number + offset,
                                    unique_slug(slugify(title), taken)))
    line_count = offset + len(lines)
    return Analysis(tuple(headings), len(body.split()), line_count, (0,) * len(headings),
                    (line_count,) * len(headings), offset)


def analyze_any(text: str) -> Analysis:
    """analyze() for normal recaps, analyze_fast() for very large ones."""
    return analyze(text) if len(text) <= LARGE_TEXT else analyze_fast(text)


def outline(text: str) -> list[Heading]:
    """The headings of a full episode file text (front matter + body), in order."""
    return list(analyze(text).headings)


# --- words ------------------------------------------------------------------------

# Han ideographs and kana count one word each (CJK text has no spaces between words);
# Hangul is written with spaces, so it is counted like Latin text.
_CJK = re.compile(
    "[\u3040-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9d\U00020000-\U0003134f]"
)
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]")


def count_plain_words(text: str) -> int:
    """Words in plain text: runs of letters/digits between spaces; each Han/Kana is one."""
    text = _URL.sub(" ", text)
    cjk = len(_CJK.findall(text))
    if cjk:
        text = _CJK.sub(" ", text)
    return cjk + sum(1 for piece in text.split() if _ALNUM.search(piece))


def _inline_words(children: Sequence[Token]) -> str:
    parts: list[str] = []
    skip_link = 0
    for child in children:
        kind = child.type
        if kind == "link_open":
            # an autolink shows its URL: that is not prose
            if child.markup in ("autolink", "linkify"):
                skip_link += 1
        elif kind == "link_close":
            skip_link = max(0, skip_link - 1)
        elif skip_link:
            continue
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "wikilink":
            parts.append(f" {child.meta.get('label') or child.meta.get('target', '')} ")
        # images (alt, path, caption), raw HTML and footnote marks are not prose
    return "".join(parts)


def _count_tokens(tokens: Iterable[Token]) -> int:
    total = 0
    for token in tokens:
        if token.type == "inline":
            total += count_plain_words(_inline_words(token.children or []))
        elif token.type in ("fence", "code_block"):
            total += count_plain_words(token.content)
        elif token.type == "container_spoiler_open":
            words = token.info.strip().split(None, 1)  # the label readers see
            total += count_plain_words(words[1]) if len(words) > 1 else 0
    return total


def count_recap_words(text: str) -> int:
    """Words a reader sees in the body of a full episode text.

    Front matter, Markdown syntax, URLs and image paths (and image alt text) are left out;
    each Han or Kana character counts as a word, Hangul by space-separated words.
    """
    return analyze(text).words


def reading_minutes(words: int) -> int:
    """Reading time in minutes at ~230 words a minute, at least 1."""
    return max(1, math.floor(words / WORDS_PER_MINUTE + 0.5))


# --- sections ---------------------------------------------------------------------

def section_range(text: str, line: int) -> tuple[int, int]:
    """(start, end) file lines of the section of the heading on `line`; end is exclusive.

    A section runs up to the next heading of the same or a higher level (or the end of
    the block that holds the heading, or the end of the file). Raises ValueError when
    `line` is not a heading line.
    """
    info = analyze(text)
    return info.section(info.index_of(line))


def move_section(text: str, heading_line: int, before_line: int) -> str:
    """Move the whole section of the heading on `heading_line` before `before_line`.

    `before_line` is the line of another heading, or the end of the text (any line at or
    past the last one, or a negative number). Section lines are moved verbatim; the blank
    line separating sections is kept as one blank line on both sides of a join, so moving
    a section and moving it back gives the original text. Raises ValueError when either
    line is not a movable (top-level) heading, or the target lies inside the section.
    """
    info = analyze(text)
    index = info.index_of(heading_line)
    if info.depths[index]:
        raise ValueError("a heading inside a block (spoiler, list, quote) cannot be moved")
    start, end = info.section(index)
    n = info.line_count
    at_end = before_line < 0 or before_line >= n
    if not at_end:
        target = info.index_of(before_line)
        if info.depths[target]:
            raise ValueError("a section can only be moved before a top-level heading")
        if start < before_line < end:
            raise ValueError("a section cannot be moved into itself")
    if before_line in (start, end) or (at_end and end >= n):
        return text  # already there

    newline = _newline(text)
    lines = _split_lines(text)
    final_newline = not lines or lines[-1].endswith(("\n", "\r"))
    if lines and not final_newline:
        lines[-1] += newline

    block = lines[start:end]
    core = _strip_trailing_blanks(block)
    trail = block[len(core):]
    if end >= n:  # the last section: what separated it from the previous one goes too
        rest = _strip_trailing_blanks(lines[:start]) + trail
    else:
        rest = lines[:start] + lines[end:]

    if at_end:
        body = _strip_trailing_blanks(rest)
        eof_blanks = rest[len(body):]
        result = body + ([newline] if body else []) + core + eof_blanks
    else:
        p = before_line if before_line < start else before_line - (end - start)
        lead = [newline] if p > info.body_start and not _is_blank(rest[p - 1]) else []
        result = rest[:p] + lead + core + [newline] + rest[p:]

    out = "".join(result)
    if not final_newline:
        out = out[:-2] if out.endswith("\r\n") else out[:-1]
    return out


def _strip_trailing_blanks(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and _is_blank(lines[end - 1]):
        end -= 1
    return lines[:end]


# --- episode order ----------------------------------------------------------------

def renumber(episodes: Iterable[Episode]) -> list[tuple[Episode, int]]:
    """New episode numbers for episodes in a new order (after a drag in the outline).

    Every episode keeps its season; within each season the episodes are numbered
    1..n in the order given. Returns (episode, new number) for every episode, in the
    given order (compare with `episode.number` to see which ones change).
    """
    counters: dict[int | None, int] = {}
    result: list[tuple[Episode, int]] = []
    for ep in episodes:
        counters[ep.season] = counters.get(ep.season, 0) + 1
        result.append((ep, counters[ep.season]))
    return result
