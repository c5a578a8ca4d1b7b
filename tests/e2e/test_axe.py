"""SPEC, Exported HTML: every page passes axe-core (WCAG 2 A/AA), light and dark."""

from __future__ import annotations

import pytest
from e2e_support import ALL_PAGES, AXE_TAGS

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_context(request, browser):
    context = browser.new_context(color_scheme=request.param,
                                  viewport={"width": 1280, "height": 900})
    yield request.param, context
    context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')}")
        for node in v.get("nodes", [])[:8]:
            target = " ".join(map(str, node.get("target", [])))
            summary = " ".join((node.get("failureSummary") or "").split())[:300]
            lines.append(f"    {target}: {summary}")
        if len(v.get("nodes", [])) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def test_axe_wcag_a_aa(variant, exports, scheme_context, axe):
    scheme, context = scheme_context
    export = exports[variant]
    page = context.new_page()
    try:
        failures = {}
        for name in ALL_PAGES:
            page.goto(export.uri(name), wait_until="load")
            prefers_dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert prefers_dark == (scheme == "dark")
            results = axe.run(page, options=AXE_OPTIONS).response
            assert "violations" in results and results.get("testEngine", {}).get("name") == \
                "axe-core", f"axe did not run on {name}"
            if results["violations"]:
                failures[name] = results["violations"]
        assert not failures, f"axe-core violations in the {variant} export ({scheme}):\n" + \
            "\n".join(f"{name}:\n{_describe(v)}" for name, v in failures.items())
    finally:
        page.close()


def test_axe_canary_finds_violations(browser, axe, tmp_path):
    """The same axe set-up reports real problems (so the tests above can fail)."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                   '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                   '<p style="color:#bbb;background:#fff">low contrast</p></body></html>')
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(bad.as_uri())
        ids = {v["id"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
    finally:
        context.close()
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids, ids
