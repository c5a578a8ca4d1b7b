"""Painting of outline rows: episode code and title, word counts with a goal bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from recapdesk.ui import icons
from recapdesk.ui.outline.model import (
    CODE_ROLE,
    EDITORIAL_ROLE,
    EPISODE,
    HEADING,
    KIND_ROLE,
    PUBLISH_ROLE,
    SERIES,
    TARGET_ROLE,
    TITLE_ROLE,
    WORDS_ROLE,
)

DRAFT_COLOR = "#b26a00"


EDITORIAL_COLORS = {"good": "#2e7d32", "ok": "#e09b00", "problem": "#c62828"}
EDITORIAL_WORDS = {"good": "Editorial checks: good", "ok": "Editorial checks: could be better",
                   "problem": "Editorial checks: needs work"}


def publish_icon(mark) -> str:
    """The icon meaning for a recap's mark of how it stands on the site."""
    if mark.changed:
        return "published_changed"
    return {"publish": "published", "private": "published", "future": "scheduled"}.get(
        mark.status, "site_draft")
FINAL_COLOR = "#2e7d32"


class OutlineDelegate(QStyledItemDelegate):
    """Episode rows: muted code + title; the count column: words and a thin goal bar."""

    ROW_HEIGHT = {SERIES: 34, EPISODE: 30, HEADING: 24}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        kind = index.siblingAtColumn(0).data(KIND_ROLE)
        size.setHeight(max(size.height(), self.ROW_HEIGHT.get(kind, 24)))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        kind = index.siblingAtColumn(0).data(KIND_ROLE)
        if index.column() == 1:
            self._paint_count(painter, option, index, kind)
        elif kind == EPISODE:
            self._paint_episode(painter, option, index)
        else:
            super().paint(painter, option, index)

    @staticmethod
    def _colors(option: QStyleOptionViewItem) -> tuple[QColor, QColor]:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text = option.palette.color(group, role)
        muted = QColor(text)
        muted.setAlphaF(0.8 if selected else 0.55)
        return text, muted

    def _background(self, painter: QPainter, option: QStyleOptionViewItem,
                    index: QModelIndex) -> QStyleOptionViewItem:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        return opt

    def _paint_episode(self, painter: QPainter, option: QStyleOptionViewItem,
                       index: QModelIndex) -> None:
        opt = self._background(painter, option, index)
        text_color, muted = self._colors(option)
        rect = option.rect.adjusted(4, 0, -4, 0)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if icon is not None:
            side = 16
            icon_rect = QRect(rect.left(), rect.center().y() - side // 2 + 1, side, side)
            icon.paint(painter, icon_rect)
            rect.setLeft(icon_rect.right() + 7)
        painter.save()
        font = QFont(opt.font)
        code = str(index.data(CODE_ROLE) or "")
        if code:
            code_font = QFont(font)
            code_font.setPointSizeF(font.pointSizeF() * 0.88)
            code_font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(code_font)
            painter.setPen(muted)
            code_width = painter.fontMetrics().horizontalAdvance(code)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             code)
            rect.setLeft(rect.left() + max(code_width, painter.fontMetrics()
                                           .horizontalAdvance("E00")) + 8)
        score = index.data(EDITORIAL_ROLE)
        if score in EDITORIAL_COLORS:  # the editorial checks' light: a dot at the end
            side = 8
            dot = QRect(rect.right() - side, rect.center().y() - side // 2 + 1, side, side)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(EDITORIAL_COLORS[score]))
            painter.drawEllipse(dot)
            rect.setRight(dot.left() - 6)
        mark = index.data(PUBLISH_ROLE)
        if mark is not None:  # on the site: a small globe at the end of the row
            side = 14
            mark_rect = QRect(rect.right() - side, rect.center().y() - side // 2 + 1, side,
                              side)
            icons.icon(publish_icon(mark)).paint(painter, mark_rect)
            rect.setRight(mark_rect.left() - 6)
        font.setWeight(QFont.Weight.Medium)
        painter.setFont(font)
        painter.setPen(text_color)
        title = painter.fontMetrics().elidedText(str(index.data(TITLE_ROLE) or ""),
                                                 Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.restore()

    def _paint_count(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex,
                     kind: str | None) -> None:
        self._background(painter, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            return
        _, muted = self._colors(option)
        rect = option.rect.adjusted(2, 0, -10, 0)
        painter.save()
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 0.86)
        font.setFeature(QFont.Tag("tnum"), 1)
        painter.setFont(font)
        painter.setPen(muted)
        target = index.data(TARGET_ROLE)
        words = index.data(WORDS_ROLE) or 0
        if kind == EPISODE and target:
            text_rect = rect.adjusted(0, 0, 0, -4)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             text)
            width = painter.fontMetrics().horizontalAdvance(text)
            bar = QRect(rect.right() - width + 1, rect.center().y() + 8, width, 3)
            track = QColor(muted)
            track.setAlphaF(0.18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 1.5, 1.5)
            fraction = min(1.0, words / target)
            if fraction > 0:
                done = QRect(bar)
                done.setWidth(max(3, round(bar.width() * fraction)))
                painter.setBrush(QColor(FINAL_COLOR if fraction >= 1 else "#3d7bd9"))
                painter.drawRoundedRect(done, 1.5, 1.5)
        else:
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             text)
        painter.restore()
