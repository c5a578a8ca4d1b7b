"""The look of the writing surface: a text column of reading width centred in the pane,
and the tints behind spoiler blocks, also-read blocks and the front matter.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QPlainTextEdit

from recapdesk.ui.editor.highlighter import (
    REGION_ALSO_READ,
    REGION_FRONT,
    REGION_NONE,
    REGION_SPOILER,
    region_of,
)
from recapdesk.ui.editor.theme import Theme

MEASURE_CHARS = 80  # the text column's width, in average characters
_SAMPLE = "The quick brown fox jumps over the lazy dog, then naps in the sun."


def side_margin(editor: QPlainTextEdit) -> int:
    """The viewport margin on each side that centres a column of MEASURE_CHARS."""
    fm = QFontMetricsF(editor.font())
    measure = fm.horizontalAdvance(_SAMPLE) / len(_SAMPLE) * MEASURE_CHARS
    column = measure + 2 * editor.document().documentMargin()
    scrollbar = editor.verticalScrollBar().sizeHint().width()
    available = editor.contentsRect().width() - scrollbar
    return max(0, int((available - column) / 2))


def paint_regions(editor: QPlainTextEdit, event: QPaintEvent, theme: Theme) -> None:
    """Tint spoiler / also-read blocks and the front matter behind the text."""
    block = editor.firstVisibleBlock()
    offset = editor.contentOffset()
    bottom = event.rect().bottom()
    runs: list[tuple[int, float, float]] = []  # (region, top, bottom)
    while block.isValid():
        rect = editor.blockBoundingGeometry(block).translated(offset)
        if rect.top() > bottom:
            break
        region = region_of(block.userState()) if block.isVisible() else REGION_NONE
        if region != REGION_NONE:
            if runs and runs[-1][0] == region and abs(runs[-1][2] - rect.top()) < 0.5:
                runs[-1] = (region, runs[-1][1], rect.bottom())
            else:
                runs.append((region, rect.top(), rect.bottom()))
        block = block.next()
    if not runs:
        return
    colours = {
        REGION_SPOILER: (theme.spoiler_region, theme.spoiler_rule),
        REGION_ALSO_READ: (theme.also_read_region, theme.also_read_rule),
        REGION_FRONT: (theme.front_region, QColor(0, 0, 0, 0)),
    }
    painter = QPainter(editor.viewport())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    margin = editor.document().documentMargin()
    left = max(2.0, margin - 14)
    width = editor.viewport().width() - 2 * left
    for region, top, end in runs:
        fill, rule = colours[region]
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(left, top - 2, width, end - top + 4), 6, 6)
        if rule.alpha():
            painter.setBrush(rule)
            painter.drawRoundedRect(QRectF(left, top - 2, 3, end - top + 4), 1.5, 1.5)
    painter.end()
