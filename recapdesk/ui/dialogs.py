"""Dialogs: every question the window asks the writer, in one replaceable object.

Tests give the window a scripted stand-in instead of clicking real modal boxes.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class DiffDialog(QDialog):
    """A read-only unified diff of two versions of a file."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, diff: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        label = QLabel(intro, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("diffView")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setPlainText(diff)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def _ask(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, info: str,
         choices: list[tuple[str, str, QMessageBox.ButtonRole]], default: str) -> str:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(info)
    buttons = {}
    for key, label, role in choices:
        buttons[box.addButton(label, role)] = key
        if key == default:
            box.setDefaultButton(list(buttons)[-1])
    box.exec()
    return buttons.get(box.clickedButton(), default)


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
        """"mine" (overwrite the file), "theirs" (take the file on disk) or "compare"."""
        role = QMessageBox.ButtonRole
        return _ask(parent, QMessageBox.Icon.Warning, "Changed on disk",
                    f"{name} was changed by another program while you were editing it.",
                    "Keep your version (the file is overwritten with it), take the version on "
                    "disk (the text in this tab is replaced; Undo brings it back), or compare "
                    "the two first?",
                    [("mine", "Keep Mine", role.AcceptRole),
                     ("theirs", "Take Theirs", role.DestructiveRole),
                     ("compare", "Compare…", role.ActionRole)], "compare")

    def recover(self, parent: QWidget, name: str, journal_text: str, disk_text: str) -> str:
        """Unsaved text of a RecapDesk that did not close, and the file changed since:
        "restore" (put the unsaved text back), "discard" or "compare"."""
        role = QMessageBox.ButtonRole
        deleted = " and the file was deleted since" if not disk_text else \
            " and the file was changed by another program since"
        return _ask(parent, QMessageBox.Icon.Warning, "Recover unsaved changes",
                    f"RecapDesk did not close properly while {name} had unsaved "
                    f"changes{deleted}.",
                    "Restore your unsaved text (it replaces the file's text in the editor; "
                    "Undo brings the file's text back), discard it (a copy stays in "
                    ".recapdesk/journal/discarded), or compare the two first?",
                    [("restore", "Restore", role.AcceptRole),
                     ("discard", "Discard", role.DestructiveRole),
                     ("compare", "Compare…", role.ActionRole)], "compare")

    def project_locked(self, parent: QWidget, owner: str) -> str:
        """The project is open elsewhere: "open_anyway", "read_only" or "cancel"."""
        role = QMessageBox.ButtonRole
        return _ask(parent, QMessageBox.Icon.Warning, "Project already open",
                    f"This project is open in {owner}.",
                    "Two windows saving the same recaps can overwrite each other's work. Open "
                    "it read-only, open it anyway (both can save), or cancel?",
                    [("read_only", "Open Read-Only", role.AcceptRole),
                     ("open_anyway", "Open Anyway", role.DestructiveRole),
                     ("cancel", "Cancel", role.RejectRole)], "read_only")

    def deleted_on_disk(self, parent: QWidget, name: str) -> str:
        """An open file was deleted by another program: "save_again" or "close"."""
        role = QMessageBox.ButtonRole
        return _ask(parent, QMessageBox.Icon.Warning, "Deleted on disk",
                    f"{name} was deleted by another program. Your text is still in the editor.",
                    "Save it again (the file is written back), or close the tab (the text is "
                    "thrown away; a copy stays in .recapdesk/journal/discarded)?",
                    [("save_again", "Save Again", role.AcceptRole),
                     ("close", "Close Tab", role.DestructiveRole)], "save_again")

    def show_diff(self, parent: QWidget, title: str, intro: str, diff: str) -> None:
        """Show a unified diff, read-only, until closed."""
        DiffDialog(parent, title, intro, diff).exec()

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)
