"""The live preview's page: the export template and theme, rendered from unsaved text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from recapdesk.core.export.site import ExportOptions, ExportPlan, PageRenderer
from recapdesk.core.model import Series
from recapdesk.core.project import episode_from_text


@dataclass
class PreviewPage:
    """A whole page (for the first load) and its article body (for later patches)."""

    html: str
    body_html: str
    title: str


def render_preview(series: Series, path: Path, text: str, *,
                   spoiler_free: bool = False) -> PreviewPage:
    """Render an episode as export would, with `data-line` source lines and CSS inline.

    Images keep the paths written in the Markdown; the preview serves them from the project.
    """
    ep, _ = episode_from_text(Path(path), text)
    published = [e if e.path != ep.path else ep for e in series.episodes if e.usable]
    if ep not in published:
        published.append(ep)
    plan = ExportPlan(series, ExportOptions(drafts=True, spoiler_free=spoiler_free),
                      out=series.root / "export", targets=[ep], published=published,
                      images={}, problems=[], write_index=False)
    renderer = PageRenderer(plan)
    renderer.inline_css = True
    body = renderer.body_html(ep, source_lines=True)
    return PreviewPage(renderer.episode_page(ep, body), body, ep.title)
