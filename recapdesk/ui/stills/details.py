"""StillDetails: alt text, caption, credit and episode of one still, and where it is used.

The pane edits nothing itself: it emits `edited(name, fields)` with the fields that
changed (after a short pause in typing, on Enter, on leaving a field, or before showing
another still), and the panel writes them through the core.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core import stills as core
from recapdesk.core.model import Series, Still

EDIT_PAUSE_MS = 700
ALT_ADVICE = 125  # screen readers read long alt text in one breath; this is a common aim


class _AltEdit(QPlainTextEdit):
    """A few lines of plain text; Enter leaves the field instead of breaking the line."""

    focusLost = Signal()
    done = Signal()  # Enter or Escape: the writer has finished describing the still

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.focusLost.emit()
            self.done.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """Grow with the text, from 2 to 6 lines (then scroll)."""
        metrics = self.fontMetrics()
        margin = round(self.document().documentMargin())
        width = max(40, self.viewport().width() - 2 * margin)
        text = self.toPlainText() or self.placeholderText()
        needed = metrics.boundingRect(QRect(0, 0, width, 100_000),
                                      int(Qt.TextFlag.TextWordWrap), text).height()
        lines = max(2, min(6, -(-needed // metrics.lineSpacing())))
        frame = self.contentsMargins()
        height = lines * metrics.lineSpacing() + 2 * margin + frame.top() + frame.bottom() + 2
        if self.height() != height:
            self.setFixedHeight(height)


class StillDetails(QWidget):
    """The details of the selected still."""

    edited = Signal(str, dict)  # still name, {field: new value}
    usageActivated = Signal(str, int)  # episode path, 1-based line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stillDetails")
        self.series: Series | None = None
        self.name: str | None = None
        self._shown: dict[str, str] = {}
        self._uses: list[core.Usage] = []
        self._loading = False

        self.title = QLabel(self)
        self.title.setObjectName("stillTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.info = QLabel(self)
        self.info.setObjectName("stillInfo")

        self.alt = _AltEdit(self)
        self.alt.setObjectName("altEdit")
        self.alt.setTabChangesFocus(True)
        self.alt.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.alt.setPlaceholderText("Describe what the still shows, for readers who can't see it")
        self.alt.textChanged.connect(self.alt.fit)
        self.alt.fit()
        self.alt.setAccessibleName("Alt text")
        self.alt_hint = QLabel(self)
        self.alt_hint.setObjectName("altHint")
        self.caption = QLineEdit(self)
        self.caption.setAccessibleName("Caption")
        self.credit = QLineEdit(self)
        self.credit.setPlaceholderText("e.g. Netflix")
        self.credit.setAccessibleName("Credit")
        self.episode = QComboBox(self)
        self.episode.setAccessibleName("Episode")
        self.episode.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.episode.setMinimumContentsLength(8)
        self.used = QLabel(self)
        self.used.setObjectName("usedIn")
        self.used.setWordWrap(True)
        self.used.setTextFormat(Qt.TextFormat.RichText)
        self.used.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.used.linkActivated.connect(self._usage_link)
        self.empty = QLabel("Select a still to see its details.", self)
        self.empty.setObjectName("detailsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.form_box = QWidget(self)
        form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        alt_box = QWidget(self.form_box)
        alt_layout = QVBoxLayout(alt_box)
        alt_layout.setContentsMargins(0, 0, 0, 0)
        alt_layout.setSpacing(2)
        alt_layout.addWidget(self.alt)
        alt_layout.addWidget(self.alt_hint)
        form.addRow(self._label("&Alt text", self.alt), alt_box)
        form.addRow(self._label("&Caption", self.caption), self.caption)
        form.addRow(self._label("Cre&dit", self.credit), self.credit)
        form.addRow(self._label("&Episode", self.episode), self.episode)
        form.addRow(self._label("Used in", None), self.used)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        layout.addSpacing(4)
        layout.addWidget(self.form_box)
        layout.addWidget(self.empty, 1)
        layout.addStretch(0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(EDIT_PAUSE_MS)
        self.timer.timeout.connect(self.commit)
        self.alt.textChanged.connect(self._typed)
        self.alt.focusLost.connect(self.commit)
        self.alt.done.connect(self._described)
        self._return_to: QWidget | None = None
        for line in (self.caption, self.credit):
            line.textEdited.connect(self._typed)
            line.editingFinished.connect(self.commit)
        self.episode.currentIndexChanged.connect(self._episode_changed)
        self.show_still(None)

    def describe(self, return_to: QWidget | None = None) -> None:
        """Put the cursor in the alt text field (a new still is described at once);
        Enter or Escape there gives the focus back to `return_to`."""
        self._return_to = return_to
        self.alt.setFocus(Qt.FocusReason.OtherFocusReason)
        self.alt.selectAll()

    def _described(self) -> None:
        target, self._return_to = self._return_to, None
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _label(self, text: str, buddy: QWidget | None) -> QLabel:
        label = QLabel(text, self.form_box)
        label.setObjectName("formLabel")
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    # --- showing -------------------------------------------------------------------

    def set_series(self, series: Series | None) -> None:
        self.commit()
        self.series = series
        self._loading = True
        self.episode.clear()
        self.episode.addItem("No episode", "")
        for ep in series.episodes if series is not None else []:
            title = ep.title.split(": ", 1)[-1].strip() if ": " in ep.title else ep.title
            label = f"{ep.id} · {title}" if title and title != ep.id else ep.id
            self.episode.addItem(label, ep.id)
            self.episode.setItemData(self.episode.count() - 1, ep.title,
                                     Qt.ItemDataRole.ToolTipRole)
        self._loading = False
        self.show_still(None)

    def show_still(self, still: Still | None, *, info: str = "", error: str = "",
                   uses: list[core.Usage] | None = None, missing: bool = False) -> None:
        """Show a still's details (after saving what was typed for the previous one)."""
        if still is None or self.name != still.name:
            self.commit()
        self._loading = True
        try:
            self.name = still.name if still is not None else None
            has = still is not None
            self.form_box.setVisible(has)
            self.title.setVisible(has)
            self.info.setVisible(has)
            self.empty.setVisible(not has)
            if still is None:
                self._shown = {}
                return
            self.title.setText(still.name)
            self.set_info(info, error, missing=missing)
            if self.alt.toPlainText() != still.alt:
                self.alt.setPlainText(still.alt)
            self.caption.setText(still.caption)
            self.credit.setText(still.credit)
            self.caption.setCursorPosition(0)  # show the start of a long caption
            self.credit.setCursorPosition(0)
            self._select_episode(still.episode)
            self._update_caption_placeholder()
            self._update_alt_hint()
            self._shown = self._values()
            self.set_uses(uses)
        finally:
            self._loading = False

    def set_info(self, info: str, error: str = "", *, missing: bool = False) -> None:
        """The line under the name: size and format, or why the file cannot be used."""
        if missing:
            self.info.setText("The file is not in stills/; only its details are kept.")
        elif error:
            self.info.setText(f"Cannot be used: {error}")
        else:
            self.info.setText(info or "Reading the image…")
        self.info.setProperty("problem", bool(missing or error))
        self.info.style().unpolish(self.info)
        self.info.style().polish(self.info)

    def set_uses(self, uses: list[core.Usage] | None) -> None:
        """The "Used in" links; None while the uses are still being found."""
        self._uses = list(uses or [])
        if uses is None:
            self.used.setText('<span style="color:#6b6b74">Looking through the recaps…</span>')
            return
        if not uses:
            self.used.setText('<span style="color:#6b6b74">Not used in any recap yet</span>')
            return
        links = []
        for i, (path, line) in enumerate(uses):
            label = self._episode_label(path)
            links.append(f'<a href="{i}" style="text-decoration:none">'
                         f"{html.escape(label)}&nbsp;line&nbsp;{line}</a>")
        self.used.setText(", ".join(links))

    def _episode_label(self, path: Path) -> str:
        if self.series is not None:
            for ep in self.series.episodes:
                if ep.path == path:
                    return ep.id
        return Path(path).stem

    def _select_episode(self, ident: str) -> None:
        index = self.episode.findData(ident)
        if index < 0 and ident:
            self.episode.addItem(f"{ident} (not in this project)", ident)
            index = self.episode.count() - 1
        self.episode.setCurrentIndex(max(0, index))

    def _update_caption_placeholder(self) -> None:
        if self.series is None:
            return
        default = core.caption_for(self.series, str(self.episode.currentData() or ""))
        self.caption.setPlaceholderText(default or self.series.caption_pattern)
        self.caption.setToolTip("Shown under the still. The project's pattern: "
                                + self.series.caption_pattern)

    def _update_alt_hint(self) -> None:
        text = " ".join(self.alt.toPlainText().split())
        if not text:
            self.alt_hint.setText("Needed: export refuses a still without alt text")
            self.alt_hint.setProperty("level", "warning")
        else:
            n = len(text)
            extra = " · long for a screen reader" if n > ALT_ADVICE * 2 else ""
            self.alt_hint.setText(f"{n} characters{extra}")
            self.alt_hint.setProperty("level", "")
        self.alt_hint.style().unpolish(self.alt_hint)
        self.alt_hint.style().polish(self.alt_hint)

    # --- editing -------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {
            "alt": " ".join(self.alt.toPlainText().split()),
            "caption": self.caption.text().strip(),
            "credit": self.credit.text().strip(),
            "episode": str(self.episode.currentData() or ""),
        }

    def _typed(self) -> None:
        if self._loading:
            return
        self._update_alt_hint()
        self.timer.start()

    def _episode_changed(self) -> None:
        if self._loading:
            return
        if self.series is not None:
            # a caption that was the pattern's for the old episode follows the new one
            old = core.caption_for(self.series, self._shown.get("episode", ""))
            if old and self.caption.text().strip() == old:
                self.caption.setText(core.caption_for(self.series,
                                                      str(self.episode.currentData() or "")))
        self._update_caption_placeholder()
        self.commit()

    def commit(self) -> None:
        """Emit the fields that differ from what was shown (nothing when none do)."""
        self.timer.stop()
        if self.name is None or self._loading:
            return
        values = self._values()
        changed = {k: v for k, v in values.items() if self._shown.get(k) != v}
        if not changed:
            return
        self._shown = values
        self.edited.emit(self.name, changed)

    def _usage_link(self, href: str) -> None:
        try:
            path, line = self._uses[int(href)]
        except (ValueError, IndexError):
            return
        self.usageActivated.emit(str(path), int(line))

    def hideEvent(self, event: QEvent) -> None:
        self.commit()
        super().hideEvent(event)
