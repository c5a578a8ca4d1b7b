"""YAML front matter that round-trips: key order, comments, unknown keys, body bytes."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from recapdesk.core.simple_front import parse_simple

FENCE = "---"


class FrontMatterError(ValueError):
    """Front matter that cannot be parsed; `line` is 1-based in the file."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


MAX_YAML_CHARS = 256 * 1024


def _refuse_risky(text: str, first_line: int = 1) -> None:
    """Refuse aliases (billion-laughs bombs) and oversized YAML before loading it."""
    if len(text) > MAX_YAML_CHARS:
        raise FrontMatterError("YAML is too large (over 256 KB)", first_line)
    if "*" not in text:
        return
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if type(event).__name__ == "AliasEvent":
                line = first_line + (event.start_mark.line if event.start_mark else 0)
                raise FrontMatterError("YAML aliases (*name) are not supported here", line)
    except YAMLError:
        return  # the loader reports the syntax error with its line


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


@dataclass
class Split:
    """A Markdown file cut into its front matter text and body."""

    front_text: str  # the YAML between the fences (without them), "" when absent
    body: str
    body_line: int  # 1-based line where the body starts
    has_front: bool
    newline: str


_HEAD = 8192  # front matter is looked for in the file's first characters, then in all


def split(text: str) -> Split:
    """Cut `text` at its front matter fences; the body keeps every byte."""
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    if len(text) > _HEAD:  # (the lines of the whole file only when the head is not enough)
        head = text[:_HEAD].splitlines(keepends=True)[:-1]  # (its last line may go on)
        found = _split_lines(text, head, newline) if head else None
        if found is not None:
            return found
    found = _split_lines(text, text.splitlines(keepends=True), newline)
    if found is None:
        raise FrontMatterError("front matter starts with --- but is never closed", 1)
    return found


def _split_lines(text: str, lines: list[str], newline: str) -> Split | None:
    """The split of `text` when its front matter ends within `lines` (its first lines),
    else None."""
    if not lines or lines[0].rstrip("\r\n") != FENCE:
        return Split("", text, 1, False, newline)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in (FENCE, "..."):
            front = "".join(lines[1:i])
            return Split(front, text[len(front) + len(lines[0]) + len(lines[i]):], i + 2,
                         True, newline)
    return None


def parse(front_text: str, *, first_line: int = 2) -> CommentedMap:
    """Parse front matter YAML into a round-trip mapping."""
    if not front_text.strip():
        return CommentedMap()
    text = front_text.replace("\r\n", "\n")
    if len(text) <= MAX_YAML_CHARS:
        quick = parse_simple(text)
        if quick is not None:
            return quick
    _refuse_risky(front_text, first_line)
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"bad front matter: {problem}", line) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a mapping of keys to values", first_line)
    return data


def dump(data: Any) -> str:
    """Serialise a round-trip mapping back to YAML text (ends with a newline)."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def join(front_text: str, body: str, *, newline: str = "\n") -> str:
    """Put the front matter fences around `front_text` and append the body as is."""
    if front_text and not front_text.endswith(("\n", "\r")):
        front_text += newline
    return f"{FENCE}{newline}{front_text}{FENCE}{newline}{body}"


def load_yaml(text: str) -> Any:
    """Parse a whole YAML document round-trip (manifest, stills.yaml).

    Raises FrontMatterError for aliases or oversized text, YAMLError for bad syntax.
    """
    _refuse_risky(text)
    return _yaml().load(text)


def yaml_error_line(exc: YAMLError) -> int:
    """1-based line of a YAML error (1 when unknown)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def yaml_error_text(exc: YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return problem or str(exc).splitlines()[0]


# --- the fences and keys of a whole file's text -------------------------------------------

def block_lines(text: str) -> int:
    """How many "\\n"-separated lines the front matter takes at the top of a file's text,
    fences included: 0 when there is none, or when it is never closed (then the whole
    text is read as the body)."""
    try:
        parts = split(text)
    except FrontMatterError:
        return 0
    if not parts.has_front:
        return 0
    block = text[: len(text) - len(parts.body)]
    lines = block.count("\n")
    return lines if block.endswith("\n") else lines + 1


def value(text: str, key: str) -> Any:
    """The value of top-level `key` in a file's front matter (None when there is none,
    or the front matter cannot be read)."""
    try:
        return parse(split(text).front_text).get(key)
    except FrontMatterError:
        return None


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(item: Any) -> str:
    """A YAML scalar for `item`: one plain word as is, other strings double-quoted
    (JSON string escapes are valid YAML)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return str(item)
    text = str(item)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _same_value(key: str, value_text: str, expected: Any) -> bool:
    try:
        return parse(f"{key}: {value_text}\n").get(key) == expected
    except FrontMatterError:
        return False


def _set_line(front_text: str, data: Any, key: str, item: Any, newline: str,
              after: Sequence[str]) -> str | None:
    """`front_text` with the one-line value of top-level `key` replaced, or the key
    added (after the first key of `after` present, else at the end); None if it cannot."""
    lines = front_text.splitlines(keepends=True)
    if key not in data:
        entry = f"{key}: {_scalar(item)}{newline}"
        anchor = next((k for k in after if k in data), None)
        try:
            at = data.lc.key(anchor)[0] + 1 if anchor is not None else len(lines)
        except (AttributeError, KeyError, TypeError):
            at = len(lines)
        while at < len(lines) and lines[at][:1] in (" ", "\t"):  # its continuation lines
            at += 1
        if at and not lines[at - 1].endswith(("\n", "\r")):
            lines[at - 1] += newline
        lines.insert(at, entry)
        return "".join(lines)
    try:
        index = data.lc.key(key)[0]
    except (AttributeError, KeyError, TypeError):
        return None
    if not 0 <= index < len(lines):
        return None
    m = re.fullmatch(rf"({re.escape(key)}[ \t]*:[ \t]*)([^\r\n]*)(\r\n|\r|\n)?", lines[index])
    if m is None:
        return None
    head, rest, ending = m.group(1), m.group(2), m.group(3) or ""
    value_text, comment = rest, ""
    for hash_mark in re.finditer(r"[ \t]+#", rest):
        # the first " #" after which the value still reads the same starts the comment
        if _same_value(key, rest[:hash_mark.start()], data[key]):
            value_text, comment = rest[:hash_mark.start()], rest[hash_mark.start():]
            break
    new = _scalar(item)
    if comment:
        # the gap before a comment stays, unless a longer value needs its room (the
        # comment then keeps its column, with at least one space)
        gap = len(comment) - len(comment.lstrip(" \t"))
        comment = " " * max(1, min(gap, len(value_text) + gap - len(new))) \
            + comment.lstrip(" \t")
    lines[index] = f"{head}{new}{comment}{ending}"
    return "".join(lines)


def set_values(text: str, values: Mapping[str, Any], *, after: Sequence[str] = ()) -> str:
    """A file's `text` with front matter `values` set, touching only their lines.

    Only the value changes (a comment after it stays); a missing key is added after the
    first key of `after` the front matter has (else at its end); a file without front
    matter gets one. A value spanning several lines is rewritten through the YAML
    dumper (key order and comments are still kept). The body is never touched.
    Raises FrontMatterError when the front matter is never closed or cannot be read.
    """
    parts = split(text)
    newline = parts.newline
    front_text = parts.front_text
    data = parse(front_text)
    for key, item in values.items():
        edited = _set_line(front_text, data, key, item, newline, after)
        check = None
        if edited is not None:
            try:
                check = parse(edited)
            except FrontMatterError:
                check = None
        expected = dict(data)
        expected[key] = item
        if check is None or dict(check) != expected:
            data[key] = item
            edited = dump(data)
            if newline != "\n":
                edited = edited.replace("\n", newline)
            check = parse(edited)
        front_text, data = edited, check
    return join(front_text, parts.body, newline=newline)
