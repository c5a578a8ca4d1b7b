"""The outline core: headings at file lines, word counts, sections, moves, renumbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from recapdesk.core.markdown import build_markdown
from recapdesk.core.model import Episode
from recapdesk.core.outline import (
    Heading,
    analyze,
    count_plain_words,
    count_recap_words,
    move_section,
    outline,
    reading_minutes,
    renumber,
    section_range,
)
from recapdesk.core.project import open_project

FRONT = '---\ntitle: "Show Episode 2 Recap: Test"\nseason: 1\nepisode: 2\n---\n'

DOC = FRONT + """Intro paragraph with *some* words.

## Alpha

Alpha text.

### Alpha detail

Detail text.

## Beta

Beta text.

## Gamma

Gamma text.
"""


def lines_of(text: str) -> list[str]:
    return text.split("\n")


# --- headings ---------------------------------------------------------------------

def test_heading_lines_are_file_lines() -> None:
    heads = outline(DOC)
    assert [h.title for h in heads] == ["Alpha", "Alpha detail", "Beta", "Gamma"]
    assert [h.level for h in heads] == [2, 3, 2, 2]
    lines = lines_of(DOC)
    for h in heads:
        assert lines[h.line] == "#" * h.level + " " + h.title


def test_heading_is_a_named_tuple_with_the_renderer_anchor() -> None:
    text = FRONT + "## Final Thoughts!\n\ntext\n\n## Final Thoughts!\n"
    heads = outline(text)
    assert heads[0] == Heading(2, "Final Thoughts!", 5, "final-thoughts")
    assert heads[1].anchor == "final-thoughts-2"
    html = build_markdown().render(text.split("---\n", 2)[2])
    for h in heads:
        assert f'id="{h.anchor}"' in html


def test_outline_of_sample_matches_its_file_lines(sample_project: Path) -> None:
    series = open_project(sample_project)
    for ep in series.episodes:
        text = ep.path.read_text("utf-8")
        heads = outline(text)
        assert heads, ep.path.name
        lines = text.splitlines()
        for h in heads:
            assert lines[h.line] == f"{'#' * h.level} {h.title}"
    last = outline(series.episodes[-1].path.read_text("utf-8"))
    assert last[-1].title == "Final Thoughts on Last Ferry to Udo Episode 4"


def test_setext_crlf_and_inline_markup_in_headings() -> None:
    text = ("---\r\ntitle: x\r\n---\r\nIntro\r\n\r\nThe *Big* [[s01e01|Day]]\r\n===\r\n\r\n"
            "## `code` and ||hidden||\r\n")
    heads = outline(text)
    assert [(h.level, h.title, h.line) for h in heads] == [
        (1, "The Big Day", 5), (2, "code and hidden", 8)]


def test_headings_without_front_matter_and_unclosed_front_matter() -> None:
    assert outline("# One\n\ntext\n")[0].line == 0
    broken = "---\ntitle: x\n\n## Still Seen\n"
    assert [(h.title, h.line) for h in outline(broken)] == [("Still Seen", 3)]


def test_code_fences_and_containers() -> None:
    text = FRONT + "```\n## not a heading\n```\n\n::: spoiler Twist\n\n### Inside\n\n:::\n"
    heads = outline(text)
    assert [h.title for h in heads] == ["Inside"]
    info = analyze(text)
    assert info.depths == (1,)
    assert not info.movable(heads[0].line)


# --- words ------------------------------------------------------------------------

def test_word_count_english_excludes_front_matter_syntax_urls_and_images() -> None:
    text = (FRONT + "## Two Words\n\nThe *quick* **brown** fox [jumps](https://example.com/x) "
            "over <https://example.com/auto> the `lazy` dog.\n\n"
            '![A long alt text here](../stills/a.jpg "A caption too")\n\n'
            "- one\n- two\n\nSee www.example.com/page and ||a secret|| [[s01e01]].\n")
    # Two Words (2) + The quick brown fox jumps over the lazy dog (9) + one two (2)
    # + See and a secret s01e01 (5)
    assert count_recap_words(text) == 18


def test_word_count_ignores_front_matter() -> None:
    assert count_recap_words(FRONT) == 0
    assert count_recap_words(FRONT + "one two three\n") == 3


def test_word_count_korean_by_spaces() -> None:
    text = FRONT + "우도행 막배는 네 편짜리 드라마다.\n\n## 마지막 회\n"
    assert count_recap_words(text) == 5 + 2


def test_word_count_japanese_by_characters() -> None:
    text = FRONT + "最終回はとても良かった。\n"
    # 11; the full stop is not a word
    assert count_recap_words(text) == len("最終回はとても良かった")


def test_word_count_mixed_scripts() -> None:
    assert count_plain_words("Seo-rin 日本 우도 ok, 6:02 p.m. — !") == 7


def test_word_count_of_sample_episode(sample_project: Path) -> None:
    text = (sample_project / "episodes" / "s01e04.md").read_text("utf-8")
    words = count_recap_words(text)
    assert 450 < words < 700
    body = text.split("---\n", 2)[2]
    assert words < len(body.split())  # markup, URLs and image alt text are left out


def test_reading_minutes() -> None:
    assert reading_minutes(0) == 1
    assert reading_minutes(100) == 1
    assert reading_minutes(230) == 1
    assert reading_minutes(460) == 2
    assert reading_minutes(2300) == 10


# --- sections ---------------------------------------------------------------------

def test_section_range() -> None:
    lines = lines_of(DOC)
    alpha, detail, beta, gamma = (h.line for h in outline(DOC))
    assert section_range(DOC, alpha) == (alpha, beta)
    assert section_range(DOC, detail) == (detail, beta)
    assert section_range(DOC, gamma) == (gamma, len(DOC.splitlines()))
    assert lines[beta] == "## Beta"
    with pytest.raises(ValueError):
        section_range(DOC, alpha + 1)


def test_move_section_before_another_heading() -> None:
    alpha, _, beta, gamma = (h.line for h in outline(DOC))
    moved = move_section(DOC, gamma, alpha)
    assert [h.title for h in outline(moved)] == ["Gamma", "Alpha", "Alpha detail", "Beta"]
    assert moved == FRONT + """Intro paragraph with *some* words.

## Gamma

Gamma text.

## Alpha

Alpha text.

### Alpha detail

Detail text.

## Beta

Beta text.
"""


def test_move_section_round_trips_exactly() -> None:
    heads = {h.title: h.line for h in outline(DOC)}
    moved = move_section(DOC, heads["Alpha"], -1)  # to the end
    assert [h.title for h in outline(moved)] == ["Beta", "Gamma", "Alpha", "Alpha detail"]
    assert moved.endswith("## Gamma\n\nGamma text.\n\n## Alpha\n\nAlpha text.\n\n"
                          "### Alpha detail\n\nDetail text.\n")
    back = {h.title: h.line for h in outline(moved)}
    assert move_section(moved, back["Alpha"], back["Beta"]) == DOC


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_every_move_round_trips(newline: str, final_newline: bool) -> None:
    text = DOC.replace("\n", newline)
    if not final_newline:
        text = text.rstrip("\r\n")
    heads = [h for h in outline(text) if h.level == 2]
    count = len(text.splitlines())
    for h in heads:
        start, end = section_range(text, h.line)
        for target in [*[t.line for t in heads], count]:
            if target == start or target == end or (target == count and end == count):
                assert move_section(text, h.line, target) == text
                continue
            moved = move_section(text, h.line, target)
            assert sorted(moved.splitlines()) == sorted(text.splitlines())
            assert moved.endswith(newline) == final_newline
            assert newline == "\r\n" or "\r" not in moved
            # move it back before the heading that followed it, or to the end
            new_line = next(x.line for x in outline(moved) if x.title == h.title)
            follower = [x for x in heads if x.line == end]
            back_target = (next(x.line for x in outline(moved) if x.title == follower[0].title)
                           if follower else -1)
            assert move_section(moved, new_line, back_target) == text


def test_move_section_to_the_end_is_a_no_op_for_the_last_section() -> None:
    gamma = outline(DOC)[-1].line
    assert move_section(DOC, gamma, len(DOC.splitlines())) == DOC
    alpha = outline(DOC)[0].line
    assert move_section(DOC, alpha, alpha) == DOC


def test_move_section_keeps_blank_line_separation_sane() -> None:
    text = "# A\ntext a\n## B\ntext b\n## C\ntext c"
    heads = {h.title: h.line for h in outline(text)}
    moved = move_section(text, heads["C"], heads["B"])
    assert moved == "# A\ntext a\n\n## C\ntext c\n\n## B\ntext b"


def test_move_section_refuses_bad_targets() -> None:
    alpha, detail, beta, _ = (h.line for h in outline(DOC))
    with pytest.raises(ValueError):
        move_section(DOC, alpha, detail)  # into itself
    with pytest.raises(ValueError):
        move_section(DOC, alpha + 2, beta)  # not a heading
    with pytest.raises(ValueError):
        move_section(DOC, alpha, beta + 2)  # target is not a heading
    nested = FRONT + "## A\n\n::: spoiler\n\n## Hidden\n\n:::\n\n## B\n"
    heads = {h.title: h.line for h in outline(nested)}
    with pytest.raises(ValueError):
        move_section(nested, heads["Hidden"], heads["A"])
    with pytest.raises(ValueError):
        move_section(nested, heads["B"], heads["Hidden"])
    # the top-level section holding the spoiler block moves with all of it
    moved = move_section(nested, heads["B"], heads["A"])
    assert moved == FRONT + "## B\n\n## A\n\n::: spoiler\n\n## Hidden\n\n:::\n"


FINAL_E04 = "Final Thoughts on Last Ferry to Udo Episode 4"


def test_move_section_in_sample_moves_text_verbatim(sample_project: Path) -> None:
    path = sample_project / "episodes" / "s01e04.md"
    text = path.read_text("utf-8")
    heads = {h.title: h.line for h in outline(text)}
    start, end = section_range(text, heads[FINAL_E04])
    section = "".join(text.splitlines(keepends=True)[start:end]).rstrip("\n")
    moved = move_section(text, heads[FINAL_E04], heads["Tape Number One"])
    assert section in moved
    assert moved.index(section) < moved.index("## Tape Number One")
    assert count_recap_words(moved) == count_recap_words(text)
    back = {h.title: h.line for h in outline(moved)}
    assert move_section(moved, back[FINAL_E04], len(moved.splitlines())) == text


# --- renumbering ------------------------------------------------------------------

def _ep(name: str, season: int | None, number: int | None) -> Episode:
    front = {}
    if season is not None:
        front["season"] = season
    if number is not None:
        front["episode"] = number
    return Episode(Path(f"/x/{name}.md"), front, "")


def test_renumber_within_seasons() -> None:
    a, b, c = _ep("a", 1, 1), _ep("b", 1, 2), _ep("c", 1, 3)
    x, y = _ep("x", 2, 1), _ep("y", 2, 2)
    pairs = renumber([c, a, y, b, x])
    assert [(e.stem, n) for e, n in pairs] == [("c", 1), ("a", 2), ("y", 1), ("b", 3), ("x", 2)]
    assert [(e.stem, n) for e, n in pairs if e.number != n] == [
        ("c", 1), ("a", 2), ("y", 1), ("b", 3), ("x", 2)]
    same = renumber([a, b, c])
    assert all(e.number == n for e, n in same)
