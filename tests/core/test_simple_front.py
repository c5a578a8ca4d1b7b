"""The quick front matter reader builds exactly what the full YAML loader builds."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from recapdesk.core import frontmatter
from recapdesk.core.simple_front import parse_simple

SAMPLE = """title: "Last Ferry to Udo Episode 3 Recap: Storm Warning"
season: 1
episode: 3
runtime: 56                 # minutes
spoilers: major
status: final               # draft | final — drafts stay out of the site
rating: 5
excerpt: 'In Episode 3, a typhoon shuts the ferries down.'
cover: ../stills/s01e03-02.jpg
date: 2024-03-20
draft_ok: false
video: null
tagline: "soundtrack 1 # 4"  # a quoted value may hold a #
language: C#
"""


def full(text: str):
    return frontmatter._yaml().load(text)


def marks(token) -> list[tuple]:
    return [(m.name, m.index, m.line, m.column, m.pointer, m.buffer)
            for m in (token.start_mark, token.end_mark)]


def comments(data) -> list[tuple]:
    """Every comment the mapping holds: where it hangs, its text and its place."""
    found = [(key, i, tok.value, *marks(tok)) for key, item in data.ca.items.items()
             for i, tok in enumerate(item) if tok is not None]
    return [*found, ("comment", data.ca.comment), ("end", data.ca.end)]


def same(fast, slow) -> None:
    assert fast is not None
    assert comments(fast) == comments(slow)
    assert list(fast.items()) == list(slow.items())
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
    assert fast.lc.data == slow.lc.data
    assert (fast.lc.line, fast.lc.col) == (slow.lc.line, slow.lc.col)
    assert frontmatter.dump(fast) == frontmatter.dump(slow)
    for data in (fast, slow):  # and a change is saved alike
        data["status"] = "draft"
        data.insert(1, "keyphrase", "Udo")
    assert frontmatter.dump(fast) == frontmatter.dump(slow)


def test_a_typical_front_matter_reads_as_the_full_loader_reads_it() -> None:
    fast = parse_simple(SAMPLE)
    assert fast["date"] == datetime.date(2024, 3, 20) and fast["rating"] == 5
    assert fast.lc.key("cover") == (8, 0) and fast.lc.value("title") == (0, 7)
    assert fast.ca.items["runtime"][2].value == "# minutes\n"
    same(fast, full(SAMPLE))
    assert frontmatter.parse(SAMPLE) == full(SAMPLE)


def test_anything_else_is_left_to_the_full_loader() -> None:
    for text in ["# a comment line\na: 1\n", "a: 1\n# a comment line\n",
                 "a: x\t# a tab before\n", "a: \"x\"# no space\n", "a: # no value\n",
                 "tags: [a, b]\n", "cast:\n  - A\n",
                 "a: 1\n\nb: 2\n", "rating: 4.5\n", "a: \"x\\ty\"\n", "a: 'it''s'\n",
                 "a: 0o17\n", "a: 1\na: 2\n", "a: b: c\n",
                 "a: *x\n", "a: |\n  x\n", "true: 1\n", "a: 1", "a:  x \n",
                 "a: 2024-02-30\n", "a: .inf\n", "a: 1e3\n", "a: x\r\n", "a:\n",
                 "a: \u200bx\n", "a: 007\n", "a: -0\n"]:
        assert parse_simple(text) is None, text


KEYS = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
PLAIN = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .,:!?()/'#\-]{0,30}", fullmatch=True)
COMMENTS = st.one_of(st.just(""), st.tuples(
    st.sampled_from([" ", "  ", "        "]),
    st.from_regex(r"#[ -~우도행막배—]{0,20}", fullmatch=True)).map("".join))
VALUES = st.one_of(
    PLAIN,
    PLAIN.map(lambda s: f'"{s}"'), PLAIN.map(lambda s: f"'{s}'"),
    st.integers(-10**6, 10**6).map(str),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 1, 1)).map(str),
    st.sampled_from(["true", "False", "NULL", "~", "null", "yes", "no", "on",
                     "1.5", "0x1F", "1_000", "+3", ".5", "2024-1-2", "12:30",
                     "TRUE", "nan", ".NaN", "<<", "="]),
)


@given(st.lists(st.tuples(KEYS, st.sampled_from([" ", "  "]), VALUES, COMMENTS),
                min_size=1, max_size=8, unique_by=lambda kv: kv[0]))
@settings(max_examples=600, deadline=None)
def test_whatever_it_reads_it_reads_as_the_full_loader(lines) -> None:
    text = "".join(f"{k}:{gap}{v}{comment}\n" for k, gap, v, comment in lines)
    fast = parse_simple(text)
    try:
        slow = full(text)
    except Exception:
        assert fast is None, text
        return
    if fast is not None:
        same(fast, slow)
