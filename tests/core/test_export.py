"""Export end to end through recapdesk.core.export: plan, write, export."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core.export.plan import MARKER, ExportError, ExportOptions, ExportPlan, plan
from recapdesk.core.export.write import export, write
from recapdesk.core.project import open_project
from recapdesk.core.resources import stylesheet

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"
FINAL_PAGES = ["s01e01.html", "s01e02.html", "s01e03.html"]
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


# --- helpers -------------------------------------------------------------------------

class Page(HTMLParser):
    """A parsed page: every start tag with its attributes, scripts, styles, h1 texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self._stack: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag in ("script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span",
                   "p", "summary", "figcaption"):
            self._stack.append((tag, attributes, []))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_data(self, data):
        for _, _, parts in self._stack:
            parts.append(data)

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                _, attrs, parts = self._stack.pop(i)
                text = "".join(parts)
                if tag == "script":
                    self.scripts.append((attrs.get("type", ""), text))
                elif tag == "style":
                    self.styles.append(text)
                elif tag.startswith("h") and len(tag) == 2:
                    self.headings.setdefault(tag, []).append(text.strip())
                break

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        out = []
        for name, a in self.tags:
            if name == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v
                                   for k, v in attrs.items()):
                out.append(a)
        return out

    def meta(self, *, name: str | None = None, prop: str | None = None) -> str | None:
        for tag, a in self.tags:
            if tag != "meta":
                continue
            if name is not None and a.get("name") == name:
                return a.get("content")
            if prop is not None and a.get("property") == prop:
                return a.get("content")
        return None

    def json_ld(self) -> dict:
        found = [text for kind, text in self.scripts if kind == "application/ld+json"]
        assert len(found) == 1
        return json.loads(found[0])

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def read_page(path: Path) -> Page:
    return Page(path.read_text("utf-8"))


def tree_hashes(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip:
            continue
        if path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def html_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.html"))


def copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest)
    return dest


def append_body(root: Path, ident: str, text: str) -> None:
    path = root / "episodes" / f"{ident}.md"
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


def prepend_body(root: Path, ident: str, text: str) -> None:
    path = root / "episodes" / f"{ident}.md"
    raw = path.read_text("utf-8")
    head, sep, body = raw.partition("\n---\n")
    path.write_text(head + sep + text + body, "utf-8")


def run_export(root: Path, out: Path, **options: object) -> Path:
    export(open_project(root), ExportOptions(out=out, **options))
    return out


def data_uri_images(html: str) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for mime, data in re.findall(r'data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)', html):
        with Image.open(io.BytesIO(base64.b64decode(data))) as im:
            found.append((mime, im.size))
    return found


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


# --- a shared export of the sample (read-only tests) ---------------------------------

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


# --- the site --------------------------------------------------------------------------

def test_site_files(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "style.css").is_file()
    assert (site / MARKER).is_file()
    assert html_files(site) == sorted(["index.html", *FINAL_PAGES])
    assert not (site / "s01e04.html").exists()
    assert (site / "style.css").read_text("utf-8").strip()
    # no staging or backup folders left beside the export
    assert siblings(site) == ["site"]


def test_export_result(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    result = export(open_project(root), ExportOptions(out=tmp_path / "o"))
    assert result.out == tmp_path / "o"
    assert sorted(result.pages) == sorted(["index.html", *FINAL_PAGES])
    assert result.images == len(list((tmp_path / "o" / "images").glob("s01e0*.jpg")))


def test_draft_left_out_with_its_images(site: Path) -> None:
    assert sorted(p.name for p in (site / "images").iterdir()) == [
        "s01e01-01.jpg", "s01e01-02.jpg", "s01e01-03.jpg", "s01e02-01.jpg", "s01e02-02.jpg",
        "s01e03-01.jpg", "s01e03-02.jpg", "s01e03-03.jpg"]
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


def test_images_resized_and_sizes_match(site: Path) -> None:
    images = sorted((site / "images").glob("*"))
    assert images
    for image in images:
        with Image.open(image) as im:
            assert im.width <= 1600, image.name
            assert im.format in ("JPEG", "PNG")
    # the 1920x1080 sample stills come out 1600x900
    with Image.open(site / "images" / "s01e01-01.jpg") as im:
        assert im.size == (1600, 900)
    for name in ["index.html", *FINAL_PAGES]:
        page = read_page(site / name)
        imgs = page.find("img")
        assert imgs, name
        for img in imgs:
            src = img["src"]
            assert src.startswith("images/"), src
            with Image.open(site / src) as im:
                assert (int(img["width"]), int(img["height"])) == im.size, (name, src)


def test_stills_are_figures_with_alt_and_caption(site: Path) -> None:
    page = read_page(site / "s01e01.html")
    html = page.html
    assert html.count('<figure class="still">') == 3
    figure_imgs = [a for a in page.find("img") if a.get("loading") == "lazy"]
    assert len(figure_imgs) == 3
    for img in figure_imgs:
        assert img["alt"].strip()
    # alt and caption fall back to stills.yaml for `![](../stills/s01e01-03.jpg)`
    third = next(a for a in figure_imgs if a["src"] == "images/s01e01-03.jpg")
    assert third["alt"].startswith("A dark guesthouse room")
    assert "Grandma Soon-ok&#39;s tapes" in html or "Grandma Soon-ok's tapes" in html


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
    assert "Seo-rin turns her grandmother" in index.html


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


def test_single_file_pages(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", single_file=True)
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])
    assert not (out / "images").exists()
    assert not (out / "style.css").exists()
    for name in ["index.html", *FINAL_PAGES]:
        html = (out / name).read_text("utf-8")
        page = Page(html)
        assert "data:image/jpeg;base64," in html, name
        assert page.count("style") == 1, name
        assert page.styles[0].strip()
        assert not page.find("link", rel="stylesheet"), name
        assert 'src="images/' not in html, name
        for img in page.find("img"):
            assert img["src"].startswith("data:image/"), (name, img["src"][:40])
        inlined = data_uri_images(html)
        assert inlined
        for _, (width, _height) in inlined:
            assert width <= 1600
        for img in page.find("img"):
            if img.get("width"):
                data = img["src"].split(",", 1)[1]
                with Image.open(io.BytesIO(base64.b64decode(data))) as im:
                    assert (int(img["width"]), int(img["height"])) == im.size


def test_fragment_writes_only_article_html(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", fragment=True)
    assert html_files(out) == FINAL_PAGES
    assert not (out / "index.html").exists()
    assert not (out / "style.css").exists()
    for name in FINAL_PAGES:
        html = (out / name).read_text("utf-8")
        lowered = html.lower()
        for forbidden in ("<html", "<!doctype", "<head", "<body", "<title", "<meta",
                          "<main", "<h1"):
            assert forbidden not in lowered, (name, forbidden)
        assert '<figure class="still">' in html
        assert "<h2" in html
    frag2 = (out / "s01e02.html").read_text("utf-8")
    assert frag2.lstrip().startswith('<p class="spoiler-warning')
    assert "minor spoilers" in frag2
    frag1 = (out / "s01e01.html").read_text("utf-8")
    assert "spoiler-warning" not in frag1
    # image sources in a fragment point at files that were exported
    for img in Page(frag1).find("img"):
        assert (out / img["src"]).is_file()


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


def test_normal_export_keeps_spoilers(site: Path) -> None:
    html = (site / "s01e02.html").read_text("utf-8")
    assert '<details class="spoiler">' in html
    assert '<span class="spoiler" tabindex="0">' in html
    assert "<summary>What happened on the pier ten years ago</summary>" in html
    assert all(any(t in (site / n).read_text("utf-8") for n in FINAL_PAGES)
               for t in HIDDEN_TEXT)


def test_single_episode(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", episodes=["s01e02"])
    assert html_files(out) == ["s01e02.html"]
    page = read_page(out / "s01e02.html")
    for img in page.find("img"):
        assert (out / img["src"]).is_file()
    # neighbours are still linked (they are published recaps)
    assert page.find("a", href="s01e01.html", rel="prev")
    out2 = run_export(root, tmp_path / "o2", episodes=["S01E03"])
    assert html_files(out2) == ["s01e03.html"]


def test_single_episode_merges_into_existing_export(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o")
    before = tree_hashes(out)
    append_body(root, "s01e02", "\nA new closing line.\n")
    run_export(root, out, episodes=["s01e02"])
    after = tree_hashes(out)
    assert "A new closing line." in (out / "s01e02.html").read_text("utf-8")
    assert after["s01e01.html"] == before["s01e01.html"]
    assert after["index.html"] == before["index.html"]
    assert set(after) >= set(before)
    assert siblings(out) == ["o", "p"]


def test_unknown_episode_is_refused(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    with pytest.raises(ExportError):
        plan(open_project(root), ExportOptions(out=tmp_path / "o", episodes=["s09e09"]))
    assert not (tmp_path / "o").exists()


def test_reexport_replaces_previous_export(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", drafts=True)
    assert (out / "s01e04.html").exists()
    run_export(root, out)
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])
    assert not (out / "images" / "s01e04-01.jpg").exists()
    assert siblings(out) == ["o", "p"]


def test_export_folder_is_readable_like_a_normal_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o")
    normal = tmp_path / "normal"
    normal.mkdir()
    assert out.stat().st_mode & 0o777 == normal.stat().st_mode & 0o777


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
    assert (int(imgs["Wide png"]["width"]), int(imgs["Wide png"]["height"])) == (1600, 800)
    assert imgs["Wide png"]["src"].endswith(".png")
    assert imgs["Small gif"]["src"].endswith(".gif")
    assert (int(imgs["Rotated"]["width"]), int(imgs["Rotated"]["height"])) == (1600, 800)
    assert imgs["Nested"]["src"] != imgs["Wide png"]["src"]
    assert (int(imgs["Nested"]["width"]), int(imgs["Nested"]["height"])) == (300, 100)
    single = run_export(root, tmp_path / "s", single_file=True)
    html = (single / "s01e01.html").read_text("utf-8")
    kinds = sorted({mime for mime, _ in data_uri_images(html)})
    assert kinds == ["image/gif", "image/jpeg", "image/png"]


# --- errors and forcing -----------------------------------------------------------------

def broken_sample(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "p")
    append_body(root, "s01e01", "\n![A missing still](../stills/not-there.jpg)\n")
    return root


def test_errors_block_export(tmp_path: Path) -> None:
    root = broken_sample(tmp_path)
    out = tmp_path / "out" / "site"
    the_plan = plan(open_project(root), ExportOptions(out=out))
    assert isinstance(the_plan, ExportPlan)
    assert the_plan.blocked
    assert any(p.is_error and p.path == "episodes/s01e01.md" for p in the_plan.problems)
    with pytest.raises(ExportError):
        for _ in write(the_plan):
            pass
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    assert not out.exists()


def test_errors_leave_previous_export_untouched(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e01", "\n[[no-such-recap]]\n")
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]


def test_force_exports_despite_errors(tmp_path: Path) -> None:
    root = broken_sample(tmp_path)
    out = tmp_path / "o"
    the_plan = plan(open_project(root), ExportOptions(out=out, force=True))
    assert not the_plan.blocked
    assert any(p.is_error for p in the_plan.problems)
    steps = list(write(the_plan))
    assert steps
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])


def test_errors_in_episodes_not_exported_do_not_block(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    append_body(root, "s01e01", "\n[[no-such-recap]]\n")
    the_plan = plan(open_project(root), ExportOptions(out=tmp_path / "o",
                                                      episodes=["s01e02"]))
    assert not the_plan.blocked


def test_progress_steps(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    the_plan = plan(open_project(root), ExportOptions(out=tmp_path / "o"))
    steps = list(write(the_plan))
    assert steps
    dones = [s.done for s in steps]
    assert dones == sorted(dones)
    assert all(s.total == the_plan.total_steps for s in steps)
    assert steps[-1].done == the_plan.total_steps
    assert all(s.message for s in steps)


# --- cancelling -------------------------------------------------------------------------

@pytest.mark.parametrize("steps", [1, 4, 9, 13])
def test_cancel_leaves_previous_export_untouched(tmp_path: Path, steps: int) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e01", "\nAn edit that must not be published.\n")
    the_plan = plan(open_project(root), ExportOptions(out=out))
    assert steps < the_plan.total_steps
    gen = write(the_plan)
    for _ in range(steps):
        next(gen)
    gen.close()
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]
    assert "must not be published" not in (out / "s01e01.html").read_text("utf-8")


def test_cancel_without_previous_export_writes_nothing(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = tmp_path / "out" / "site"
    the_plan = plan(open_project(root), ExportOptions(out=out))
    gen = write(the_plan)
    next(gen)
    gen.close()
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


def test_cancel_single_episode_merge_leaves_export_untouched(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e02", "\nUnpublished edit.\n")
    gen = write(plan(open_project(root), ExportOptions(out=out, episodes=["s01e02"])))
    next(gen)
    next(gen)
    gen.close()
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]


# --- output folder safety ----------------------------------------------------------------

def test_non_export_folder_is_refused(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = tmp_path / "documents"
    out.mkdir()
    (out / "taxes.txt").write_text("important")
    (out / "index.html").write_text("<p>my own site</p>")
    before = tree_hashes(out)
    with pytest.raises(ExportError):
        plan(open_project(root), ExportOptions(out=out))
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out, force=True, episodes=["s01e01"]))
    assert tree_hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "taxes.txt"]
    assert siblings(out) == ["documents", "p"]


def test_output_cannot_be_a_file(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    target = tmp_path / "file.html"
    target.write_text("x")
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=target))
    assert target.read_text() == "x"


def test_output_cannot_be_the_project_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    before = tree_hashes(root)
    for out in (root, root / ".", tmp_path, root / "episodes", root / "stills" / "x",
                root / ".recapdesk" / "out"):
        with pytest.raises(ExportError):
            export(open_project(root), ExportOptions(out=out, force=True))
    assert tree_hashes(root) == before


def test_default_output_is_project_export_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    result = export(open_project(root), ExportOptions())
    assert result.out == open_project(root).root / "export"
    assert (root / "export" / "index.html").is_file()
    # a second export into the same default folder works (it is a RecapDesk export)
    export(open_project(root), ExportOptions())
    assert html_files(root / "export") == sorted(["index.html", *FINAL_PAGES])


# --- hostile content -------------------------------------------------------------------

HOSTILE_BODY = """Intro paragraph.

<script>alert('pwned-script')</script>

<div onclick="alert('pwned-click')">div text</div>

<img src="../stills/ok.jpg" alt="raw image" onerror="alert('pwned-img')">

Inline <a href="javascript:alert('pwned-a')">bad link</a> and
<a href="  JaVaScRiPt:alert('pwned-caps')">caps link</a> and
<span onmouseover="alert('pwned-span')">hover</span>.

<style>body { display: none } .pwned-style {}</style>

<iframe src="https://evil.example/pwned-iframe"></iframe>

<svg onload="alert('pwned-svg')"><circle r="1"/></svg>

<p style="background:url(javascript:alert('pwned-style-attr'))">styled</p>

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>

<object data="pwned-object.swf"></object><embed src="pwned-embed.swf">

<form action="https://evil.example/"><input name="pwned-input"></form>

[md link](javascript:alert('pwned-md'))

![A still](../stills/ok.jpg "A caption")

The culprit is ||the butler||. See [[s01e02]].

::: spoiler The twist
Hidden text.
:::
"""


def hostile_project(make_project, make_image) -> Path:
    front = ('---\ntitle: "Hostile"\nseason: 1\nepisode: 1\nstatus: final\n'
             'spoilers: major\nexcerpt: "x"\n---\n')
    other = ('---\ntitle: "Other"\nseason: 1\nepisode: 2\nstatus: final\n'
             'spoilers: none\nexcerpt: "y"\n---\nFine.\n')
    root = make_project({"episodes/e.md": front + HOSTILE_BODY, "episodes/o.md": other})
    make_image(root / "stills" / "ok.jpg", size=(800, 450))
    return root


def assert_harmless(html: str, *, full_page: bool, inline_css: bool = False) -> None:
    page = Page(html)
    # the only <style> is the theme's own, inlined by --single-file
    assert [s.strip() for s in page.styles] == ([stylesheet().strip()] if inline_css else [])
    for tag, attrs in page.tags:
        assert tag not in ("iframe", "object", "embed", "form", "input", "svg"), tag
        if tag == "script":
            assert full_page and attrs.get("type") == "application/ld+json", attrs
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            squeezed = re.sub(r"\s+", "", value).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:")), (tag, name, value)
            assert "javascript:" not in squeezed or name == "content", (tag, name, value)
            if name in ("href", "src"):
                assert not squeezed.startswith("data:text"), (tag, name, value)
            assert name != "style" or "url(" not in squeezed, (tag, value)
    scripts = [kind for kind, _ in page.scripts]
    assert scripts == (["application/ld+json"] if full_page else [])
    for marker in ("pwned-script", "pwned-style", "pwned-iframe", "pwned-svg", "pwned-object",
                   "pwned-embed", "pwned-input", "pwned-click", "pwned-img", "pwned-span",
                   "pwned-caps", "pwned-a'", "pwned-style-attr"):
        assert marker not in html, marker
    assert "body { display: none }" not in html


@pytest.mark.parametrize("options", [
    {}, {"fragment": True}, {"single_file": True}, {"spoiler_free": True},
])
def test_hostile_raw_html_never_reaches_the_page(tmp_path: Path, make_project, make_image,
                                                 options: dict) -> None:
    root = hostile_project(make_project, make_image)
    # its raw <img>s are errors for `check` (not exported): forced, to see what is kept
    out = run_export(root, tmp_path / "o", force=True, **options)
    html = (out / "s01e01.html").read_text("utf-8")
    assert_harmless(html, full_page=not options.get("fragment"),
                    inline_css=bool(options.get("single_file")))
    # the ordinary constructs around it still work
    assert "div text" in html
    assert "bad link" in html
    assert '<figure class="still">' in html
    assert 'href="s01e02.html"' in html
    if options.get("spoiler_free"):
        assert "the butler" not in html and "Hidden text." not in html
    else:
        assert '<span class="spoiler" tabindex="0">the butler</span>' in html
        assert '<details class="spoiler">' in html
    if not options.get("single_file"):
        img = next(a for a in Page(html).find("img") if a.get("alt") == "A still")
        assert (int(img["width"]), int(img["height"])) == (800, 450)


def test_hostile_front_matter_is_escaped(tmp_path: Path, make_project) -> None:
    text = ('---\ntitle: "</title><script>alert(\'pwned-title\')</script>"\nseason: 1\n'
            'episode: 1\nstatus: final\nspoilers: none\n'
            'excerpt: "\\"><script>alert(\'pwned-excerpt\')</script></script>"\n---\nBody.\n')
    root = make_project({"episodes/e.md": text},
                        manifest='title: "<script>alert(\'pwned-series\')</script>"\n')
    out = run_export(root, tmp_path / "o")
    for name in ("s01e01.html", "index.html"):
        html = (out / name).read_text("utf-8")
        page = Page(html)
        assert [kind for kind, _ in page.scripts] == ["application/ld+json"], name
        assert "<script>alert" not in html
        ld = page.json_ld()
        assert ld
    page = read_page(out / "s01e01.html")
    assert page.meta(name="description") == "\"><script>alert('pwned-excerpt')</script></script>"


# --- nothing outside the project ----------------------------------------------------------

def test_nothing_outside_the_project_is_read_or_copied(tmp_path: Path, make_project,
                                                      make_image) -> None:
    outside = tmp_path / "outside"
    secret = make_image(tmp_path / "secret.jpg", size=(333, 222), noise=True)
    linked = make_image(outside / "leak.jpg", size=(444, 111), noise=True)
    secret_md = outside / "evil.md"
    secret_md.write_text('---\ntitle: "Evil"\nseason: 1\nepisode: 5\nstatus: final\n'
                         'excerpt: "TOP-SECRET-EXCERPT"\n---\nTOP-SECRET-EPISODE-TEXT\n')
    body = ("Intro.\n\n![Secret](../../secret.jpg)\n\n![Leak](../stills/leak.jpg)\n\n"
            "![Fine](../stills/ok.jpg)\n\n![Abs](" + secret.as_posix() + ")\n\n"
            "See [[s01e05]].\n")
    front = ('---\ntitle: "E"\nseason: 1\nepisode: 1\nstatus: final\nspoilers: none\n'
             'excerpt: "x"\ncover: ../../secret.jpg\n---\n')
    root = make_project({"episodes/e.md": front + body}, name="proj")
    make_image(root / "stills" / "ok.jpg", size=(640, 360))
    os.symlink(linked, root / "stills" / "leak.jpg")
    os.symlink(secret_md, root / "episodes" / "evil.md")
    os.symlink(secret, root / "stills" / "secret-alias.jpg")
    secret_bytes = {secret.read_bytes(), linked.read_bytes()}
    forbidden_sizes = {(333, 222), (444, 111)}

    series = open_project(root)
    assert [e.id for e in series.episodes] == ["s01e01"]
    problems = [str(p) for p in plan(series, ExportOptions(out=tmp_path / "x")).problems]
    assert any("outside" in p for p in problems)

    for options in ({}, {"single_file": True}, {"fragment": True}, {"drafts": True}):
        out = tmp_path / f"out-{len(list(tmp_path.glob('out-*')))}"
        export(open_project(root), ExportOptions(out=out, force=True, **options))
        files = [p for p in out.rglob("*") if p.is_file()]
        assert files
        for path in files:
            data = path.read_bytes()
            for raw in secret_bytes:
                assert raw not in data, path
            assert b"TOP-SECRET" not in data, path
            if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif"):
                with Image.open(path) as im:
                    assert im.size not in forbidden_sizes, path
            if path.suffix == ".html":
                for _, size in data_uri_images(data.decode("utf-8")):
                    assert size not in forbidden_sizes, path
        names = sorted(p.name for p in (out / "images").iterdir()) if (out / "images").exists() \
            else []
        assert "leak.jpg" not in names and "secret.jpg" not in names
        assert "secret-alias.jpg" not in names
    # the outside files are untouched
    assert secret_md.read_text().startswith("---")


def test_project_cache_stays_inside_project(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "p"]
    assert html_files(out)


# --- the source is never changed --------------------------------------------------------

@pytest.mark.parametrize("options", [
    {}, {"single_file": True}, {"fragment": True}, {"spoiler_free": True, "drafts": True},
    {"episodes": ["s01e03"]},
])
def test_source_files_unchanged_by_export(tmp_path: Path, options: dict) -> None:
    root = copy_sample(tmp_path / "p")
    before = tree_hashes(root)
    export(open_project(root), ExportOptions(**options))
    export(open_project(root), ExportOptions(**options))  # and again, with a warm cache
    after = tree_hashes(root, skip=("export", ".recapdesk"))
    assert after == before
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".recapdesk", "episodes", "export", "recapdesk.yaml", "stills"])
    assert tree_hashes(SAMPLE) == before  # and the bundled sample was never touched
