"""The live preview (issue 6): incremental patches, steady scrolling, scroll sync, clicks,
no network, project files only. Driven through the real MainWindow with pytest-qt; waits
on conditions, never on sleeps."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from recapdesk.ui.preview import register_scheme

register_scheme()  # before the QApplication exists

from PySide6.QtCore import QObject, QPoint, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QTextCursor, QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import QWebEngineScript, QWebEngineUrlRequestJob  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from recapdesk.core.preview import render_preview  # noqa: E402
from recapdesk.ui.editor import MarkdownEditor  # noqa: E402
from recapdesk.ui.main_window import MainWindow  # noqa: E402
from recapdesk.ui.preview.sync import top_line  # noqa: E402
from recapdesk.ui.preview.view import ProjectFiles  # noqa: E402
from tests.ui.conftest import JS_TIMEOUT, editor_of  # noqa: E402

World = QWebEngineScript.ScriptWorldId.ApplicationWorld
WORDS = ("ferry island tape harbour captain guesthouse lamp suitcase dog resort scout "
         "coffee horn voice drama camera quiet premiere sound tangerine").split()


# --- helpers ---------------------------------------------------------------------------

def paragraph(n: int, words: int = 45) -> str:
    """Paragraph `n`: its first words are its own."""
    return f"Paragraph {n} says " + " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)]
                                             for i in range(words)) + "."


def long_recap(sections: int = 8) -> str:
    parts = ["---", 'title: "Preview Test"', "season: 1", "episode: 1", "spoilers: major",
             "---", ""]
    n = 0
    for s in range(sections):
        parts += [f"## Section {s}", ""]
        for _ in range(4):
            parts += [paragraph(n), ""]
            n += 1
        if s == 1:
            parts += ["- first item", "- second item", "- third item", ""]
        if s == 2:
            parts += ["::: spoiler What the tapes say", "", paragraph(99), "", ":::", ""]
        if s == 3:
            parts += ["| Who | Where |", "|---|---|", "| Seo-rin | Udo |", "| Jun-ho | Seongsan |",
                      ""]
    return "\n".join(parts)


@pytest.fixture
def project(make_project, make_image) -> Path:
    two = "---\ntitle: Two\nseason: 1\nepisode: 2\n---\n\nHi.\n"
    root = make_project({"episodes/s01e01.md": long_recap(), "episodes/s01e02.md": two})
    make_image(root / "stills" / "still.jpg", size=(320, 180))
    return root


@pytest.fixture
def window(qtbot, tmp_path: Path, project: Path) -> MainWindow:
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_project(project, episode="s01e01")
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(win.preview_is_ready, timeout=30_000)
    return win


def run_js(qtbot, win: MainWindow, script: str) -> Any:
    """Run `script` in the preview's ApplicationWorld; its value, through JSON (arrays do
    not cross to Python as lists)."""
    result: list[Any] = []
    win.preview.page().runJavaScript(f"JSON.stringify({script})", World, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=JS_TIMEOUT)
    return json.loads(result[0]) if result[0] else None


def js(function: str, *args: Any) -> str:
    """A script calling the JavaScript `function` (source text) with JSON arguments."""
    return f"({function})({', '.join(json.dumps(a) for a in args)})"


def settle(qtbot, win: MainWindow) -> None:
    """Wait until the page shows the editor's current text (rendered and patched)."""
    done: list[int] = []
    win.preview.patched.connect(done.append)
    try:
        win.live_preview.render()  # now rather than on the timer (nothing to patch if it ran)
        serial = win.live_preview.live.serial
        qtbot.waitUntil(lambda: any(s >= serial for s in done), timeout=JS_TIMEOUT)
    finally:
        win.preview.patched.disconnect(done.append)
    run_js(qtbot, win, "0")  # every script sent before this one has run


BODY = "document.querySelector('.recap-body').innerHTML"


def assert_page_is_a_full_render(qtbot, win: MainWindow) -> None:
    """The patched body, parsed by the page, equals a full render of the editor's text
    parsed by the page (both serialised by the same HTML serialiser)."""
    settle(qtbot, win)
    tab = win.current_tab()
    expected = render_preview(win.series, tab.path, editor_of(win).document_text()).body_html
    script = (f"(function(){{var t=document.createElement('template');"
              f"t.innerHTML={json.dumps(chr(10) + expected + chr(10))};"
              f"return [{BODY}, t.innerHTML];}})()")
    live, full = run_js(qtbot, win, script)
    assert live == full


def cursor_to(editor: MarkdownEditor, needle: str, *, end: bool = True) -> int:
    """Put the cursor at the end (or start) of the first line holding `needle`."""
    doc = editor.document()
    block = doc.begin()
    while block.isValid() and needle not in block.text():
        block = block.next()
    assert block.isValid(), needle
    cursor = QTextCursor(block)
    if end:
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    return block.blockNumber()


def line_of(editor: MarkdownEditor, needle: str) -> int:
    return editor.document_text().split("\n").index(needle)


# --- incremental patches ------------------------------------------------------------------

def test_patched_page_equals_a_full_render_after_every_kind_of_edit(qtbot, window) -> None:
    editor = editor_of(window)
    editor.setFocus()
    assert_page_is_a_full_render(qtbot, window)
    # typing at the end of a paragraph, with real keys
    cursor_to(editor, paragraph(2)[:40])
    QTest.keyClicks(editor, " Typed live")
    assert_page_is_a_full_render(qtbot, window)
    # a new heading whose name is taken further down (the later one's id changes)
    cursor_to(editor, "## Section 1", end=False)
    QTest.keyClicks(editor, "## Section 5")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert_page_is_a_full_render(qtbot, window)
    assert run_js(qtbot, window, "document.querySelectorAll('#section-5-2').length") == 1
    # inside a list (Return continues it), inside a spoiler block, inside a table
    cursor_to(editor, "- second item")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "an inserted item")
    assert_page_is_a_full_render(qtbot, window)
    cursor_to(editor, paragraph(99)[:30])
    QTest.keyClicks(editor, " ||hidden twist||")
    assert_page_is_a_full_render(qtbot, window)
    cursor_to(editor, "| Seo-rin | Udo |")
    QTest.keyClick(editor, Qt.Key.Key_Left)
    QTest.keyClicks(editor, " island")
    assert_page_is_a_full_render(qtbot, window)
    # deleting a whole block (the line and its blank line)
    start = cursor_to(editor, paragraph(5)[:40], end=False)
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Down, QTextCursor.MoveMode.KeepAnchor, 2)
    editor.setTextCursor(cursor)
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.textCursor().blockNumber() == start
    assert_page_is_a_full_render(qtbot, window)
    # pasting a big chunk: headings, a footnote, a fence that swallows what follows
    chunk = "\n\n".join([f"## Pasted {i}\n\n{paragraph(i + 40)}[^n{i}]" for i in range(20)]
                        + [f"[^n{i}]: Note {i}." for i in range(20)]) + "\n\n```\nopen fence\n"
    cursor_to(editor, "## Section 3", end=False)
    QApplication.clipboard().setText(chunk)
    editor.paste()
    assert_page_is_a_full_render(qtbot, window)
    # ... and closing the fence again
    cursor_to(editor, "open fence")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "```")
    assert_page_is_a_full_render(qtbot, window)
    # the front matter: a new title, one more line (every data-line moves)
    cursor_to(editor, 'title: "Preview Test"', end=False)
    editor.moveCursor(QTextCursor.MoveOperation.Down)
    QTest.keyClicks(editor, "runtime: 52")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert_page_is_a_full_render(qtbot, window)
    assert "52 min" in run_js(qtbot, window, "document.querySelector('.recap-meta').textContent")
    # undo everything: back to the file as it was
    while editor.document().isUndoAvailable():
        editor.undo()
    assert_page_is_a_full_render(qtbot, window)


def test_an_edit_patches_only_its_block(qtbot, window) -> None:
    editor = editor_of(window)
    settle(qtbot, window)
    # mark every piece of the page: a patch replaces only the nodes of changed blocks
    run_js(qtbot, window, "(function(){window.__marked = Array.prototype.slice.call("
                          "document.querySelector('.recap-body').children); return 0;})()")
    cursor_to(editor, paragraph(9)[:40])
    QTest.keyClicks(editor, "x")
    settle(qtbot, window)
    kept = run_js(qtbot, window, "window.__marked.filter(function(e){return e.isConnected}).length")
    total = run_js(qtbot, window, "window.__marked.length")
    assert kept == total - 1


def test_shown_spoilers_stay_open_through_patches(qtbot, window) -> None:
    window.actions.show_spoilers.trigger()
    assert window.preview.show_spoilers
    editor = editor_of(window)
    cursor_to(editor, paragraph(99)[:30])
    QTest.keyClicks(editor, " and more")
    settle(qtbot, window)
    assert run_js(qtbot, window, "Array.prototype.map.call("
                                 "document.querySelectorAll('details.spoiler'),"
                                 "function(d){return d.open;})") == [True]


# --- the page stays where it is -----------------------------------------------------------

def scroll_page_to(qtbot, win: MainWindow, needle: str) -> float:
    """Scroll the preview so that the block holding `needle` is at the top; mark the first
    visible block (window.__anchor) and return scrollY."""
    script = js("function(n){var b=document.querySelector('.recap-body');"
                "var el=Array.prototype.find.call(b.children,function(e){"
                "return e.textContent.indexOf(n)>=0;});"
                "window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY + 5);"
                "window.__anchor=Array.prototype.find.call(b.children,function(e){"
                "return e.getBoundingClientRect().bottom>0;});"
                "window.__anchorTop=window.__anchor.getBoundingClientRect().top;"
                "return window.scrollY;}", needle)
    return run_js(qtbot, win, script)


ANCHOR = "[window.scrollY, window.__anchor.isConnected, " \
         "window.__anchor.getBoundingClientRect().top - window.__anchorTop]"


def test_edits_above_and_below_the_view_do_not_move_the_page(qtbot, window) -> None:
    window.actions.sync_scroll.trigger()  # off: only the patches move the page here
    assert not window.live_preview.scroll_sync.enabled
    editor = editor_of(window)
    settle(qtbot, window)
    # below the view: typing, a new paragraph, deleting a paragraph
    cursor_to(editor, paragraph(28)[:40])
    y = scroll_page_to(qtbot, window, "Section 3")
    assert y > 500
    QTest.keyClicks(editor, " more words")
    settle(qtbot, window)
    assert run_js(qtbot, window, ANCHOR) == [y, True, 0]
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "A new paragraph below")
    settle(qtbot, window)
    assert run_js(qtbot, window, ANCHOR) == [y, True, 0]
    # above the view, keeping heights: a word for a word of the same length
    cursor_to(editor, paragraph(1)[:40])
    y = scroll_page_to(qtbot, window, "Section 3")
    for _ in range(len("dog.")):
        QTest.keyClick(editor, Qt.Key.Key_Backspace)
    QTest.keyClicks(editor, "cat.")
    settle(qtbot, window)
    assert run_js(qtbot, window, ANCHOR) == [y, True, 0]
    # above the view, adding and removing blocks: what is in view stays in place
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "A new paragraph above the view, long enough to wrap. " * 3)
    settle(qtbot, window)
    y2, connected, moved = run_js(qtbot, window, ANCHOR)
    assert connected and abs(moved) < 1 and y2 > y
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    QTest.keyClick(editor, Qt.Key.Key_Backspace)
    settle(qtbot, window)
    y3, connected, moved = run_js(qtbot, window, ANCHOR)
    assert connected and abs(moved) < 1 and abs(y3 - y) < 1


# --- scroll sync and clicks ----------------------------------------------------------------

def preview_top_line(qtbot, win: MainWindow) -> float:
    return run_js(qtbot, win, "window.__recap.lineAt()")


def test_preview_follows_the_editors_visible_lines(qtbot, window) -> None:
    editor = editor_of(window)
    settle(qtbot, window)
    assert window.actions.sync_scroll.isChecked()
    target = line_of(editor, "## Section 4")
    bar = editor.verticalScrollBar()
    bar.setValue(editor.document().findBlockByNumber(target).firstLineNumber())
    assert int(top_line(editor)) == target
    qtbot.waitUntil(lambda: abs(preview_top_line(qtbot, window) - target) < 0.5,
                    timeout=JS_TIMEOUT)
    heading_top = run_js(qtbot, window,
                         "document.getElementById('section-4').getBoundingClientRect().top")
    assert abs(heading_top) <= 2
    # toggled off: the preview stays where it is
    window.actions.sync_scroll.trigger()
    assert not window.actions.sync_scroll.isChecked()
    assert not window.live_preview.scroll_sync.enabled
    y = run_js(qtbot, window, "window.scrollY")
    bar.setValue(0)
    run_js(qtbot, window, "0")
    assert run_js(qtbot, window, "window.scrollY") == y
    assert window.settings.value("preview/sync", True, bool) is False


def wheel(widget, steps: int) -> None:
    """Turn the mouse wheel over `widget` (down for positive steps), as a writer would."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, -120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_editor_follows_the_writer_scrolling_the_preview(qtbot, window) -> None:
    editor = editor_of(window)
    settle(qtbot, window)
    editor.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.scrollY") < 5, timeout=JS_TIMEOUT)
    cursor_line = editor.textCursor().blockNumber()
    seen: list[float] = []
    window.preview.userScrolled.connect(seen.append)
    wheel(window.preview.focusProxy(), 10)
    qtbot.waitUntil(lambda: bool(seen), timeout=JS_TIMEOUT)
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.scrollY") > 300, timeout=JS_TIMEOUT)
    qtbot.waitUntil(lambda: abs(top_line(editor) - preview_top_line(qtbot, window)) < 1.0,
                    timeout=JS_TIMEOUT)
    assert top_line(editor) > 10
    assert editor.textCursor().blockNumber() == cursor_line  # only the view moved
    # the writer turns the wheel over the editor: the preview follows it back up, and
    # that scrolling (ours) is not taken for the writer's
    seen.clear()
    wheel(editor.viewport(), -200)
    assert editor.verticalScrollBar().value() == 0
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.scrollY") < 5, timeout=JS_TIMEOUT)
    run_js(qtbot, window, "0")
    assert seen == [] and top_line(editor) < 1


def test_the_writers_scroll_is_reported_from_where_the_page_is(qtbot, window) -> None:
    """The view hears of a wheel's scroll before the page's script may see it: the line
    reported is the one at the top once the page has moved (zoomed in, too), never the
    one from before."""
    editor = editor_of(window)
    settle(qtbot, window)
    window.preview.setZoomFactor(1.5)
    editor.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.scrollY") < 5, timeout=JS_TIMEOUT)
    seen: list[float] = []
    window.preview.userScrolled.connect(seen.append)
    for turn in range(1, 4):
        wheel(window.preview.focusProxy(), 4)
        qtbot.waitUntil(lambda n=turn: len(seen) >= n, timeout=JS_TIMEOUT)
        qtbot.wait(100)
        assert abs(seen[-1] - preview_top_line(qtbot, window)) < 0.5
        assert seen[-1] > 0
    window.preview.userScrolled.disconnect(seen.append)
    window.preview.setZoomFactor(1.0)


def click_at(win: MainWindow, x: float, y: float) -> None:
    proxy = win.preview.focusProxy()
    point = QPoint(round(x), round(y))
    QTest.mouseClick(proxy, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def element_point(qtbot, win: MainWindow, selector: str) -> tuple[float, float]:
    x, y = run_js(qtbot, win, js("function(s){var e=document.querySelector(s);"
                                 "e.scrollIntoView({block:'center'});"
                                 "var r=e.getBoundingClientRect();"
                                 "return [r.left+Math.min(20,r.width/2), r.top+r.height/2];}",
                                 selector))
    zoom = win.preview.zoomFactor()
    return x * zoom, y * zoom


def test_click_in_the_preview_puts_the_cursor_on_that_line(qtbot, window) -> None:
    editor = editor_of(window)
    settle(qtbot, window)
    for selector, needle in [("#section-3", "## Section 3"),
                             ("li:nth-child(3)", "- third item"),
                             ("table tbody tr:nth-child(2) td", "| Jun-ho | Seongsan |")]:
        x, y = element_point(qtbot, window, selector)
        expected = line_of(editor, needle)
        click_at(window, x, y)
        qtbot.waitUntil(lambda e=expected: editor.textCursor().blockNumber() == e,
                        timeout=JS_TIMEOUT)
        assert editor.textCursor().positionInBlock() == 0
        assert editor.hasFocus()
    # a drag (text selection) is not a click
    x, y = element_point(qtbot, window, "#section-1")
    proxy = window.preview.focusProxy()
    QTest.mousePress(proxy, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    QTest.mouseRelease(proxy, Qt.MouseButton.LeftButton, pos=QPoint(round(x) + 80, round(y)))
    run_js(qtbot, window, "0")
    assert editor.textCursor().blockNumber() == line_of(editor, "| Jun-ho | Seongsan |")


def test_hit_test_maps_a_paragraph_row_to_its_source_line(qtbot, window) -> None:
    editor = editor_of(window)
    # a paragraph written over three lines: the bottom of it is its last line
    cursor_to(editor, "## Section 2")
    editor.moveCursor(QTextCursor.MoveOperation.Down)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "first line of three")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(editor, "second line")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(editor, "third line")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    settle(qtbot, window)
    lines: list[int] = []
    window.preview.lineClicked.connect(lines.append)
    rect = run_js(qtbot, window, "(function(){var p=Array.prototype.find.call("
                                 "document.querySelectorAll('.recap-body p'),function(e){"
                                 "return e.textContent.indexOf('third line')>=0;});"
                                 "p.scrollIntoView({block:'center'});"
                                 "var r=p.getBoundingClientRect();"
                                 "return [r.left+5, r.top+2, r.bottom-2];})()")
    window.preview.hit_test(rect[0], rect[2])
    window.preview.hit_test(rect[0], rect[1])
    qtbot.waitUntil(lambda: len(lines) == 2, timeout=JS_TIMEOUT)
    assert lines == [line_of(editor, "third line"), line_of(editor, "first line of three")]


# --- offline and safe ------------------------------------------------------------------------

def test_network_requests_from_the_preview_are_blocked(qtbot, window, http_server) -> None:
    base, requests = http_server
    editor = editor_of(window)
    guard = window.preview.guard
    # raw HTML with a CSS url() and a prefetch: the sanitizer drops both
    cursor_to(editor, "## Section 0")
    editor.insert_markdown(f'\n\n<div style="background:url({base}/raw-css.png)">styled</div>\n\n'
                           f'<link rel="prefetch" href="{base}/raw-prefetch">\n\n')
    settle(qtbot, window)
    html = run_js(qtbot, window, "document.documentElement.outerHTML")
    assert "raw-css" not in html and "raw-prefetch" not in html and "styled" in html
    # The page itself may not reach remote URLs (local content); with that wall down,
    # the request interceptor still refuses and records every request.
    from PySide6.QtWebEngineCore import QWebEngineSettings

    window.preview.page().settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
    window.outline.episodeActivated.emit(str(window.series.find_episode("s01e02").path))
    qtbot.waitUntil(window.preview_is_ready, timeout=JS_TIMEOUT)  # a page with the wall down
    editor = editor_of(window)
    image, remote = f"{base}/image.png", "https://example.com/remote.png"
    css, prefetch, sheet = f"{base}/css.png", f"{base}/next-page", f"{base}/style.css"
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insert_markdown(f"\n\n![local]({image})\n\n![remote]({remote})\n\n")
    settle(qtbot, window)
    # what reached the page anyway (no sanitizer in the way) is refused as well
    run_js(qtbot, window, js("function(css, next, sheet){var d=document.createElement('div');"
                             "d.style.cssText='width:50px;height:50px;"
                             "background-image:url('+css+')';"
                             "document.querySelector('.recap-body').prepend(d);"
                             "var l=document.createElement('link');l.rel='prefetch';l.href=next;"
                             "document.head.appendChild(l);"
                             "var s=document.createElement('link');s.rel='stylesheet';"
                             "s.href=sheet;document.head.appendChild(s);return 0;}",
                             css, prefetch, sheet))
    for url in (image, remote, css, sheet, prefetch):
        qtbot.waitUntil(lambda u=url: u in guard.blocked, timeout=JS_TIMEOUT)
    assert requests == []  # nothing reached the network
    assert all(not u.startswith(("recap:", "data:")) for u in guard.blocked)


def image_state(qtbot, win: MainWindow, alt: str) -> int:
    """naturalWidth of the image with this alt once it finished (0: not served), or -1."""
    return run_js(qtbot, win, js("function(alt){var i=Array.prototype.find.call("
                                 "document.images,function(e){return e.alt===alt;});"
                                 "if(!i)return -1;i.loading='eager';"
                                 "return i.complete?i.naturalWidth:-1;}", alt))


def test_project_files_outside_the_project_are_not_served(qtbot, window, project, tmp_path,
                                                          make_image) -> None:
    secret = make_image(tmp_path / "secret.jpg", size=(64, 64))
    os.symlink(secret, project / "stills" / "linked-out.jpg")
    editor = editor_of(window)
    cursor_to(editor, "## Section 0")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    editor.insert_markdown("![inside](../stills/still.jpg)\n\n"
                           "![symlink](../stills/linked-out.jpg)\n\n"
                           "![dots](../../secret.jpg)\n\n"
                           "![encoded](%2e%2e/%2e%2e/secret.jpg)\n\n"
                           "![double](..%252f..%252fsecret.jpg)\n\n")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: image_state(qtbot, window, "inside") == 320, timeout=JS_TIMEOUT)
    for alt in ("symlink", "dots", "encoded", "double"):
        qtbot.waitUntil(lambda a=alt: image_state(qtbot, window, a) == 0, timeout=JS_TIMEOUT)
    assert any("linked-out.jpg" in url for url in window.preview.files.refused)


class FakeJob(QObject):
    """What ProjectFiles needs of a QWebEngineUrlRequestJob (which Qt alone can make)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = QUrl(url)
        self.failed: QWebEngineUrlRequestJob.Error | None = None
        self.data: bytes | None = None

    def requestUrl(self) -> QUrl:
        return self.url

    def fail(self, error) -> None:
        self.failed = error

    def reply(self, mime: bytes, device) -> None:
        self.data = bytes(device.readAll().data())


def test_scheme_handler_refuses_paths_that_leave_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "stills").mkdir(parents=True)
    (root / "stills" / "ok.jpg").write_bytes(b"fine")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    os.symlink(tmp_path / "secret.txt", root / "stills" / "link.jpg")
    handler = ProjectFiles()
    handler.root = root
    error = QWebEngineUrlRequestJob.Error
    for path, failed in [("/stills/ok.jpg", None),
                         ("/stills/link.jpg", error.RequestDenied),
                         ("/../secret.txt", error.RequestDenied),
                         ("/stills/../../secret.txt", error.RequestDenied),
                         ("/missing.jpg", error.UrlNotFound)]:
        url = QUrl("recap://project")
        url.setPath(path, QUrl.ParsingMode.DecodedMode)
        job = FakeJob(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        job.url = url
        handler.requestStarted(job)
        assert job.failed == failed, path
        assert (job.data == b"fine") == (failed is None)
    other_host = FakeJob("recap://elsewhere/stills/ok.jpg")
    handler.requestStarted(other_host)
    assert other_host.failed == error.UrlNotFound


def test_page_scripts_stay_off_with_raw_html(qtbot, window) -> None:
    editor = editor_of(window)
    cursor_to(editor, "## Section 0")
    editor.insert_markdown('\n\n<img src="x" onerror="document.title=\'pwned\'">\n\n'
                           "<script>document.title='pwned'</script>\n\n")
    settle(qtbot, window)
    html = run_js(qtbot, window, BODY)
    assert "onerror" not in html and "<script" not in html
    assert run_js(qtbot, window, "document.title") != "pwned"

