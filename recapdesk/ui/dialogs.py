"""Dialogs: every question the window asks the writer, in one replaceable object.

Tests give the window a scripted stand-in instead of clicking real modal boxes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


class Dialogs:
    """The real, modal dialogs."""

    def confirm(self, parent: QWidget, title: str, text: str, *, ok: str = "OK") -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        yes = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def ask_text(self, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        value, accepted = QInputDialog.getText(parent, title, label, text=text)
        return value.strip() if accepted and value.strip() else None

    def choose_folder(self, parent: QWidget, caption: str) -> str | None:
        return QFileDialog.getExistingDirectory(parent, caption) or None

    def resolve_conflict(self, parent: QWidget, name: str) -> str:
        """"mine" (overwrite the file) or "theirs" (take the file on disk)."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Changed on disk")
        box.setText(f"{name} was changed by another program since you opened it.")
        box.setInformativeText("Keep your version (overwrite the file) or take the version "
                               "on disk (the text in this tab is replaced; Undo brings it back)?")
        mine = box.addButton("Keep Mine", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Take Theirs", QMessageBox.ButtonRole.DestructiveRole)
        box.exec()
        return "mine" if box.clickedButton() is mine else "theirs"

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)
