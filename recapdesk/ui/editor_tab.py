"""EditorTab: one open episode — a read-only banner when needed, the editor, a find bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from recapdesk.ui.editor import FindBar, MarkdownEditor


class EditorTab(QWidget):
    """Holds the editor of one episode; forwards its text to whoever listens."""

    textEdited = Signal(str, str)  # path, full text

    def __init__(self, path: Path, text: str, *, readonly_reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.banner = QLabel(readonly_reason, self)
        self.banner.setObjectName("readonlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("#readonlyBanner { background: #fff4d6; color: #5c4400;"
                                  " padding: 8px 12px; border-bottom: 1px solid #e8d49c; }")
        self.banner.setVisible(bool(readonly_reason))
        self.editor = MarkdownEditor(self)
        self.project_words: list[str] = []
        self._initial_text = text
        self.editor.setReadOnly(bool(readonly_reason))
        self.find_bar = FindBar(self.editor)
        self.find_bar.setParent(self)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)

    def load(self, words) -> None:  # noqa: ANN001
        """Set the project words, then the text (so a long text is highlighted once)."""
        self.editor.set_project_words(words)
        self.editor.set_document_text(self._initial_text)
        self.editor.textChanged.connect(self._changed)

    def _changed(self) -> None:
        self.textEdited.emit(str(self.path), self.editor.document_text())

    def replace_text(self, text: str) -> None:
        """Show new text (taken from disk) as one undoable change, keeping the cursor."""
        self.editor.replace_all_text(text)
