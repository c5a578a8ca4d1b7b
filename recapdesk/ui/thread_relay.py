"""Handing results from background threads to the UI thread, safely.

A background thread must not touch a QObject that the UI thread may be deleting at that
very moment (the panel of a window being closed): emitting one of its signals then can
crash the application, and catching RuntimeError does not help while the deletion is
half done. `to_ui_thread(owner, function, *args)` touches only the application's relay,
which lives as long as the application; on the UI thread the function is called only if
`owner` still exists.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

__all__ = ["ensure_relay", "to_ui_thread"]


class _Relay(QObject):
    posted = Signal(object, object, object)  # owner, function, arguments

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _run(owner: QObject, function: Callable[..., object], args: tuple) -> None:
        if shiboken6.isValid(owner):
            function(*args)


_relay: _Relay | None = None


def ensure_relay() -> None:
    """Make the relay, on the UI thread (every object that posts calls this when made)."""
    global _relay
    if _relay is None:
        _relay = _Relay()


def to_ui_thread(owner: QObject, function: Callable[..., object], *args: object) -> None:
    """From any thread: call `function(*args)` soon on the UI thread, unless `owner` has
    been deleted by then."""
    assert _relay is not None, "ensure_relay() is called on the UI thread first"
    _relay.posted.emit(owner, function, args)
