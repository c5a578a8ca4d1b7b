"""StillsList: the project's stills by name with their caption (the stills manager grows
from here); double-click asks to insert the still's figure at the cursor."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from recapdesk.core.model import Series
from recapdesk.core.project import still_files
from recapdesk.ui import icons


class StillsList(QWidget):
    """Lists stills; emits insertRequested(file name)."""

    insertRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter stills by name or caption")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget(self)
        self.list.setIconSize(QSize(18, 18))
        self.list.itemActivated.connect(
            lambda item: self.insertRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def set_series(self, series: Series) -> None:
        self.list.clear()
        for path in still_files(series):
            still = series.stills.get(path.name)
            caption = still.caption if still else ""
            missing_alt = not (still and still.alt)
            text = path.name + (f"\n{caption}" if caption else "")
            item = QListWidgetItem(icons.icon("warning" if missing_alt else "still"), text)
            item.setData(Qt.ItemDataRole.UserRole, path.name)
            tip = f"{path.name}\nAlt: {still.alt if still and still.alt else '(missing)'}"
            item.setToolTip(tip + "\nDouble-click to insert at the cursor")
            self.list.addItem(item)
        self._apply_filter(self.filter.text())

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())
