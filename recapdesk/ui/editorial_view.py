"""EditorialView: the current recap's editorial checks as traffic lights.

It shows what the inspection worked out (`core.editorial`, off the UI thread) and
forwards what the writer does: activating a check asks to select the place it is about
(`placeActivated(path, start, end)`), a name fix-it asks to replace a misspelt name
(`fixName(path, wrong, right, everywhere)`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core.editorial import Check, Editorial, NameFix
from recapdesk.ui import icons

GROUPS = (("seo", "SEO"), ("readability", "Readability"), ("names", "Names"))
COLUMNS = (("seo",), ("readability", "names"))  # side by side when the panel is wide
WIDE = 720  # pixels: wider than this, the two columns stand side by side
STATUS_WORDS = {"good": "Good", "ok": "Could be better", "problem": "Needs work"}
PLACE_ROLE = Qt.ItemDataRole.UserRole
FIX_ROLE = Qt.ItemDataRole.UserRole + 1


class EditorialView(QWidget):
    """Traffic lights for one recap; emits where to go and which name to fix."""

    placeActivated = Signal(str, int, int)  # file path, start, end (characters)
    fixName = Signal(str, str, str, bool)  # file path, wrong, right, in every recap

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editorialView")
        self.path: Path | None = None
        self.result: Editorial | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("editorialSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.light = QLabel(self)
        self.light.setFixedSize(16, 16)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.light)
        top.addWidget(self.summary, 1)
        self.trees = [self._tree(i) for i in range(len(COLUMNS))]
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.setSpacing(4)
        for tree in self.trees:
            self.columns.addWidget(tree, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(self.columns, 1)
        self.show_result(None, None)

    def _tree(self, index: int) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName(f"editorialChecks{index}")
        tree.setHeaderHidden(True)
        tree.setRootIsDecorated(False)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setAccessibleName("Editorial checks")
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(lambda pos, t=tree: self._context_menu(t, pos))
        tree.itemActivated.connect(self._activated)
        tree.itemClicked.connect(self._activated)
        return tree

    def items(self) -> list[QTreeWidgetItem]:
        """Every row, column by column."""
        return [tree.topLevelItem(i) for tree in self.trees
                for i in range(tree.topLevelItemCount())]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        direction = (QBoxLayout.Direction.LeftToRight if self.width() > WIDE
                     else QBoxLayout.Direction.TopToBottom)
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def show_result(self, path: Path | None, result: Editorial | None) -> None:
        """Show the analysis of the recap at `path` (None: no recap in front)."""
        self.path, self.result = path, result
        for tree in self.trees:
            tree.clear()
        if path is None or result is None:
            self.light.clear()
            self.summary.setText("Open a recap to see its editorial checks." if path is None
                                 else "Checking…")
            return
        self.light.setPixmap(icons.icon(result.score).pixmap(14, 14))
        self.light.setToolTip(STATUS_WORDS[result.score])
        keyphrase = (f"Keyphrase “{result.keyphrase}”" if result.keyphrase
                     else "No keyphrase (add keyphrase: to the front matter)")
        flesch = ("" if result.flesch is None
                  else f" · Flesch reading ease {result.flesch:.1f}")
        self.summary.setText(f"{keyphrase}{flesch} · {result.words} words")
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for group, title in GROUPS:
            checks = [c for c in result.checks if c.group == group]
            if not checks:
                continue
            tree = self.trees[next(i for i, col in enumerate(COLUMNS) if group in col)]
            worst = max(checks, key=lambda c: ("good", "ok", "problem").index(c.status))
            head = QTreeWidgetItem(tree, [title])
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.setForeground(0, QColor("#4a4a55"))
            head.setToolTip(0, f"{title}: {STATUS_WORDS[worst.status].lower()}")
            for check in sorted(checks, key=lambda c: ("problem", "ok", "good").index(c.status)):
                self._add_check(tree, check)

    def _add_check(self, tree: QTreeWidget, check: Check) -> None:
        item = QTreeWidgetItem(tree, [check.message])
        item.setIcon(0, icons.icon(check.status))
        item.setToolTip(0, f"{STATUS_WORDS[check.status]} ({check.id})"
                        + ("\nClick to select the place it is about." if check.spans else ""))
        item.setData(0, PLACE_ROLE, check.id)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                     f"{STATUS_WORDS[check.status]}: {check.message}")

    def check_of(self, item: QTreeWidgetItem) -> Check | None:
        check_id = item.data(0, PLACE_ROLE)
        return self.result.check(check_id) if self.result and check_id else None

    def _activated(self, item: QTreeWidgetItem) -> None:
        check = self.check_of(item)
        if check is None or not check.spans or self.path is None:
            return
        # each activation goes to the next place the check is about
        places = check.spans
        index = int(item.data(0, FIX_ROLE) or 0) % len(places)
        item.setData(0, FIX_ROLE, index + 1)
        span = places[index]
        self.placeActivated.emit(str(self.path), span.start, span.end)

    def fixes(self, check: Check) -> list[NameFix]:
        return list(getattr(check, "fixes", ()) or ())

    def _fix(self, fix: NameFix, everywhere: bool) -> None:
        if self.path is not None:
            self.fixName.emit(str(self.path), fix.wrong, fix.right, everywhere)

    def _context_menu(self, tree: QTreeWidget, pos: QPoint) -> None:
        item = tree.itemAt(pos)
        check = self.check_of(item) if item is not None else None
        if check is None or self.path is None:
            return
        menu = QMenu(self)
        if check.spans:
            menu.addAction("Show the Place", lambda: self._activated(item))
        done: set[tuple[str, str]] = set()
        for fix in self.fixes(check):
            if (fix.wrong, fix.right) in done:
                continue
            done.add((fix.wrong, fix.right))
            menu.addAction(f"Replace “{fix.wrong}” with “{fix.right}” in This Recap",
                           lambda f=fix: self._fix(f, False))
            menu.addAction(f"Replace “{fix.wrong}” with “{fix.right}” in All Recaps",
                           lambda f=fix: self._fix(f, True))
        if not menu.isEmpty():
            menu.exec(tree.viewport().mapToGlobal(pos))
