"""Front matter: split from the body, parsed round-trip, and edited line by line."""

from __future__ import annotations

import pytest

from recapdesk.core import frontmatter
from tests.core.conftest import changed_lines, episode


def test_set_front_values_touches_only_those_lines() -> None:
    text = episode("Old: Title", 3, extra="directors: [A, B]  # flow style\ncustom: {k: v}\n")
    new = frontmatter.set_values(text, {"title": 'New "Title" #1', "status": "draft"})
    assert changed_lines(text, new) == [
        ('title: "Old: Title"   # the headline', 'title: "New \\"Title\\" #1" # the headline'),
        ("status: final             # draft | final", "status: draft             # draft | final"),
    ]


def test_set_front_values_adds_a_missing_key_and_front_matter() -> None:
    assert frontmatter.set_values("---\ntitle: x\n---\nbody\n", {"episode": 2}) == (
        "---\ntitle: x\nepisode: 2\n---\nbody\n")
    assert frontmatter.set_values("just a body\n", {"title": "T"}) == (
        "---\ntitle: T\n---\njust a body\n")


def test_set_front_values_multiline_value_falls_back_to_yaml() -> None:
    text = "---\ntitle: >-\n  A folded\n  title\nseason: 1 # kept\n---\nbody\n"
    new = frontmatter.set_values(text, {"title": "Short"})
    assert new.endswith("---\nbody\n")
    assert "season: 1 # kept" in new
    assert "Short" in new and "folded" not in new


def test_a_shorter_value_leaves_the_comment_where_the_gap_puts_it() -> None:
    text = "---\nspoilers: major   # none | minor | major\n---\n"
    assert frontmatter.set_values(text, {"spoilers": "none"}) == (
        "---\nspoilers: none   # none | minor | major\n---\n")


def test_a_missing_key_goes_after_the_first_key_asked_for() -> None:
    text = "---\ntitle: T\nseason: 1\n# a note\ndate: 2024-01-01\n---\nbody\n"
    assert frontmatter.set_values(text, {"runtime": 50}, after=("episode", "season")) == (
        "---\ntitle: T\nseason: 1\nruntime: 50\n# a note\ndate: 2024-01-01\n---\nbody\n")


@pytest.mark.parametrize(("text", "lines"), [
    ("body\n", 0),
    ("---\ntitle: x\n---\nbody\n", 3),
    ("---\r\ntitle: x\r\n...\r\n", 3),
    ("---\ntitle: x\n---", 3),
    ("---\ntitle: x\nnever closed\n", 0),
])
def test_block_lines_is_where_the_body_starts(text: str, lines: int) -> None:
    assert frontmatter.block_lines(text) == lines


def test_value_reads_a_key_or_nothing() -> None:
    assert frontmatter.value("---\nspoilers: 'minor'\n---\n", "spoilers") == "minor"
    assert frontmatter.value("---\nseo:\n  spoilers: none\n---\n", "spoilers") is None
    assert frontmatter.value("---\nspoilers: major\n", "spoilers") is None  # never closed


def _split_by_every_line(text: str) -> frontmatter.Split:
    """The reference: cut at the fences found among all the file's lines."""
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != frontmatter.FENCE:
        return frontmatter.Split("", text, 1, False, newline)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in (frontmatter.FENCE, "..."):
            return frontmatter.Split("".join(lines[1:i]), "".join(lines[i + 1:]), i + 2,
                                     True, newline)
    raise frontmatter.FrontMatterError("never closed", 1)


def test_split_looks_at_the_head_and_cuts_where_every_line_would() -> None:
    """Front matter is looked for in a file's first characters; the cut is the one the
    file's every line gives, whatever its line breaks and wherever the head ends."""
    import random

    def cut(split, text: str):
        try:
            return split(text)
        except frontmatter.FrontMatterError:
            return "never closed"

    rng = random.Random(20261204)
    pieces = ["---", "...", "\n", "\r\n", "\r", "\x85", "\u2028", "\x0b", "\x0c", "\x1c",
              "title: x", " ", "-- ", "----", "x" * 5000]
    texts = []
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.5:
            text = "---\n" + text
        if rng.random() < 0.3:
            text += "x" * rng.choice([8000, 8191, 8192, 8193, 9000])
        texts.append(text)
    for width in range(8180, 8200):  # a fence across the end of the head
        for end in ("\n", "\r\n", "\r"):
            texts.append(f"---{end}{'a' * width}{end}---{end}body")
            texts.append(f"---{end}{'b' * (width - 8)}{end}...{end}{'c' * 9000}")
    for text in texts:
        assert cut(frontmatter.split, text) == cut(_split_by_every_line, text), repr(text[:80])
