"""The Qt-free transforms behind the editor's spoiler helpers and list continuation."""

from __future__ import annotations

import pytest

from recapdesk.core import editing
from recapdesk.core.editing import (
    apply_edits,
    changed_range,
    containers,
    continue_list,
    insert_spoiler_warning,
    list_continuation,
    set_spoiler_level,
    spoiler_level,
    spoiler_warning,
    unwrap_spoiler,
    wrap_inline_spoiler,
    wrap_spoiler_block,
)
from recapdesk.core.markdown import build_markdown

TWO_PARAS = "Jun-ho takes the boat out.\n\nThe fog comes down fast.\nHe hears a horn.\n\nThe end."


def at(text: str, needle: str, offset: int = 0) -> int:
    """Offset of `needle` in `text` (plus `offset`)."""
    i = text.index(needle)
    return i + offset


# ----------------------------------------------------------------- inline spoiler


def test_inline_collapsed_cursor_wraps_the_word_under_it() -> None:
    text = "Jun-ho takes the boat out."
    pos = at(text, "boat", 2)
    new, s, e = wrap_inline_spoiler(text, pos, pos)
    assert new == "Jun-ho takes the ||boat|| out."
    assert (s, e) == (pos + 2, pos + 2)


def test_inline_collapsed_cursor_keeps_hyphens_and_apostrophes_in_the_word() -> None:
    text = "It is Seo-rin's tape."
    pos = at(text, "rin")
    assert wrap_inline_spoiler(text, pos, pos)[0] == "It is ||Seo-rin's|| tape."


def test_inline_collapsed_cursor_between_words_inserts_empty_markers() -> None:
    text = "One  two"
    assert wrap_inline_spoiler(text, 4, 4) == ("One |||| two", 6, 6)


def test_inline_partial_selection_keeps_spaces_outside() -> None:
    text = "It works: the two boats come round together."
    start, end = at(text, " the"), at(text, " together")  # spaces at both ends
    new, s, e = wrap_inline_spoiler(text, start, end)
    assert new == "It works: ||the two boats come round|| together."
    assert new[s:e] == "the two boats come round"


def test_inline_reversed_selection_is_the_same() -> None:
    text = "alpha beta gamma"
    assert wrap_inline_spoiler(text, 10, 6) == wrap_inline_spoiler(text, 6, 10)


def test_inline_multiline_selection_wraps_each_line_never_across_paragraphs() -> None:
    start, end = at(TWO_PARAS, "the boat"), at(TWO_PARAS, "He hears", 2)
    new, s, e = wrap_inline_spoiler(TWO_PARAS, start, end)
    assert new == ("Jun-ho takes ||the boat out.||\n\n||The fog comes down fast.||\n"
                   "||He|| hears a horn.\n\nThe end.")
    assert new[s:].startswith("the boat") and new[:e].endswith("He")
    html = build_markdown().render(new)
    assert html.count('<span class="spoiler"') == 3


def test_inline_selection_of_list_items_leaves_markers_outside() -> None:
    text = "- Will she sell?\n- Why the tape?\n1. [ ] first\n> quoted line\n## Heading"
    new, _, _ = wrap_inline_spoiler(text, 0, len(text))
    assert new == ("- ||Will she sell?||\n- ||Why the tape?||\n1. [ ] ||first||\n"
                   "> ||quoted line||\n## ||Heading||")


def test_inline_selection_skips_fence_lines() -> None:
    text = "::: spoiler Label\nSecret.\n:::"
    new, _, _ = wrap_inline_spoiler(text, 0, len(text))
    assert new == "::: spoiler Label\n||Secret.||\n:::"


def test_inline_spoiler_renders() -> None:
    text = "Out in the murk, the boats come home."
    new, _, _ = wrap_inline_spoiler(text, at(text, "the boats"), at(text, " come"))
    assert '<span class="spoiler" tabindex="0">the boats</span>' in build_markdown().render(new)


# ------------------------------------------------------------------ spoiler block


def test_block_on_collapsed_cursor_wraps_the_current_paragraph() -> None:
    pos = at(TWO_PARAS, "fog")
    new, s, e = wrap_spoiler_block(TWO_PARAS, pos, pos, "The rescue")
    assert new == ("Jun-ho takes the boat out.\n\n::: spoiler The rescue\n\n"
                   "The fog comes down fast.\nHe hears a horn.\n\n:::\n\nThe end.")
    assert new[s:].startswith("fog") and s == e
    html = build_markdown().render(new)
    assert '<details class="spoiler">\n<summary>The rescue</summary>' in html
    assert "<p>The fog comes down fast.\nHe hears a horn.</p>" in html


def test_block_without_label() -> None:
    new, _, _ = wrap_spoiler_block("Only one.", 0, 0)
    assert new == "::: spoiler\n\nOnly one.\n\n:::"
    assert "<summary>Spoiler</summary>" in build_markdown().render(new)


@pytest.mark.parametrize("label", [None, "", "   "])
def test_block_empty_label_means_no_label(label: str | None) -> None:
    assert wrap_spoiler_block("x", 0, 0, label)[0].startswith("::: spoiler\n")


def test_block_partial_selection_grows_to_whole_paragraph() -> None:
    start, end = at(TWO_PARAS, "comes"), at(TWO_PARAS, "comes", 5)
    new, s, e = wrap_spoiler_block(TWO_PARAS, start, end)
    assert "::: spoiler\n\nThe fog comes down fast.\nHe hears a horn.\n\n:::" in new
    assert new[s:e] == "comes"


def test_block_selection_across_two_paragraphs() -> None:
    start, end = at(TWO_PARAS, "boat"), at(TWO_PARAS, "fog")
    new, s, e = wrap_spoiler_block(TWO_PARAS, start, end, "Two")
    assert new == ("::: spoiler Two\n\nJun-ho takes the boat out.\n\nThe fog comes down fast.\n"
                   "He hears a horn.\n\n:::\n\nThe end.")
    assert new[s:e] == TWO_PARAS[start:end]


def test_block_selection_ending_at_line_start_leaves_that_line_out() -> None:
    text = "First.\n\nSecond.\n"
    new, _, _ = wrap_spoiler_block(text, 0, at(text, "Second"))
    assert new == "::: spoiler\n\nFirst.\n\n:::\n\nSecond.\n"


def test_block_keeps_one_blank_line_to_neighbours_without_one() -> None:
    text = "## Heading\nParagraph right under it.\n## Next"
    pos = at(text, "right")
    new, _, _ = wrap_spoiler_block(text, pos, pos)
    assert new == "## Heading\n\n::: spoiler\n\nParagraph right under it.\n\n:::\n\n## Next"


def test_block_inside_a_list_item_wraps_that_item() -> None:
    text = "- one\n- two\n  more of two\n- three"
    pos = at(text, "more")
    new, _, _ = wrap_spoiler_block(text, pos, pos)
    assert new == "- one\n\n::: spoiler\n\n- two\n  more of two\n\n:::\n\n- three"


def test_block_on_blank_line_inserts_empty_block_with_cursor_inside() -> None:
    text = "A.\n\n\n\nB."
    new, s, e = wrap_spoiler_block(text, 4, 4, "L")
    assert new == "A.\n\n::: spoiler L\n\n\n\n:::\n\nB."
    assert s == e and new[:s].endswith("::: spoiler L\n\n") and new[s:].startswith("\n\n:::")


def test_block_from_front_matter_goes_to_the_body() -> None:
    text = "---\ntitle: T\n---\nBody text.\n"
    new, _, _ = wrap_spoiler_block(text, 5, 5)
    assert new == "---\ntitle: T\n---\n\n::: spoiler\n\nBody text.\n\n:::\n"


def test_block_does_not_split_a_code_block() -> None:
    text = "```\ncode one\n\ncode two\n```"
    pos = at(text, "two")
    new, _, _ = wrap_spoiler_block(text, pos, pos)
    assert new == "::: spoiler\n\n```\ncode one\n\ncode two\n```\n\n:::"


# ------------------------------------------------------------------------ unwrap


def test_unwrap_inline_at_cursor() -> None:
    text = "It works: ||the boats come home||. Then ||more||."
    pos = at(text, "boats")
    new, s, e = unwrap_spoiler(text, pos, pos)
    assert new == "It works: the boats come home. Then ||more||."
    assert new[s:].startswith("boats")


def test_unwrap_inline_with_cursor_on_a_marker() -> None:
    text = "a ||b|| c"
    assert unwrap_spoiler(text, 2, 2)[0] == "a b c"
    assert unwrap_spoiler(text, 7, 7)[0] == "a b c"


def test_unwrap_inline_over_a_multiline_selection_removes_all_touched() -> None:
    start, end = at(TWO_PARAS, "the boat"), at(TWO_PARAS, "He hears", 2)
    wrapped, s, e = wrap_inline_spoiler(TWO_PARAS, start, end)
    new, _, _ = unwrap_spoiler(wrapped, s, e)
    assert new == TWO_PARAS


def test_unwrap_ignores_pipes_in_code_spans() -> None:
    text = "Use `a || b` and ||hide||."
    assert unwrap_spoiler(text, at(text, "hide"), at(text, "hide"))[0] == "Use `a || b` and hide."
    assert unwrap_spoiler(text, at(text, "a ||"), at(text, "a ||")) == (text, 5, 5)


def test_unwrap_block_restores_the_wrapped_text() -> None:
    pos = at(TWO_PARAS, "fog")
    wrapped, s, e = wrap_spoiler_block(TWO_PARAS, pos, pos, "Label")
    new, s2, e2 = unwrap_spoiler(wrapped, s, e)
    assert new == TWO_PARAS
    assert (s2, e2) == (pos, pos)


def test_unwrap_block_from_a_fence_line_and_sample_style() -> None:
    text = "Before.\n\n::: spoiler Who did it\n\nThe cook.\n\n:::\n\nAfter.\n"
    assert unwrap_spoiler(text, 9, 9)[0] == "Before.\n\nThe cook.\n\nAfter.\n"
    closing = at(text, ":::\n\nAfter")
    assert unwrap_spoiler(text, closing, closing)[0] == "Before.\n\nThe cook.\n\nAfter.\n"


def test_unwrap_tight_block_keeps_paragraphs_apart() -> None:
    text = "Before.\n::: spoiler\nInside.\n:::\nAfter."
    new, _, _ = unwrap_spoiler(text, at(text, "Inside"), at(text, "Inside"))
    assert new == "Before.\n\nInside.\n\nAfter."


def test_unwrap_block_at_end_of_file_without_newline() -> None:
    text = "A.\n\n::: spoiler\n\nB.\n\n:::"
    assert unwrap_spoiler(text, at(text, "B."), at(text, "B."))[0] == "A.\n\nB."


def test_unwrap_innermost_spoiler_block_only_and_never_also_read() -> None:
    text = "::: also-read\n\n- [[s01e01]]\n\n:::"
    pos = at(text, "s01")
    assert unwrap_spoiler(text, pos, pos) == (text, pos, pos)
    nested = "::: spoiler Outer\n\nOuter text.\n\n:::: also-read\n\nLink.\n\n::::\n\n:::"
    pos = at(nested, "Link")
    assert unwrap_spoiler(nested, pos, pos)[0] == (
        "Outer text.\n\n:::: also-read\n\nLink.\n\n::::")


def test_unwrap_outside_any_spoiler_changes_nothing() -> None:
    assert unwrap_spoiler(TWO_PARAS, 3, 3) == (TWO_PARAS, 3, 3)


def test_containers_lists_blocks_and_skips_code() -> None:
    text = "::: spoiler A\nx\n:::\n```\n::: spoiler\n```\n::: also-read\ny\n:::"
    found = containers(text)
    assert [(c.open_line, c.close_line, c.kind, c.label) for c in found] == [
        (0, 2, "spoiler", "A"), (6, 8, "also-read", "")]


# ---------------------------------------------------------------- warning, level


def test_spoiler_warning_lines() -> None:
    assert spoiler_warning("major") == "– This recap contains major spoilers! –"
    assert spoiler_warning("minor") == "– This recap contains minor spoilers! –"
    assert spoiler_warning("none") == ""
    with pytest.raises(ValueError, match="none, minor or major"):
        spoiler_warning("huge")


def test_insert_warning_before_the_current_paragraph() -> None:
    text = "---\ntitle: T\n---\nFirst paragraph.\n\nSecond."
    pos = at(text, "paragraph")
    new, s, _ = insert_spoiler_warning(text, pos, pos, "minor")
    assert new == ("---\ntitle: T\n---\n– This recap contains minor spoilers! –\n\n"
                   "First paragraph.\n\nSecond.")
    assert new[:s].endswith("spoilers! –")


def test_insert_warning_on_blank_line_and_after_paragraph_end() -> None:
    assert insert_spoiler_warning("A.\n\n\n\nB.", 4, 4)[0] == (
        "A.\n\n– This recap contains major spoilers! –\n\nB.")
    assert insert_spoiler_warning("A.\n\nB.", 2, 2)[0] == (
        "A.\n\n– This recap contains major spoilers! –\n\nB.")


def test_insert_warning_for_none_does_nothing() -> None:
    assert insert_spoiler_warning("A.", 0, 0, "none") == ("A.", 0, 0)


EPISODE = (
    "---\n"
    'title: "Ep 4: Sweet and Small"  # keep me\n'
    "season: 1\n"
    "episode: 4\n"
    "runtime: 53                 # minutes\n"
    "status: final\n"
    "---\n"
    "Body with spoilers: major in it.\n"
)


def test_set_level_adds_missing_key_after_runtime() -> None:
    new = set_spoiler_level(EPISODE, "minor")
    assert new == EPISODE.replace("# minutes\n", "# minutes\nspoilers: minor\n")
    assert spoiler_level(new) == "minor"


def test_set_level_changes_only_the_value() -> None:
    text = EPISODE.replace("status: final\n", "spoilers: major             # none | minor\n"
                           "status: final\n")
    new = set_spoiler_level(text, "none")
    assert new == text.replace("spoilers: major ", "spoilers: none ", 1)
    start, old_end, inserted = changed_range(text, new)
    assert (text[start:old_end], inserted) == ("major", "none")
    assert set_spoiler_level(new, "none") == new


def test_set_level_quoted_value_and_crlf() -> None:
    text = "---\r\ntitle: X\r\nspoilers: 'minor'\r\nextra: [a, b]\r\n---\r\nbody\r\n"
    assert set_spoiler_level(text, "major") == text.replace("'minor'", "major")


def test_set_level_without_front_matter_adds_one() -> None:
    assert set_spoiler_level("Body.\n", "major") == "---\nspoilers: major\n---\nBody.\n"


def test_set_level_ignores_nested_and_body_keys() -> None:
    text = "---\nseo:\n  spoilers: none\n---\nspoilers: none\n"
    assert set_spoiler_level(text, "minor") == (
        "---\nseo:\n  spoilers: none\nspoilers: minor\n---\nspoilers: none\n")


def test_set_level_after_a_multiline_title() -> None:
    text = "---\ntitle: >\n  A long\n  title\ndate: 2024-01-01\n---\n"
    assert set_spoiler_level(text, "major") == (
        "---\ntitle: >\n  A long\n  title\nspoilers: major\ndate: 2024-01-01\n---\n")


def test_set_level_rejects_unknown_levels_and_unclosed_front_matter() -> None:
    with pytest.raises(ValueError):
        set_spoiler_level(EPISODE, "mild")
    with pytest.raises(ValueError, match="never closed"):
        set_spoiler_level("---\ntitle: x\n", "major")


def test_set_level_result_parses_with_the_core_front_matter() -> None:
    from recapdesk.core import frontmatter

    new = set_spoiler_level(EPISODE, "major")
    parts = frontmatter.split(new)
    data = frontmatter.parse(parts.front_text)
    assert data["spoilers"] == "major" and data["runtime"] == 53
    assert parts.body == "Body with spoilers: major in it.\n"


# ------------------------------------------------------------- list continuation


@pytest.mark.parametrize(("line", "column", "expected"), [
    ("- item", 6, ("- item\n- ", 9)),
    ("* item", 6, ("* item\n* ", 9)),
    ("+ item", 6, ("+ item\n+ ", 9)),
    ("1. first", 8, ("1. first\n2. ", 12)),
    ("9) ninth", 8, ("9) ninth\n10) ", 13)),
    ("  - nested", 10, ("  - nested\n  - ", 15)),
    ("- [x] done", 10, ("- [x] done\n- [ ] ", 17)),
    ("- [ ] todo", 10, ("- [ ] todo\n- [ ] ", 17)),
    ("> quote", 7, ("> quote\n> ", 10)),
    ("> - in quote", 12, ("> - in quote\n> - ", 17)),
    ("- split here", 7, ("- split\n- here", 10)),
])
def test_list_continuation(line: str, column: int, expected: tuple[str, int]) -> None:
    assert list_continuation(line, column) == expected


@pytest.mark.parametrize("line", ["- ", "-", "1. ", "- [ ] ", "  * "])
def test_enter_on_empty_item_ends_the_list(line: str) -> None:
    assert list_continuation(line, len(line)) == ("\n", 1)


def test_enter_on_empty_quote_line_ends_the_quote() -> None:
    assert list_continuation("> ", 2) == ("\n", 1)
    assert list_continuation("> - ", 4) == (">\n> ", 4)


@pytest.mark.parametrize(("line", "column"), [
    ("plain text", 5), ("- item", 1), ("*emphasis* start", 16), ("---", 3), ("1.5 million", 11),
])
def test_no_continuation(line: str, column: int) -> None:
    assert list_continuation(line, column) is None


def test_continue_list_in_a_whole_text() -> None:
    text = "Intro.\n\n- one\n- two"
    assert continue_list(text, len(text), len(text)) == (text + "\n- ", len(text) + 3,
                                                         len(text) + 3)
    assert continue_list(text, 2, 4) is None  # a selection: plain Enter


def test_no_continuation_in_code_or_front_matter() -> None:
    text = "---\ntags:\n  - a\n---\n```\n- code\n```"
    assert continue_list(text, at(text, "- a", 3), at(text, "- a", 3)) is None
    assert continue_list(text, at(text, "- code", 6), at(text, "- code", 6)) is None


# ------------------------------------------------------------------- utilities


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("abc", "abc", (3, 3, "")),
    ("abc", "aXc", (1, 2, "X")),
    ("abc", "abcd", (3, 3, "d")),
    ("aaa", "aaaa", (3, 3, "a")),
    ("hello world", "hello ||world||", (6, 11, "||world||")),
    ("", "x", (0, 0, "x")),
])
def test_changed_range(old: str, new: str, expected: tuple[int, int, str]) -> None:
    start, end, inserted = changed_range(old, new)
    assert old[:start] + inserted + old[end:] == new
    assert (start, end, inserted) == expected


def test_apply_edits_maps_points() -> None:
    new, points = apply_edits("abcdef", [(1, 2, "XX"), (4, 4, "!")], [0, 1, 3, 4, 6])
    assert new == "aXXcd!ef"
    assert points == [0, 1, 4, 5, 8]  # 1: at the edit's start, stays before it


def test_module_is_qt_free() -> None:
    assert "PySide6" not in editing.__dict__
    source = open(editing.__file__, encoding="utf-8").read()
    assert "PySide6" not in source and "Qt" not in source.replace("Qt-free", "")


def test_unwrap_block_around_list_items_makes_the_list_whole_again() -> None:
    text = "- one\n- two\n  more of two\n- three"
    pos = at(text, "more")
    wrapped, s, e = wrap_spoiler_block(text, pos, pos)
    assert unwrap_spoiler(wrapped, s, e)[0] == text
    other = "- one\n\n::: spoiler\n\n1. two\n\n:::\n\nAfter."
    assert unwrap_spoiler(other, at(other, "two"), at(other, "two"))[0] == (
        "- one\n\n1. two\n\nAfter.")
