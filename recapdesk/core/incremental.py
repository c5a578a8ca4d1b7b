"""Block-level incremental rendering of a recap body, and the patch between two renders.

The body is cut into *steps*: what markdown-it's top-level block loop consumes in one rule
call (a paragraph, a heading, a list, a `::: spoiler` block, a reference definition…).
After an edit only the steps around the changed lines are block-parsed again, and only
steps whose source (or context) changed are inline-parsed and rendered; everything else
comes from a cache. The result is, by construction and checked by the tests, exactly what
one `md.render(body)` of the whole text gives:

- heading ids stay unique across the page (a cached step is re-rendered when the ids its
  headings would get change);
- reference-style links see every definition of the page;
- footnotes are numbered in page order (steps holding `[^` or `^[` are rendered every
  time, in order, sharing one footnote environment) and the footnote list is rendered
  like `footnote_tail` does;
- `data-line` values are stored relative to the step's first line, so a step below an
  inserted line is reused as is and the page only needs its numbers shifted;
- raw HTML goes through the sanitizer per step when every step with raw HTML is closed
  in itself (checked), else the whole body is rendered in one piece.

`diff()` turns two renders into a short list of operations for the preview's DOM.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, block
from markdown_it.rules_core.normalize import NEWLINES_RE, NULL_RE
from markdown_it.token import Token
from mdit_py_plugins.footnote.index import footnote_tail

from recapdesk.core.markdown import ImageResolver, build_markdown, has_raw_html
from recapdesk.core.markdown.facts import heading_shift
from recapdesk.core.markdown.figures import StillOf
from recapdesk.core.markdown.headings import FOUND_KEY, RESERVED_IDS, SHIFT_KEY, TAKEN_KEY
from recapdesk.core.markdown.sanitize import sanitize
from recapdesk.core.markdown.sourcemap import OFFSET_KEY
from recapdesk.core.markdown.wikilinks import WikiResolver
from recapdesk.core.model import Still

_LINE_ATTR = re.compile(r'(data-line(?:-end)?=")(\d+)(")')
_PROBE = '<p data-recapdesk-probe="1">probe</p>\n'
WINDOW = 64  # lines past an edit scanned before falling back to the rest of the body


def shift_lines(html: str, delta: int) -> str:
    """Add `delta` to every `data-line` / `data-line-end` value in `html`."""
    if not delta:
        return html
    return _LINE_ATTR.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + delta}{m.group(3)}", html)


def normalize(text: str) -> str:
    """markdown-it's own input normalisation (line ends, NUL), done once up front."""
    if "\r" in text:
        text = NEWLINES_RE.sub("\n", text)
    if "\0" in text:
        text = NULL_RE.sub("\ufffd", text)
    return text


# --- steps: the top-level block structure ---------------------------------------------

@dataclass(eq=False)
class Step:
    """What one call of a top-level block rule consumed: body lines [start, end)."""

    start: int
    end: int
    src: str
    refs: dict[str, Any]
    footnote_labels: tuple[str, ...]
    has_heading: bool
    has_h1: bool  # a level-1 heading outside footnote definitions
    has_h1_in_footnote: bool
    footnotes: bool = False  # may hold footnote references or definitions (page-wide numbers)
    absolute: bool = False  # holds "data-line" itself (raw HTML): its numbers never shift
    brackets: bool = False  # may use reference-style links
    wikilinks: bool = False

    def __post_init__(self) -> None:
        src = self.src
        self.footnotes = "[^" in src or "^[" in src
        self.absolute = "data-line" in src
        self.brackets = "[" in src
        self.wikilinks = "[[" in src


def _step_src(lines: list[str], start: int, end: int) -> str:
    src = "\n".join(lines[start:end])
    return src + "\n" if end < len(lines) else src


def _describe(tokens: list[Token]) -> tuple[bool, bool, bool]:
    has_heading = has_h1 = has_h1_fn = False
    depth = 0
    for token in tokens:
        if token.type == "footnote_reference_open":
            depth += 1
        elif token.type == "footnote_reference_close":
            depth -= 1
        elif token.type == "heading_open":
            has_heading = True
            if token.tag == "h1":
                if depth:
                    has_h1_fn = True
                else:
                    has_h1 = True
    return has_heading, has_h1, has_h1_fn


def scan(md: MarkdownIt, lines: list[str], first: int,
         stop: Callable[[int], bool] | None = None,
         last: int | None = None) -> tuple[list[Step], int | None]:
    """Run markdown-it's top-level block loop on body lines [first, last).

    Returns the steps and the line it stopped at: `stop(line)` is asked at every
    top-level position past `first` (the old parse can be reused from there); None when
    it did not stop (when `last` is before the end of the body, that means "not
    conclusive: scan on to the end"). A position is only offered to `stop` when the two
    lines from it are inside [first, last), so what was parsed before it is what a parse
    of the whole body gives (rules look at most one line past the next block's start).
    Mirrors `ParserBlock.tokenize` at level 0, with one environment per step.
    """
    total = len(lines)
    last = total if last is None or last >= total else last
    src = "\n".join(lines[first:last])
    if last < total:
        src += "\n"
    limit = last if last == total else last - 2
    steps: list[Step] = []
    if not src:
        return steps, None
    state = StateBlock(src, md, {}, [])
    rules = md.block.ruler.getRules("")
    end = state.lineMax
    line = 0
    has_empty = False
    while line < end:
        state.line = line = state.skipEmptyLines(line)
        if line >= end:
            break
        if stop is not None and first + line < limit and stop(first + line):
            return steps, first + line
        env: dict[str, Any] = {}
        state.env = env
        mark = len(state.tokens)
        for rule in rules:
            if rule(state, line, end, False):
                if state.line <= line:
                    raise RuntimeError("block rule didn't increment state.line")
                break
        else:  # pragma: no cover - the paragraph rule always matches
            raise RuntimeError("none of the block rules matched")
        state.tight = not has_empty
        stop_line = state.line
        heading, h1, h1_fn = _describe(state.tokens[mark:])
        labels = tuple(env.get("footnotes", {}).get("refs", {}))
        steps.append(Step(first + line, first + stop_line,
                          _step_src(lines, first + line, first + stop_line),
                          dict(env.get("references", {})), labels, heading, h1, h1_fn))
        del state.tokens[mark:]  # only the structure is kept; steps render on their own
        line = stop_line
        if line - 1 < end and state.isEmpty(line - 1):
            has_empty = True
        if line < end and state.isEmpty(line):
            has_empty = True
            line += 1
            state.line = line
    return steps, None


# --- rendered pieces ------------------------------------------------------------------

@dataclass(eq=False)
class _Rendered:
    """A step's HTML (data-line relative to `base`), and what it depended on."""

    html: str
    raw: bool
    bases: tuple[str, ...]  # heading slugs before de-duplication
    ids: tuple[str, ...]
    base: int  # the line offset its data-line values were written with
    clean: str | None = None  # sanitized html (only when the page has raw HTML)
    closed: bool | None = None  # raw HTML that does not leak into what follows

    def sanitized(self) -> str:
        if self.clean is None:
            self.clean = sanitize(self.html)
        return self.clean

    def self_contained(self) -> bool:
        if self.closed is None:
            self.closed = (not self.raw
                           or sanitize(self.html + _PROBE) == self.sanitized() + _PROBE)
        return self.closed


@dataclass(frozen=True, eq=False)
class Piece:
    """One top-level block as the page shows it.

    `html` holds data-line values relative to `anchor`: the page's HTML for it is
    `shift_lines(html, anchor)`. Two pieces with equal `html` differ in the page only by
    that shift.
    """

    html: str
    anchor: int
    start: int  # the file line the block starts on

    @property
    def page_html(self) -> str:
        return shift_lines(self.html, self.anchor)


@dataclass
class Body:
    """A rendered body: its pieces in order, then the footnote list (if any)."""

    pieces: list[Piece]
    tail: str = ""
    whole: bool = False  # rendered in one piece (raw HTML that spans blocks)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def html(self) -> str:
        return "".join(p.page_html for p in self.pieces) + self.tail


# --- the renderer -----------------------------------------------------------------------

class IncrementalRenderer:
    """Renders successive versions of one body; the same HTML as the dialect's full render.

    Equivalent full render: `build_markdown(episodes=episodes, stills=stills, still_of=still_of,
    images=images, source_lines=True, line_offset=offset, spoiler_free=spoiler_free,
    heading_shift=heading_shift(body), time_notes=True).render(body)`. The resolvers are
    asked again only for blocks that are rendered again.
    """

    def __init__(self, *, episodes: WikiResolver | None = None,
                 stills: Mapping[str, Still] | None = None, still_of: StillOf | None = None,
                 images: ImageResolver | None = None, spoiler_free: bool = False) -> None:
        self.episodes = episodes
        self.stills = stills
        self.still_of = still_of
        self.images = images
        self.spoiler_free = spoiler_free
        self.md = build_markdown(episodes=episodes, stills=stills, still_of=still_of,
                                 images=images,
                                 source_lines=True, spoiler_free=spoiler_free,
                                 sanitize_html=False, time_notes=True)
        self.md.core.ruler.at("block", _block_keeping_footnotes)
        self.md.core.ruler.at("footnote_tail", _stash_footnotes)
        self._tail_rules = _rules_after(self.md, "footnote_tail")
        self.lines: list[str] = []
        self.steps: list[Step] = []
        self._cache: dict[tuple, _Rendered] = {}
        self._links_key: object = None
        self.last: Body | None = None

    # structure ------------------------------------------------------------------------

    def _restructure(self, lines: list[str]) -> dict[str, int]:
        """Bring `self.steps` up to date with `lines`; returns what it did."""
        old_lines, steps = self.lines, self.steps
        if not steps and not old_lines:
            self.steps, _ = scan(self.md, lines, 0)
            self.lines = lines
            return {"scanned_from": 0, "reused_steps": 0}
        n = min(len(old_lines), len(lines))
        p = 0
        while p < n and old_lines[p] == lines[p]:
            p += 1
        if p == len(old_lines) == len(lines):
            return {"scanned_from": -1, "reused_steps": len(steps)}
        s = 0
        while s < n - p and old_lines[-1 - s] == lines[-1 - s]:
            s += 1
        delta = len(lines) - len(old_lines)
        changed_end = len(lines) - s  # first unchanged line after the edit (new numbering)
        starts = [st.start for st in steps]
        # A step's end was decided by looking at the next step's first line and the line
        # after it (a table interrupts a paragraph only with its delimiter row below), so
        # parse again from the step before the first one that starts at or after p - 1.
        i0 = bisect_left(starts, p - 1) - 1
        first = steps[i0].start if i0 >= 0 else 0
        def stop(line: int) -> bool:
            if line < changed_end:
                return False
            k = bisect_left(starts, line - delta)
            return k < len(starts) and starts[k] == line - delta and starts[k] > first

        last = changed_end + WINDOW
        window, stopped = scan(self.md, lines, first, stop, last)
        if stopped is None and last < len(lines):  # no resync near the edit
            window, stopped = scan(self.md, lines, first, stop)
        j = len(steps) if stopped is None else bisect_left(starts, stopped - delta)
        tail = steps[j:]
        if delta:
            for st in tail:
                st.start += delta
                st.end += delta
        self.steps = steps[:max(i0, 0)] + window + tail
        self.lines = lines
        return {"scanned_from": first, "scanned_steps": len(window),
                "reused_steps": max(i0, 0) + len(tail)}

    # rendering ------------------------------------------------------------------------

    def _render_step(self, step: Step, offset: int, env: dict[str, Any]) -> _Rendered:
        env[OFFSET_KEY] = offset
        found = env.setdefault(FOUND_KEY, [])
        state = StateCore(step.src, self.md, env)
        self.md.core.process(state)
        html = self.md.renderer.render(state.tokens, self.md.options, env)
        return _Rendered(html, has_raw_html(state.tokens), tuple(b for b, _ in found),
                         tuple(i for _, i in found), offset)

    def render(self, body: str, line_offset: int = 0, *, links_key: object = None) -> Body:
        """Render `body` (file line of its first line = `line_offset`).

        `links_key` identifies what wikilinks resolve to; steps with wikilinks are
        rendered again when it changes.
        """
        body = normalize(body)
        stats = self._restructure(body.split("\n"))
        steps = self.steps
        refs: dict[str, Any] = {}
        labels: dict[str, int] = {}
        h1 = h1_fn = False
        for st in steps:
            if st.refs:
                for label, ref in st.refs.items():
                    refs.setdefault(label, ref)
            if st.footnote_labels:
                for label in st.footnote_labels:
                    labels[label] = -1
            h1 = h1 or st.has_h1
            h1_fn = h1_fn or st.has_h1_in_footnote
        if h1:
            shift = 1
        elif h1_fn:  # a level-1 heading only in footnotes: it counts if they are shown
            shift = heading_shift(body)
        else:
            shift = 0
        refs_key = repr(sorted(refs.items())) if refs else ""
        footnotes: dict[str, Any] = {"refs": labels, "list": {}}
        stash: list[tuple[str, list[Token]]] = []
        taken: set[str] = set(RESERVED_IDS)
        cache = self._cache
        used: dict[tuple, _Rendered] = {}
        rendered: list[tuple[Step, _Rendered, bool]] = []
        fresh = 0
        for st in steps:
            src = st.src
            absolute = st.absolute
            offset = st.start + line_offset if absolute else 0
            if st.footnotes:
                env = {"references": refs, "footnotes": footnotes, TAKEN_KEY: taken,
                       SHIFT_KEY: shift, "_stash": stash, "_start": st.start}
                rendered.append((st, self._render_step(st, offset, env), absolute))
                fresh += 1
                continue
            key = (src, shift if st.has_heading else None,
                   refs_key if st.brackets else None,
                   links_key if st.wikilinks else None,
                   offset)
            entry = used.get(key) or cache.get(key)
            if entry is not None and entry.bases:
                ids = _dedupe(entry.bases, taken)
                if ids == entry.ids:
                    taken.update(ids)
                else:
                    entry = None
            if entry is None:
                env = {"references": refs, TAKEN_KEY: taken, SHIFT_KEY: shift}
                entry = self._render_step(st, offset, env)
                fresh += 1
            used.setdefault(key, entry)
            rendered.append((st, entry, absolute))
        self._cache = used
        tail, tail_raw = self._render_tail(footnotes, stash, taken, shift, refs, line_offset)
        raw = tail_raw or any(entry.raw for _, entry, _ in rendered)
        stats.update(rendered_steps=fresh, steps=len(steps))
        if raw and not (all(entry.self_contained() for _, entry, _ in rendered)
                        and _closed(tail, tail_raw)):
            body_html = self._whole(body, line_offset, shift)
            self.last = Body([Piece(body_html, 0, line_offset)], "", True, stats)
            return self.last
        pieces = []
        for st, entry, absolute in rendered:
            html = entry.sanitized() if raw else entry.html
            anchor = 0 if absolute else st.start + line_offset
            pieces.append(Piece(html, anchor, st.start + line_offset))
        self.last = Body(pieces, sanitize(tail) if raw and tail else tail, False, stats)
        return self.last

    def _render_tail(self, footnotes: dict[str, Any], stash: list[tuple[str, list[Token]]],
                     taken: set[str], shift: int, refs: dict[str, Any],
                     line_offset: int) -> tuple[str, bool]:
        if not footnotes["list"]:
            return "", False
        tokens: list[Token] = []
        for label, inner in stash:
            opening = Token("footnote_reference_open", "", 1)
            opening.meta = {"label": label}
            tokens += [opening, *inner, Token("footnote_reference_close", "", -1)]
        env = {"references": refs, "footnotes": footnotes, TAKEN_KEY: taken,
               SHIFT_KEY: shift, OFFSET_KEY: line_offset, FOUND_KEY: []}
        state = StateCore("", self.md, env, tokens)
        for rule in self._tail_rules:
            rule(state)
        html = self.md.renderer.render(state.tokens, self.md.options, env)
        return html, has_raw_html(state.tokens)

    def _whole(self, body: str, line_offset: int, shift: int) -> str:
        md = build_markdown(episodes=self.episodes, stills=self.stills, still_of=self.still_of,
                            images=self.images,
                            source_lines=True, line_offset=line_offset,
                            spoiler_free=self.spoiler_free, heading_shift=shift,
                            time_notes=True)
        return md.render(body)


def _closed(tail: str, raw: bool) -> bool:
    return not raw or sanitize(tail + _PROBE) == sanitize(tail) + _PROBE


def _dedupe(bases: tuple[str, ...], taken: set[str]) -> tuple[str, ...]:
    """The ids `unique_slug` would give these slugs after `taken` (taken is not changed)."""
    seen = set()
    ids = []
    for base in bases:
        slug, n = base, 1
        while slug in taken or slug in seen:
            n += 1
            slug = f"{base}-{n}"
        seen.add(slug)
        ids.append(slug)
    return tuple(ids)


def _rules_after(md: MarkdownIt, name: str) -> list[Callable[[StateCore], None]]:
    """The enabled core rules from `name` on, with the real footnote_tail at `name`."""
    rules = []
    found = False
    for rule in md.core.ruler.__rules__:
        if rule.name == name:
            found = True
            rules.append(footnote_tail)
        elif found and rule.enabled:
            rules.append(rule.fn)
    return rules


# --- footnotes numbered across the whole page ---------------------------------------------

def _block_keeping_footnotes(state: StateCore) -> None:
    """The block rule, without letting a footnote definition reset the page's numbering
    (the page registered every definition before any step was inline-parsed)."""
    saved = state.env.pop("footnotes", None)
    block(state)
    if saved is not None:
        state.env["footnotes"] = saved


def _stash_footnotes(state: StateCore) -> None:
    """`footnote_tail`'s first half: take definitions out of the step, keep them for the
    page's footnote list (line numbers made relative to the body)."""
    if "footnotes" not in state.env:
        return
    stash = state.env.get("_stash")
    start = state.env.get("_start", 0)
    kept: list[Token] = []
    inside = False
    current: list[Token] = []
    label = ""
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            inside, current, label = True, [], token.meta["label"]
            continue
        if token.type == "footnote_reference_close":
            inside = False
            if stash is not None:
                for tok in current:
                    if tok.map:
                        tok.map = [tok.map[0] + start, tok.map[1] + start]
                stash.append((label, current))
            continue
        (current if inside else kept).append(token)
    state.tokens = kept


# --- the patch between two renders ------------------------------------------------------

def diff(old: Body | None, new: Body) -> list[list[Any]] | None:
    """Operations that turn the page of `old` into the page of `new` (None: nothing to do).

    Each operation uses `old`'s piece indices and they are listed from the end of the
    page to its start, so they can be applied in order:
    `["splice", index, count, [html, …]]` replaces `count` pieces by new ones;
    `["shift", index, end, delta]` adds `delta` to data-line values of pieces
    [index, end); `["tail", html]` replaces the footnote list.
    """
    if old is None:
        return [["splice", 0, 0, [p.page_html for p in new.pieces]], ["tail", new.tail]]
    a, b = old.pieces, new.pieces
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p].html == b[p].html and a[p].anchor == b[p].anchor:
        p += 1
    s = 0
    while s < n - p and a[-1 - s].html == b[-1 - s].html:
        s += 1
    ops: list[list[Any]] = []
    # unchanged pieces after the edit: only their line numbers may move
    run_end, run_delta = len(a), 0
    for k in range(s):
        i = len(a) - 1 - k
        d = b[len(b) - 1 - k].anchor - a[i].anchor
        if d != run_delta:
            if run_delta:
                ops.append(["shift", i + 1, run_end, run_delta])
            run_end, run_delta = i + 1, d
    if run_delta:
        ops.append(["shift", len(a) - s, run_end, run_delta])
    mid_a, mid_b = a[p:len(a) - s], b[p:len(b) - s]
    if len(mid_a) == len(mid_b):
        k = len(mid_a) - 1
        while k >= 0:  # same count: replace runs of changed pieces, shift moved ones
            if mid_a[k].html == mid_b[k].html:
                d = mid_b[k].anchor - mid_a[k].anchor
                if d:
                    ops.append(["shift", p + k, p + k + 1, d])
                k -= 1
                continue
            end = k
            while k >= 0 and mid_a[k].html != mid_b[k].html:
                k -= 1
            ops.append(["splice", p + k + 1, end - k,
                        [x.page_html for x in mid_b[k + 1:end + 1]]])
    elif mid_a or mid_b:
        ops.append(["splice", p, len(mid_a), [x.page_html for x in mid_b]])
    if old.tail != new.tail:
        ops.append(["tail", new.tail])
    return ops or None
