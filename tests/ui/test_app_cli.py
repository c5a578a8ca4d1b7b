"""`recapdesk shot` and the window started from the command line, as real processes.

The window runs offscreen. For a start-up, a small driver wraps `make_app` to look at
the window once the event loop runs: it types into whatever widget has the keyboard
focus (that must be the editor) and waits for autosave to put the words on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.ui.conftest import snapshot

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample"


def env_for(tmp_path: Path) -> dict[str, str]:
    """Offscreen, and settings, data and home folders of its own under tmp_path."""
    home = tmp_path / "home"
    for sub in ("config", "data", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache")}


# --- recapdesk shot ------------------------------------------------------------------------

def test_shot_writes_a_full_size_picture_of_the_window(tmp_path: Path,
                                                       sample_project: Path) -> None:
    out = tmp_path / "shots" / "window.png"
    out.parent.mkdir()
    before = snapshot(sample_project)
    proc = subprocess.run(
        [sys.executable, "-m", "recapdesk", "shot", str(sample_project), "-o", str(out),
         "--episode", "s01e03"],
        capture_output=True, text=True, env=env_for(tmp_path), timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.is_file()
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.size == (1440, 900)
        rgb = im.convert("RGB")
    colors = rgb.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 1000  # text, icons, a photo: not blank
    # the preview (right third) is rendered too, not an empty web view
    preview = rgb.crop((1000, 150, 1420, 800))
    assert len(preview.getcolors(maxcolors=1 << 20) or []) > 100
    # the editor (middle) shows text
    editor = rgb.crop((320, 150, 840, 700))
    assert len(editor.getcolors(maxcolors=1 << 20) or []) > 30
    # nothing left behind, nothing changed in the project
    assert sorted(p.name for p in out.parent.iterdir()) == ["window.png"]
    assert snapshot(sample_project) == before


def test_shot_of_a_missing_project_is_a_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "recapdesk", "shot", str(tmp_path / "nope"), "-o",
         str(tmp_path / "x.png")],
        capture_output=True, text=True, env=env_for(tmp_path), timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1
    assert not (tmp_path / "x.png").exists()


# --- the window, started like a person starts it ----------------------------------------------

DRIVER = r'''
import json, sys, time
from pathlib import Path

import recapdesk.ui.app as app_module

WORDS = sys.argv[1]
report = {}
_make_app = app_module.make_app


def make_app(argv=None):
    app = _make_app(argv)
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, lambda: look(app))
    QTimer.singleShot(90_000, app.quit)  # never hang
    return app


def window_of(app):
    from recapdesk.ui.main_window import MainWindow
    return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)


def later(ms, fn):
    from PySide6.QtCore import QTimer
    QTimer.singleShot(ms, fn)


def look(app):
    window = window_of(app)
    if window is None or not window.isVisible() or not window.preview_is_ready():
        later(50, lambda: look(app))
        return
    tab = window.current_tab()
    focus = app.focusWidget()
    report.update(
        title=window.windowTitle(),
        root=str(window.series.root) if window.series else None,
        current=str(tab.path) if tab else None,
        tabs=window.tabs.count(),
        editor_has_focus=tab is not None and focus is tab.editor,
        visible=window.isVisible(),
    )
    if not WORDS or tab is None:
        window.close()
        return
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    target = app.focusWidget()  # real keystrokes go where the keyboard focus is
    QTest.keyClick(target, Qt.Key.Key_Return)
    QTest.keyClick(target, Qt.Key.Key_Return)
    QTest.keyClicks(target, WORDS)
    started = time.monotonic()

    def wait_for_disk():
        if WORDS in tab.path.read_text("utf-8"):
            report["on_disk_without_saving"] = True
            report["dirty_when_found"] = window.session.buffer(tab.path).dirty
            window.close()
        elif time.monotonic() - started > 60:
            report["on_disk_without_saving"] = False
            window.close()
        else:
            later(50, wait_for_disk)

    later(0, wait_for_disk)


app_module.make_app = make_app
from recapdesk.cli import main
code = main(sys.argv[2:])
print("REPORT " + json.dumps(report), flush=True)
sys.exit(code)
'''


def start(tmp_path: Path, *args: str, words: str = "") -> tuple[int, dict, str]:
    """Run `recapdesk ARGS` with the driver; returns (exit code, report, stderr)."""
    proc = subprocess.run([sys.executable, "-c", DRIVER, words, *args], capture_output=True,
                          text=True, env=env_for(tmp_path), timeout=180, cwd=tmp_path)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT ")]
    report = json.loads(lines[-1][len("REPORT "):]) if lines else {}
    return proc.returncode, report, proc.stderr


def test_window_opens_the_episode_and_typed_words_reach_the_disk(
        tmp_path: Path, sample_project: Path) -> None:
    words = "Typed at the real window and never saved by hand"
    code, report, err = start(tmp_path, str(sample_project), "--episode", "s01e03",
                              words=words)
    assert code == 0, err
    episode = sample_project / "episodes" / "s01e03.md"
    assert report["title"] == "Last Ferry to Udo — RecapDesk"
    assert report["root"] == str(sample_project)
    assert report["current"] == str(episode)
    assert report["editor_has_focus"] is True
    assert report["on_disk_without_saving"] is True  # by autosave, the window still open
    assert report["dirty_when_found"] is False
    assert episode.read_text("utf-8").endswith(f"\n\n{words}")

    # no argument: the last project opens again, with the episodes that were open
    code, report, err = start(tmp_path)
    assert code == 0, err
    assert report["root"] == str(sample_project)
    assert report["current"] == str(episode)
    assert report["editor_has_focus"] is True


def test_first_start_without_argument_opens_the_sample_series(tmp_path: Path) -> None:
    code, report, err = start(tmp_path)
    assert code == 0, err
    root = tmp_path / "home" / "data" / "recapdesk" / "Sample Series"
    assert report["root"] == str(root)
    assert report["title"] == "Last Ferry to Udo — RecapDesk"
    assert (root / "recapdesk.yaml").is_file()
    assert report["editor_has_focus"] is True
    # a copy: the bundled sample is never written to
    assert snapshot(root / "episodes") == snapshot(SAMPLE / "episodes")


@pytest.mark.parametrize("args", [["does-not-exist"], ["{sample}", "--episode", "s09e09"]])
def test_bad_start_arguments(tmp_path: Path, sample_project: Path, args: list[str]) -> None:
    args = [a.replace("{sample}", str(sample_project)) for a in args]
    code, report, err = start(tmp_path, *args)
    if args[0] == "does-not-exist":
        assert code == 2
        assert "Traceback" not in err
        # one line of ours (Qt's own start-up chatter on stderr is not ours)
        ours = [ln for ln in err.splitlines() if ln.startswith("recapdesk")]
        assert len(ours) == 1 and "does-not-exist" in ours[0]
        assert report == {}  # no window was shown
    else:
        # an unknown episode: the window still opens, on the project's first episode
        assert code == 0, err
        assert report["root"] == str(sample_project)
        assert report["current"] == str(sample_project / "episodes" / "s01e01.md")
