"""Time notes (`[12:34] …` lines): shown in the preview with a link to the time, left out
of every export and of the word counts."""

from __future__ import annotations

from pathlib import Path

from recapdesk.cli import main as cli
from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.time_notes import note_seconds, time_note_line
from recapdesk.core.outline import analyze
from recapdesk.core.preview import render_preview
from recapdesk.core.project import open_project
from tests.core.conftest import append_body, read_page, run_export
from tests.core.test_export_hugo import make_site

NOTES = """
Intro paragraph about the ferry.
[12:34] She finds the *letter* under the seat
[1:02:03.500] Another thing to remember

[00:10]
Text after the notes.

- [00:20] in a list, this is text
"""


def test_preview_shows_notes_with_a_link_to_their_time() -> None:
    html = build_markdown(time_notes=True, source_lines=True).render(NOTES)
    assert '<div class="time-notes" data-line="2" data-line-end="4">' in html
    assert ('<a class="time-stamp" href="recap://time/754.000">12:34</a> She finds the '
            '<em>letter</em>') in html
    assert 'href="recap://time/3723.500">1:02:03.500</a> Another thing' in html
    assert 'href="recap://time/10.000">00:10</a>' in html
    assert "<p data-line=\"6\" data-line-end=\"7\">Text after the notes.</p>" in html
    assert "[00:20] in a list, this is text</li>" in html


def test_every_other_render_leaves_them_out() -> None:
    html = build_markdown().render(NOTES)
    assert "12:34" not in html and "letter" not in html and "00:10" not in html
    assert "<p>Intro paragraph about the ferry.</p>" in html
    assert "<p>Text after the notes.</p>" in html
    # the indented code and the time of a text that is not a note stay text
    assert "[12:34]" in build_markdown().render("    [12:34] code\n")
    assert "<p>[12:34]x</p>" in build_markdown().render("[12:34]x\n")
    assert "<p>[99:99] not a time</p>" in build_markdown().render("[99:99] not a time\n")


def test_word_counts_leave_notes_out() -> None:
    plain = "Intro paragraph about the ferry.\n\nText after the notes.\n"
    assert analyze(NOTES.split("- [00:20]")[0]).words == analyze(plain).words


def test_time_forms() -> None:
    assert note_seconds("12:34") == 754
    assert note_seconds("1:02:03.5") == 3723.5
    assert time_note_line(754.9) == "[12:34]"
    assert time_note_line(3723.5) == "[1:02:03]"
    assert time_note_line(5, hours=True) == "[0:00:05]"


def test_exported_pages_and_hugo_bundles_have_no_notes(sample_project: Path,
                                                      tmp_path: Path) -> None:
    append_body(sample_project, "s01e01", "\n[12:34] a private note about the ferry scene\n")
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e01.md"
    assert "a private note" in render_preview(series, path, path.read_text("utf-8")).body_html
    out = run_export(sample_project, tmp_path / "out")
    for page in out.glob("*.html"):
        assert "a private note" not in page.read_text("utf-8")
    assert read_page(out / "index.html")
    site = make_site(tmp_path / "site")
    assert cli(["export", str(sample_project), "--format", "hugo",
                "-o", str(site / "content" / "recaps"), "-q"]) == 0
    bundles = list((site / "content" / "recaps").rglob("index.md"))
    assert bundles
    assert not any("a private note" in b.read_text("utf-8") for b in bundles)
