"""PreviewView: the episode page as export renders it, patched in place as the writer types.

Page scripts are off, remote access is off, every request that is not for the project's
own files (served through the `recap:` scheme) is refused by an interceptor. Our own
script (page_js) runs in Qt's ApplicationWorld only: it puts the body into the page piece
by piece, patches the pieces that changed, keeps the view still while it does, maps
source lines to page positions (scroll sync) and clicks back to source lines.
"""

from __future__ import annotations

import atexit
import json
import mimetypes
import time
import weakref
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from recapdesk.core.incremental import Body
from recapdesk.core.paths import inside
from recapdesk.ui.preview import page_js

SCHEME = b"recap"
HOST = "project"
ALLOWED_SCHEMES = {"recap", "data", "about", "qrc"}


def register_scheme() -> None:
    """Register `recap:` before the QApplication exists (Qt requires that order)."""
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme
                    | QWebEngineUrlScheme.Flag.LocalScheme
                    | QWebEngineUrlScheme.Flag.LocalAccessAllowed
                    | QWebEngineUrlScheme.Flag.ContentSecurityPolicyIgnored)
    QWebEngineUrlScheme.registerScheme(scheme)


class ProjectFiles(QWebEngineUrlSchemeHandler):
    """Serves `recap://project/<path>` from the project folder, and nothing outside it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        self.refused: list[str] = []  # requests for files outside the project

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if self.root is None or url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        path = self.root / url.path().lstrip("/")
        if not inside(path, self.root):  # links are followed: a link out is refused too
            self.refused.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        if not path.is_file() or path.stat().st_size > 64 * 1024 * 1024:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(path.read_bytes()))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        job.reply(mime.encode(), buffer)


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Refuses every request that would leave the machine; counts what it blocked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        scheme = info.requestUrl().scheme()
        if scheme not in ALLOWED_SCHEMES:
            self.blocked.append(info.requestUrl().toString())
            info.block(True)


class PreviewPageObject(QWebEnginePage):
    """Keeps navigation inside the preview: links become requests to the window."""

    linkClicked = Signal(QUrl)

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.linkClicked.emit(url)
            return False
        return url.scheme() in ("recap", "data", "about")

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:
        pass


_SPOILER_CSS_JS = """
(function(on) {
  var el = document.getElementById('recapdesk-preview-style');
  if (!el) { el = document.createElement('style'); el.id = 'recapdesk-preview-style';
             document.head.appendChild(el); }
  el.textContent = on ? 'span.spoiler{filter:none!important;background:#ffe9a8!important;' +
    'color:inherit!important} details.spoiler > *{display:block}' : '';
  document.querySelectorAll('details.spoiler').forEach(function(d){ d.open = on; });
  document.documentElement.classList.toggle('recapdesk-show-spoilers', on);
})(%s);
"""



World = QWebEngineScript.ScriptWorldId.ApplicationWorld
CLICK_SLOP = 4  # pixels a press may move and still count as a click
USER_SCROLL_S = 0.6  # the page moving this long after the writer's input is their scroll
STALE_RETRY_MS = 16  # the page's script saw an older scroll position: ask again after this
STALE_TRIES = 10  # …this many times at most
USER_SCROLL_EVENTS = (QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                      QEvent.Type.TouchUpdate, QEvent.Type.NativeGesture)


class PreviewView(QWebEngineView):
    """The preview pane.

    `load()` shows a new page: its shell (the page with an empty article body), then the
    body's pieces. `update()` replaces the shell around the body and patches the body.
    """

    linkClicked = Signal(QUrl)
    ready = Signal()  # a page was loaded and its body put in place
    patched = Signal(int)  # the update with this serial is in the page
    userScrolled = Signal(float)  # the writer scrolled the page: source line at its top
    lineClicked = Signal(int)  # the writer clicked the page: the source line under it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.profile = QWebEngineProfile(self)  # off the record: nothing stored on disk
        self.files = ProjectFiles(self)
        self.guard = NetworkGuard(self)
        self.profile.installUrlSchemeHandler(SCHEME, self.files)
        self.profile.setUrlRequestInterceptor(self.guard)
        page = PreviewPageObject(self.profile, self)
        page.linkClicked.connect(self.linkClicked)
        self.setPage(page)
        # Children are deleted in the order they were added: the profile must outlive its
        # page (else Qt warns "Release of profile requested but WebEnginePage still not
        # deleted" and may crash). Adding it again puts it last. A view still there when
        # Python exits goes first, while Qt is still whole.
        self.profile.setParent(None)
        self.profile.setParent(self)
        _LIVE_VIEWS.add(self)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
                              False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
                              False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.AutoLoadImages, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.PluginsEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.NavigateOnDropEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.FocusOnNavigationEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.ScrollAnimatorEnabled, False)
        self.loaded = False  # the body is in the page: patches can go to it
        self.show_spoilers = False
        self.follow_user_scroll = True  # report the writer's scrolling (userScrolled)
        self._body: Body | None = None  # what the page should show once loaded
        self._serial = 0
        self._rel_path = ""
        self._shell = ""
        self._base_y: float | None = None  # scroll to restore after a reload
        self._busy = 0  # our scripts that may move the page are running
        self._dying = False  # being deleted at exit: answers that come back are dropped
        self._program_y: float | None = None  # where our last scroll left the page
        self._asking_line = False
        self._ask_again = False
        self._page_y: float | None = None  # the page's scroll position, as last reported
        self._stale = 0  # answers in a row from a script that had not seen that position
        self._scroll_top: float | None = None
        self._scroll_reveal: int | None = None
        self._press: QPointF | None = None
        self._user_input_at = -1e9
        self._proxy: QWidget | None = None
        self.loadStarted.connect(self._on_load_started)
        self.loadFinished.connect(self._on_loaded)
        page.scrollPositionChanged.connect(self._on_scrolled)
        self.setContextMenuPolicy(self.contextMenuPolicy().NoContextMenu)

    # --- content ---------------------------------------------------------------------

    def set_project_root(self, root: Path) -> None:
        self.files.root = Path(root)

    def load_page(self, shell: str, rel_path: str, body: Body, serial: int = 0, *,
                  keep_scroll: float | None = None) -> None:
        """Load a new page: `shell` (the page, article body empty), then `body` in it.
        Relative image paths resolve against the episode's file `rel_path`."""
        self.loaded = False
        self._body, self._serial, self._rel_path = body, serial, rel_path
        self._shell = shell
        self._base_y = keep_scroll
        self.setHtml(shell, QUrl(f"recap://{HOST}/{rel_path}"))

    def update_page(self, body: Body, ops: list | None, shell: str | None = None,
                    serial: int = 0) -> None:
        """Bring the page to `body`: `ops` patch it from the previous body (see
        core/incremental.diff); `shell` is the new page around it, if that changed."""
        self._body, self._serial = body, serial
        if not self.loaded:  # the body goes in whole once the page is there
            if shell is not None:
                self.load_page(shell, self._rel_path, body, serial)
            return
        if shell is not None:
            self._shell = shell
            self._run(page_js.call("shell", shell), self._shell_done, moves=True)
        if ops:
            self._run(page_js.call("patch", ops), lambda y, s=serial: self._patched(y, s),
                      moves=True)
            if self.show_spoilers:  # new spoiler blocks come in closed
                self.set_show_spoilers(True)
        else:
            self.patched.emit(serial)

    def body(self) -> Body | None:
        """The body the page shows (or will show once loaded)."""
        return self._body

    def set_show_spoilers(self, on: bool) -> None:
        self.show_spoilers = on
        if self.loaded:
            self.page().runJavaScript(_SPOILER_CSS_JS % json.dumps(on), World)

    # --- scrolling -----------------------------------------------------------------

    def scroll_to_line(self, line: int) -> None:
        """Bring the block that holds file line `line` (0-based) into view (centred),
        unless it is in view already."""
        self._scroll_reveal = int(line)
        self._flush_scroll()

    def sync_to_line(self, line: float) -> None:
        """Scroll so that file line `line` (fractional: a part of a block) is at the top."""
        self._scroll_top = float(line)
        self._flush_scroll()

    def _flush_scroll(self) -> None:
        """Send the scroll asked for; right away, so that it runs before any script sent
        after the request (before the page is ready, it waits for the body)."""
        if not self.loaded or (self._scroll_top is None and self._scroll_reveal is None):
            return
        top, reveal = self._scroll_top, self._scroll_reveal
        self._scroll_top = self._scroll_reveal = None
        self._run(page_js.call("scroll", top, reveal), self._scrolled_by_us, moves=True)

    def top_line(self, callback) -> None:
        """Ask the page for the source line at the top of the view (callback(float))."""
        if self.loaded:
            self._run(page_js.call("lineAt"), lambda v: callback(v) if _number(v) else None)

    def _on_scrolled(self, pos: QPointF) -> None:
        """The page moved. It is the writer's doing only right after their input (wheel,
        keys, a drag of the scroll bar) on the page; our scripts move it too, and the
        reports of those arrive whenever the page gets to them."""
        if not self.loaded or self._busy or not self.follow_user_scroll:
            return
        if time.monotonic() - self._user_input_at > USER_SCROLL_S:
            return
        if self._program_y is not None and abs(pos.y() - self._program_y) < 1.5:
            return
        self._page_y, self._stale = pos.y(), 0
        self._ask_top_line()

    def _ask_top_line(self) -> None:
        if self._asking_line:
            self._ask_again = True
            return
        self._asking_line = True
        self._run(page_js.call("topLine"), self._got_top_line)

    def _got_top_line(self, value) -> None:
        """The line at the top of the page, with the scroll position the page's script
        saw. The view hears of a wheel's scroll before that script may: an answer from
        before the scroll is not the writer's line, so the page is asked again."""
        self._asking_line = False
        if self._ask_again:
            self._ask_again = False
            self._ask_top_line()
            return
        try:
            answer = json.loads(value) if isinstance(value, str) else None
        except ValueError:  # (the page lost our library)
            return
        if not (isinstance(answer, list) and len(answer) == 2 and all(map(_number, answer))):
            return
        line, y = answer
        if (self._page_y is not None and abs(y - self._page_y) > 1.5
                and self._stale < STALE_TRIES and not self._dying):
            self._stale += 1
            self._asking_line = True  # (scrolls meanwhile only ask again)
            QTimer.singleShot(STALE_RETRY_MS, self, self._ask_after_stale)
            return
        if self.follow_user_scroll:
            self.userScrolled.emit(float(line))

    def _ask_after_stale(self) -> None:
        self._asking_line = False
        self._ask_again = False
        self._ask_top_line()

    def _scrolled_by_us(self, y) -> None:
        self._busy = max(0, self._busy - 1)
        if _number(y):
            self._program_y = float(y)

    # --- clicks --------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ChildAdded, QEvent.Type.ChildPolished):
            self._watch_proxy()
        return super().event(event)

    def _watch_proxy(self) -> None:
        proxy = self.focusProxy()
        if proxy is not None and proxy is not self._proxy:
            proxy.installEventFilter(self)
            self._proxy = proxy

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._proxy:
            kind = event.type()
            if kind in USER_SCROLL_EVENTS or (kind == QEvent.Type.MouseMove
                                              and event.buttons() != Qt.MouseButton.NoButton):
                self._user_input_at = time.monotonic()
            left = Qt.MouseButton.LeftButton
            if (kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
                    and event.button() == left):
                self._press = event.position()
            elif (kind == QEvent.Type.MouseButtonRelease and event.button() == left
                  and self._press is not None):
                pos, press = event.position(), self._press
                self._press = None
                if (pos - press).manhattanLength() <= CLICK_SLOP:  # not a text selection
                    self.hit_test(pos.x(), pos.y())
        return super().eventFilter(watched, event)

    def hit_test(self, x: float, y: float) -> None:
        """A click at (x, y) in the view: emit lineClicked with the source line there."""
        zoom = self.zoomFactor() or 1.0

        def done(line) -> None:
            if _number(line) and line >= 0:
                self.lineClicked.emit(int(line))

        if self.loaded:
            self._run(page_js.call("hit", x / zoom, y / zoom), done)

    # --- running our scripts ----------------------------------------------------------

    def _run(self, script: str, callback=None, *, moves: bool = False) -> None:
        """Run `script` in the ApplicationWorld; `moves`: it may scroll the page (so
        scroll reports until it is done are ours, not the writer's)."""
        if self._dying:
            return
        if moves:
            self._busy += 1

        def done(value) -> None:
            if self._dying:
                return
            if value == page_js.NOT_READY and self._body is not None:
                self._init_body()  # the page lost our library: put the body in again
            if callback is not None:
                callback(value)
            elif moves:
                self._busy = max(0, self._busy - 1)

        self.page().runJavaScript(script, World, done)

    def _patched(self, y, serial: int) -> None:
        self._scrolled_by_us(y)
        self.patched.emit(serial)

    def _shell_done(self, ok) -> None:
        self._scrolled_by_us(None)
        if ok is False and self._body is not None:  # a different page structure: reload
            self.page().runJavaScript("window.scrollY", World,
                                      lambda y: self._dying or self.load_page(
                                          self._shell, self._rel_path, self._body,
                                          self._serial, keep_scroll=y))

    def _on_load_started(self) -> None:
        self.loaded = False
        self._busy = 0
        self._program_y = None

    def _on_loaded(self, ok: bool) -> None:
        self._watch_proxy()
        if self._body is None:
            self.loaded = True
            self.ready.emit()
            return
        self._init_body()

    def _init_body(self) -> None:
        body, serial = self._body, self._serial
        self.loaded = True  # patches sent from now on run after the body is in
        pieces = [p.page_html for p in body.pieces]

        def done(ok) -> None:
            if self._dying:
                return
            if self.show_spoilers:
                self.set_show_spoilers(True)
            if self._base_y is not None:
                y, self._base_y = self._base_y, None
                self._run(f"window.scrollTo(0, {float(y)}); window.scrollY",
                          self._scrolled_by_us, moves=True)
            self._busy = max(0, self._busy - 1)
            self.ready.emit()
            self.patched.emit(serial)
            self._flush_scroll()

        self._busy += 1
        self.page().runJavaScript(page_js.call("init", pieces, body.tail, define=True), World,
                                  done)


_LIVE_VIEWS: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _delete_live_views() -> None:
    for view in list(_LIVE_VIEWS):
        if shiboken6.isValid(view):
            view._dying = True  # its pending scripts answer while it goes
            shiboken6.delete(view)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
