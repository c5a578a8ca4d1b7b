"""YAML front matter that round-trips: key order, comments, unknown keys, body bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

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


def split(text: str) -> Split:
    """Cut `text` at its front matter fences; the body keeps every byte."""
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != FENCE:
        return Split("", text, 1, False, newline)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in (FENCE, "..."):
            front = "".join(lines[1:i])
            body = "".join(lines[i + 1 :])
            return Split(front, body, i + 2, True, newline)
    raise FrontMatterError("front matter starts with --- but is never closed", 1)


def parse(front_text: str, *, first_line: int = 2) -> CommentedMap:
    """Parse front matter YAML into a round-trip mapping."""
    if not front_text.strip():
        return CommentedMap()
    _refuse_risky(front_text, first_line)
    try:
        data = _yaml().load(front_text.replace("\r\n", "\n"))
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
