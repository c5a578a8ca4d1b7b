"""Find and replace over one text and over many (`recapdesk.core.search`)."""

from __future__ import annotations

import pytest

from recapdesk.core.search import (
    Match,
    Query,
    find_all,
    find_next,
    iter_spans,
    replace_all,
    replace_in_texts,
)

TEXTS = {
    "s01e01": "Seo-rin hears the horn.\nThe horn sounds at 6:02.\n",
    "s01e02": "No horns tonight.\nA HORN in the fog.",
    "s01e03": "Nothing here.",
}


def test_literal_search_is_case_insensitive_by_default() -> None:
    matches = find_all(TEXTS, Query("horn"))
    assert [(m.key, m.line, m.start, m.end) for m in matches] == [
        ("s01e01", 0, 18, 22), ("s01e01", 1, 4, 8), ("s01e02", 0, 3, 7), ("s01e02", 1, 2, 6)]
    first = matches[0]
    assert first.line_text == "Seo-rin hears the horn."
    assert first.line_text[first.start:first.end] == "horn"
    assert TEXTS["s01e02"][matches[3].offset:matches[3].offset + matches[3].length] == "HORN"


def test_case_sensitive_and_whole_word() -> None:
    assert len(find_all(TEXTS, Query("horn", case_sensitive=True))) == 3
    whole = find_all(TEXTS, Query("horn", whole_word=True))
    assert [(m.key, m.line) for m in whole] == [("s01e01", 0), ("s01e01", 1), ("s01e02", 1)]


def test_literal_pattern_is_not_a_regex() -> None:
    assert find_all({"a": "cost: $5 (approx.)"}, Query("$5 (approx.)")) == [
        Match("a", 0, 6, 18, "cost: $5 (approx.)", 6, 12)]


def test_regex_search_with_multiline_anchors() -> None:
    matches = find_all(TEXTS, Query(r"^the \w+", regex=True))
    assert [(m.key, m.line, m.line_text[m.start:m.end]) for m in matches] == [
        ("s01e01", 1, "The horn")]


def test_regex_whole_word_with_alternation() -> None:
    text = {"x": "cat concat cats dog"}
    matches = find_all(text, Query("cat|dog", regex=True, whole_word=True))
    assert [text["x"][m.offset:m.offset + m.length] for m in matches] == ["cat", "dog"]


def test_match_over_line_end_is_clipped_to_its_line() -> None:
    (m,) = find_all({"k": "one\ntwo"}, Query(r"one\ntw", regex=True))
    assert (m.line, m.start, m.end, m.line_text, m.offset, m.length) == (0, 0, 3, "one", 0, 6)


def test_crlf_lines_do_not_show_the_carriage_return() -> None:
    (m,) = find_all({"k": "a\r\nthe end\r\n"}, Query("end"))
    assert (m.line, m.line_text, m.start) == (1, "the end", 4)


def test_empty_pattern_and_empty_matches_find_nothing() -> None:
    assert find_all(TEXTS, Query("")) == []
    assert find_all({"k": "abc"}, Query("x*", regex=True)) == []


def test_unicode_text() -> None:
    matches = find_all({"k": "마을 방송 and 마을"}, Query("마을"))
    assert [(m.start, m.end) for m in matches] == [(0, 2), (10, 12)]


@pytest.mark.parametrize("pattern", ["(", "[a-", "a{2,1}", "*x", "(?P<n>a)(?P<n>b)"])
def test_bad_regex_raises_a_clear_value_error(pattern: str) -> None:
    query = Query(pattern, regex=True)
    with pytest.raises(ValueError, match=r"^Bad regular expression: .+") as info:
        find_all(TEXTS, query)
    assert "Traceback" not in str(info.value)
    assert query.error() == str(info.value)
    with pytest.raises(ValueError):
        replace_all("text", query, "x")


def test_bad_regex_message_says_where() -> None:
    assert Query("ab(c", regex=True).error() == (
        "Bad regular expression: missing ), unterminated subpattern (at character 3)")
    assert Query("ab(c").error() is None  # literal: fine


def test_replace_all_literal() -> None:
    new, count = replace_all("The horn, the HORN, a horns.", Query("horn"), "bell")
    assert (new, count) == ("The bell, the bell, a bells.", 3)


def test_replace_all_literal_replacement_is_not_a_template() -> None:
    assert replace_all("a.b", Query("."), r"\1$&") == (r"a\1$&b", 1)


def test_replace_all_regex_with_groups() -> None:
    query = Query(r"Episode (\d+)", regex=True, case_sensitive=True)
    assert replace_all("Episode 3 and Episode 12, episode 4", query, r"Ep. \1") == (
        "Ep. 3 and Ep. 12, episode 4", 2)
    named = Query(r"(?P<first>\w+)-(?P<second>\w+)", regex=True)
    assert replace_all("Seo-rin", named, r"\g<second> \g<first>") == ("rin Seo", 1)


def test_replace_all_whole_word_and_no_match() -> None:
    query = Query("cat", whole_word=True)
    assert replace_all("cat concat cat.", query, "dog") == ("dog concat dog.", 2)
    assert replace_all("nothing", query, "dog") == ("nothing", 0)


def test_replace_all_bad_group_reference() -> None:
    with pytest.raises(ValueError, match="Bad replacement"):
        replace_all("abc", Query("b", regex=True), r"\2")


def test_replace_all_skips_empty_matches() -> None:
    assert replace_all("abc", Query("x*", regex=True), "-") == ("abc", 0)


def test_replace_in_texts_reports_only_changed() -> None:
    out = replace_in_texts(TEXTS, Query("horn", whole_word=True), "bell")
    assert set(out) == {"s01e01", "s01e02"}
    assert out["s01e02"] == ("No horns tonight.\nA bell in the fog.", 1)


def test_find_next_forward_backward_and_wrap() -> None:
    text = "one two one two one"
    q = Query("one")
    assert find_next(text, q, 0) == (0, 3)
    assert find_next(text, q, 1) == (8, 11)
    assert find_next(text, q, 17) == (0, 3)  # wraps
    assert find_next(text, q, 17, wrap=False) is None
    assert find_next(text, q, 8, backward=True) == (0, 3)
    assert find_next(text, q, 0, backward=True) == (16, 19)  # wraps to the last
    assert list(iter_spans(text, q)) == [(0, 3), (8, 11), (16, 19)]


def test_query_is_hashable_value() -> None:
    assert Query("a", regex=True) == Query("a", regex=True)
    assert len({Query("a"), Query("a"), Query("b")}) == 2
