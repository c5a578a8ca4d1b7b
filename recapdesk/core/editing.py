"""Qt-free text transforms behind the editor's spoiler helpers and list continuation.

Every transform takes the whole text and a selection (`start`, `end`, character offsets
into `text`, in any order) and returns `(new_text, new_start, new_end)`: the edited text
and the selection to show afterwards. Text uses "\\n" line ends. A transform that finds
nothing to do returns the text unchanged (the caller can compare to know).

`changed_range()` turns a before/after pair into the one range an editor must replace,
so an edit is a single, exact undo step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from recapdesk.core import frontmatter
from recapdesk.core.model import SPOILER_LEVELS, SPOILER_WARNINGS

Edit = tuple[str, int, int]

INLINE_MARK = "||"

# A Markdown line's prefix that belongs to the block structure, not to its text:
# indentation, blockquote markers, a list marker, a task box, or a heading marker.
_LINE_PREFIX = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*"
    r"(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?|#{1,6}[ \t]+)?"
)
_LIST_LINE = re.compile(
    r"(?P<indent>[ \t]*)(?P<quote>(?:>[ \t]?)*)(?P<qindent>[ \t]*)"
    r"(?P<marker>(?P<bullet>[-*+])|(?P<number>\d{1,9})(?P<delim>[.)]))"
    r"(?P<space>[ \t]+|$)(?P<task>\[[ xX]\](?:[ \t]+|$))?"
)
_QUOTE_LINE = re.compile(r"(?P<indent>[ \t]*)(?P<quote>(?:>[ \t]?)+)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r" {0,3}(?P<colons>:{3,})[ \t]*(?P<info>\S.*?)?[ \t]*$")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_THEMATIC = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_WORD_CHAR = re.compile(r"[\w'’\-]")
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """One line of a text: its number, where it starts and ends (without the newline)."""

    number: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Every line of `text` with its offsets; a final newline gives a last empty line."""
    lines: list[Line] = []
    pos = 0
    for number, part in enumerate(text.split("\n")):
        lines.append(Line(number, pos, pos + len(part), part))
        pos += len(part) + 1
    return lines


def line_index_at(lines: list[Line], pos: int) -> int:
    """The index of the line holding offset `pos` (binary search)."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _ordered(start: int, end: int, length: int) -> tuple[int, int]:
    start, end = sorted((start, end))
    return max(0, min(start, length)), max(0, min(end, length))


def text_prefix_length(line: str) -> int:
    """Length of the block-structure prefix of a line (`> `, `- `, `1. `, `- [ ] `, `## `)."""
    m = _LINE_PREFIX.match(line)
    return m.end() if m else 0


def _is_fence_line(line: str) -> bool:
    return bool(_FENCE.match(line) or _CONTAINER.match(line))


def _front_matter_end(text: str) -> int:
    """Index of the line after the front matter (0 when there is none, or it is never
    closed: then the whole text is the body), as `frontmatter` finds it."""
    return frontmatter.block_lines(text)


def _code_lines(lines: list[Line]) -> set[int]:
    """Indexes of the lines inside fenced code blocks (fence lines included)."""
    inside: set[int] = set()
    fence = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line.text)
        if fence:
            inside.add(i)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.text[m.end():].strip():
                fence = ""
        elif m:
            fence = m.group(1)
            inside.add(i)
    return inside


# ------------------------------------------------------------------ changed range


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def changed_range(old: str, new: str) -> tuple[int, int, str]:
    """The single range to replace to turn `old` into `new`: `(start, old_end, inserted)`."""
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    return prefix, len(old) - suffix, new[prefix:len(new) - suffix]


# --------------------------------------------------------------- inline spoilers


def word_at(text: str, pos: int) -> tuple[int, int]:
    """The word around offset `pos` (letters, digits, inner apostrophes and hyphens)."""
    start = pos
    while start > 0 and text[start - 1] != "\n" and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    end = pos
    while end < len(text) and text[end] != "\n" and _WORD_CHAR.match(text[end]):
        end += 1
    while start < end and text[start] in "'’-":
        start += 1
    while end > start and text[end - 1] in "'’-":
        end -= 1
    return start, end


def wrap_inline_spoiler(text: str, start: int, end: int) -> Edit:
    """Wrap the selection in `||…||`.

    A collapsed cursor wraps the word under it (or inserts `||||` with the cursor in the
    middle when there is none). Spaces at either end of the selection stay outside the
    markers; a selection over several lines wraps each line's text on its own, leaving
    out blank lines, list/quote/heading markers and fence lines, so no spoiler crosses a
    paragraph. The new selection covers the wrapped text (inside the markers).
    """
    start, end = _ordered(start, end, len(text))
    lines = split_lines(text)
    if start == end:
        w_start, w_end = word_at(text, start)
        if w_start == w_end:
            new = text[:start] + INLINE_MARK * 2 + text[start:]
            return new, start + 2, start + 2
        new = text[:w_start] + INLINE_MARK + text[w_start:w_end] + INLINE_MARK + text[w_end:]
        return new, start + 2, start + 2
    spans: list[tuple[int, int]] = []
    first, last = line_index_at(lines, start), line_index_at(lines, end)
    for i in range(first, last + 1):
        line = lines[i]
        if line.blank or _is_fence_line(line.text):
            continue
        s, e = max(start, line.start), min(end, line.end)
        prefix_end = line.start + text_prefix_length(line.text)
        s = max(s, prefix_end)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
    if not spans:
        new = text[:start] + INLINE_MARK * 2 + text[start:]
        return new, start + 2, start + 2
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        parts += [text[pos:s], INLINE_MARK, text[s:e], INLINE_MARK]
        pos = e
    parts.append(text[pos:])
    new_start = spans[0][0] + 2
    new_end = spans[-1][1] + 2 + 4 * (len(spans) - 1)
    return "".join(parts), new_start, new_end


def _code_span_ranges(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CODE_SPAN.finditer(line)]


def inline_spoilers(line: str) -> list[tuple[int, int]]:
    """The `||…||` pairs of one line as (start of `||`, end of closing `||`) spans.

    Markers pair left to right; markers inside code spans do not count.
    """
    code = _code_span_ranges(line)
    marks: list[int] = []
    i = 0
    while True:
        i = line.find(INLINE_MARK, i)
        if i < 0:
            break
        if not any(s <= i < e for s, e in code):
            marks.append(i)
            i += 2
        else:
            i += 1
    pairs: list[tuple[int, int]] = []
    for k in range(0, len(marks) - 1, 2):
        pairs.append((marks[k], marks[k + 1] + 2))
    return pairs


def _unwrap_inline(text: str, start: int, end: int, lines: list[Line]) -> Edit | None:
    first, last = line_index_at(lines, start), line_index_at(lines, end)
    removals: list[int] = []  # offsets of `||` markers to remove
    for i in range(first, last + 1):
        line = lines[i]
        for s, e in inline_spoilers(line.text):
            s, e = line.start + s, line.start + e
            if s <= end and start <= e and (start != end or s <= start <= e):
                removals += [s, e - 2]
    if not removals:
        return None

    new, (new_start, new_end) = apply_edits(text, [(r, r + 2, "") for r in removals],
                                            [start, end])
    return new, new_start, new_end


# ---------------------------------------------------------------- spoiler blocks


def _paragraph_bounds(lines: list[Line], first: int, last: int, code: set[int]) -> tuple[int, int]:
    """Grow [first, last] to whole paragraphs (runs of lines a block would not split)."""

    def standalone(i: int) -> bool:
        t = lines[i].text
        return bool(_HEADING.match(t) or _THEMATIC.match(t) or _CONTAINER.match(t)) \
            and i not in code

    def joins(i: int) -> bool:  # may line i be glued to the line above it?
        return not lines[i].blank and not standalone(i) and not standalone(i - 1) \
            and not lines[i - 1].blank

    # A list item starts a paragraph of its own here (wrapping some items of a list is fine).
    def starts_item(i: int) -> bool:
        return bool(_LIST_LINE.match(lines[i].text)) and i not in code

    while first > 0 and joins(first) and not starts_item(first):
        first -= 1
    while last + 1 < len(lines) and joins(last + 1) and not starts_item(last + 1):
        last += 1
    # Never cut a fenced code block in two.
    while first in code and first > 0 and (first - 1) in code:
        first -= 1
    while last in code and last + 1 < len(lines) and (last + 1) in code:
        last += 1
    return first, last


def wrap_spoiler_block(text: str, start: int, end: int, label: str | None = None) -> Edit:
    """Put the selected paragraphs (or the cursor's paragraph) in `::: spoiler Label` … `:::`.

    The block gets a blank line inside each fence and is kept apart from its neighbours
    by one blank line. On a blank line an empty block is inserted with the cursor inside.
    The selection stays on the same text.
    """
    start, end = _ordered(start, end, len(text))
    lines = split_lines(text)
    label = " ".join((label or "").split())
    opener = f"::: spoiler {label}" if label else "::: spoiler"
    first, last = line_index_at(lines, start), line_index_at(lines, end)
    if end > start and last > first and end == lines[last].start:
        last -= 1  # a selection that ends at the start of a line leaves that line out
    while first < last and lines[first].blank:
        first += 1
    while last > first and lines[last].blank:
        last -= 1
    body_start = _front_matter_end(text)
    if first < body_start:
        first = min(body_start, len(lines) - 1)
        last = max(first, last)

    if lines[first].blank:  # an empty block where the cursor is
        line = lines[first]
        before = "" if first == 0 or lines[first - 1].blank else "\n"
        after = "" if first + 1 >= len(lines) or lines[first + 1].blank else "\n"
        block = f"{before}{opener}\n\n"
        inserted = f"{block}\n\n:::{after}"
        new = text[:line.start] + inserted + text[line.end:]
        cursor = line.start + len(block)
        return new, cursor, cursor

    first, last = _paragraph_bounds(lines, first, last, _code_lines(lines))
    a, b = lines[first].start, lines[last].end
    before = "" if first == 0 or lines[first - 1].blank else "\n"
    after = "" if last + 1 >= len(lines) or lines[last + 1].blank else "\n"
    head = f"{before}{opener}\n\n"
    new = text[:a] + head + text[a:b] + f"\n\n:::{after}" + text[b:]
    return new, start + len(head), end + len(head)


@dataclass(frozen=True)
class Container:
    """A `:::` block: the line numbers of its opening and closing fences."""

    open_line: int
    close_line: int
    kind: str  # "spoiler", "also-read", …
    label: str


def containers(text: str) -> list[Container]:
    """Every `:::` container of the text, outermost first (code blocks are skipped)."""
    lines = split_lines(text)
    return list(_containers(lines, _code_lines(lines), _front_matter_end(text)))


def _containers(lines: list[Line], code: set[int], body_start: int) -> Iterator[Container]:
    stack: list[tuple[int, str, str]] = []
    found: list[Container] = []
    for i in range(body_start, len(lines)):
        if i in code:
            continue
        m = _CONTAINER.match(lines[i].text)
        if not m:
            continue
        info = (m.group("info") or "").strip()
        if info:
            words = info.split(None, 1)
            stack.append((i, words[0].lower(), words[1].strip() if len(words) > 1 else ""))
        elif stack:
            open_line, kind, label = stack.pop()
            found.append(Container(open_line, i, kind, label))
    found.sort(key=lambda c: c.open_line)
    yield from found


def apply_edits(text: str, edits: list[tuple[int, int, str]], points: list[int]
                ) -> tuple[str, list[int]]:
    """Apply non-overlapping `(start, end, replacement)` edits; map `points` along.

    A point at or before an edit's start stays before it; a point inside a replaced
    range goes to the end of its replacement.
    """
    edits = sorted(edits)
    parts: list[str] = []
    pos = 0
    for s, e, rep in edits:
        parts += [text[pos:s], rep]
        pos = e
    parts.append(text[pos:])

    def move(p: int) -> int:
        delta = 0
        for s, e, rep in edits:
            if p <= s:
                break
            if p < e:
                return s + delta + len(rep)
            delta += len(rep) - (e - s)
        return p + delta

    return "".join(parts), [move(p) for p in points]


def _line_removals(lines: list[Line], removed: set[int]) -> list[tuple[int, int, str]]:
    """Edits deleting whole lines (with their line breaks)."""
    edits: list[tuple[int, int, str]] = []
    run: list[int] = []
    for i in sorted(removed) + [-1]:
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            a, b = run[0], run[-1]
            if b + 1 < len(lines):
                edits.append((lines[a].start, lines[b + 1].start, ""))
            elif a > 0:  # the last lines go with the line break before them
                edits.append((lines[a - 1].end, lines[b].end, ""))
            else:
                edits.append((0, lines[b].end, ""))
        run = [i]
    return edits


def _list_kind(line: str) -> tuple[str, str] | None:
    """(indent, bullet or delimiter) of a list item line."""
    m = _LIST_LINE.match(line)
    if not m:
        return None
    return m.group("indent") + m.group("quote"), m.group("bullet") or m.group("delim")


def _nearest_item_kind(lines: list[Line], i: int) -> tuple[str, str] | None:
    """The list kind of the item that line `i` belongs to (walking up its paragraph)."""
    while i >= 0 and not lines[i].blank:
        kind = _list_kind(lines[i].text)
        if kind:
            return kind
        i -= 1
    return None


def _fence_edits(lines: list[Line], i: int, inner: int, content: int,
                 removed: set[int], blanked: set[int]) -> None:
    """Drop fence line `i`; `inner` is the side of the block's content (+1 or -1).

    `content` is the first line of the block's content. When the block sat between items
    of one list (it was wrapped around some items), the blank line outside goes too, so
    the list is whole again.
    """
    outer = i - inner
    outer_blank = outer < 0 or outer >= len(lines) or lines[outer].blank
    inner_blank = 0 <= i + inner < len(lines) and lines[i + inner].blank
    if not inner_blank and not outer_blank:
        blanked.add(i)  # keep the paragraphs apart with an empty line
        return
    removed.add(i)
    if inner_blank and outer_blank:
        removed.add(i + inner)
    beyond = outer - inner  # the line past the outer blank line
    if outer_blank and 0 <= beyond < len(lines) and 0 <= outer < len(lines):
        item = _list_kind(lines[content].text) if content < len(lines) else None
        neighbour = _nearest_item_kind(lines, beyond) if inner > 0 else \
            _list_kind(lines[beyond].text)
        if item is not None and item == neighbour:
            removed.add(outer)


def unwrap_spoiler(text: str, start: int, end: int) -> Edit:
    """Remove the inline spoiler(s) at the cursor/selection, else the spoiler block around it.

    Inline: every `||…||` pair touching the selection loses its markers. Block: the
    innermost `::: spoiler` block holding the selection's first line loses its fences
    (and the blank lines just inside them); its content stays where it was.
    """
    start, end = _ordered(start, end, len(text))
    lines = split_lines(text)
    inline = _unwrap_inline(text, start, end, lines)
    if inline is not None:
        return inline
    here = line_index_at(lines, start)
    code = _code_lines(lines)
    around = [c for c in _containers(lines, code, _front_matter_end(text))
              if c.kind == "spoiler" and c.open_line <= here <= c.close_line]
    if not around:
        return text, start, end
    block = around[-1]
    removed: set[int] = set()
    blanked: set[int] = set()
    content = next((k for k in range(block.open_line + 1, block.close_line)
                    if not lines[k].blank), block.close_line)
    _fence_edits(lines, block.open_line, +1, content, removed, blanked)
    _fence_edits(lines, block.close_line, -1, content, removed, blanked)
    edits = _line_removals(lines, removed)
    edits += [(lines[i].start, lines[i].end, "") for i in blanked]
    new, (new_start, new_end) = apply_edits(text, edits, [start, end])
    return new, new_start, new_end


# --------------------------------------------------------------- warning, level


def spoiler_warning(level: str = "major") -> str:
    """The spoiler-warning line export puts on top: `– This recap contains major spoilers! –`."""
    if level not in SPOILER_LEVELS:
        raise ValueError(f"unknown spoiler level {level!r}: use none, minor or major")
    return SPOILER_WARNINGS.get(level, "")


def insert_paragraph(text: str, start: int, end: int, paragraph: str) -> Edit:
    """Insert `paragraph` as a block of its own at the cursor's paragraph.

    On a blank line it goes there; inside a paragraph it goes just before it (at the very
    end of a paragraph, just after it); inside the front matter, at the start of the body.
    Blank lines keep it apart from its neighbours.
    The cursor ends after the inserted text.
    """
    start, _ = _ordered(start, end, len(text))
    lines = split_lines(text)
    i = line_index_at(lines, start)
    body_start = _front_matter_end(text)
    if i < body_start:
        i = body_start
        if i >= len(lines):
            text += "\n"
            lines = split_lines(text)
    if not lines[i].blank:
        first, last = _paragraph_bounds(lines, i, i, _code_lines(lines))
        if i == last and start == lines[i].end:
            # at the very end of a paragraph: the new one follows it
            after = "" if i + 1 >= len(lines) or lines[i + 1].blank else "\n"
            inserted = f"\n\n{paragraph}{after}"
            cursor = start + 2 + len(paragraph)
            return text[:start] + inserted + text[start:], cursor, cursor
        i = first
        at = lines[i].start
        before = "" if i == body_start or i == 0 or lines[i - 1].blank else "\n"
        inserted = f"{before}{paragraph}\n\n"
        cursor = at + len(before) + len(paragraph)
        return text[:at] + inserted + text[at:], cursor, cursor
    line = lines[i]
    before = "" if i == body_start or i == 0 or lines[i - 1].blank else "\n"
    after = "" if i + 1 >= len(lines) or lines[i + 1].blank else "\n"
    inserted = f"{before}{paragraph}{after}"
    cursor = line.start + len(before) + len(paragraph)
    return text[:line.start] + inserted + text[line.end:], cursor, cursor


def insert_spoiler_warning(text: str, start: int, end: int, level: str = "major") -> Edit:
    """Insert the spoiler-warning line for `level` as its own paragraph at the cursor."""
    line = spoiler_warning(level)
    if not line:
        return text, start, end
    return insert_paragraph(text, start, end, line)


def set_spoiler_level(text: str, level: str) -> str:
    """Set `spoilers: <level>` in the front matter of a file's text.

    Only the value changes (a trailing comment stays); everything else is kept byte for
    byte. A missing key is added after `runtime`/`episode`/`season`/`title` (the first
    present, else at the end); a file without front matter gets one. Raises ValueError
    for an unknown level or front matter that is never closed.
    """
    if level not in SPOILER_LEVELS:
        raise ValueError(f"unknown spoiler level {level!r}: use none, minor or major")
    return frontmatter.set_values(text, {"spoilers": level},
                                  after=("runtime", "episode", "season", "title"))


def spoiler_level(text: str) -> str | None:
    """The `spoilers:` value of a file's front matter (None when absent)."""
    level = frontmatter.value(text, "spoilers")
    return str(level).strip() or None if level is not None else None


# ------------------------------------------------------------- list continuation


def list_continuation(line: str, column: int) -> tuple[str, int] | None:
    """What Enter does at `column` of a list or quote `line`: `(replacement, new_column)`.

    The replacement stands for the whole line and may hold a "\\n" (the new line).
    Returns None when Enter should just break the line (not a list/quote line, or the
    cursor sits inside the marker). Enter on an empty item (or an empty `>` line) ends
    the list: the marker goes, that line stays blank (so what follows is a new
    paragraph, not a lazy continuation of the last item) and the cursor moves below it.
    Numbers count up (`1.` → `2.`), a task item continues with an unchecked box.
    """
    m = _LIST_LINE.match(line)
    if m:
        prefix_end = m.end()
        if column < prefix_end:
            return None
        if not line[prefix_end:].strip():  # an empty item ends the list
            quote = m.group("quote").rstrip()
            if quote:  # …but not the quote around it
                replacement = f"{m.group('indent')}{quote}\n{m.group('indent')}{quote} "
                return replacement, len(replacement)
            return "\n", 1
        if m.group("number") is not None:
            marker = f"{int(m.group('number')) + 1}{m.group('delim')}"
        else:
            marker = m.group("bullet")
        space = m.group("space") or " "
        task = "[ ] " if m.group("task") else ""
        prefix = f"{m.group('indent')}{m.group('quote')}{m.group('qindent')}{marker}{space}{task}"
        head = line[:column].rstrip(" \t")
        rest = line[column:].lstrip(" \t")
        return f"{head}\n{prefix}{rest}", len(head) + 1 + len(prefix)
    q = _QUOTE_LINE.match(line)
    if q:
        prefix_end = q.end()
        if column < prefix_end:
            return None
        if not line[prefix_end:].strip():  # an empty quote line ends the quote
            return "\n", 1
        prefix = q.group(0)
        if not prefix.endswith((" ", "\t")):
            prefix += " "
        rest = line[column:].lstrip(" \t")
        head = line[:column].rstrip(" \t")
        return f"{head}\n{prefix}{rest}", len(head) + 1 + len(prefix)
    return None


def continue_list(text: str, start: int, end: int) -> Edit | None:
    """Enter at a collapsed cursor in a list/quote line (see `list_continuation`).

    Returns None when there is nothing special to do (then Enter is a plain line break),
    and for a selection, inside fenced code or in the front matter.
    """
    if start != end:
        return None
    lines = split_lines(text)
    i = line_index_at(lines, start)
    if i < _front_matter_end(text) or i in _code_lines(lines):
        return None
    line = lines[i]
    result = list_continuation(line.text, start - line.start)
    if result is None:
        return None
    replacement, column = result
    new = text[:line.start] + replacement + text[line.end:]
    return new, line.start + column, line.start + column
