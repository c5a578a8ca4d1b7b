"""What a recap body holds that a page needs before rendering it, from one parse.

`body_facts(body)`: its image sources (in page order) and whether it has a level-1
heading (then the page moves every heading down a level: the recap's title is the
page's one `<h1>`). Remembered per body in this process; the export keeps them on disk
between runs (`learn`, `known`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from markdown_it.token import Token

from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.dispatch import FIRST_CHARACTERS
from recapdesk.core.markdown.tokens import walk_types


@dataclass(frozen=True)
class BodyFacts:
    """The image sources of a body, as written, and whether it has a level-1 heading."""

    images: tuple[str, ...]
    has_h1: bool


_BY_KEY: dict[str, BodyFacts] = {}  # by body hash
_BY_BODY: dict[str, BodyFacts] = {}  # the same by body text (no hashing of the text)
_BY_KEY_MAX = 4096
_BY_BODY_MAX = 1024


_KEYS: dict[str, str] = {}  # body -> its key, for the bodies an export asks about often


def body_key(body: str) -> str:
    """The key a body's facts are remembered under (a hash of its text)."""
    key = _KEYS.get(body)
    if key is None:
        key = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
        if len(_KEYS) >= _BY_BODY_MAX:
            _KEYS.clear()
        _KEYS[body] = key
    return key


def forget_facts() -> None:
    """Forget what was learnt of bodies in this process (the benchmark's cold renders)."""
    _BY_KEY.clear()
    _BY_BODY.clear()
    _KEYS.clear()


def learn(key: str, facts: BodyFacts, body: str | None = None) -> None:
    """Remember facts found earlier (read from the export's cache, or found by another
    process: then with the `body` they are of, and `key` is its key), unless known."""
    _BY_KEY.setdefault(key, facts)
    if body is not None:
        if len(_BY_BODY) >= _BY_BODY_MAX:
            _BY_BODY.clear()
        if len(_KEYS) >= _BY_BODY_MAX:
            _KEYS.clear()
        _BY_BODY.setdefault(body, facts)
        _KEYS[body] = key


def known(key: str) -> BodyFacts | None:
    """The facts of the body with this key, if known."""
    return _BY_KEY.get(key)


def cached(body: str) -> BodyFacts | None:
    """The facts of `body` if they were worked out in this process (no parse)."""
    return _BY_BODY.get(body)


def _from_tokens(tokens: list[Token]) -> BodyFacts:
    images = tuple(str(token.attrGet("src") or "")
                   for token, _ in walk_types(tokens, ("image",), FIRST_CHARACTERS["image"]))
    return BodyFacts(images, any(t.type == "heading_open" and t.tag == "h1" for t in tokens))


def parse_with_facts(body: str) -> list[Token]:
    """Parse a body with the plain dialect (as `check` does) and remember its facts from
    the same parse."""
    tokens = build_markdown().parse(body)
    learn_tokens(body, tokens)
    return tokens


def learn_tokens(body: str, tokens: list[Token]) -> None:
    """Remember the facts of a body from a parse of it made elsewhere (any MarkdownIt of
    the dialect, parsed without moving its headings)."""
    if _BY_BODY.get(body) is None:
        facts = _from_tokens(tokens)
        if len(_BY_BODY) >= _BY_BODY_MAX:
            _BY_BODY.clear()
        _BY_BODY[body] = facts
        _BY_KEY.setdefault(body_key(body), facts)


def body_facts(body: str) -> BodyFacts:
    """The images and level-1 headings of a body, from one parse (remembered)."""
    facts = _BY_BODY.get(body)
    if facts is not None:
        return facts
    key = body_key(body)
    facts = _BY_KEY.get(key)
    if facts is None:
        facts = _from_tokens(build_markdown().parse(body))
        if len(_BY_KEY) >= _BY_KEY_MAX:
            _BY_KEY.clear()
        _BY_KEY[key] = facts
    if len(_BY_BODY) >= _BY_BODY_MAX:
        _BY_BODY.clear()
    _BY_BODY[body] = facts
    return facts


def heading_shift(body: str) -> int:
    """1 when the body uses level-1 headings (the page's title is its one <h1>), else 0."""
    return int(body_facts(body).has_h1)
