"""The window's live preview: typing, scrolling, spoilers, stills, the network guard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWebEngineCore import QWebEngineSettings
from PySide6.QtWidgets import QApplication

from recapdesk.ui.editor import MarkdownEditor
from tests.ui.conftest import (
    BODY_TEXT,
    JS_TIMEOUT,
    LOAD_TIMEOUT,
    cursor_at,
    editor_of,
    episode_path,
    run_js,
    type_paragraph,
    wait_js,
    wait_preview,
)


def test_typed_text_reaches_the_preview_without_stealing_focus(qtbot, open_window) -> None:
    window = open_window("s01e02")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    words = "Seo-rin hums along with the horn"
    for word in words.split():
        qtbot.keyClicks(editor, word + " ")
        assert QApplication.focusWidget() is editor
    wait_js(qtbot, window, BODY_TEXT, lambda body: words in body)
    assert editor.hasFocus() and QApplication.focusWidget() is editor
    type_paragraph(qtbot, editor, "A second paragraph appears live")
    wait_js(qtbot, window, BODY_TEXT, lambda body: "A second paragraph appears live" in body)
    assert editor.hasFocus() and QApplication.focusWidget() is editor
    # switching episodes loads a whole new page: the editor keeps the focus
    window.outline.episodeActivated.emit(str(window.series.find_episode("s01e03").path))
    assert not window.preview_is_ready()  # a new page is loading
    wait_preview(qtbot, window)
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Ferries Suspended" in body)
    assert QApplication.focusWidget() is editor_of(window)
    assert editor_of(window).hasFocus()


def test_preview_patch_keeps_the_scroll_position(qtbot, open_window) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    window.outline.headingActivated.emit(str(window.current_tab().path),
                                         editor.document_text().split("\n").index(
                                             "## Four A.M., Jeju City"))
    y = wait_js(qtbot, window, "window.scrollY", lambda v: v > 200)
    editor.moveCursor(QTextCursor.MoveOperation.EndOfBlock)
    qtbot.keyClicks(editor, " Typed here")
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Jeju City Typed here" in body)
    assert run_js(qtbot, window, "window.scrollY") == y


def test_heading_click_scrolls_the_preview_there(qtbot, open_window,
                                                 sample_project: Path) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    e3 = episode_path(sample_project, "s01e03")
    window.outline.headingActivated.emit(str(e3), 0)
    wait_js(qtbot, window, "window.scrollY", lambda y: y == 0)
    final = "## Final Thoughts on Last Ferry to Udo Episode 3"
    last = e3.read_text("utf-8").split("\n").index(final)
    window.outline.headingActivated.emit(str(e3), last)
    wait_js(qtbot, window, "window.scrollY", lambda y: y > 200)


def test_show_spoilers_toggles_the_preview(qtbot, open_window) -> None:
    window = open_window("s01e04")  # has a spoiler block
    wait_preview(qtbot, window)
    # (arrays do not come back through runJavaScript: the state is a string)
    state = ("document.documentElement.classList.contains('recapdesk-show-spoilers') + ','"
             " + !!(document.querySelector('details.spoiler')||{}).open")
    wait_js(qtbot, window, state, lambda v: v == "false,false")
    assert not window.actions.show_spoilers.isChecked()
    window.actions.show_spoilers.trigger()
    assert window.actions.show_spoilers.isChecked() and window.preview.show_spoilers
    wait_js(qtbot, window, state, lambda v: v == "true,true")
    window.actions.show_spoilers.trigger()
    assert not window.preview.show_spoilers
    wait_js(qtbot, window, state, lambda v: v == "false,false")
    # remembered with the layout
    window.actions.show_spoilers.trigger()
    window.save_layout()
    assert window.settings.value("preview/spoilers", False, bool) is True


def _type_lines_before(qtbot, editor: MarkdownEditor, needle: str, lines: list[str]) -> None:
    """Type paragraphs before the line `needle` (near the top: images load lazily)."""
    cursor_at(editor, needle)
    for line in lines:
        qtbot.keyClicks(editor, line)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClick(editor, Qt.Key.Key_Return)


IMAGES = ("(function(){return Array.from(document.querySelectorAll('.recap-body img'))"
          ".map(function(i){return i.getAttribute('src')+' '+(i.complete?i.naturalWidth:-1)})"
          ".join('\\n');})()")


def _image_widths(value: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in (value or "").split("\n"):
        if row:
            src, width = row.rsplit(" ", 1)
            out[src] = int(width)
    return out


def test_preview_shows_the_project_stills(qtbot, open_window) -> None:
    window = open_window("s01e03")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    line = editor.document_text().split("\n").index("## Ferries Suspended")
    window.outline.headingActivated.emit(str(window.current_tab().path), line)
    widths = wait_js(qtbot, window, IMAGES,
                     lambda v: _image_widths(v).get("../stills/s01e03-01.jpg", 0) > 0)
    assert _image_widths(widths)["../stills/s01e03-01.jpg"] == 1920  # the real file


def test_network_guard_blocks_remote_images(qtbot, open_window, http_server) -> None:
    base, requests = http_server
    window = open_window("s01e02")
    wait_preview(qtbot, window)
    editor = editor_of(window)
    local_url, remote_url = f"{base}/x.png", "https://example.com/x.png"
    _type_lines_before(qtbot, editor, "## Two Hundred and Twelve Evenings",
                       [f"![x]({local_url})", f"![y]({remote_url})",
                        "![A still of another episode](../stills/s01e04-02.jpg)"])

    def settled(value: str) -> bool:
        widths = _image_widths(value)
        return local_url in widths and remote_url in widths \
            and widths.get("../stills/s01e04-02.jpg", 0) > 0

    # the project still typed after them has loaded: the remote ones were tried and refused
    widths = _image_widths(wait_js(qtbot, window, IMAGES, settled))
    assert widths[local_url] <= 0 and widths[remote_url] <= 0
    assert requests == []  # nothing reached the network

    # with the page's own wall down, the request interceptor still refuses them
    window.preview.page().settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
    window.outline.episodeActivated.emit(str(window.series.find_episode("s01e03").path))
    qtbot.waitUntil(window.preview_is_ready, timeout=LOAD_TIMEOUT)
    wait_js(qtbot, window, BODY_TEXT, lambda body: "Ferries Suspended" in body)
    guarded_local, guarded_remote = f"{base}/guarded.png", "https://example.com/x2.png"
    _type_lines_before(qtbot, editor_of(window), "## Ferries Suspended",
                       [f"![a]({guarded_local})", f"![b]({guarded_remote})"])
    qtbot.waitUntil(lambda: {guarded_local, guarded_remote} <= set(window.preview.guard.blocked),
                    timeout=JS_TIMEOUT)
    assert requests == []
    assert all(not u.startswith(("recap:", "data:")) for u in window.preview.guard.blocked)


def test_page_javascript_and_remote_access_are_off(open_window) -> None:
    window = open_window("s01e01")
    settings = window.preview.page().settings()
    attr = QWebEngineSettings.WebAttribute
    assert settings.testAttribute(attr.JavascriptEnabled) is False
    assert settings.testAttribute(attr.LocalContentCanAccessRemoteUrls) is False
    assert settings.testAttribute(attr.LocalContentCanAccessFileUrls) is False
    assert settings.testAttribute(attr.FocusOnNavigationEnabled) is False
    assert window.preview.page().profile().isOffTheRecord()
