"""The window-side measurements, each run in a process of its own by `python -m bench`.

    python -m bench.qtprobe typing  PROJECT EPISODE --keys N   -> keystroke latencies
    python -m bench.qtprobe startup PROJECT                    -> start to window shown
    python -m bench.qtprobe rss     PROJECT                    -> memory with it open
    python -m bench.qtprobe firstshot VIDEO                    -> Watch panel: first frame,
                                                                  first shot thumbnail

Each prints one JSON object on its last line of stdout.

Typing: real key events (QTest.keyClick, delivered through QApplication.notify like a
keyboard's) go to the editor of the real MainWindow; the latency of a key is the time
from sending it to the preview's `patched` signal for the render that includes it (the
patch script's callback: the DOM is patched). The UI thread's blocking is measured in
`notify`: every event dispatch not nested in another one is timed (key events, timers,
the preview's script callbacks, paints), so `block_ms_max` is the longest the event loop
could not take the next key.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

START = time.perf_counter()
HEARTBEAT_MS = 2
START_WALL = float(os.environ.get("RECAPDESK_BENCH_T0", time.time()))


def _app(argv: list[str]):
    """The QApplication as recapdesk.ui.app.make_app builds it, with timed dispatches."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from recapdesk.ui import app as ui_app

    ui_app._prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from recapdesk.ui.preview import register_scheme

    class TimedApp(QApplication):
        """The application, with a heartbeat: a precise 2 ms timer whose late ticks show
        how long the UI thread was busy (a Python `notify` override would time each
        dispatch, but crashes with QtWebEngine's internal objects here)."""

        def __init__(self, args: list[str]) -> None:
            super().__init__(args)
            self.recording = False
            self.gaps: list[tuple[float, float]] = []  # when, ms the loop was busy
            self.cpu_gaps: list[tuple[float, float]] = []  # when, ms of CPU it used then
            self._last_cpu = time.thread_time()
            self.calls: list[tuple[float, float, str]] = []  # when, ms, which slot
            self.renders: list[tuple[float, int]] = []  # render_preview start, its serial
            self._last = time.perf_counter()
            self._beat = QTimer(self)
            self._beat.setTimerType(Qt.TimerType.PreciseTimer)
            self._beat.setInterval(HEARTBEAT_MS)
            self._beat.timeout.connect(self._tick)
            self._beat.start()

        def _tick(self) -> None:
            now, cpu = time.perf_counter(), time.thread_time()
            busy = (now - self._last) * 1000 - HEARTBEAT_MS
            used = (cpu - self._last_cpu) * 1000
            self._last, self._last_cpu = now, cpu
            if self.recording and busy >= 1.0:
                self.gaps.append((now, busy))
                # the share of that the UI thread spent working (the rest it was waiting:
                # for the CPU, on a loaded machine, or on a lock)
                self.cpu_gaps.append((now, min(busy, used)))

        register_scheme()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setOrganizationName("RecapDeskBench")
    QCoreApplication.setApplicationName("RecapDeskBench")
    app = TimedApp(argv)
    app.setStyle("Fusion")
    assert ui_app.make_app() is app
    return app


# The window's slots that run on the UI thread for each keystroke, timed by name.
TIMED = {
    "recapdesk.ui.main_window:MainWindow": ["_buffer_changed", "_update_counts", "inspect",
                                            "run_checks", "_update_save_state"],
    "recapdesk.ui.controllers.preview:PreviewController": ["render", "cursor_moved"],
    "recapdesk.ui.editor_tab:EditorTab": ["_changed"],
    "recapdesk.ui.session:Session": ["set_text", "autosave"],
    "recapdesk.ui.preview.view:PreviewView": ["update_page", "_patched", "_on_scrolled"],
    "recapdesk.core.preview:LivePreview": ["update"],
    "recapdesk.core.incremental:IncrementalRenderer": ["render"],
}


def _instrument(app) -> None:
    """Time the listed methods (outermost calls only) into app.calls."""
    import functools
    import importlib

    depth = [0]
    for where, names in TIMED.items():
        module, cls_name = where.split(":")
        cls = getattr(importlib.import_module(module), cls_name)
        for name in names:
            original = getattr(cls, name, None)
            if original is None:
                continue

            @functools.wraps(original)
            def timed(*args, __f=original, __n=f"{cls_name}.{name}", **kwargs):
                depth[0] += 1
                started = time.perf_counter()
                try:
                    return __f(*args, **kwargs)
                finally:
                    depth[0] -= 1
                    if app.recording:
                        app.calls.append((started, (time.perf_counter() - started) * 1000,
                                          __n if not depth[0] else f"  {__n}"))
                        if __n == "PreviewController.render" and args[0].live is not None:
                            app.renders.append((started, args[0].live.serial))

            setattr(cls, name, timed)


def _window(project: Path, episode: str | None, settings_file: Path, *, restore: bool = True):
    from PySide6.QtCore import QSettings

    from recapdesk.ui.main_window import MainWindow

    window = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat),
                        restore=restore)
    window.open_project(project, episode=episode)
    return window


def _summary(values: list[float]) -> dict:
    values = sorted(values)
    return {"n": len(values), "p50": round(values[len(values) // 2], 2),
            "p95": round(values[min(len(values) - 1, int(len(values) * 0.95))], 2),
            "max": round(values[-1], 2)}


def _wait(app, predicate, timeout_s: float) -> bool:
    """Run the event loop until predicate() or the timeout (no sleeping)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: (predicate() or time.perf_counter() > deadline) and loop.quit())
    timer.start()
    if not predicate():
        loop.exec()
    timer.stop()
    return bool(predicate())


def _idle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    _wait(app, lambda: time.perf_counter() >= end, seconds + 1)


def _cpu_s(pid: int | None) -> float:
    """User + system CPU seconds a process has used so far (0 when unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def typing(project: Path, episode: str, keys: int, settings_file: Path,
           profile: Path | None = None) -> dict:
    app = _app([sys.argv[0]])
    _instrument(app)
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    window = _window(project, episode, settings_file, restore=False)
    window.resize(1440, 900)
    window.show()
    if not _wait(app, window.preview_is_ready, 120):
        raise SystemExit("the preview did not load")
    editor = window.current_tab().editor
    # the cursor at the end of a paragraph in the middle of the recap, in view
    doc = editor.document()
    block = doc.findBlockByNumber(doc.blockCount() // 2)
    while block.isValid() and len(block.text()) < 200:
        block = block.next()
    cursor = QTextCursor(block)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    editor.centerCursor()
    editor.setFocus()
    _idle(app, 1.0)  # the preview follows, the checks run once
    patched: list[tuple[float, int]] = []
    window.preview.patched.connect(lambda serial: patched.append((time.perf_counter(), serial)))
    text = ("and the ferry horn sounds across the harbour while Seo-rin listens to the tape "
            "again, then she writes it all down before the morning boat. ")
    latencies: list[float] = []
    blocks: list[float] = []
    cpu_blocks: list[float] = []
    missed = 0
    from recapdesk.ui import inspection as inspection_service

    worker = inspection_service.shared_process()
    worker_pid = worker.pid if worker is not None else None
    worker_cpu0, jobs0 = _cpu_s(worker_pid), window.inspection.jobs_sent
    local0 = window.inspection.local_runs
    typing_started = time.perf_counter()
    app.recording = True
    collections: list[tuple[int, float]] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            collections.append((info["generation"], (time.perf_counter() - gc_started[0]) * 1000))

    gc.callbacks.append(on_gc)
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    for i in range(keys):
        char = text[i % len(text)]
        before = window.live_preview.live.serial
        first, first_cpu = len(app.gaps), len(app.cpu_gaps)
        sent = time.perf_counter()
        QTest.keyClick(editor, char)
        key_ms = (time.perf_counter() - sent) * 1000
        app.gaps.append((time.perf_counter(), key_ms))
        app.cpu_gaps.append((time.perf_counter(), key_ms))
        ok = _wait(app, lambda b=before: any(s > b for _, s in patched[-4:]), 5.0)
        if ok:
            done = next(t for t, s in patched if s > before and t >= sent)
            latencies.append((done - sent) * 1000)
        else:
            missed += 1
        # a writer's rhythm: ~110 ms between keys, a longer pause after a word now and then
        pause = 0.7 if char == " " and i % 3 == 0 else 0.11
        _idle(app, max(0.0, sent + pause - time.perf_counter()))
        blocks.append(max((ms for _, ms in app.gaps[first:]), default=0.0))
        cpu_blocks.append(max((ms for _, ms in app.cpu_gaps[first_cpu:]), default=0.0))
    app.recording = False
    typing_s = time.perf_counter() - typing_started
    inspection = {"jobs": window.inspection.jobs_sent - jobs0,
              "in_process_runs": window.inspection.local_runs - local0,
              "worker_cpu_share": round((_cpu_s(worker_pid) - worker_cpu0) / typing_s, 3)}
    gc.callbacks.remove(on_gc)
    page_ms: list = []
    from PySide6.QtWebEngineCore import QWebEngineScript

    window.preview.page().runJavaScript(
        "JSON.stringify(window.__recap ? window.__recap.patchMs : [])",
        QWebEngineScript.ScriptWorldId.ApplicationWorld, lambda v: page_ms.append(v))
    _wait(app, lambda: bool(page_ms), 10)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile))
    slowest: dict[str, list[float]] = {}
    for _, ms, name in app.calls:
        slowest.setdefault(name.strip(), []).append(ms)
    slowest = {name: _summary(values) for name, values in slowest.items()}
    ok_text = text[:keys] if keys <= len(text) else None
    started_by_serial = {serial: at for at, serial in app.renders}
    preview_path = [(t - started_by_serial[s]) * 1000 for t, s in patched
                    if s in started_by_serial]
    mine = ("PreviewController.render", "PreviewView._patched", "PreviewView._on_scrolled",
            "PreviewController.cursor_moved")
    worst_gaps = []
    for at, busy in sorted(app.gaps, key=lambda g: -g[1])[:8]:
        start = at - (busy + HEARTBEAT_MS) / 1000
        inside = sorted({name.strip() for when, ms, name in app.calls
                         if when < at and when + ms / 1000 > start})
        worst_gaps.append({"ms": round(busy, 1), "python_calls": inside})
    result = {
        "worst_blocks": worst_gaps,
        "inspection_worker": inspection,
        "page_patch_ms": _summary(json.loads(page_ms[0])) if page_ms and page_ms[0] != "[]"
        else {},
        "preview_path_ms": _summary(preview_path) if preview_path else {},
        "preview_block_ms_max": max((ms for _, ms, name in app.calls if name.strip() in mine),
                                    default=0.0),
        "words": len(editor.document_text().split()),
        "keys": keys,
        "missed": missed,
        "latencies_ms": latencies,
        "block_ms_per_key": blocks,
        "cpu_block_ms_per_key": cpu_blocks,
        "calls_ms": dict(sorted(slowest.items(), key=lambda kv: -kv[1]["max"])),
        "typed_ok": ok_text is None or ok_text in editor.document_text(),
        "gc_ms": {f"gen{g}": _summary([ms for gen, ms in collections if gen == g])
                  for g in (0, 1, 2) if any(gen == g for gen, _ in collections)},
    }
    window.session.flush()
    window.close()
    return result


def startup(project: Path, settings_file: Path) -> dict:
    """Mirror `recapdesk.ui.app.run_window`: the window, the project, show, focus; the
    window counts as shown once the platform exposes it (it is on the screen)."""
    app = _app([sys.argv[0]])
    window = _window(project, None, settings_file)
    window.show()
    window.focus_editor()
    _wait(app, lambda: window.windowHandle() is not None and window.windowHandle().isExposed(),
          60)
    shown_at = time.time()
    _wait(app, window.preview_is_ready, 60)
    ready_at = time.time()
    window.session.flush()
    window.close()
    return {"shown_s": shown_at - START_WALL, "preview_ready_s": ready_at - START_WALL}


def rss(project: Path, settings_file: Path) -> dict:
    app = _app([sys.argv[0]])
    window = _window(project, None, settings_file)
    window.resize(1440, 900)
    window.show()
    _wait(app, window.preview_is_ready, 120)
    _idle(app, 2.0)  # outline, checks, the first autosave timer
    own = _rss_kb(os.getpid())
    children = sum(_rss_kb(pid) for pid in _children(os.getpid()))
    episodes = len(window.series.episodes) if window.series else 0
    window.session.flush()
    window.close()
    return {"rss_mb": own / 1024, "children_rss_mb": children / 1024, "episodes": episodes}


def firstshot(video: Path) -> dict:
    """The Watch panel opening a video it has not seen (no shot cache): seconds until the
    first frame is on its screen and until the first shot's thumbnail is in the sheet, on
    the UI thread, and until the whole sheet is filled."""
    import tempfile

    app = _app([sys.argv[0]])
    from recapdesk.ui.watch import WatchPanel

    panel = WatchPanel()
    panel.resize(640, 800)
    panel.show()
    marks: dict[str, float] = {}
    started = time.perf_counter()
    panel.scan.shotFound.connect(
        lambda *_: marks.setdefault("first_thumb_s", time.perf_counter() - started))
    panel.scan.finished.connect(
        lambda *_: marks.setdefault("sheet_s", time.perf_counter() - started))
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        panel.show_video(video, Path(cache))
        _wait(app, lambda: not panel.screen.image.isNull(), 60)
        marks["first_frame_s"] = time.perf_counter() - started
        _wait(app, lambda: "sheet_s" in marks, 600)
    shots = len(panel.sheet.shots)
    panel.shutdown()
    return {**{k: round(v, 3) for k, v in marks.items()}, "shots": shots}


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
                found += _children(int(entry.name))
    return found


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.qtprobe")
    parser.add_argument("what", choices=["typing", "startup", "rss", "firstshot"])
    parser.add_argument("project", type=Path, help="the project (firstshot: the video)")
    parser.add_argument("episode", nargs="?")
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--settings", type=Path)
    parser.add_argument("--profile", type=Path, help="typing: write cProfile stats here")
    args = parser.parse_args(argv)
    if args.what == "typing":
        result = typing(args.project, args.episode, args.keys, args.settings, args.profile)
    elif args.what == "startup":
        result = startup(args.project, args.settings)
    elif args.what == "firstshot":
        result = firstshot(args.project)
    else:
        result = rss(args.project, args.settings)
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip teardown: the numbers are out


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
