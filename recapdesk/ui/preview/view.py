"""PreviewView: the episode page as export renders it, patched in place as the writer types.

Page scripts are off, remote access is off, every request that is not for the project's
own files (served through the `recap:` scheme) is refused by an interceptor.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QUrl, Signal
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

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt)
        url = job.requestUrl()
        if self.root is None or url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        rel = url.path().lstrip("/")
        root = self.root.resolve()
        try:
            path = (root / rel).resolve()
            path.relative_to(root)
        except (ValueError, OSError):
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

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt)
        scheme = info.requestUrl().scheme()
        if scheme not in ALLOWED_SCHEMES:
            self.blocked.append(info.requestUrl().toString())
            info.block(True)


class PreviewPageObject(QWebEnginePage):
    """Keeps navigation inside the preview: links become requests to the window."""

    linkClicked = Signal(QUrl)

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802, ANN001
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.linkClicked.emit(url)
            return False
        return url.scheme() in ("recap", "data", "about")

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:  # noqa: N802, ANN001
        pass


_PATCH_JS = """
(function(html, title) {
  var body = document.querySelector('.recap-body');
  if (!body) return false;
  body.innerHTML = html;
  var h1 = document.querySelector('h1');
  if (h1 && title !== null) h1.textContent = title;
  return true;
})(%s, %s);
"""

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


class PreviewView(QWebEngineView):
    """The preview pane. `show_page()` loads a page once; `patch()` updates its body."""

    linkClicked = Signal(QUrl)
    ready = Signal()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.profile = QWebEngineProfile()  # off the record: nothing stored on disk
        self.files = ProjectFiles(self.profile)
        self.guard = NetworkGuard(self.profile)
        self.profile.installUrlSchemeHandler(SCHEME, self.files)
        self.profile.setUrlRequestInterceptor(self.guard)
        page = PreviewPageObject(self.profile, self)
        page.linkClicked.connect(self.linkClicked)
        self.setPage(page)
        # Qt deletes children in order: the page must go before its profile
        self.profile.setParent(self)
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
        self.loaded = False
        self.show_spoilers = False
        self._pending: tuple[str, str | None] | None = None
        self.loadFinished.connect(self._on_loaded)
        self.setContextMenuPolicy(self.contextMenuPolicy().NoContextMenu)

    # --- content ---------------------------------------------------------------------

    def set_project_root(self, root: Path) -> None:
        self.files.root = Path(root)

    def show_page(self, html: str, rel_path: str) -> None:
        """Load a whole page; relative image paths resolve against the episode's file."""
        self.loaded = False
        self.setHtml(html, QUrl(f"recap://{HOST}/{rel_path}"))

    def patch(self, body_html: str, title: str | None = None) -> None:
        """Replace the article body in place (scroll position stays)."""
        if not self.loaded:
            self._pending = (body_html, title)
            return
        js = _PATCH_JS % (json.dumps(body_html), json.dumps(title))
        self.page().runJavaScript(js, QWebEngineScript.ScriptWorldId.ApplicationWorld)
        if self.show_spoilers:
            self.set_show_spoilers(True)

    def set_show_spoilers(self, on: bool) -> None:
        self.show_spoilers = on
        if self.loaded:
            self.page().runJavaScript(_SPOILER_CSS_JS % json.dumps(on),
                                      QWebEngineScript.ScriptWorldId.ApplicationWorld)

    def scroll_to_line(self, line: int) -> None:
        """Bring the block that holds file line `line` (0-based) into view."""
        js = (
            "(function(n){var best=null;document.querySelectorAll('[data-line]')"
            ".forEach(function(e){var l=+e.getAttribute('data-line');"
            "if(l<=n&&(!best||l>=+best.getAttribute('data-line')))best=e;});"
            "if(!best)return;var r=best.getBoundingClientRect();"
            "if(r.top<0||r.top>window.innerHeight*0.8)"
            f"best.scrollIntoView({{block:'center'}});}})({int(line)});"
        )
        if self.loaded:
            self.page().runJavaScript(js, QWebEngineScript.ScriptWorldId.ApplicationWorld)

    def _on_loaded(self, ok: bool) -> None:
        self.loaded = True
        if self.show_spoilers:
            self.set_show_spoilers(True)
        if self._pending is not None:
            body, title = self._pending
            self._pending = None
            self.patch(body, title)
        self.ready.emit()
