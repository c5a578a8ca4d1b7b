"""What a reader reads of a recap, taken from its tokens (the parse the preview, export
and checks share): paragraphs, headings, table cells, stills (alt text and caption, with
the `stills.yaml` fallbacks export uses) and links, each with its place in the file.

Places are `Span`s into the FULL file text (front matter included): 0-based lines, as
the outline gives them, and character offsets (Python string indices), so a view can
select exactly the words a check is about.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from recapdesk.core.editorial.words import Sentence, Word, group, sentence_bounds, words
from recapdesk.core.model import Still

__all__ = ["Block", "Image", "Link", "Prose", "Span", "read_prose"]

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Span:
    """A place in the full file text: lines `line`..`end_line` (0-based, inclusive) and
    characters [start, end)."""

    line: int
    end_line: int
    start: int
    end: int


@dataclass
class Block:
    """A paragraph, heading or table cell: the plain text a reader sees, and where it
    is. `words()` and `sentences()` give places in the file."""

    kind: str  # "paragraph" | "heading" | "cell" | "caption"
    text: str
    span: Span
    level: int = 0  # a heading's level
    aside: bool = False  # inside an `::: also-read` box (links, not prose)
    _plain: list[Word] | None = field(default=None, repr=False)
    _located: list[Word] | None = field(default=None, repr=False)
    _sentences: list[Sentence] | None = field(default=None, repr=False)
    _source: str = field(default="", repr=False)

    def words(self) -> list[Word]:
        """The block's words, placed in the file (the block's span when a word cannot be
        found in its source, as with a wikilink shown by its target)."""
        if self._located is None:
            self._located = _locate(self.plain_words(), self._source, self.span)
        return self._located

    def plain_words(self) -> list[Word]:
        """The block's words, placed in its plain `text` (cached)."""
        if self._plain is None:
            self._plain = words(self.text)
        return self._plain

    def sentences(self) -> list[Sentence]:
        """The block's sentences, with their words, placed in the file (cached)."""
        if self._sentences is None:
            self._sentences = self._split()
        return self._sentences

    def _split(self) -> list[Sentence]:
        placed = self.words()
        plain = self.plain_words()
        bounds = sentence_bounds(self.text)
        out = []
        for (a, b), indices in zip(bounds, group(plain, bounds), strict=True):
            if not indices:
                continue
            ws = tuple(placed[i] for i in indices)
            text = self.text[a:b]
            # the punctuation around the words too (quotes, the full stop) when the
            # source has it right there
            lead, trail = text[:plain[indices[0]].start - a], text[plain[indices[-1]].end - a:]
            start, end = ws[0].start, ws[-1].end
            at, upto = start - self.span.start, end - self.span.start
            if lead and self._source[max(0, at - len(lead)):at] == lead:
                start -= len(lead)
            if trail and self._source[upto:upto + len(trail)] == trail:
                end += len(trail)
            out.append(Sentence(text, start, end, ws))
        return out


@dataclass(frozen=True)
class Image:
    """An image of the recap: its alt text and caption as the page shows them."""

    src: str
    alt: str
    caption: str
    span: Span
    figure: bool  # alone in its paragraph: a still with a caption


@dataclass(frozen=True)
class Link:
    """A link: `href` for a Markdown link, `target` for a wikilink (`[[s01e03]]`)."""

    href: str
    target: str
    text: str
    span: Span

    @property
    def wiki(self) -> bool:
        return bool(self.target)


@dataclass
class Prose:
    """A recap as read: blocks in order, images and links; `text` is the full file text
    the spans point into."""

    text: str
    blocks: list[Block]
    images: list[Image]
    links: list[Link]
    line_starts: list[int]

    def line_span(self, line: int) -> Span:
        """The span of a whole file line (0-based), without its line break."""
        line = max(0, min(line, len(self.line_starts) - 1))
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return Span(line, line, start, end)

    def lines_span(self, first: int, last: int) -> Span:
        a, b = self.line_span(first), self.line_span(max(first, last))
        return Span(a.line, b.line, a.start, b.end)

    def find(self, text: str, line: int) -> Span:
        """Where `text` first stands on or after file line `line` (that line's span when
        it is not found): for front-matter values."""
        start = self.line_span(line).start
        at = self.text.find(text, start) if text else -1
        if at < 0:
            return self.line_span(line)
        first = bisect.bisect_right(self.line_starts, at) - 1
        last = bisect.bisect_right(self.line_starts, at + len(text)) - 1
        return Span(first, last, at, at + len(text))

    def place(self, offset: int, length: int) -> Span:
        """The span of `length` characters at file `offset`."""
        first = bisect.bisect_right(self.line_starts, offset) - 1
        last = bisect.bisect_right(self.line_starts, max(offset, offset + length - 1)) - 1
        return Span(first, last, offset, offset + length)

    def paragraphs(self) -> list[Block]:
        """The prose paragraphs (list items and quotes included, "Also Read" boxes not)."""
        return [b for b in self.blocks if b.kind == "paragraph" and not b.aside]

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


def _locate(found: list[Word], source: str, span: Span) -> list[Word]:
    """Words of a block's plain text placed in its source by a forward search (markup
    only ever stands between words); a word not found takes the block's span."""
    placed: list[Word] = []
    append, find, base = placed.append, source.find, span.start
    cursor = 0
    for text, _, _ in found:
        at = find(text, cursor)
        if at < 0:
            append(Word(text, span.start, span.end))
            continue
        cursor = at + len(text)
        append(Word(text, base + at, base + cursor))
    return placed


def _inline_text(children: Sequence[Token]) -> str:
    """What a reader sees of an inline token: text, code, link texts and wikilink labels;
    not images, raw HTML, footnote marks or autolinked URLs."""
    parts: list[str] = []
    skip = 0
    for child in children:
        kind = child.type
        if kind == "link_open" and child.markup in ("autolink", "linkify"):
            skip += 1
        elif kind == "link_close" and skip:
            skip -= 1
        elif skip:
            continue
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "wikilink":
            parts.append(child.meta.get("label") or child.meta.get("target", ""))
    return "".join(parts)


def read_prose(text: str, tokens: Sequence[Token], offset: int, *,
               still_for: Callable[[str], Still | None] | None = None) -> Prose:
    """The prose of a full file `text` from its body's `tokens`; `offset` is the 0-based
    file line the body starts on. `still_for(src)` gives a still's metadata (alt and
    caption fallbacks)."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    prose = Prose(text, [], [], [], starts)
    stack: list[str] = []
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token.type)
        elif token.nesting == -1 and stack:
            stack.pop()
        if token.type != "inline" or not token.map or i == 0:
            continue
        parent = tokens[i - 1].type
        first, last = token.map[0] + offset, token.map[1] - 1 + offset
        span = prose.lines_span(first, last)
        children = token.children or []
        _collect(prose, children, first, still_for, figure=parent == "figure_open")
        if parent == "figure_open":
            continue
        kind = {"paragraph_open": "paragraph", "heading_open": "heading",
                "td_open": "cell", "th_open": "cell"}.get(parent)
        if kind is None:
            continue
        plain = _inline_text(children)
        if not plain.strip():
            continue
        level = int(tokens[i - 1].tag[1]) if kind == "heading" else 0
        aside = "container_also-read_open" in stack
        prose.blocks.append(Block(kind, plain, span, level, aside,
                                  _source=text[span.start:span.end]))
    return prose


def _collect(prose: Prose, children: Sequence[Token], first: int,
             still_for: Callable[[str], Still | None] | None, *, figure: bool) -> None:
    """Images and links of one inline token (each on the line it stands on)."""
    line = first
    link: Token | None = None
    link_text: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
            if link is not None:
                link_text.append(" ")
        elif kind == "image":
            src = str(child.attrGet("src") or "")
            alt = "".join(c.content for c in child.children or []).strip()
            caption = str(child.attrGet("title") or "").strip()
            still = still_for(src) if still_for is not None else None
            if still is not None:
                alt = alt or still.alt.strip()
                caption = caption or still.caption.strip()
            prose.images.append(Image(src, alt, caption, prose.line_span(line), figure))
        elif kind == "wikilink":
            label = child.meta.get("label") or child.meta.get("target", "")
            prose.links.append(Link("", child.meta.get("target", ""), label,
                                    prose.line_span(line)))
        elif kind == "link_open":
            link, link_text = child, []
        elif kind == "link_close" and link is not None:
            prose.links.append(Link(str(link.attrGet("href") or ""), "",
                                    "".join(link_text).strip(), prose.line_span(line)))
            link = None
        elif link is not None and kind in ("text", "code_inline"):
            link_text.append(child.content)
