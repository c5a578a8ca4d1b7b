"""SPEC, Exported HTML: what every page holds, checked on the parsed pages.

Head (lang, title, description, OpenGraph, JSON-LD), one <h1> in <main>, the
spoiler-warning line, prev/next links and the list of recaps, the "streaming on"
line, image sizes and local links, and the variants (--spoiler-free, --single-file,
drafts left out by default).
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from e2e_support import ALL_PAGES, EPISODE_PAGES, EPISODES, MANIFEST, classes, text_of
from PIL import Image

pytestmark = pytest.mark.browser

LANG = MANIFEST.get("site", {}).get("language", "en")
BASE_URL = MANIFEST.get("site", {}).get("base_url", "")
PUBLISHED = [e for e in EPISODES if not e.is_draft]


def _meta(doc, *, name=None, prop=None) -> str | None:
    found = [m.get("content") for m in doc.iter("meta")
             if (name and m.get("name") == name) or (prop and m.get("property") == prop)]
    assert len(found) <= 1, f"meta {name or prop} appears {len(found)} times"
    return found[0] if found else None


def _json_ld(doc) -> dict:
    scripts = [s for s in doc.iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1, f"{len(scripts)} JSON-LD scripts"
    assert not [s for s in doc.iter("script") if s.get("type") != "application/ld+json"], \
        "a page must not need JavaScript: only JSON-LD scripts are allowed"
    return json.loads(scripts[0].text or "")


def _first_index(doc, pred) -> int:
    for i, el in enumerate(doc.iter()):
        if pred(el):
            return i
    return -1


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and bool(parts.path)


# --- every page, every variant --------------------------------------------------------

def test_head_and_landmarks(variant, exports, page_name):
    export = exports[variant]
    doc = export.doc(page_name)
    html = doc if doc.tag == "html" else doc.find(".//html")
    assert html.get("lang") == LANG
    title = doc.find("./head/title")
    assert title is not None and text_of(title), "no <title>"
    assert len(doc.findall(".//main")) == 1, "exactly one <main>"
    h1s = doc.findall(".//h1")
    assert len(h1s) == 1, f"{page_name}: {len(h1s)} <h1> elements: {[text_of(h) for h in h1s]}"
    assert any(h1s[0] is el for el in doc.find(".//main").iter("h1")), "<h1> outside <main>"
    description = _meta(doc, name="description")
    assert description, "no meta description"
    for prop in ("og:title", "og:description", "og:image", "og:type"):
        assert _meta(doc, prop=prop), f"no {prop}"
    assert _meta(doc, prop="og:description") == description
    og_image = _meta(doc, prop="og:image")
    if BASE_URL:
        assert og_image.startswith(BASE_URL), "og:image must be absolute when base_url is set"
    # The social card image is part of the (non-single-file) export.
    if not export.single_file:
        rel = og_image[len(BASE_URL):] if BASE_URL else og_image
        assert (export.out / rel).is_file(), f"og:image {og_image} is not in the export"
    streaming = doc.findall(".//main//*[@class='streaming']")
    assert len(streaming) == 1, "one 'streaming on' line"
    assert text_of(streaming[0]) == f"Streaming on {MANIFEST['network']}"


def test_episode_page_contract(variant, exports, episode):
    export = exports[variant]
    doc = export.doc(episode.page)
    meta = episode.meta
    h1 = doc.find(".//h1")
    assert text_of(h1) == meta["title"]
    assert meta["title"] in text_of(doc.find("./head/title"))
    assert _meta(doc, name="description") == meta["excerpt"]
    assert _meta(doc, prop="og:title") == meta["title"]
    assert _meta(doc, prop="og:type") == "article"
    if meta.get("cover"):
        assert _meta(doc, prop="og:image").endswith("/" + Path(meta["cover"]).name)
    # JSON-LD: Review (rated) or Article, about a TVEpisode partOfSeries a TVSeries.
    ld = _json_ld(doc)
    assert ld["@context"].rstrip("/") in ("https://schema.org", "http://schema.org")
    rated = episode.rating is not None
    assert ld["@type"] == ("Review" if rated else "Article")
    subject = ld["itemReviewed"] if rated else ld["about"]
    assert subject["@type"] == "TVEpisode"
    assert subject.get("episodeNumber") == meta["episode"]
    assert subject["partOfSeries"]["@type"] == "TVSeries"
    assert subject["partOfSeries"]["name"] == MANIFEST["title"]
    assert ld.get("headline") and ld.get("description") == meta["excerpt"]
    if rated:
        rating = ld["reviewRating"]
        assert rating["@type"] == "Rating"
        assert float(rating["ratingValue"]) == float(meta["rating"])
        assert float(rating["bestRating"]) == 5
    else:
        assert "reviewRating" not in ld
    # The spoiler-warning line comes before the body (the spoiler-free variant keeps it,
    # as SPEC asks of every page, and also says it is the spoiler-free version).
    main = doc.find(".//main")
    warnings = [el for el in main.iter() if "spoiler-warning" in classes(el)]
    notes = [el for el in main.iter() if "spoiler-free-note" in classes(el)]
    assert bool(notes) == export.spoiler_free
    if episode.spoilers in ("minor", "major"):
        assert len(warnings) == 1, f"{episode.code}: no spoiler-warning line"
        assert f"{episode.spoilers} spoilers" in text_of(warnings[0])
        warn_at = _first_index(main, lambda el: el is warnings[0])
        body_at = _first_index(main, lambda el: "recap-body" in classes(el))
        assert 0 <= warn_at < body_at, "the spoiler warning must come before the body"
    else:
        assert not warnings, f"{episode.code} has spoilers: none but shows a warning"
    # Previous/next recap links resolve to the neighbouring recaps' pages.
    index = EPISODE_PAGES.index(episode.page)  # --drafts: every episode is published
    prev = [a for a in doc.iter("a") if a.get("rel") == "prev"]
    nxt = [a for a in doc.iter("a") if a.get("rel") == "next"]
    want_prev = EPISODE_PAGES[index - 1] if index > 0 else None
    want_next = EPISODE_PAGES[index + 1] if index + 1 < len(EPISODE_PAGES) else None
    assert [a.get("href") for a in prev] == ([want_prev] if want_prev else [])
    assert [a.get("href") for a in nxt] == ([want_next] if want_next else [])
    for a in prev + nxt:
        assert (export.out / a.get("href")).is_file()
        assert EPISODES[EPISODE_PAGES.index(a.get("href"))].meta["title"] in text_of(a)
    # Headings in the body get ids, so they can be linked.
    body = next(el for el in main.iter() if "recap-body" in classes(el))
    headings = [h for h in body.iter() if h.tag in ("h2", "h3", "h4")
                and "also-read-title" not in classes(h)]
    assert headings and all(h.get("id") for h in headings), \
        [text_of(h) for h in headings if not h.get("id")]
    # The list of the other recaps, with this one marked as the current page.
    recaps = doc.find(".//nav[@class='series-recaps']")
    assert recaps is not None, "no list of the series' recaps"
    hrefs = [a.get("href") for a in recaps.iter("a")]
    assert hrefs == EPISODE_PAGES
    current = [a.get("href") for a in recaps.iter("a") if a.get("aria-current") == "page"]
    assert current == [episode.page]


def test_index_page_contract(variant, exports):
    export = exports[variant]
    doc = export.doc("index.html")
    assert text_of(doc.find(".//h1")) == MANIFEST["title"]
    assert _meta(doc, prop="og:type") == "website"
    ld = _json_ld(doc)
    assert ld["@type"] == "TVSeries" and ld["name"] == MANIFEST["title"]
    main_text = text_of(doc.find(".//main"))
    for actor in MANIFEST["cast"]:
        assert actor in main_text
    cards = [a for a in doc.findall(".//main//h3/a")]
    assert [a.get("href") for a in cards] == EPISODE_PAGES
    for ep in EPISODES:
        assert ep.meta["excerpt"] in main_text, f"no excerpt for {ep.code} on the index"


def test_images_have_sizes_and_alt(variant, exports, page_name):
    export = exports[variant]
    doc = export.doc(page_name)
    imgs = list(doc.iter("img"))
    assert imgs, f"{page_name} has no images"
    for img in imgs:
        src = img.get("src") or ""
        assert img.get("alt") is not None, f"<img src={src[:60]}> has no alt"
        width, height = img.get("width"), img.get("height")
        assert width and height and width.isdigit() and height.isdigit(), \
            f"<img src={src[:60]}> lacks width/height"
        if export.single_file:
            assert src.startswith("data:image/"), f"single-file page links {src[:60]}"
            data = base64.b64decode(src.split(",", 1)[1])
            with Image.open(io.BytesIO(data)) as im:
                size = im.size
        else:
            assert _is_local(src), f"image {src} is not a file of the export"
            path = export.out / unquote(urlsplit(src).path)
            assert path.is_file(), f"{src} is missing from the export"
            with Image.open(path) as im:
                size = im.size
        assert size == (int(width), int(height)), f"{src[:60]}: file {size} vs {width}×{height}"
        assert size[0] <= 1600, f"{src[:60]} is {size[0]} px wide (max 1600)"
    for fig in doc.iter("figure"):
        if "still" in classes(fig):
            img = fig.find(".//img")  # in a <picture> with its WebP sources
            assert img is not None and (img.get("alt") or "").strip(), "a still without alt"
            assert fig.find("figcaption") is not None and text_of(fig.find("figcaption"))


def test_local_links_resolve(variant, exports, page_name):
    export = exports[variant]
    doc = export.doc(page_name)
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    problems = []
    for el in doc.iter():
        for attr in ("href", "src"):
            url = el.get(attr)
            if url is None or url.startswith("data:"):
                continue
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            if parts.scheme or parts.netloc:
                problems.append(f"{url}: unexpected scheme")
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in ids:
                    problems.append(f"{url}: no element with that id")
                continue
            target = (export.out / unquote(parts.path)).resolve()
            if not target.is_relative_to(export.out.resolve()) or not target.is_file():
                problems.append(f"<{el.tag} {attr}={url}>: no such file in the export")
            elif parts.fragment and target.suffix == ".html":
                other = export.doc(target.name)
                if not any(e.get("id") == parts.fragment for e in other.iter()):
                    problems.append(f"{url}: no such id in {target.name}")
    assert not problems, f"{variant}/{page_name}:\n  " + "\n  ".join(problems)
    if export.single_file:
        resources = [el.get("href") for el in doc.iter("link") if el.get("rel") != "canonical"]
        assert not resources, f"single-file page links resources: {resources}"
        assert doc.find("./head/style") is not None, "no inline stylesheet"


def test_stills_are_resized(site):
    images = sorted((site.out / "images").iterdir())
    assert images
    for path in images:
        with Image.open(path) as im:
            assert im.width <= 1600, f"{path.name} is {im.width} px wide"
    # The sample's 1920 px stills really were resized (so the check above bites).
    with Image.open(next(Path(site.out).glob("images/s01e01-01-1600.*"))) as im:
        assert im.width == 1600
    with Image.open(next(Path(site.out).glob("images/s01e01-01.jpg"))) as im:
        assert im.width == 1200  # the file <img src> and og:image name


# --- variants -------------------------------------------------------------------------

def test_spoiler_free_has_no_spoilers(site, spoiler_free, episode):
    doc = spoiler_free.doc(episode.page)
    spoilers = [el for el in doc.iter() if "spoiler" in classes(el)]
    assert not spoilers, f"{episode.code}: {len(spoilers)} .spoiler element(s) left"
    text = text_of(doc.find(".//main"))
    # Nothing hidden in the full version's spoilers leaks into the teaser version.
    for el in site.doc(episode.page).iter():
        if "spoiler" in classes(el):
            if el.tag == "details":
                hidden = [text_of(c) for c in el if c.tag != "summary"]
            else:
                hidden = [text_of(el)]
            for chunk in hidden:
                assert chunk and chunk not in text, f"{episode.code} leaks a spoiler: {chunk!r}"


def test_full_version_has_spoiler_markup(site):
    """The sample has both kinds of spoilers, so the spoiler-free test bites."""
    all_classes = [(el.tag, classes(el)) for ep in EPISODES for el in site.doc(ep.page).iter()]
    assert any(tag == "details" and "spoiler" in c for tag, c in all_classes)
    assert any(tag == "span" and "spoiler" in c for tag, c in all_classes)


def test_default_export_leaves_drafts_out(published_only):
    names = sorted(p.name for p in published_only.pages)
    assert names == sorted(["index.html", *[e.page for e in PUBLISHED]])
    drafts = {e.page for e in EPISODES if e.is_draft}
    assert drafts, "the sample should have a draft episode"
    for page in published_only.pages:
        hrefs = {a.get("href") for a in published_only.doc(page.name).iter("a")}
        assert not hrefs & drafts, f"{page.name} links to a draft: {hrefs & drafts}"
    last = published_only.doc(PUBLISHED[-1].page)
    assert not [a for a in last.iter("a") if a.get("rel") == "next"]


def test_every_page_is_well_formed_utf8(variant, exports):
    export = exports[variant]
    for path in export.pages:
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert raw.lstrip().lower().startswith(b"<!doctype html>")
        assert re.search(rb'<meta charset="?utf-8"?', raw[:1024], re.I)
    assert sorted(p.name for p in export.pages) == sorted(ALL_PAGES)
