"""EditorTab: one open episode — banners when needed, the editor, a find bar.

Two banners sit above the editor: the read-only one (a file that is not UTF-8, a
project open read-only) and a notice (recovered text, a file deleted or changed on
disk, a save that failed). Neither takes focus from the editor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from recapdesk.ui.editor import FindBar, MarkdownEditor

_BANNER_STYLE = {
    "readonly": "background: #fff4d6; color: #5c4400; border-bottom: 1px solid #e8d49c;",
    "info": "background: #e6f0ff; color: #173a6b; border-bottom: 1px solid #b7cdf0;",
    "warning": "background: #fde8e4; color: #6b1d12; border-bottom: 1px solid #f0b8ad;",
}


def _banner(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class EditorTab(QWidget):
    """Holds the editor of one episode; forwards its text to whoever listens."""

    textEdited = Signal(str, str)  # path, full text

    def __init__(self, path: Path, text: str, *, readonly_reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.banner = _banner("readonlyBanner", self)
        self.notice = _banner("noticeBanner", self)
        self.notice_kind = ""
        self.editor = MarkdownEditor(self)
        self._initial_text = text
        self.set_readonly(readonly_reason)
        self.find_bar = FindBar(self.editor)
        self.find_bar.setParent(self)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)

    def load(self, words: list[str]) -> None:
        """Set the project words, then the text (so a long text is highlighted once)."""
        self.editor.set_project_words(words)
        self.editor.set_document_text(self._initial_text)
        self.editor.textChanged.connect(self._changed)

    def _changed(self) -> None:
        self.textEdited.emit(str(self.path), self.editor.document_text())

    def replace_text(self, text: str) -> None:
        """Show new text (taken from disk) as one undoable change, keeping the cursor."""
        self.editor.replace_all_text(text)

    def set_readonly(self, reason: str) -> None:
        """Read-only with a banner saying why (an empty reason makes it editable)."""
        self.banner.setText(reason)
        self.banner.setStyleSheet(f"#readonlyBanner {{ {_BANNER_STYLE['readonly']} "
                                  "padding: 8px 12px; }")
        self.banner.setVisible(bool(reason))
        self.editor.setReadOnly(bool(reason))

    def show_notice(self, text: str, kind: str = "info") -> None:
        """A line above the editor: "info" (recovered text) or "warning" (not saved)."""
        self.notice_kind = kind
        self.notice.setText(text)
        self.notice.setStyleSheet(f"#noticeBanner {{ {_BANNER_STYLE.get(kind, '')} "
                                  "padding: 6px 12px; }")
        self.notice.setVisible(bool(text))

    def hide_notice(self, kind: str | None = None) -> None:
        """Hide the notice (only one of `kind`, when given)."""
        if kind is None or kind == self.notice_kind:
            self.notice.setVisible(False)
            self.notice.setText("")
            self.notice_kind = ""
