"""The status bar: words, reading time, target progress, save state, problems."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


def save_state_text(dirty: bool, last_save: float | None, auto: bool,
                    now: float | None = None) -> str:
    """"Saved", "Autosaved 3 s ago", "Unsaved changes"…"""
    if dirty:
        return "Unsaved changes"
    if last_save is None:
        return "Saved"
    ago = int((now if now is not None else time.monotonic()) - last_save)
    if ago < 2:
        return "Autosaved just now" if auto else "Saved just now"
    if ago < 60:
        when = f"{ago} s ago"
    elif ago < 3600:
        when = f"{ago // 60} min ago"
    else:
        return "Saved"
    return f"Autosaved {when}" if auto else f"Saved {when}"


class StatusBar(QStatusBar):
    """Permanent labels on the right of the window's status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = QLabel(self)
        self.reading = QLabel(self)
        self.target = QProgressBar(self)
        self.target.setMinimumWidth(170)
        self.target.setMaximumWidth(190)
        self.target.setMaximumHeight(14)
        self.target.setTextVisible(True)
        self.target.setFormat("%v / %m words")
        self.target.hide()
        self.save_state = QLabel("Saved", self)
        self.problems = QLabel(self)
        for widget in (self.words, self.reading, self.target, self.save_state, self.problems):
            if isinstance(widget, QLabel):
                widget.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(widget)

    def set_counts(self, words: int, minutes: int, target: int | None) -> None:
        self.words.setText(f"{words:,} words")
        self.reading.setText(f"{minutes} min read")
        if target:
            self.target.setMaximum(target)
            self.target.setValue(min(words, target))
            self.target.setFormat(f"{words:,} / {target:,} words")
            self.target.show()
        else:
            self.target.hide()

    def set_problems(self, errors: int, warnings: int) -> None:
        if not errors and not warnings:
            self.problems.setText("No problems")
        else:
            self.problems.setText(f"{errors} error{'s' * (errors != 1)}, "
                                  f"{warnings} warning{'s' * (warnings != 1)}")
