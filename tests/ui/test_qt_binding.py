"""The Qt binding must not leak references to None on void calls (PySide6 6.12.0 did,
which aborted long sessions with `none_dealloc`); pyproject pins a good version."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget


def test_void_qt_calls_keep_none_alive(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for i in range(20_000):
        widget.resize(100 + i % 7, 100)
        widget.setToolTip("")
    assert sys.getrefcount(None) >= before - 100
