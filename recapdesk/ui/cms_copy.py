"""Copy HTML for CMS: the current episode's fragment on the clipboard as HTML and text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication

from recapdesk.core.export.fragment import episode_fragment, fragment_text
from recapdesk.core.model import Series


def copy_fragment_to_clipboard(series: Series, path: Path | str, text: str, *,
                               spoiler_free: bool = False,
                               clipboard: QClipboard | None = None) -> int:
    """Put the episode's CMS fragment on the clipboard; returns the HTML's length.

    `text` is the episode's full file text as it is in the editor (saved or not). The
    clipboard gets `text/html` (the fragment, exactly as `episode_fragment` renders it:
    image and recap URLs absolute on the site's base URL when it has one) and
    `text/plain` (a readable text version), so a CMS's visual editor takes the HTML and
    a plain text field takes the text.

    Raises ExportError (one clear line) when the front matter cannot be read.
    """
    html = episode_fragment(series, Path(path), text, spoiler_free=spoiler_free)
    mime = QMimeData()
    mime.setHtml(html)
    mime.setText(fragment_text(html))
    (clipboard or QGuiApplication.clipboard()).setMimeData(mime)
    return len(html)
