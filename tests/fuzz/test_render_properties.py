"""Property tests: the renderer, the sanitizer, checks and export on generated recaps."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings

from recapdesk.core.checks import check_episode
from recapdesk.core.markdown import build_markdown
from recapdesk.core.preview import render_preview
from recapdesk.core.project import episode_from_text, open_project
from tests.fuzz.conftest import assert_safe
from tests.fuzz.strategies import recap_markdown

MD = build_markdown()
SPOILER_FREE = build_markdown(spoiler_free=True)


def parse(html: str):
    """Parse strictly: html5lib raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(html)


def check_one(text: str) -> None:
    assert_safe(parse(MD.render(text)))
    teaser = parse(SPOILER_FREE.render(text))
    assert not [e for e in teaser.iter() if "spoiler" in (e.get("class") or "").split()]


@given(recap_markdown)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_render_is_well_formed_and_safe(text: str) -> None:
    check_one(text)


@pytest.mark.slow
@given(recap_markdown)
@settings(max_examples=10_000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_render_is_well_formed_and_safe_10k(text: str) -> None:
    check_one(text)


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("fuzz") / "proj"
    shutil.copytree(Path(__file__).resolve().parents[2] / "resources" / "sample", root)
    return open_project(root)


@given(recap_markdown)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_check_and_page_never_crash(series, text: str) -> None:
    path = series.episodes_dir / "s01e09.md"
    full = f"---\ntitle: Fuzz\nseason: 1\nepisode: 9\nspoilers: major\n---\n{text}\n"
    ep, _ = episode_from_text(path, full)
    problems = check_episode(series, ep)
    assert all(p.level in ("error", "warning") for p in problems)
    page = render_preview(series, path, full)
    assert_safe(parse(page.body_html))
    assert page.html.count("<h1") == 1
