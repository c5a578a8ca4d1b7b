"""Time notes: lines that start with a time in the episode, `[12:34]` or `[1:02:03.500]`,
are what the writer noted while watching.

The preview shows them as notes whose time is a link (`recap://time/SECONDS`, the
preview's own scheme) that takes the Watch panel's video there; every other render
(export, publish, checks, word counts) leaves them out. A note's words are kept by
deleting its time: the line is then ordinary text.

Consecutive note lines make one block; a note line can follow a paragraph directly. Only
lines at the top level are notes (not in a list, quote or box).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

__all__ = ["TIME_LINK", "TIME_NOTE", "note_seconds", "time_note_line", "time_notes_plugin"]

TIME_LINK = "recap://time/"  # + seconds: a note's time in the preview

# [M:SS], [MM:SS], [H:MM:SS], [HH:MM:SS], each with optional .m to .mmm, then a space or
# the end of the line
TIME_NOTE = re.compile(r"\[((?:\d{1,2}:)?\d{1,2}:[0-5]\d(?:\.\d{1,3})?)\](?=[ \t]|$)")


def note_seconds(stamp: str) -> float:
    """Seconds of a note's time as written inside its brackets (`1:02:03.5` → 3723.5)."""
    seconds = 0.0
    for part in stamp.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def time_note_line(seconds: float, *, hours: bool = False) -> str:
    """The marker a new note starts with: `[MM:SS]`, or `[H:MM:SS]` past the first hour."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if h or hours:
        return f"[{h}:{m:02d}:{s:02d}]"
    return f"[{m:02d}:{s:02d}]"


def _marker(state: StateBlock, line: int) -> re.Match[str] | None:
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    start = state.bMarks[line] + state.tShift[line]
    return TIME_NOTE.match(state.src, start, state.eMarks[line])


def time_notes_plugin(md: MarkdownIt, *, show: bool = False) -> None:
    """Recognise time-note lines; render them (`show`, the preview) or leave them out."""

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if state.level != 0 or _marker(state, start_line) is None:
            return False
        if silent:
            return True
        line = start_line
        notes: list[tuple[int, re.Match[str]]] = []
        while line < end_line:
            found = _marker(state, line)
            if found is None:
                break
            notes.append((line, found))
            line += 1
        state.line = line
        if not show:
            return True
        opening = state.push("time_notes_open", "div", 1)
        opening.map = [start_line, line]
        opening.attrSet("class", "time-notes")
        for number, found in notes:
            note = state.push("time_note_open", "p", 1)
            note.map = [number, number + 1]
            note.meta = {"stamp": found.group(1), "seconds": note_seconds(found.group(1))}
            inline = state.push("inline", "", 0)
            inline.content = state.src[found.end():state.eMarks[number]].strip()
            inline.map = [number, number + 1]
            inline.children = []
            state.push("time_note_close", "p", -1)
        state.push("time_notes_close", "div", -1)
        return True

    md.block.ruler.before("paragraph", "time_notes", rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})

    def render_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        stamp, seconds = token.meta["stamp"], token.meta["seconds"]
        return (f'<p class="time-note"{self.renderAttrs(token)}>'
                f'<a class="time-stamp" href="{TIME_LINK}{seconds:.3f}">{stamp}</a> ')

    md.add_render_rule("time_note_open", render_open)
    md.add_render_rule("time_note_close", lambda self, tokens, idx, options, env: "</p>\n")
