"""What an export of the sample writes into its pages: files and images, meta tags and
JSON-LD, headings, links between recaps, spoiler warnings and spoiler-free pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core.export.plan import MARKER
from recapdesk.core.project import open_project
from tests.core.conftest import (
    FINAL_PAGES,
    SAMPLE,
    Page,
    append_body,
    copy_sample,
    data_uri_images,
    html_files,
    read_page,
    run_export,
    siblings,
)

BASE_URL = "https://example.com/last-ferry-to-udo/"

# Text that sits only inside spoiler blocks or inline spoilers of the final sample recaps.
HIDDEN_TEXT = [
    "he calls Soon-ok",                       # s01e02 inline
    "The flashback finally shows",            # s01e02 block
    "I was twenty minutes late",              # s01e02 block
    "Seok-jin grew up on Udo",                # s01e03 block
    "the two boats come round the breakwater",  # s01e03 inline
    "Park Eun-sol, how dare you",             # s01e03 unlabelled block
    "Ga-eun has already signed",              # s01e03 inline in a list
]


def prepend_body(root: Path, ident: str, text: str) -> None:
    path = root / "episodes" / f"{ident}.md"
    raw = path.read_text("utf-8")
    head, sep, body = raw.partition("\n---\n")
    path.write_text(head + sep + text + body, "utf-8")


# --- a shared export of the sample (read-only tests) ------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    root = copy_sample(base / "project")
    return run_export(root, base / "out" / "site")


@pytest.fixture(scope="module")
def drafts_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("drafts")
    root = copy_sample(base / "project")
    return run_export(root, base / "out" / "site", drafts=True)


# --- the site ---------------------------------------------------------------------

def test_site_files(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "style.css").is_file()
    assert (site / MARKER).is_file()
    assert html_files(site) == sorted(["index.html", *FINAL_PAGES])
    assert not (site / "s01e04.html").exists()
    assert (site / "style.css").read_text("utf-8").strip()
    # no staging or backup folders left beside the export
    assert siblings(site) == ["site"]


STILLS = ["s01e01-01", "s01e01-02", "s01e01-03", "s01e02-01", "s01e02-02", "s01e03-01",
          "s01e03-02", "s01e03-03"]


def test_draft_left_out_with_its_images(site: Path) -> None:
    # each 1920-px still in four widths, as JPEG and as WebP
    assert sorted(p.name for p in (site / "images").iterdir()) == sorted(
        f"{stem}{width}.{ext}" for stem in STILLS for width in ("-480", "-800", "", "-1600")
        for ext in ("jpg", "webp"))
    for name in ["index.html", *FINAL_PAGES]:
        html = (site / name).read_text("utf-8")
        assert "s01e04.html" not in html, name
        assert "Every Last Ferry" not in html, name


def test_drafts_option_includes_draft(drafts_site: Path) -> None:
    assert html_files(drafts_site) == sorted(["index.html", *FINAL_PAGES, "s01e04.html"])
    index = read_page(drafts_site / "index.html")
    assert index.find("a", href="s01e04.html")
    page = read_page(drafts_site / "s01e03.html")
    assert page.find("a", href="s01e04.html", rel="next")
    assert (drafts_site / "images" / "s01e04-01.jpg").is_file()


# --- images -----------------------------------------------------------------------

def test_images_resized_and_sizes_match(site: Path) -> None:
    images = sorted((site / "images").glob("*"))
    assert images
    for image in images:
        with Image.open(image) as im:
            assert im.width <= 1600, image.name
            assert im.format == {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[image.suffix]
            width = image.stem.rsplit("-", 1)[-1]
            assert im.width == (int(width) if width in ("480", "800", "1600") else 1200)
            assert im.height == round(im.width * 1080 / 1920)
    # the 1920x1080 sample stills come out at most 1600x900; the one <img src> and
    # og:image name is 1200 px
    with Image.open(site / "images" / "s01e01-01-1600.jpg") as im:
        assert im.size == (1600, 900)
    with Image.open(site / "images" / "s01e01-01.jpg") as im:
        assert im.size == (1200, 675)
    for name in ["index.html", *FINAL_PAGES]:
        page = read_page(site / name)
        imgs = page.find("img")
        assert imgs, name
        for img in imgs:
            src = img["src"]
            assert src.startswith("images/"), src
            with Image.open(site / src) as im:
                assert (int(img["width"]), int(img["height"])) == im.size, (name, src)
            # every width it is offered in, each file that wide
            for item in img["srcset"].split(", "):
                file, width = item.split()
                with Image.open(site / file) as im:
                    assert f"{im.width}w" == width, (name, item)


def test_stills_are_figures_with_alt_and_caption(site: Path) -> None:
    page = read_page(site / "s01e01.html")
    html = page.html
    assert html.count('<figure class="still">') == 3
    figure_imgs = [a for a in page.find("img") if "srcset" in a]
    assert len(figure_imgs) == 3
    # the first still is fetched at once, first among images; the others when scrolled near
    assert [a.get("loading") for a in figure_imgs] == [None, "lazy", "lazy"]
    assert [a.get("fetchpriority") for a in figure_imgs] == ["high", None, None]
    for img in figure_imgs:
        assert img["alt"].strip()
    # alt and caption fall back to stills.yaml for `![](../stills/s01e01-03.jpg)`
    third = next(a for a in figure_imgs if a["src"] == "images/s01e01-03.jpg")
    assert third["alt"].startswith("A dark guesthouse room")
    assert "Grandma Soon-ok&#39;s tapes" in html or "Grandma Soon-ok's tapes" in html


def test_png_gif_and_exif_rotated_images(tmp_path: Path, make_project, make_image) -> None:
    body = ("![Wide png](../stills/wide.png)\n\n![Small gif](../stills/small.gif)\n\n"
            "![Rotated](../stills/rotated.jpg)\n\n![Nested](../stills/more/wide.png)\n")
    front = ('---\ntitle: "Formats"\nseason: 1\nepisode: 1\nstatus: final\n'
             'spoilers: none\nexcerpt: "x"\n---\n')
    root = make_project({"episodes/e.md": front + body})
    make_image(root / "stills" / "wide.png", size=(2000, 1000), fmt="PNG")
    make_image(root / "stills" / "more" / "wide.png", size=(300, 100), fmt="PNG")
    make_image(root / "stills" / "small.gif", size=(120, 80), fmt="GIF")
    # stored 1000x2000 with EXIF orientation 6: displayed 2000x1000
    im = Image.new("RGB", (1000, 2000), (10, 200, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    im.save(root / "stills" / "rotated.jpg", "JPEG", exif=exif)
    out = run_export(root, tmp_path / "o")
    page = read_page(out / "s01e01.html")
    imgs = {a["alt"]: a for a in page.find("img")}
    assert set(imgs) == {"Wide png", "Small gif", "Rotated", "Nested"}
    for alt, img in imgs.items():
        with Image.open(out / img["src"]) as real:
            assert (int(img["width"]), int(img["height"])) == real.size, alt
            assert real.width <= 1600
    assert (int(imgs["Wide png"]["width"]), int(imgs["Wide png"]["height"])) == (1200, 600)
    assert imgs["Wide png"]["src"].endswith(".png")
    assert imgs["Wide png"]["srcset"].endswith("images/wide-1600.png 1600w")
    assert imgs["Small gif"]["src"].endswith(".gif")
    assert "srcset" not in imgs["Small gif"]  # a GIF stays one file
    assert (int(imgs["Rotated"]["width"]), int(imgs["Rotated"]["height"])) == (1200, 600)
    for name in ("rotated-480.jpg", "rotated-1600.jpg", "rotated-800.webp", "rotated.webp"):
        with Image.open(out / "images" / name) as real:  # every size upright
            assert real.width == 2 * real.height, name
    assert imgs["Nested"]["src"] != imgs["Wide png"]["src"]
    assert (int(imgs["Nested"]["width"]), int(imgs["Nested"]["height"])) == (300, 100)
    single = run_export(root, tmp_path / "s", single_file=True)
    html = (single / "s01e01.html").read_text("utf-8")
    kinds = sorted({mime for mime, _ in data_uri_images(html)})
    assert kinds == ["image/gif", "image/jpeg", "image/png"]


# --- metadata and headings --------------------------------------------------------

def test_meta_description_and_opengraph(site: Path) -> None:
    series = open_project(SAMPLE)
    for ep in series.episodes[:3]:
        page = read_page(site / f"{ep.id}.html")
        assert page.meta(name="description") == ep.excerpt
        assert page.meta(prop="og:description") == ep.excerpt
        assert page.meta(prop="og:title") == ep.title
        assert page.meta(prop="og:type") == "article"
        image = page.meta(prop="og:image")
        assert image and image.startswith(BASE_URL + "images/")
        assert (site / image[len(BASE_URL):]).is_file()
        titles = [t for t, _ in page.tags if t == "title"]
        assert titles == ["title"]
        assert page.find("html", lang="en")
        assert page.count("main") == 1
    # s01e03 has a cover in its front matter
    page = read_page(site / "s01e03.html")
    assert page.meta(prop="og:image") == BASE_URL + "images/s01e03-02.jpg"
    index = read_page(site / "index.html")
    assert index.meta(prop="og:type") == "website"
    assert index.meta(name="description")
    assert index.meta(prop="og:image")


def test_json_ld(site: Path) -> None:
    rated = read_page(site / "s01e01.html").json_ld()
    assert rated["@context"] == "https://schema.org"
    assert rated["@type"] == "Review"
    assert rated["reviewRating"]["@type"] == "Rating"
    assert rated["reviewRating"]["ratingValue"] == 4
    assert rated["reviewRating"]["bestRating"] == 5
    episode = rated["itemReviewed"]
    assert episode["@type"] == "TVEpisode"
    assert episode["episodeNumber"] == 1
    assert episode["partOfSeries"]["@type"] == "TVSeries"
    assert episode["partOfSeries"]["name"] == "Last Ferry to Udo"
    assert rated["description"].startswith("Seo-rin comes home to Udo")

    article = read_page(site / "s01e02.html").json_ld()
    assert article["@type"] == "Article"
    assert "reviewRating" not in article
    assert article["about"]["@type"] == "TVEpisode"
    assert article["about"]["episodeNumber"] == 2
    assert article["about"]["partOfSeries"]["@type"] == "TVSeries"

    five = read_page(site / "s01e03.html").json_ld()
    assert five["@type"] == "Review"
    assert five["reviewRating"]["ratingValue"] == 5

    index = read_page(site / "index.html").json_ld()
    assert index["@type"] == "TVSeries"
    assert index["name"] == "Last Ferry to Udo"


def test_one_h1_per_page(site: Path) -> None:
    for name in ["index.html", *FINAL_PAGES]:
        page = read_page(site / name)
        assert page.count("h1") == 1, name
    page = read_page(site / "s01e02.html")
    assert page.headings["h1"] == ["Last Ferry to Udo Episode 2 Recap: Sumbisori"]


def test_one_h1_when_body_uses_level_one_headings(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    prepend_body(root, "s01e01", "# Big Heading\n\nIntro.\n\n")
    append_body(root, "s01e01", "\n# Another Top Heading\n")
    out = run_export(root, tmp_path / "o")
    page = read_page(out / "s01e01.html")
    assert page.count("h1") == 1
    assert page.headings["h1"] == [open_project(root).episodes[0].title]
    assert "Big Heading" in page.headings["h2"]
    assert "Another Top Heading" in page.headings["h2"]
    assert "Ten Seconds Late, Ten Years Late" in page.headings["h3"]


# --- links ------------------------------------------------------------------------

def test_wikilinks_become_links(site: Path) -> None:
    page = read_page(site / "s01e01.html")
    html = page.html
    # [[s01e02]] with the other recap's title as text
    assert re.search(r'<a class="wikilink" href="s01e02.html">Last Ferry to Udo Episode 2 '
                     r"Recap: Sumbisori</a>", html)
    page2 = (site / "s01e02.html").read_text("utf-8")
    assert '<a class="wikilink" href="s01e01.html">catch up with our Episode 1 recap</a>' \
        in page2
    for name in FINAL_PAGES:
        assert "[[" not in (site / name).read_text("utf-8"), name


def test_prev_next_and_recap_list(site: Path) -> None:
    page = read_page(site / "s01e02.html")
    assert page.find("a", href="s01e01.html", rel="prev")
    assert page.find("a", href="s01e03.html", rel="next")
    first = read_page(site / "s01e01.html")
    assert not first.find("a", rel="prev")
    last = read_page(site / "s01e03.html")
    assert not last.find("a", rel="next")
    assert "Disney+ Hotstar" in page.html
    current = [a for t, a in page.tags if t == "a" and a.get("aria-current") == "page"]
    assert [a["href"] for a in current] == ["s01e02.html"]
    index = read_page(site / "index.html")
    for name in FINAL_PAGES:
        assert index.find("a", href=name), name
    assert "Seo-rin builds a studio for the tapes" in index.html


def test_link_to_draft_is_plain_text_unless_drafts(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    append_body(root, "s01e03", "\nComing next: [[s01e04]].\n")
    out = run_export(root, tmp_path / "o")
    html = (out / "s01e03.html").read_text("utf-8")
    assert 'href="s01e04.html"' not in html
    assert "Coming next: " in html
    assert "Last Ferry to Udo Episode 4 Recap: Every Last Ferry" in html
    out2 = run_export(root, tmp_path / "o2", drafts=True)
    html2 = (out2 / "s01e03.html").read_text("utf-8")
    assert re.search(r'<a class="wikilink" href="s01e04.html">Last Ferry to Udo Episode 4',
                     html2)


# --- spoilers ---------------------------------------------------------------------

def test_spoiler_warning_only_for_minor_and_major(site: Path) -> None:
    none = read_page(site / "s01e01.html")
    assert not [a for t, a in none.tags if "spoiler-warning" in a.get("class", "")]
    assert "contains" not in "".join(none.headings.get("h1", []))
    for name, level in (("s01e02.html", "minor"), ("s01e03.html", "major")):
        html = (site / name).read_text("utf-8")
        page = Page(html)
        warnings = [a for t, a in page.tags if "spoiler-warning" in a.get("class", "")]
        assert len(warnings) == 1, name
        match = re.search(r'<p class="spoiler-warning[^"]*"[^>]*>([^<]*)</p>', html)
        assert match, name
        assert f"contains {level} spoilers" in match.group(1)
        assert match.start() < html.index('class="recap-body"')


def test_normal_export_keeps_spoilers(site: Path) -> None:
    html = (site / "s01e02.html").read_text("utf-8")
    assert '<details class="spoiler">' in html
    assert '<span class="spoiler" tabindex="0">' in html
    assert "<summary>What happened on the pier ten years ago</summary>" in html
    assert all(any(t in (site / n).read_text("utf-8") for n in FINAL_PAGES)
               for t in HIDDEN_TEXT)


def test_spoiler_free(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", spoiler_free=True)
    for name in ["index.html", *FINAL_PAGES]:
        html = (out / name).read_text("utf-8")
        assert 'class="spoiler"' not in html, name
        assert "<details" not in html, name
        for text in HIDDEN_TEXT:
            assert text not in html, (name, text)
    html2 = (out / "s01e02.html").read_text("utf-8")
    assert "Two Hundred and Twelve Evenings" in html2
    assert "In his last scene" in html2
    assert "contains minor spoilers" in html2  # SPEC: the warning line stays
    assert "spoiler-free version" in html2


def test_spoiler_free_fragment(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", spoiler_free=True, fragment=True)
    for name in FINAL_PAGES:
        html = (out / name).read_text("utf-8")
        assert 'class="spoiler"' not in html
        for text in HIDDEN_TEXT:
            assert text not in html, (name, text)
