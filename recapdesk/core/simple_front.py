"""The common shape of front matter, read without the YAML machinery.

Nearly every recap's front matter is one `key: value` per line, maybe with a comment
at its end: quoted strings, plain words, whole numbers, dates, true/false.
`parse_simple` reads exactly that shape about fifty times faster than a full YAML load,
and builds the very mapping the round-trip loader builds (same value types, same quote
styles, same line and column of every key and value, the same comments where they
were), so that saving, line numbers and checks cannot tell them apart. Anything else
(comment lines, lists, nesting, blank lines, escapes, floats…) gets `None`, and the
caller loads the text with the full loader.
"""

from __future__ import annotations

import datetime
import functools
import re

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import StringMark
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

# key, gap, value (quoted, or plain: that ends at " #") and, after spaces, a comment
_LINE = re.compile(r"""([A-Za-z_][A-Za-z0-9_-]*):( +)"""
                   r"""("[^"]*"|'[^']*'|[^\s"'](?:(?:(?! #).)*?\S)?)"""
                   r"(?: +(#.*))?\Z")
_SOURCE_NAME = "<unicode string>"  # what the loader calls text given as a string
_INT = re.compile(r"-?[1-9][0-9]{0,17}\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_PLAIN_START_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@`\\")
_BOOLS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}
_NULLS = frozenset({"null", "Null", "NULL", "~"})
_RESOLVER = VersionedResolver()
_STR_TAG = "tag:yaml.org,2002:str"
_REFUSED = object()  # what the full loader must decide


@functools.lru_cache(maxsize=4096)  # keys and words like `final` recur in every recap
def _is_str(value: str) -> bool:
    """Whether the full loader reads this plain scalar as a string."""
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
    return str(getattr(tag, "value", tag)) == _STR_TAG


def _plain(value: str) -> object:
    """A plain scalar's value, or `_REFUSED` when the full loader must decide."""
    if value[0] in _PLAIN_START_REFUSED or ": " in value or " #" in value \
            or value.endswith(":") or "\t" in value:
        return _REFUSED
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _NULLS:
        return None
    if _INT.match(value):
        return int(value)
    date = _DATE.match(value)
    if date:
        try:
            return datetime.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            return _REFUSED
    return value if _is_str(value) else _REFUSED  # not a float, an octal, a time…


def _quoted(value: str) -> object:
    """A one-line quoted scalar without escapes, or `_REFUSED`."""
    quote, inner = value[0], value[1:-1]
    if len(value) < 2 or value[-1] != quote or quote in inner:
        return _REFUSED
    if quote == '"':
        return _REFUSED if "\\" in inner else DoubleQuotedScalarString(inner)
    return SingleQuotedScalarString(inner)


def _comment(buffer: str, start: int, number: int, line: str, comment: str) -> CommentToken:
    """The token the loader makes of the comment that ends a line (from `start` in
    the text, line `number`, 0-based; `buffer`: the loader's, the text and a NUL, which
    only error messages read)."""
    column = len(line) - len(comment)
    end = start + len(line) + 1
    return CommentToken(comment + "\n",
                        StringMark(_SOURCE_NAME, start + column, number, column, buffer,
                                   start + column),
                        StringMark(_SOURCE_NAME, end, number + 1, 0, buffer, end))


def parse_simple(text: str) -> CommentedMap | None:
    """The round-trip mapping of `text` when every line is a simple `key: value`;
    None when the full YAML loader must read it."""
    if not text.endswith("\n") or "\r" in text:
        return None
    data = CommentedMap()
    start = 0  # where the line starts in the text
    buffer = ""  # made for the first comment, shared by all
    for number, line in enumerate(text[:-1].split("\n")):
        match = _LINE.match(line)
        if match is None or not line.isprintable():
            return None
        key, gap, raw, comment = match[1], match[2], match[3], match[4]
        if key in data or not _is_str(key):
            return None  # a duplicate (the full loader reports it), or `true:`
        value = _quoted(raw) if raw[0] in "\"'" else _plain(raw)
        if value is _REFUSED:
            return None
        data[key] = value
        data._yaml_set_kv_line_col(key, [number, 0, number, len(key) + 1 + len(gap)])
        if comment is not None:
            buffer = buffer or text + "\0"
            data.ca.items[key] = [None, None, _comment(buffer, start, number, line, comment),
                                  None]
        start += len(line) + 1
    if not data:
        return None
    data._yaml_set_line_col(0, 0)
    data.fa.set_block_style()
    return data
