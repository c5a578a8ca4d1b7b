"""The CMS fragment of one episode from its editor text (Copy HTML for CMS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recapdesk.cli import main as cli
from recapdesk.core.export.fragment import episode_fragment, fragment_text
from recapdesk.core.export.plan import ExportError
from recapdesk.core.project import open_project

BASE_URL = "https://example.com/last-ferry-to-udo/"
FINAL = ["s01e01", "s01e02", "s01e03"]


def cli_fragments(root: Path, out: Path, *args: str) -> Path:
    assert cli(["export", str(root), "--fragment", "--quiet", "-o", str(out), *args]) == 0
    return out


def relative(html: str) -> str:
    """Absolute URLs on the site's base URL back to the export's relative ones."""
    return html.replace(BASE_URL, "")


def fragment_of(root: Path, ident: str, **kwargs) -> str:
    series = open_project(root)
    path = root / "episodes" / f"{ident}.md"
    return episode_fragment(series, path, path.read_text("utf-8"), **kwargs)


def test_equals_the_cli_fragment_export_with_absolute_urls(sample_project: Path,
                                                            tmp_path: Path) -> None:
    out = cli_fragments(sample_project, tmp_path / "out")
    for ident in FINAL:
        html = fragment_of(sample_project, ident)
        assert relative(html) == (out / f"{ident}.html").read_text("utf-8")
        # images and recap links point at the published site, external links are untouched
        sources = re.findall(r'<img src="([^"]+)"', html)
        assert sources and all(s.startswith(f"{BASE_URL}images/") for s in sources)
        for src in sources:
            assert (out / src.removeprefix(BASE_URL)).is_file()
        # a CMS gets <img srcset> of the same files, never a <picture>
        assert "<picture>" not in html
        for srcset in re.findall(r' srcset="([^"]+)"', html):
            for item in srcset.split(", "):
                assert (out / item.split()[0].removeprefix(BASE_URL)).is_file()
        wikilinks = re.findall(r'class="wikilink" href="([^"]+)"', html)
        assert wikilinks and all(h.startswith(BASE_URL) for h in wikilinks)
    assert 'href="https://kdrama-ledger.example/' in fragment_of(sample_project, "s01e02")


def test_without_a_base_url_it_is_byte_for_byte_the_cli_fragment(sample_project: Path,
                                                                  tmp_path: Path) -> None:
    manifest = sample_project / "recapdesk.yaml"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace(f'  base_url: "{BASE_URL}"\n', ""), "utf-8")
    assert "base_url" not in manifest.read_text("utf-8")
    out = cli_fragments(sample_project, tmp_path / "out")
    for ident in FINAL:
        html = fragment_of(sample_project, ident)
        assert html == (out / f"{ident}.html").read_text("utf-8")
        assert 'src="images/' in html


def test_a_draft_equals_its_single_episode_fragment(sample_project: Path,
                                                    tmp_path: Path) -> None:
    out = cli_fragments(sample_project, tmp_path / "out", "--episode", "s01e04")
    html = fragment_of(sample_project, "s01e04")
    assert relative(html) == (out / "s01e04.html").read_text("utf-8")
    assert "spoiler-warning-major" in html


def test_spoiler_free_equals_the_cli_spoiler_free_fragment(sample_project: Path,
                                                           tmp_path: Path) -> None:
    out = cli_fragments(sample_project, tmp_path / "out", "--spoiler-free")
    html = fragment_of(sample_project, "s01e02", spoiler_free=True)
    assert relative(html) == (out / "s01e02.html").read_text("utf-8")
    assert "he calls Soon-ok" not in html and "twenty minutes late" not in html
    assert 'class="spoiler"' not in html
    full = fragment_of(sample_project, "s01e02")
    assert "he calls Soon-ok" in full and '<details class="spoiler">' in full


def test_unsaved_text_is_used_and_nothing_is_written(sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e01.md"
    on_disk = path.read_bytes()
    text = path.read_text("utf-8").replace("spoilers: none", "spoilers: major", 1)
    assert "spoilers: major" in text
    text += "\nA paragraph typed but not saved, with ||a secret||.\n"
    before = sorted(p.relative_to(sample_project) for p in sample_project.rglob("*"))
    html = episode_fragment(series, path, text)
    assert "<p>A paragraph typed but not saved, with " in html
    assert '<span class="spoiler" tabindex="0">a secret</span>' in html
    assert html.startswith('<p class="spoiler-warning spoiler-warning-major">')
    assert path.read_bytes() == on_disk
    assert sorted(p.relative_to(sample_project) for p in sample_project.rglob("*")) == before


def test_a_new_unsaved_episode_and_an_image_added_in_the_editor(sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e05.md"  # not on disk yet
    text = ("---\ntitle: Bonus\nseason: 1\nepisode: 5\n---\n\nSee [[s01e02]].\n\n"
            "![The pier](../stills/s01e04-02.jpg \"A caption\")\n")
    html = episode_fragment(series, path, text)
    assert f'href="{BASE_URL}s01e02.html"' in html
    assert (f'<figure class="still"><img src="{BASE_URL}images/s01e04-02.jpg" '
            f'srcset="{BASE_URL}images/s01e04-02-480.jpg 480w, ') in html
    assert 'alt="The pier" width="1200" height="675"' in html
    assert "<figcaption>A caption</figcaption>" in html


def test_image_names_follow_the_whole_export(make_project, make_image,
                                             tmp_path: Path) -> None:
    """Two stills that export to the same name: the second is `-2`, as on the site."""
    root = make_project({
        "episodes/s01e01.md": "---\ntitle: One\nseason: 1\nepisode: 1\n---\n\n"
                              "![First](../stills/shot.jpeg)\n",
        "episodes/s01e02.md": "---\ntitle: Two\nseason: 1\nepisode: 2\n---\n\n"
                              "![Second](../stills/shot.jpg)\n",
    })
    make_image(root / "stills" / "shot.jpeg", (800, 450))
    make_image(root / "stills" / "shot.jpg", (2000, 1000))
    out = cli_fragments(root, tmp_path / "out")
    html = fragment_of(root, "s01e02")
    assert html == (out / "s01e02.html").read_text("utf-8")
    assert '<img src="images/shot-2.jpg" srcset="images/shot-2-480.jpg 480w, ' in html
    assert 'alt="Second" width="1200" height="600"' in html
    assert (out / "images" / "shot-2.jpg").is_file()


def test_unreadable_front_matter_is_one_clear_error(sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e01.md"
    with pytest.raises(ExportError) as info:
        episode_fragment(series, path, "---\ntitle: [unclosed\n---\n\nBody\n")
    message = str(info.value)
    assert message.startswith("s01e01.md:") and "\n" not in message


def test_plain_text_reads_well(sample_project: Path) -> None:
    text = fragment_text(fragment_of(sample_project, "s01e02"))
    assert not re.search(r"</?[a-z][^>]*>", text)
    blocks = text.split("\n\n")
    assert blocks[0] == "– This recap contains minor spoilers! –"
    assert "Two Hundred and Twelve Evenings" in blocks
    assert ("[Image: Seo-rin and Ga-eun sit facing each other at a café table, in silhouette "
            "against a wide window onto a turquoise sea]\n"
            "Still From Last Ferry to Udo Episode 2") in blocks
    assert "[Spoiler: he calls Soon-ok \"halmang\"" in text
    assert "[Spoiler: What happened on the pier ten years ago]" in blocks
    assert ("K-Drama Ledger's review (https://kdrama-ledger.example/reviews/"
            "last-ferry-to-udo) calls it") in text
    assert "I was ~~sure~~ fairly sure" in text
    assert "- The premiere recap: The Girl Who Missed the Boat" in text
    assert "↩" not in text and "&quot;" not in text


def test_plain_text_of_lists_and_breaks() -> None:
    html = ("<ul>\n<li><p>a</p>\n<ol start=\"3\">\n<li>b</li>\n<li>c</li>\n</ol>\n</li>\n"
            "<li>d</li>\n</ul>\n<p>x<br />\ny</p>\n<details class=\"spoiler\">\n"
            "<summary>Spoiler</summary>\n<p>hidden &amp; found</p>\n</details>\n")
    assert fragment_text(html) == ("- a\n   3. b\n   4. c\n- d\n\nx y\n\n[Spoiler]\n\n"
                                   "hidden & found\n")
    assert fragment_text("") == ""
