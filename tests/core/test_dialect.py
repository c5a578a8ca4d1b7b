"""The recap dialect, in markdown-it's fixture-file style: one file per plugin in
`fixtures/dialect/`, each case `title / . / markdown / . / html / .`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from recapdesk.core.markdown import ImageRef, LinkTarget, build_markdown, has_raw_html
from recapdesk.core.markdown.sanitize import sanitize
from recapdesk.core.model import Still

FIXTURES = Path(__file__).parent / "fixtures"
DIALECT_FIXTURES = FIXTURES / "dialect"

# fixture file -> what its expected HTML must show (extensions.md: the markdown-it
# extensions the factory enables; raw_html.md: hostile input, i.e. raw HTML through the
# allow-list and a javascript: link)
COVERAGE: dict[str, tuple[str, ...]] = {
    "spoilers.md": ('<details class="spoiler">', '<span class="spoiler" tabindex="0">',
                    "<table>"),
    "figures.md": ('<figure class="still">', "<figcaption>"),
    "wikilinks.md": ('<a class="wikilink"',),
    "also_read.md": ('<aside class="also-read">',),
    "headings.md": (' id="',),
    "links.md": (),
    "extensions.md": ("<s>", "footnote-ref"),
    "raw_html.md": (),
}

# (file, line, title, markdown, html) for every case of every file
DIALECT = [(path.name, *case) for path in sorted(DIALECT_FIXTURES.glob("*.md"))
           for case in read_fixture_file(path)]


@pytest.mark.parametrize(("file", "line", "title", "src", "expected"), DIALECT,
                         ids=[f"{c[0]}:{c[1]} {c[2]}" for c in DIALECT])
def test_dialect_fixture(file: str, line: int, title: str, src: str, expected: str) -> None:
    assert build_markdown().render(src) == expected


def test_fixture_files_cover_every_construct() -> None:
    assert sorted(p.name for p in DIALECT_FIXTURES.glob("*.md")) == sorted(COVERAGE)
    for file, needles in COVERAGE.items():
        cases = [c for c in DIALECT if c[0] == file]
        assert cases, f"{file} has no cases"
        html = "".join(c[4] for c in cases)
        for needle in needles:
            assert needle in html, (file, needle)


# --- CommonMark: the dialect never changes plain Markdown --------------------------

SPEC = json.loads((FIXTURES / "commonmark.json").read_text("utf-8"))
FIGURE = re.compile(r'<figure class="still">')


def dialect_adds_something(example: dict, ours: str) -> bool:
    """Examples where a dialect construct legitimately applies (stills, wikilinks)."""
    return bool(FIGURE.search(ours)) or "[[" in example["markdown"]


def strip_heading_ids(html: str) -> str:
    return re.sub(r'<(h[1-6]) id="[^"]*">', r"<\1>", html)


def test_commonmark_spec_examples_match_markdown_it() -> None:
    reference = MarkdownIt("commonmark")
    ours = build_markdown()
    checked = mismatched = 0
    failures = []
    for example in SPEC:
        expected = reference.render(example["markdown"])
        if has_raw_html(reference.parse(example["markdown"])):
            # raw HTML goes through the allow-list in the dialect
            expected = sanitize(expected)
        got = ours.render(example["markdown"])
        if dialect_adds_something(example, got):
            continue
        checked += 1
        if strip_heading_ids(got) != expected:
            mismatched += 1
            failures.append(example["example"])
    assert not failures, f"examples changed by the dialect: {failures}"
    assert checked > 600  # nearly all of the 652 examples are plain Markdown


def test_heading_ids_are_the_only_change_to_headings() -> None:
    html = build_markdown().render("# Hello *World*\n")
    assert html == '<h1 id="hello-world">Hello <em>World</em></h1>\n'


# --- options ---------------------------------------------------------------------------

def test_spoiler_free_drops_blocks_and_inline_spoilers() -> None:
    src = ("Intro ||hidden|| text.\n\n::: spoiler Twist\nSecret **reveal**.\n:::\n\n"
           "||Only||\n\nEnd.\n")
    html = build_markdown(spoiler_free=True).render(src)
    assert "hidden" not in html and "Secret" not in html and "Only" not in html
    assert "spoiler" not in html
    assert "<p>Intro  text.</p>" in html and "<p>End.</p>" in html


def test_source_lines_mark_blocks_with_file_lines() -> None:
    src = "# Title\n\nPara one.\n\n- item\n"
    html = build_markdown(source_lines=True, line_offset=10).render(src)
    assert '<h1 id="title" data-line="10" data-line-end="11">' in html
    assert '<p data-line="12" data-line-end="13">' in html
    assert '<ul data-line="14"' in html
    assert "data-line" not in build_markdown().render(src)


def test_images_resolve_through_the_resolver_with_size() -> None:
    def images(src: str) -> ImageRef | None:
        return ImageRef("images/a.jpg", 1600, 900) if src.endswith("a.jpg") else None

    html = build_markdown(images=images).render("![Alt](../stills/a.jpg)\n")
    assert html == ('<figure class="still"><img src="images/a.jpg" alt="Alt" width="1600" '
                    'height="900" loading="lazy" /></figure>\n')


def test_alt_and_caption_fall_back_to_stills_yaml() -> None:
    stills = {"a.jpg": Still("a.jpg", alt="From yaml", caption="Still From X Episode 1")}
    md = build_markdown(stills=stills)
    html = md.render("![](../stills/a.jpg)\n")
    assert 'alt="From yaml"' in html and "<figcaption>Still From X Episode 1</figcaption>" in html
    html = md.render('![Own alt](../stills/a.jpg "Own caption")\n')
    assert 'alt="Own alt"' in html and "<figcaption>Own caption</figcaption>" in html


def test_only_the_still_itself_takes_its_alt_and_caption() -> None:
    """stills.yaml describes files in stills/: a web image or one in another folder with
    the same file name keeps its own (empty) alt text and gets no caption."""
    stills = {"a.jpg": Still("a.jpg", alt="From yaml", caption="Still From X Episode 1")}
    md = build_markdown(stills=stills)
    for src in ("https://example.com/img/a.jpg", "../other/a.jpg", "a.jpg"):
        html = md.render(f"![]({src})\n")
        assert 'alt=""' in html and "figcaption" not in html, src
    assert 'alt="From yaml"' in md.render("![](../stills/a%2Ejpg)\n")


def test_wikilinks_use_project_titles_and_mark_missing_and_unpublished() -> None:
    table = {"s01e03": LinkTarget("s01e03.html", "Episode 3 Recap"),
             "s01e04": LinkTarget(None, "Draft recap")}

    md = build_markdown(episodes=lambda t: table.get(t.lower()))
    html = md.render("[[s01e03]] [[S01E03|prev]] [[s01e04]] [[s09e09]]\n")
    assert '<a class="wikilink" href="s01e03.html">Episode 3 Recap</a>' in html
    assert '<a class="wikilink" href="s01e03.html">prev</a>' in html
    assert '<span class="wikilink-unpublished">Draft recap</span>' in html
    assert '<span class="wikilink-missing">s09e09</span>' in html


def test_heading_shift_keeps_one_h1_for_the_page() -> None:
    html = build_markdown(heading_shift=1).render("# A\n\n## B\n\n###### C\n")
    assert "<h1" not in html
    assert '<h2 id="a">' in html and '<h3 id="b">' in html and '<h6 id="c">' in html


@pytest.mark.parametrize("src", [
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src='https://evil.example'></iframe>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<object data='x.swf'></object>",
    "[x](JAVASCRIPT:alert(1))",
    "![x](javascript:alert(1))",
    "<form action='https://evil.example'><input></form>",
])
def test_hostile_html_never_survives(src: str) -> None:
    html = build_markdown().render(src).lower()
    for bad in ("<script", "onerror", '="javascript:', "<iframe", "<object", "<form", "style="):
        assert bad not in html, (src, html)


def test_allowed_raw_html_is_kept() -> None:
    html = build_markdown().render("A <kbd>Ctrl</kbd> and <mark>this</mark>.\n")
    assert html == "<p>A <kbd>Ctrl</kbd> and <mark>this</mark>.</p>\n"
