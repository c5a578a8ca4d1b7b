"""SPEC, Exported HTML: pages need neither JavaScript nor the network to read.

Pages are opened with JavaScript disabled and every request routed: a site may load
only its own files; a single-file page loads nothing but itself (images are data:
URIs, which never reach the router). Spoilers work by CSS alone.
"""

from __future__ import annotations

import re

import pytest
from e2e_support import ALL_PAGES, EPISODES
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def no_js_context(browser):
    """JavaScript off (Chromium then also loads loading=lazy images eagerly)."""
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    yield context
    context.close()


class Recorder:
    """Routes every request: lets through files inside the export, blocks the rest."""

    def __init__(self, export):
        self.export = export
        self.allowed: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []

    def __call__(self, route):
        url = route.request.url
        local = self.export.local_file(url)
        if local is not None and local.is_file():
            self.allowed.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def on_failed(self, request):
        if request.url not in self.blocked:
            self.failed.append(request.url)


def _open(context, export, name):
    recorder = Recorder(export)
    page = context.new_page()
    page.route("**/*", recorder)
    page.on("requestfailed", recorder.on_failed)
    page.goto(export.uri(name), wait_until="load")  # images and CSS included
    return page, recorder


def _images_loaded(page) -> list[str]:
    """The src of every <img> that did not load (JavaScript is off: ask the DOM)."""
    broken = []
    for img in page.locator("img").all():
        img.scroll_into_view_if_needed()
        ok = img.evaluate("el => el.complete && el.naturalWidth > 0")
        if not ok:
            broken.append((img.get_attribute("src") or "")[:80])
    return broken


def test_pages_load_offline_without_javascript(variant, exports, no_js_context):
    export = exports[variant]
    for name in ALL_PAGES:
        page, rec = _open(no_js_context, export, name)
        try:
            assert not rec.blocked, f"{variant}/{name} asked for {rec.blocked}"
            assert not rec.failed, f"{variant}/{name}: requests failed: {rec.failed}"
            assert all(u.startswith("file://") for u in rec.allowed)
            assert export.uri(name) in rec.allowed  # the router saw the page itself
            if export.single_file:
                assert rec.allowed == [export.uri(name)], \
                    f"{variant}/{name} is not self-contained: it loaded {rec.allowed[1:]}"
                srcs = [i.get_attribute("src") for i in page.locator("img").all()]
                assert srcs and all(s.startswith("data:image/") for s in srcs), srcs
            else:
                loaded = {export.local_file(u).name for u in rec.allowed}
                assert "style.css" in loaded, f"{variant}/{name} did not load its stylesheet"
            # The theme applied: the stylesheet (linked or inline) styles the page.
            assert page.locator("body").evaluate(
                "el => getComputedStyle(el).backgroundColor") == "rgb(251, 249, 246)"
            assert page.locator("main").count() == 1
            assert not _images_loaded(page), f"{variant}/{name}: broken images"
        finally:
            page.close()


BLURRED = re.compile(r"^blur\(\d")
SPOILER_PAGES = [e.page for e in EPISODES if "||" in e.body]
BLOCK_PAGES = [e.page for e in EPISODES if "::: spoiler" in e.body]


def test_sample_has_spoilers_to_check():
    assert SPOILER_PAGES and BLOCK_PAGES


@pytest.mark.parametrize("name", SPOILER_PAGES)
def test_inline_spoiler_hidden_until_focus_or_hover(site, no_js_context, name):
    page, _ = _open(no_js_context, site, name)
    try:
        spoilers = page.locator("span.spoiler")
        assert spoilers.count() >= 1
        for i in range(spoilers.count()):
            spoiler = spoilers.nth(i)
            spoiler.scroll_into_view_if_needed()
            assert spoiler.get_attribute("tabindex") == "0"
            hidden = spoiler.evaluate("el => getComputedStyle(el).filter")
            assert hidden.startswith("blur("), f"inline spoiler {i} is not hidden: {hidden}"
        # Keyboard focus reveals it (after the theme's short transition).
        first = spoilers.first
        first.focus()
        assert first.evaluate("el => document.activeElement === el")
        expect(first).to_have_css("filter", "none")
        # The others stay hidden meanwhile.
        if spoilers.count() > 1:
            expect(spoilers.nth(1)).to_have_css("filter", BLURRED)
        # Leaving hides it again; pointer hover reveals it too.
        first.blur()
        expect(first).to_have_css("filter", BLURRED)
        first.hover()
        expect(first).to_have_css("filter", "none")
    finally:
        page.close()


@pytest.mark.parametrize("name", BLOCK_PAGES)
def test_spoiler_block_closed_until_summary_clicked(site, no_js_context, name):
    page, _ = _open(no_js_context, site, name)
    try:
        blocks = page.locator("details.spoiler")
        assert blocks.count() >= 1
        for i in range(blocks.count()):
            block = blocks.nth(i)
            assert block.get_attribute("open") is None, f"spoiler block {i} starts open"
            content = block.locator(":scope > :not(summary)").first
            assert not content.is_visible(), f"spoiler block {i} shows its content"
            summary = block.locator(":scope > summary")
            assert summary.inner_text().strip()
            summary.click()
            assert block.get_attribute("open") is not None
            assert content.is_visible()
        # And with the keyboard: Enter on the focused summary toggles it back.
        summary = blocks.first.locator(":scope > summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert blocks.first.get_attribute("open") is None
    finally:
        page.close()
