"""`recapdesk export --format hugo`: page bundles that Debian's real `hugo` builds into
the same recaps export writes."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from recapdesk.cli import main as cli
from recapdesk.core.export.hugo import plan_hugo, write_hugo
from recapdesk.core.export.hugo_body import SELF_HIDING_SPOILER_SPAN
from recapdesk.core.export.plan import ExportError, ExportOptions
from recapdesk.core.pages.renderer import PageRenderer, PageSet
from recapdesk.core.project import open_project
from tests.conftest import image_size, make_image

SINGLE = """<!doctype html><html lang="en"><head><title>{{ .Title }}</title>
<meta name="description" content="{{ .Description }}">
{{ with .Resources.GetMatch "*cover*" }}
<meta property="og:image" content="{{ .RelPermalink }}">{{ end }}
</head><body><p id="date">{{ with .Date }}{{ .Format "2006-01-02" }}{{ end }}</p>
<p id="categories">{{ with .Params.categories }}{{ delimit . "," }}{{ end }}</p>
<p id="recap">{{ .Params.recapdesk.id }}</p>
<main>{{ .Content }}</main></body></html>
"""
LIST = """<!doctype html><html lang="en"><head><title>{{ .Title }}</title></head><body>
{{ range .Pages.ByWeight }}<a href="{{ .RelPermalink }}">{{ .Params.recapdesk.id }}</a>
{{ end }}</body></html>
"""


def make_site(root: Path) -> Path:
    """A small Hugo site without a theme (smart quotes off, so texts compare)."""
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://recaps.example.org/"\ntitle = "Recaps"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        "[markup.goldmark.extensions]\ntypographer = false\n", "utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(SINGLE, "utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(LIST, "utf-8")
    (root / "content").mkdir()
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\nWho we are.\n")
    return root


def build(site: Path) -> Path:
    """Build the site with Debian's hugo; a warning or error fails the test."""
    result = subprocess.run(["hugo", "--source", str(site), "--quiet", "--cleanDestinationDir"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "WARN" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return site / "public"


def hugo_export(root: Path, out: Path, *args: str) -> int:
    return cli(["export", str(root), "--format", "hugo", "-o", str(out), "-q", *args])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    """The words a reader sees, footnotes left out (Hugo numbers them its own way)."""
    html = re.sub(r'<hr class="footnotes-sep"[^>]*>.*</section>', "", html, flags=re.S)
    html = re.sub(r'<div class="footnotes" role="doc-endnotes">.*?</div>', "", html, flags=re.S)
    html = re.sub(r'<sup class="footnote-ref">.*?</sup>', "", html)
    html = re.sub(r"<sup id=\"fnref:\d+\">.*?</sup>", "", html)
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def main_of(page: Path) -> str:
    html = page.read_text("utf-8")
    return html[html.index("<main>") + 6:html.index("</main>")]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_the_sample_series_builds_into_the_recaps_export_writes(sample_project: Path,
                                                                 site: Path, capsys) -> None:
    out = site / "content" / "recaps"
    assert hugo_export(sample_project, out) == 0
    assert capsys.readouterr().out.strip() == str(out)
    series = open_project(sample_project)
    final = [e for e in series.episodes if not e.is_draft]
    assert sorted(p.name for p in out.iterdir()) == sorted(e.id for e in final)
    public = build(site)
    renderer = PageRenderer(PageSet(series, final))
    for ep in final:
        page = public / "recaps" / ep.id / "index.html"
        main = main_of(page)
        export_html = renderer.fragment(ep, renderer.body_html(ep))
        # the same words, in the same order, and nothing Hugo left out
        assert visible_text(main) == visible_text(export_html)
        assert "raw HTML omitted" not in main
        # the same heading ids and the same stills, resized like export
        assert re.findall(r'<h\d id="([^"]+)"', main) == [
            i for i in re.findall(r'<h\d id="([^"]+)"', export_html)]
        stills = re.findall(r'<img src="([^"]+)"\s+alt="([^"]*)" width="(\d+)" height="(\d+)"',
                            main)
        assert stills and len(stills) == export_html.count('<figure class="still">')
        for src, alt, width, height in stills:
            assert alt
            assert image_size(page.parent / src) == (int(width), int(height))
            assert int(width) <= 1600
        # spoilers: blocks as <details>, inline ones hide themselves (no theme CSS)
        assert main.count('<details class="spoiler">') == export_html.count(
            '<details class="spoiler">')
        assert main.count(SELF_HIDING_SPOILER_SPAN) == export_html.count('class="spoiler" tab')
        # links between recaps point at the other bundles' pages
        for href in re.findall(r'<a (?:class="wikilink" )?href="(/recaps/[^"]+)"', main):
            assert (public / href.strip("/") / "index.html").is_file()
        # front matter reached Hugo
        html = page.read_text("utf-8")
        assert f"<title>{ep.title}</title>" in html.replace("&#39;", "'")
        assert f'<p id="recap">{ep.id}</p>' in html
        assert f'<p id="date">{ep.date.isoformat()}</p>' in html
        assert f'<p id="categories">{series.title}</p>' in html
        cover = re.search(r'og:image" content="([^"]+)"', html)
        assert cover and (public / cover[1].strip("/")).is_file()
    links = (public / "recaps" / "index.html").read_text("utf-8")
    assert re.findall(r">(s\d\de\d\d)</a>", links) == [e.id for e in final]  # by weight
    assert "s01e02" in (public / "recaps" / "s01e03" / "index.html").read_text("utf-8")


TRICKY = """---
title: "Episode 1: Backticks `and` {{< braces >}}"
season: 1
episode: 1
excerpt: "Teaser."
---
A line with {{< fake >}} and {{% fake %}} shortcodes typed as text, *stars*, 1 < 2 & 3.

See [[s01e02]] then
1\\. looks like a list,
\\# and a heading,
\\- a dash, || a lone pipe pair & {braces}

Inline `code {{< x >}}` here.

A link to [[s01e02|the next one]] and [[s01e03]] (a draft),
an [outside link](https://example.org/a_(b) "Say \\"hi\\"")
and ||a spoiler with **bold** and [[s01e02]]||.\\
After a hard break, an inline ![tiny still](../stills/small.jpg) image.

![Alt with `backtick` and \\\\ backslash](../stills/wide.jpg "Caption *not emphasis* <b>")

![](../stills/small.jpg "A `tick` and a \\\\ backslash")

<div class="note"><kbd>K</kbd><script>alert(1)</script></div>

1. First with ||secret||
2. Second with [[s01e02]]

- item with a nested list
  - inner ||hidden||

```
{{< inside a fence >}}
```

::: spoiler Who `did` it
The butler, and [[s01e02]].
:::

A footnote[^n].

[^n]: The footnote text.
"""


def test_the_dialect_at_its_edges_builds_without_a_warning(make_project, site: Path) -> None:
    root = make_project({
        "episodes/s01e01.md": TRICKY,
        "episodes/s01e02.md": "---\ntitle: Two\nseason: 1\nepisode: 2\n---\nSecond.\n",
        "episodes/s01e03.md": "---\ntitle: Three\nseason: 1\nepisode: 3\nstatus: draft\n"
                              "---\nThird.\n",
        "stills/stills.yaml": "wide.jpg: {alt: 'Wide'}\nsmall.jpg: {alt: 'Small'}\n",
    })
    make_image(root / "stills" / "wide.jpg", (2400, 1000))
    make_image(root / "stills" / "small.jpg", (300, 200))
    out = site / "content" / "recaps"
    assert hugo_export(root, out) == 0
    public = build(site)
    main = main_of(public / "recaps" / "s01e01" / "index.html")
    text = visible_text(main)
    for typed in ("{{< fake >}}", "{{% fake %}}", "1 < 2 & 3", "1. looks like a list",
                  "# and a heading", "- a dash, || a lone pipe pair & {braces}",
                  "code {{< x >}}",
                  "{{< inside a fence >}}", "Who did it"):
        assert typed in text
    assert "<script" not in main and "alert(1)" not in main
    assert "<kbd>K</kbd>" in main
    assert re.search(r"<ol>\s*<li>First with", main) and "<li>Second with" in main
    assert '<a href="/recaps/s01e02/">the next one</a>' in main
    assert "Three" in text and "/recaps/s01e03" not in main  # drafts are not linked
    assert 'href="https://example.org/a_(b)" title="Say &#34;hi&#34;"' in main or \
        'href="https://example.org/a_(b)" title="Say &quot;hi&quot;"' in main
    assert "<strong>bold</strong>" in main and "<br>" in main
    assert f'{SELF_HIDING_SPOILER_SPAN}secret</span>' in main
    assert 'alt="Alt with backtick and \\ backslash"' in main
    assert "Caption *not emphasis* &lt;b&gt;" in main
    assert 'alt="Small"' in main and "A `tick` and a \\ backslash</figcaption>" in main
    assert 'src="small.jpg" alt="tiny still"' in main
    assert image_size(public / "recaps" / "s01e01" / "wide.jpg") == (1600, 667)
    assert "The footnote text." in main
    assert "raw HTML omitted" not in main
    # the writer's other pages are untouched
    assert (site / "content" / "about.md").read_text() == "---\ntitle: About\n---\nWho we are.\n"


def test_a_second_export_replaces_its_own_bundles_and_no_other_page(sample_project: Path,
                                                                    site: Path) -> None:
    out = site / "content" / "recaps"
    assert hugo_export(sample_project, out) == 0
    (out / "s01e01" / "notes.txt").write_text("old")
    mine = site / "content" / "recaps" / "my-own-page"
    mine.mkdir()
    (mine / "index.md").write_text("---\ntitle: Mine\n---\nHand written.\n")
    path = sample_project / "episodes" / "s01e03.md"
    path.write_text(path.read_text("utf-8").replace("status: final", "status: draft"), "utf-8")
    assert hugo_export(sample_project, out) == 0
    assert sorted(p.name for p in out.iterdir()) == ["my-own-page", "s01e01", "s01e02"]
    assert not (out / "s01e01" / "notes.txt").exists()
    assert (mine / "index.md").read_text() == "---\ntitle: Mine\n---\nHand written.\n"
    assert not [p for p in out.parent.rglob(".*")]  # no staging folders left
    # one recap again: the others stay, and links to them still resolve
    assert hugo_export(sample_project, out, "--episode", "s01e02") == 0
    assert sorted(p.name for p in out.iterdir()) == ["my-own-page", "s01e01", "s01e02"]
    build(site)


def test_bad_places_and_options_get_one_line_and_nothing_written(sample_project: Path,
                                                                 site: Path, tmp_path: Path,
                                                                 capsys) -> None:
    def refused(out: Path, *args: str) -> str:
        assert hugo_export(sample_project, out, *args) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        return err

    assert "not inside a Hugo site" in refused(tmp_path / "nowhere" / "content")
    assert not (tmp_path / "nowhere").exists()
    assert "--fragment cannot be used" in refused(site / "content", "--fragment")
    theirs = site / "content" / "recaps" / "s01e01"
    theirs.mkdir(parents=True)
    (theirs / "index.md").write_text("---\ntitle: Someone else's\n---\n")
    assert "RecapDesk did not write it" in refused(site / "content" / "recaps")
    assert not (site / "layouts" / "shortcodes").exists()
    (theirs / "index.md").unlink()
    theirs.rmdir()
    shortcode = site / "layouts" / "shortcodes" / "recapdesk-html.html"
    shortcode.parent.mkdir(parents=True)
    shortcode.write_text("{{ .Inner }}")
    assert "shortcode of that name" in refused(site / "content" / "recaps")
    assert shortcode.read_text() == "{{ .Inner }}"
    assert not any((site / "content" / "recaps").iterdir())


def test_an_export_stopped_midway_changes_nothing(sample_project: Path, site: Path) -> None:
    out = site / "content" / "recaps"
    assert hugo_export(sample_project, out) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    path = sample_project / "episodes" / "s01e02.md"
    path.write_text(path.read_text("utf-8") + "\nA new last line.\n", "utf-8")
    steps = write_hugo(plan_hugo(open_project(sample_project), ExportOptions(out=out)))
    for step in steps:
        if step.message.startswith("s01e03/"):
            break
    steps.close()
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    build(site)
    with pytest.raises(ExportError, match="needs -o"):
        plan_hugo(open_project(sample_project), ExportOptions())
