"""The dialect's inline loop tries only the rules that can start at each character: the
HTML must be exactly what markdown-it's own loop (every rule at every position) gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_core import normalize as markdown_it_normalize

from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.dispatch import BLOCK_FIRST_CHARACTERS, FIRST_CHARACTERS
from recapdesk.core.resources import resource_path

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = json.loads((FIXTURES / "commonmark.json").read_text("utf-8"))
SAMPLES = sorted((resource_path("sample") / "episodes").glob("*.md"))


def every_rule_everywhere(md: MarkdownIt) -> MarkdownIt:
    """`md` with markdown-it's own inline and block loops back (the dispatching ones
    removed), and its own `normalize` rule."""
    del md.inline.tokenize
    del md.inline.skipToken
    del md.block.tokenize
    md.core.ruler.at("normalize", markdown_it_normalize)
    return md


def pair(**options: object) -> tuple[MarkdownIt, MarkdownIt]:
    return build_markdown(**options), every_rule_everywhere(build_markdown(**options))


def test_the_dialect_uses_the_dispatching_loop() -> None:
    md = build_markdown()
    assert "tokenize" in vars(md.inline) and "skipToken" in vars(md.inline)
    assert "tokenize" in vars(md.block)
    names = {rule.name for rule in md.inline.ruler.__rules__ if rule.enabled}
    # every rule of the dialect but `text` has its first characters listed: none of them
    # is silently tried everywhere
    assert names - {"text"} <= set(FIRST_CHARACTERS)
    # and so has every block rule but those that can start a line with anything
    blocks = {rule.name for rule in md.block.ruler.__rules__ if rule.enabled}
    assert blocks - {"table", "code", "lheading", "paragraph"} <= set(BLOCK_FIRST_CHARACTERS)


def test_commonmark_spec_examples_render_the_same() -> None:
    fast, slow = pair()
    for example in SPEC:
        assert fast.render(example["markdown"]) == slow.render(example["markdown"]), \
            example["example"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_recaps_render_the_same(sample: Path) -> None:
    text = sample.read_text("utf-8")
    for options in ({}, {"source_lines": True}, {"spoiler_free": True}):
        fast, slow = pair(**options)
        assert fast.render(text) == slow.render(text)


ALPHABET = ["*", "_", "~", "~~", "|", "||", "[", "]", "[[", "]]", "(", ")", "!", "^", "^[",
            "[^1]", "[^1]: note\n", "<", ">", "<b>", "</b>", "&", "&amp;", "`", "``", "\\",
            "\n", "\n\n", " ", "  ", "#", ":", "-", "a", "word", "é", "한", "http://x.y",
            "<http://x.y>", "![a](s.jpg)", "[l](u)", "[[s01e01]]", "[[s01e01|the pilot]]",
            "::: spoiler\n", ":::\n", "> ", "1. ", "| a | b |\n|---|---|\n",
            "::: also-read\n", "[01:02] ", "[1:02:03] note\n", "    ", "\t", "```\n", "~~~\n",
            "***\n", "---\n", "___\n", "===\n", "+ ", "2) ", "# ", "## ", "<div>\n",
            "<!-- c -->\n", "[r]: /u\n", "[^n]: note\n", "\n- ", "\n> ", "Seo-rin", "=", "+",
            "$", "%", "@", "{", "}", ":)", "a-", "-b", "[a-b]", "[a]: <u-v>", "](u-v)",
            "\r\n", "\r", "\0", "\r\r\n"]


@pytest.mark.parametrize("options", [{}, {"time_notes": True, "source_lines": True}],
                         ids=["export", "preview"])
def test_random_markup_renders_the_same(options: dict) -> None:
    rng = random.Random(20261125)
    fast, slow = pair(**options)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
        assert fast.render(text) == slow.render(text), repr(text)
        assert [(t.type, t.map, t.content) for t in fast.parse(text)] \
            == [(t.type, t.map, t.content) for t in slow.parse(text)], repr(text)


def test_deep_nesting_is_cut_the_same_way() -> None:
    fast, slow = pair()
    for text in ("[" * 40 + "x" + "]" * 40 + "(u)", "*" * 200 + "x" + "*" * 200,
                 "||" * 120 + "x" + "||" * 120, "![" * 30 + "a" + "](s)" * 30):
        assert fast.render(text) == slow.render(text)


def test_a_rule_added_later_is_tried_everywhere() -> None:
    """A rule the table does not know is tried at every position (nothing is lost)."""
    seen: list[str] = []

    def spy(state, silent: bool) -> bool:
        seen.append(state.src[state.pos])
        return False

    md = build_markdown()
    md.render("Seo-rin")
    assert not md.inline.terminator_re.match("-")  # no rule of the dialect starts at "-"
    md.inline.ruler.before("emphasis", "spy", spy)
    md.render("a # b * c-d")
    assert {"#", "*", "-"} <= set(seen)  # markdown-it's own stops are back


def test_a_block_rule_added_later_is_tried_on_every_line() -> None:
    lines: list[str] = []

    def spy(state, start: int, end: int, silent: bool) -> bool:
        lines.append(state.src[state.bMarks[start] + state.tShift[start]])
        return False

    md = build_markdown()
    md.block.ruler.before("fence", "spy", spy)
    assert md.render("# a\n\n> b\n\nc\n") == build_markdown().render("# a\n\n> b\n\nc\n")
    assert {"#", ">", "b", "c"} <= set(lines)


def test_walk_types_finds_what_a_full_walk_finds() -> None:
    """A scan that looks into an inline only when its text holds a first character of
    the wanted tokens finds every one of them, on the lines a full walk gives."""
    from recapdesk.core.markdown.tokens import walk, walk_types

    wanted = {"image": "image", "wikilink": "wikilink", "html_inline": "html_inline",
              "spoiler": "spoiler_open", "link": "link_open"}
    starts = "".join(FIRST_CHARACTERS[rule] for rule in wanted)
    types = set(wanted.values()) | {"heading_open", "container_spoiler_open"}
    md = build_markdown()
    rng = random.Random(20261204)
    texts = [p.read_text("utf-8") for p in SAMPLES]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
              for _ in range(2000)]
    found = 0
    for text in texts:
        tokens = md.parse(text)
        full = [(loc.token, loc.line) for loc in walk(tokens) if loc.token.type in types]
        assert list(walk_types(tokens, types, starts)) == full, repr(text)
        found += len(full)
    assert found > 1000
