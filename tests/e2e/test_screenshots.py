"""Screenshots of an episode page and the index for review, and layout sanity checks.

The PNGs go to /tmp/recapdesk-e2e-*.png (never into the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import EPISODES
from PIL import Image

pytestmark = pytest.mark.browser

SHOT_DIR = Path("/tmp")
# The richest page: rated, major spoilers, blocks, inline spoilers and an Also Read box.
SHOWCASE = max(EPISODES, key=lambda e: (e.rating is not None, e.body.count("||"),
                                        e.body.count(":::"))).page


@pytest.mark.parametrize("name, label", [(SHOWCASE, "episode"), ("index.html", "index")])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot(site, browser, name, label, scheme):
    # JavaScript off: Chromium then loads loading=lazy images eagerly, so the
    # full-page shot shows every still.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                                  java_script_enabled=False, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(site.uri(name), wait_until="load")
        suffix = "" if scheme == "light" else "-dark"
        path = SHOT_DIR / f"recapdesk-e2e-{label}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        with Image.open(path) as im:
            assert im.width == 1280 and im.height > 900
            # Not a blank page: many distinct colours (text, stills, accents).
            colours = im.convert("RGB").resize((320, im.height // 4)).getcolors(1 << 16)
            assert colours is None or len(colours) > 200
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_no_horizontal_overflow(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for name in ["index.html", *[e.page for e in EPISODES]]:
            page.goto(site.uri(name), wait_until="load")
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll <= client, f"{name} scrolls sideways at {width} px ({scroll} > {client})"
            # The h1 is near the top (nothing pushes the content down) and readable.
            top = page.locator("h1").bounding_box()["y"]
            assert top < 400, f"{name}: the <h1> starts {top} px down at {width} px"
            text = page.locator(".recap-body > p" if name != "index.html" else "main").first
            size = text.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
            assert size >= 16, f"{name}: body text is {size} px at {width} px"
    finally:
        context.close()
