"""Results handed from background threads to the UI thread reach only living objects."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject

from recapdesk.ui.thread_relay import ensure_relay, to_ui_thread


def test_calls_land_on_the_ui_thread_and_skip_deleted_owners(qtbot) -> None:
    ensure_relay()
    ui_thread = threading.get_ident()
    calls: list[tuple[str, int]] = []
    alive, doomed = QObject(), QObject()

    def post() -> None:
        for n in range(50):
            to_ui_thread(alive, lambda n=n: calls.append(("alive", threading.get_ident())))
            to_ui_thread(doomed, lambda n=n: calls.append(("doomed", n)))

    worker = threading.Thread(target=post)
    shiboken6.delete(doomed)  # deleted before its calls can land
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(calls) >= 50)
    qtbot.wait(50)
    assert calls == [("alive", ui_thread)] * 50
