"""The hostile corpus (tests/fuzz/hostile.py) through the window.

Opening the project and every episode, previewing them, making thumbnails of every
still: no exception anywhere (pytest-qt fails a test on an exception in any slot),
files that are not UTF-8 or that link outside are read-only with a banner and are
never written, nothing outside the project is read, broken images get a placeholder,
and the preview never runs a script from a recap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recapdesk.ui.preview import register_scheme

register_scheme()  # before pytest-qt makes the QApplication

from PySide6.QtGui import QTextCursor  # noqa: E402

from recapdesk.ui.main_window import MainWindow  # noqa: E402
from recapdesk.ui.stills.model import BROKEN, READY  # noqa: E402
from tests.fuzz.conftest import MANIFEST_MESSAGES  # noqa: E402
from tests.fuzz.hostile import (  # noqa: E402
    SECRET_WORDS,
    OpenAudit,
    big_episode_project,
    broken_manifests,
    hostile_project,
    snapshot,
)
from tests.ui.conftest import run_js, safety_window, show, wait_js, wait_preview  # noqa: E402

NOT_RUN = ("(function(){var b=document.body; return JSON.stringify({"
           "pwned: typeof window.pwned, title: document.title,"
           "scripts: document.querySelectorAll('body script').length,"
           "handlers: Array.from(document.querySelectorAll('*')).filter(function(e){"
           "  return Array.from(e.attributes).some(function(a){"
           "    return a.name.toLowerCase().indexOf('on') === 0;});}).length,"
           "js_links: document.querySelectorAll('[href^=\"javascript\" i],"
           "[src^=\"javascript\" i]').length,"
           "frames: document.querySelectorAll('iframe,object,embed').length,"
           "text: b ? b.innerText.length : 0});})()")


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    return hostile_project(tmp_path)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    """A window whose inspections (checks, counts) run in this process, where the audit of
    opened files sees them (in the app they run in the inspection worker: the same code)."""
    win = safety_window(qtbot, tmp_path / "settings.ini")
    win.inspection.use_worker = False
    return win


def test_hostile_project_opens_and_every_episode_too(qtbot, window: MainWindow,
                                                     corpus: tuple[Path, Path]) -> None:
    root, secret = corpus
    before = snapshot(root)
    # what the window itself reads (the stills panel's thumbnail workers: see below)
    with OpenAudit(main_thread_only=True).watching() as audit:
        assert window.open_project(root, episode="s01e01")
        show(qtbot, window)
        episodes = sorted((root / "episodes").iterdir())
        for path in episodes:
            if path.is_file() or path.is_symlink():
                window.open_episode(path)
                qtbot.wait(0)
        window.run_checks()
        window.live_preview.render()
        qtbot.waitUntil(lambda: not window.stills.thumbnails_pending(), timeout=30_000)
        # typing into every tab: read-only ones refuse, the rest autosave
        for i in range(window.tabs.count()):
            tab = window.tabs.widget(i)
            tab.editor.moveCursor(QTextCursor.MoveOperation.End)
            tab.editor.insertPlainText("typed")
        window.session.flush()
    assert audit.under(secret) == []
    for path in (root / "episodes").glob("*.md"):
        buffer = window.session.buffer(path)
        tab = window.tab_for(path)
        if buffer is None:
            continue
        assert tab is not None
        assert SECRET_WORDS not in tab.editor.document_text()
        if path.name in ("s01e02.md", "s01e03.md", "s01e07.md"):
            assert buffer.readonly and "not UTF-8" in tab.banner.text()
            assert tab.banner.isVisibleTo(tab) and tab.editor.isReadOnly()
        if path.name in ("link.md", "dangling.md"):
            assert buffer.readonly and tab.banner.isVisibleTo(tab)
            assert "outside the project" in tab.banner.text()
        if path.name == "pipe.md":  # a link to a pipe: reading it would hang the window
            assert buffer.readonly and "not a regular file" in tab.banner.text()
    after = snapshot(root)
    changed = {rel for rel in before if after.get(rel) != before[rel]}
    # only the UTF-8 episodes that were typed into changed; nothing read-only did
    assert changed <= {f"episodes/s01e{n:02d}.md" for n in (1, 4, 5, 6, 8, 9, 10, 11, 12)}
    for rel in ("episodes/s01e02.md", "episodes/s01e03.md", "episodes/s01e07.md",
                "episodes/link.md", "episodes/dangling.md"):
        assert after.get(rel) == before.get(rel), rel
    assert (secret / "secret.md").read_text("utf-8").endswith(SECRET_WORDS + "\n")
    window.close()


def test_preview_never_runs_a_script(qtbot, window: MainWindow,
                                     corpus: tuple[Path, Path]) -> None:
    root, _ = corpus
    window.open_project(root, episode="s01e01")
    show(qtbot, window)
    wait_preview(qtbot, window)
    import json

    state = json.loads(wait_js(qtbot, window, NOT_RUN, lambda v: bool(v) and '"text":0' not in v))
    assert state["pwned"] == "undefined" and state["title"] != "pwned"
    assert state["scripts"] == 0 and state["handlers"] == 0
    assert state["js_links"] == 0 and state["frames"] == 0
    assert "Plain words first" in run_js(qtbot, window, "document.body.innerText")
    # and typing a new script into the editor does not run it either
    tab = window.current_tab()
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    tab.editor.insertPlainText('\n\n<img src=y onerror="window.pwned=11">\n\nafter the image\n')
    wait_js(qtbot, window, "document.body.innerText", lambda v: "after the image" in (v or ""))
    state = json.loads(run_js(qtbot, window, NOT_RUN))
    assert state["pwned"] == "undefined" and state["handlers"] == 0
    window.close()


def test_broken_images_get_placeholders(qtbot, window: MainWindow,
                                        corpus: tuple[Path, Path]) -> None:
    root, _ = corpus
    window.open_project(root, episode="s01e01")
    qtbot.waitUntil(lambda: not window.stills.thumbnails_pending(), timeout=30_000)
    states = {item.name: (item.state, item.error) for item in window.stills.model.items}
    assert states["good.jpg"][0] == READY
    for name in ("zero.jpg", "truncated.jpg", "corrupt.png", "bomb.png", "text.jpg"):
        assert states[name][0] == BROKEN and states[name][1], name
    assert "empty" in states["zero.jpg"][1]
    assert "too large" in states["bomb.png"][1]  # refused from the header, never decoded
    # (a 6000×6000 PNG of zeros is within the pixel cap: it is a normal, if big, image)
    assert states["zipbomb.png"][0] in (READY, BROKEN)
    show(qtbot, window)
    window.stills_dock.raise_()
    assert not window.stills.view.viewport().grab().toImage().isNull()
    window.close()


@pytest.mark.parametrize("case", ["bad_yaml", "not_utf8", "alias_bomb", "a_list", "empty",
                                  "link_outside"])
def test_broken_manifest_opens_with_its_problem_listed(qtbot, window: MainWindow,
                                                        tmp_path: Path, case: str) -> None:
    _, secret = hostile_project(tmp_path)
    root = broken_manifests(tmp_path, secret)[case]
    before = snapshot(root)
    with OpenAudit().watching() as audit:
        assert window.open_project(root, episode="s01e01")
        window.run_checks()
    assert audit.under(secret) == []
    listed = [p.message for p in window.problems.problems if p.path == "recapdesk.yaml"]
    assert any(MANIFEST_MESSAGES[case] in m for m in listed), listed
    assert window.current_tab() is not None and not window.current_tab().editor.isReadOnly()
    window.close()
    assert snapshot(root) == before


def test_five_megabyte_episode_in_the_window(qtbot, window: MainWindow,
                                             tmp_path: Path) -> None:
    root = big_episode_project(tmp_path)
    path = root / "episodes" / "s01e02.md"
    original = path.read_text("utf-8")
    window.open_project(root, episode="s01e02")
    show(qtbot, window)
    tab = window.current_tab()
    assert tab.path == path and not tab.editor.isReadOnly()
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    tab.editor.insertPlainText("The very last words.\n")
    assert window.session.flush()
    assert path.read_text("utf-8") == original + "The very last words.\n"
    window.close()
