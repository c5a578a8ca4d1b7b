"""What an export never does: let raw HTML or front matter run script in a page, read or
copy anything from outside the project, or change the project's own files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core.export.plan import ExportOptions, plan
from recapdesk.core.export.write import export
from recapdesk.core.project import open_project
from recapdesk.core.resources import stylesheet
from tests.core.conftest import (
    SAMPLE,
    Page,
    copy_sample,
    data_uri_images,
    html_files,
    read_page,
    run_export,
    tree_hashes,
)

# --- hostile content --------------------------------------------------------------

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


# --- nothing outside the project --------------------------------------------------

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


# --- the source is never changed --------------------------------------------------

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
