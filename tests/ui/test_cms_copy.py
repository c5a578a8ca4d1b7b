"""Copy HTML for CMS: the clipboard holds the fragment as text/html and text/plain."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from recapdesk.core.export.fragment import episode_fragment
from recapdesk.core.export.plan import ExportError
from recapdesk.core.project import open_project
from recapdesk.ui.cms_copy import copy_fragment_to_clipboard

BASE_URL = "https://example.com/last-ferry-to-udo/"


def test_clipboard_gets_html_and_text(qapp, sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e02.md"
    text = path.read_text("utf-8") + "\nTyped just now, not saved.\n"
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()

    length = copy_fragment_to_clipboard(series, path, text)

    mime = clipboard.mimeData()
    assert mime.hasHtml() and mime.hasText()
    assert "text/html" in mime.formats() and "text/plain" in mime.formats()
    html = mime.html()
    assert length == len(html) == len(episode_fragment(series, path, text))
    assert html.startswith('<p class="spoiler-warning spoiler-warning-minor">')
    assert (f'<figure class="still"><img src="{BASE_URL}images/s01e02-01.jpg" '
            f'srcset="{BASE_URL}images/s01e02-01-480.jpg 480w, ') in html
    assert '" alt="Seo-rin and Ga-eun sit facing each other' in html
    assert "<figcaption>Still From Last Ferry to Udo Episode 2</figcaption></figure>" in html
    assert '<span class="spoiler" tabindex="0">he calls Soon-ok' in html
    assert '<details class="spoiler">\n<summary>What happened on the pier' in html
    assert "<p>Typed just now, not saved.</p>" in html
    assert "<html" not in html and "<head" not in html

    plain = mime.text()
    assert "<" not in plain
    assert "[Image: Seo-rin and Ga-eun sit facing each other" in plain
    assert "Still From Last Ferry to Udo Episode 2" in plain
    assert "[Spoiler: he calls Soon-ok" in plain
    assert "[Spoiler: What happened on the pier ten years ago]" in plain
    assert "Typed just now, not saved." in plain


def test_spoiler_free_copy(qapp, sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / "s01e02.md"
    copy_fragment_to_clipboard(series, path, path.read_text("utf-8"), spoiler_free=True)
    mime = QGuiApplication.clipboard().mimeData()
    assert 'class="spoiler"' not in mime.html() and "he calls Soon-ok" not in mime.html()
    assert "Spoiler" not in mime.text()
    assert '<figure class="still">' in mime.html()


def test_broken_front_matter_leaves_the_clipboard_alone(qapp, sample_project: Path) -> None:
    series = open_project(sample_project)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("what was there")
    with pytest.raises(ExportError):
        copy_fragment_to_clipboard(series, sample_project / "episodes" / "s01e01.md",
                                   "---\ntitle: [oops\n---\nBody\n")
    assert clipboard.text() == "what was there"
