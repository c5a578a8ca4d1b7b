"""A writer at the keyboard, for the kill test: the real RecapDesk window, typing.

    python tests/drivers/typist.py PROJECT --log LOG [--episode s01e01] [--seed N]
                                  [--autosave-ms MS] [--word-ms MS]

Opens PROJECT in the real MainWindow (offscreen by default) and types a known stream
of words at the end of the episode with QTest.keyClicks on a timer: bursts of typing,
then pauses long enough for autosave. After every word it appends one line to LOG
(unbuffered, so it survives SIGKILL):

    ready <monotonic> <length of the episode text before typing>
    typed <monotonic> <characters of the stream typed so far>

The stream is `stream_text()` below; the parent test kills this process with SIGKILL
at random moments and checks what came back.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WORDS_PER_PARAGRAPH = 9


def chunks(words: int = 20_000) -> list[str]:
    """What the typer types, one timer tick at a time: a new paragraph, then numbered
    words (a blank line after every WORDS_PER_PARAGRAPH of them)."""
    return ["\n\n"] + [f"w{n:05d}" + ("\n\n" if n % WORDS_PER_PARAGRAPH == 0 else " ")
                       for n in range(1, words + 1)]


def stream_text(words: int = 20_000) -> str:
    """The whole stream the typer types, in order."""
    return "".join(chunks(words))


class AutoDialogs:
    """Answers every question the way a writer who wants their words back would."""

    def confirm(self, parent, title, text, *, ok="OK"):
        return True

    def ask_text(self, parent, title, label, text=""):
        return None

    def choose_folder(self, parent, caption):
        return None

    def resolve_conflict(self, parent, name):
        return "mine"

    def recover(self, parent, name, journal_text, disk_text):
        return "restore"

    def project_locked(self, parent, owner):
        return "open_anyway"

    def deleted_on_disk(self, parent, name):
        return "save_again"

    def show_diff(self, parent, title, intro, diff):
        return None

    def warn(self, parent, title, text):
        print(f"warn: {title}: {text}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--episode", default="s01e01")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--autosave-ms", type=int, default=400)
    parser.add_argument("--word-ms", type=int, default=40)
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from recapdesk.ui.app import make_app

    app = make_app()
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from recapdesk.ui.main_window import MainWindow

    log = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def note(line: str) -> None:
        os.write(log, (line + "\n").encode("ascii"))

    settings = QSettings(str(args.log.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(settings, restore=False)
    window.dialogs = AutoDialogs()
    window.session._timer.setInterval(args.autosave_ms)
    window.open_project(args.project, episode=args.episode)
    window.show()
    tab = window.current_tab()
    editor = tab.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    base_len = len(editor.document_text())
    rng = random.Random(args.seed)
    pieces = chunks()
    state = {"i": 0, "typed": 0, "burst_end": 0.0}

    def burst() -> None:
        state["burst_end"] = time.monotonic() + rng.uniform(0.3, 2.5)
        timer.start(args.word_ms)

    def tick() -> None:
        now = time.monotonic()
        if now >= state["burst_end"]:
            timer.stop()  # a pause: autosave and the journal get their turn
            QTimer.singleShot(int(rng.uniform(args.autosave_ms + 200, 2500)), burst)
            return
        piece = pieces[state["i"]]
        for ch in piece:
            if ch == "\n":
                QTest.keyClick(editor, Qt.Key.Key_Return)
            else:
                QTest.keyClicks(editor, ch)
        state["i"] += 1
        state["typed"] += len(piece)
        note(f"typed {time.monotonic():.6f} {state['typed']}")

    timer = QTimer()
    timer.timeout.connect(tick)
    note(f"ready {time.monotonic():.6f} {base_len}")
    burst()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
