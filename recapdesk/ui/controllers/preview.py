"""The live preview of the current recap: rendered as the writer types, scrolled along.

The current episode's `core.preview.LivePreview` renders only what an edit touched; a
new page is loaded when the tab changes, else the preview's DOM is patched (it keeps
its scroll position). Rendering happens at once while patches are cheap, and is
coalesced on a short timer when they are not.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices

from recapdesk.core.markdown.time_notes import TIME_LINK
from recapdesk.core.preview import LivePreview
from recapdesk.ui.controllers import Controller
from recapdesk.ui.preview import ScrollSync

if TYPE_CHECKING:
    from recapdesk.ui.main_window import MainWindow

RENDER_DELAY_MS = 120


class PreviewController(Controller):
    """Keeps the window's preview showing the current recap."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.live: LivePreview | None = None  # the current episode's preview
        self.path: Path | None = None  # the episode the page shows
        self.ready = False  # the page is loaded and shows its body
        self.patch_cost_ms = 0.0  # what a render and patch cost lately (a moving average)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RENDER_DELAY_MS)
        self.timer.timeout.connect(self.render)
        self.scroll_sync = ScrollSync(window.preview, self)
        on = window.settings.value("preview/sync", True, bool)
        self.scroll_sync.set_enabled(on)
        window.preview.ready.connect(self._page_ready)
        window.preview.linkClicked.connect(self._link_clicked)

    def render_soon(self) -> None:
        self.timer.start()

    def render(self, *, new_page: bool = False) -> None:
        """Render the current episode: a new page when the episode changed (or
        `new_page`), else a patch of the blocks that changed."""
        w = self.window
        if new_page:
            self.path = None
        tab = w.current_tab()
        self.scroll_sync.attach(tab.editor if tab is not None else None)
        if tab is None or w.series is None:
            return
        buffer = w.session.buffer(tab.path)
        if buffer is None:
            return
        started = time.perf_counter()
        if self.path != buffer.path or self.live is None:
            self.path = buffer.path
            self.ready = False
            self.live = LivePreview(w.series, buffer.path)
            update = self.live.update(buffer.text)
            w.preview.load_page(update.shell, w.series.rel(buffer.path), update.body,
                                update.serial)
        else:
            update = self.live.update(buffer.text, w.series)
            w.preview.update_page(update.body, update.ops, update.shell, update.serial)
        # Render at once while patches are cheap; coalesce keystrokes when they are not.
        cost_ms = (time.perf_counter() - started) * 1000
        self.patch_cost_ms = 0.0 if update.load else 0.7 * self.patch_cost_ms + 0.3 * cost_ms
        self.timer.setInterval(0 if self.patch_cost_ms < 20 else
                               min(2 * RENDER_DELAY_MS, int(self.patch_cost_ms * 1.5)))
        w.sync_level(self.live.episode.spoilers)

    def set_sync(self, on: bool) -> None:
        """View ▸ Sync Scrolling (remembered)."""
        self.scroll_sync.set_enabled(on)
        self.window.settings.setValue("preview/sync", on)

    def cursor_moved(self, line: int) -> None:
        if self.scroll_sync.enabled:  # the preview shows the part being edited
            self.window.preview.scroll_to_line(line)

    def _page_ready(self) -> None:
        if gc.get_freeze_count() == 0:
            # The window is up: what exists now (modules, Qt's wrappers, the project) lives
            # as long as the app. Leave it out of the cyclic GC's full passes, which take
            # 50-150 ms with it (PySide's objects are slow to traverse), while typing.
            gc.freeze()
        self.ready = True
        w = self.window
        tab = w.current_tab()
        if tab is not None:
            self.scroll_sync.editor_scrolled()
            w.preview.scroll_to_line(tab.editor.textCursor().blockNumber())
        w.preview_ready.emit()

    def _link_clicked(self, url: QUrl) -> None:
        """A link in the preview: another recap opens in its tab, the web in a browser."""
        w = self.window
        if w.series is None:
            return
        name = url.fileName()
        if url.toString().startswith(TIME_LINK):  # a time note's time
            try:
                seconds = float(url.toString()[len(TIME_LINK):])
            except ValueError:
                return
            w.watch_actions.jump_to(seconds)
            return
        if url.scheme() == "recap" and name.endswith(".html"):
            ep = w.series.find_episode(name[: -len(".html")])
            if ep is not None:
                w.open_episode(ep.path)
                return
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
