"""ProblemsView: the `check` findings as a list; activating one asks to jump there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from recapdesk.core.model import Problem
from recapdesk.ui import icons


class ProblemsView(QWidget):
    """Lists problems; emits problemActivated(relative path, 1-based line)."""

    problemActivated = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("problemsList")
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.list.clear()
        if not problems:
            item = QListWidgetItem(icons.icon("final"), "No problems: ready to export.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
            return
        for problem in problems:
            item = QListWidgetItem(icons.icon("error" if problem.is_error else "warning"),
                                   f"{problem.message}   —   {problem.path}:{problem.line}")
            item.setData(Qt.ItemDataRole.UserRole, (problem.path, problem.line))
            item.setToolTip(str(problem))
            self.list.addItem(item)

    def counts(self) -> tuple[int, int]:
        errors = sum(p.is_error for p in self.problems)
        return errors, len(self.problems) - errors

    def _activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            self.problemActivated.emit(data[0], int(data[1]))
