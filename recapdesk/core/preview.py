"""The live preview's page: the export template and theme, rendered from unsaved text.

`LivePreview` keeps one episode's preview up to date as the writer types: the page
around the article (the *shell*) is rendered again only when the front matter or the
project changes, and the article body is rendered block by block
(`recapdesk.core.incremental`), so that an edit costs about as much as the blocks it
touched. Each `update()` says what the page needs: a first load, a new shell, and the
operations that patch the body.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recapdesk.core import frontmatter, images
from recapdesk.core.incremental import Body, IncrementalRenderer, diff
from recapdesk.core.markdown import ImageRef, build_markdown
from recapdesk.core.markdown.facts import heading_shift
from recapdesk.core.model import Episode, Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.pages.renderer import PageRenderer, PageSet, PlacedImage
from recapdesk.core.paths import resolve_image, still_name
from recapdesk.core.project import episode_from_text


@dataclass
class PreviewPage:
    """A whole page (for the first load) and its article body (for later patches)."""

    html: str
    body_html: str
    title: str


# what only the preview shows: the writer's time notes (export leaves them out)
PREVIEW_CSS = """
.time-notes{margin:1em 0;padding:.4em .8em;border-left:3px solid #c9a227;
background:#fbf4dc;font-size:.92em;color:#4a4030}
.time-note{margin:.2em 0}
.time-stamp{font-family:ui-monospace,monospace;font-weight:600;color:#8a5a00;
text-decoration:none;margin-right:.4em}
.time-stamp:hover{text-decoration:underline}
"""


class PreviewRenderer(PageRenderer):
    """The export's page renderer for the preview: CSS inline, images as written.

    A preview's page set places no images, so an episode never has a cover image here
    (the export renderer would find that out by parsing the whole body).
    """

    def cover(self, ep: Episode) -> PlacedImage | None:
        return None

    def common(self, ep_or_none: Episode | None) -> dict:
        found = super().common(ep_or_none)
        found["inline_css"] = (found.get("inline_css") or "") + PREVIEW_CSS
        return found


class ImageSizes:
    """Image sizes for the preview's `<img width height>`, so that the page does not move
    when an image arrives; read from the file header, remembered per file version."""

    def __init__(self, series: Series, path: Path) -> None:
        self.series = series
        self.path = path
        self._known: dict[tuple[Path, int, int], tuple[int, int] | None] = {}

    def __call__(self, src: str) -> ImageRef | None:
        resolved = resolve_image(self.series.root, self.path, src)
        if resolved.path is None:
            return None
        try:
            stat = resolved.path.stat()
        except OSError:
            return None
        key = (resolved.path, stat.st_mtime_ns, stat.st_size)
        if key not in self._known:
            try:
                info = images.probe(resolved.path)
                self._known[key] = (info.width, info.height)
            except images.ImageError:
                self._known[key] = None
        size = self._known[key]
        return ImageRef(src, *size) if size else None


def _pages(series: Series, ep: Episode, spoiler_free: bool) -> PageSet:
    """The preview's page set: every readable recap listed, drafts too; CSS inline."""
    published = [e if e.path != ep.path else ep for e in series.episodes if e.usable]
    if ep not in published:
        published.append(ep)
    return PageSet(series, published, spoiler_free=spoiler_free, inline_css=True)


def render_preview(series: Series, path: Path, text: str, *,
                   spoiler_free: bool = False) -> PreviewPage:
    """Render an episode as export would, with `data-line` source lines and CSS inline,
    in one piece (what `LivePreview` keeps in the page, block by block).

    Images keep the paths written in the Markdown; the preview serves them from the project.
    """
    ep, _ = episode_from_text(Path(path), text)
    renderer = PreviewRenderer(_pages(series, ep, spoiler_free))
    md = build_markdown(episodes=renderer.link_resolver, stills=series.stills,
                        still_of=functools.partial(still_name, series.root, ep.path),
                        images=ImageSizes(series, ep.path), spoiler_free=spoiler_free,
                        heading_shift=heading_shift(ep.body), source_lines=True,
                        line_offset=ep.body_line - 1, time_notes=True)
    body = md.render(ep.body)
    return PreviewPage(renderer.episode_page(ep, body), body, ep.title)


@dataclass
class PreviewUpdate:
    """What the page needs after `LivePreview.update()`.

    `load`: the page is new (load `shell`, then put `body` in it). Otherwise `shell` is
    set when the page around the body changed, and `ops` (see `incremental.diff`) patch
    the body; both None when nothing visible changed.
    """

    serial: int
    load: bool
    shell: str | None
    ops: list[list[Any]] | None
    body: Body
    title: str
    timings: dict[str, float] = dataclasses.field(default_factory=dict)


class LivePreview:
    """One episode's preview, kept up to date from the editor's text."""

    def __init__(self, series: Series, path: Path, *, spoiler_free: bool = False) -> None:
        self.path = Path(path)
        self.spoiler_free = spoiler_free
        self.series: Series | None = None
        self.episode: Episode | None = None
        self.shell: str | None = None
        self.body: Body | None = None
        self.serial = 0
        self._renderer: PageRenderer | None = None
        self._links_key: object = None
        self._blocks: IncrementalRenderer | None = None
        self._images = ImageSizes(series, self.path)
        self._set_series(series)

    def _set_series(self, series: Series) -> None:
        if self._blocks is None or self.series is None or series.stills != self.series.stills:
            self._blocks = IncrementalRenderer(episodes=self._resolve_link, stills=series.stills,
                                               still_of=functools.partial(
                                                   still_name, series.root, self.path),
                                               images=self._images,
                                               spoiler_free=self.spoiler_free)
        self.series = series
        self._images.series = series
        self.shell = None  # the shell is rendered again for the new project state

    def _resolve_link(self, target: str):
        return self._renderer.link_resolver(target) if self._renderer else None

    def _episode(self, text: str) -> Episode:
        """The episode for `text`; the front matter YAML is parsed only when it changed."""
        last = self.episode
        if last is not None and last.front_ok:
            try:
                parts = frontmatter.split(text)
            except frontmatter.FrontMatterError:
                parts = None
            if parts is not None and parts.has_front and parts.front_text == last.front_text:
                return dataclasses.replace(last, body=parts.body, body_line=parts.body_line,
                                           newline=parts.newline)
        return episode_from_text(self.path, text)[0]

    def update(self, text: str, series: Series | None = None) -> PreviewUpdate:
        """Render `text` (the episode file's whole text) and say what the page needs."""
        t0 = time.perf_counter()
        if series is not None and series is not self.series:
            self._set_series(series)
        assert self.series is not None and self._blocks is not None
        ep = self._episode(text)
        shell = None
        if (self.shell is None or self.episode is None or ep.front_text != self.episode.front_text
                or ep.front_ok != self.episode.front_ok):
            self._renderer = PreviewRenderer(_pages(self.series, ep, self.spoiler_free))
            self._links_key = tuple((page_name(e), e.title)
                                    for e in self._renderer.pages.published)
            shell = self._renderer.episode_page(ep, "")
            if shell == self.shell:
                shell = None
            else:
                self.shell = shell
        self.episode = ep
        t1 = time.perf_counter()
        body = self._blocks.render(ep.body, ep.body_line - 1, links_key=self._links_key)
        t2 = time.perf_counter()
        load = self.body is None
        ops = None if load else diff(self.body, body)
        self.body = body
        self.serial += 1
        t3 = time.perf_counter()
        return PreviewUpdate(self.serial, load, self.shell if load else shell, ops, body,
                             ep.title, {"shell_ms": (t1 - t0) * 1000,
                                        "body_ms": (t2 - t1) * 1000,
                                        "diff_ms": (t3 - t2) * 1000})
