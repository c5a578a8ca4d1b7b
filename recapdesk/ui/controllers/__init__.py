"""What the window does when the writer acts: one controller per kind of act.

Panes emit requests; the window routes them here. A controller asks through the
window's `dialogs`, acts through the session and the Qt-free core, and updates the
panes; none of them reads or writes files itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from recapdesk.ui.main_window import MainWindow

MAX_COMPARE_ROUNDS = 10  # "Compare…" chosen this often without a decision: decide later


class Controller(QObject):
    """A controller of one window (it lives as long as the window)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window


def decide(ask: Callable[[], str], compare: Callable[[], bool]) -> str:
    """Ask until the answer is not "compare", showing the differences (`compare`) after
    each "compare"; still "compare" when the writer did not decide in
    MAX_COMPARE_ROUNDS, or when `compare` says there is nothing left to compare."""
    answer = "compare"
    for _ in range(MAX_COMPARE_ROUNDS):
        answer = ask()
        if answer != "compare" or not compare():
            break
    return answer
