"""Thumbnails off the UI thread, and the painting of one still in the grid.

`ThumbnailLoader` runs `core.thumbnails.thumbnail()` in a QThreadPool and delivers a
small QImage by signal (QImage, unlike QPixmap, may be made in any thread). Results of
an older request generation (a project that was replaced) are dropped.
`StillDelegate` paints a card: the thumbnail (or a placeholder while loading, or a
"broken image" tile), the file name, and badges for missing alt text and unused stills.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    QSizeF,
    Qt,
    QThread,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from recapdesk.core.images import ImageError, probe
from recapdesk.core.paths import inside
from recapdesk.core.thumbnails import THUMB_SIZE, thumbnail
from recapdesk.ui import icons

LOADING, READY, BROKEN, MISSING = "loading", "ready", "broken", "missing"


class _Relay(QObject):
    """Carries results from worker threads to the loader (a queued connection)."""

    done = Signal(int, str, QImage, str, str)  # generation, name, image, info, error


class _Task(QRunnable):
    def __init__(self, relay: _Relay, generation: int, name: str, path: Path,
                 cache_dir: Path, target: QSize,
                 hook: Callable[[str], None] | None) -> None:
        super().__init__()
        self.relay, self.generation, self.name = relay, generation, name
        self.path, self.cache_dir, self.target, self.hook = path, cache_dir, target, hook

    def run(self) -> None:
        image, info, error = QImage(), "", ""
        try:
            if self.hook is not None:
                self.hook(self.name)
            # a still is a file in stills/; a link out of it is never read
            if not inside(self.path, self.path.parent):
                raise ImageError("links to a file outside the stills folder; not read")
            thumb = thumbnail(self.path, self.cache_dir, THUMB_SIZE)
            meta = probe(self.path)
            size_kb = max(1, round(self.path.stat().st_size / 1024))
            size = f"{size_kb} KB" if size_kb < 1024 else f"{size_kb / 1024:.1f} MB"
            info = f"{meta.width}×{meta.height} · {meta.format} · {size}"
            image = QImage(str(thumb))
            if image.isNull():
                error = "the thumbnail could not be read"
            elif image.width() > self.target.width() or image.height() > self.target.height():
                image = image.scaled(self.target, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
        except ImageError as exc:
            error = str(exc)
        except OSError as exc:
            error = f"cannot read the image: {exc.strerror or exc}"
        except Exception as exc:  # a worker must always report back
            error = f"cannot make a thumbnail: {exc}"
        try:
            self.relay.done.emit(self.generation, self.name, image, info, error)
        except RuntimeError:
            pass  # the panel went away while this ran


class ThumbnailLoader(QObject):
    """Makes thumbnails in a thread pool; `ready`/`failed` arrive on the UI thread.

    Requests wait in a queue and only as many run as there are threads, so a project
    with hundreds of stills costs nothing up front, a replaced project's work stops at
    once, and `prioritize()` can move the stills on screen to the front.
    """

    ready = Signal(str, QImage, str)  # name, image scaled to the target size, "1920×1080 · …"
    failed = Signal(str, str)  # name, message

    def __init__(self, parent: QObject | None = None, *, threads: int | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads or max(2, min(4, QThread.idealThreadCount())))
        self.pool.setExpiryTimeout(10_000)
        self.relay = _Relay(self)
        self.relay.done.connect(self._done)
        self.generation = 0
        self.queue: OrderedDict[str, tuple[Path | str, Path, QSize]] = OrderedDict()
        self.running: set[str] = set()
        self._in_pool = 0
        # Called in the worker thread with the still's name before it is processed
        # (tests record the thread; profilers can time it).
        self.worker_hook: Callable[[str], None] | None = None

    def reset(self) -> None:
        """Forget every request (results of work already running are dropped)."""
        self.generation += 1
        self.queue.clear()
        self.running.clear()

    def request(self, name: str, path: Path | str, cache_dir: Path, target: QSize) -> None:
        if name in self.queue or name in self.running:
            return
        self.queue[name] = (path, cache_dir, target)
        self._pump()

    def prioritize(self, name: str) -> None:
        """Make `name` the next one (it is on screen)."""
        if name in self.queue:
            self.queue.move_to_end(name, last=False)

    @property
    def pending(self) -> int:
        return len(self.queue) + len(self.running)

    def shutdown(self) -> None:
        self.reset()
        self.pool.waitForDone()

    def _pump(self) -> None:
        while self.queue and self._in_pool < 2 * self.pool.maxThreadCount():
            name, (path, cache_dir, target) = self.queue.popitem(last=False)
            self.running.add(name)
            self._in_pool += 1
            self.pool.start(_Task(self.relay, self.generation, name, Path(path),
                                  Path(cache_dir), QSize(target), self.worker_hook))

    def _done(self, generation: int, name: str, image: QImage, info: str, error: str) -> None:
        self._in_pool -= 1
        if generation == self.generation:
            self.running.discard(name)
            if error:
                self.failed.emit(name, error)
            else:
                self.ready.emit(name, image, info)
        self._pump()


# --- painting ------------------------------------------------------------------------

THUMB_W, THUMB_H = 180, 101  # the largest thumbnail kept in memory (16:9, a TV still)
MIN_CARD_W, MAX_CARD_W = 136, 220  # cards share the grid's width between these sizes
CARD_PAD = 7  # inside a card, around the thumbnail
NAME_H = 26  # the file name under the thumbnail


def card_size(width: int) -> QSize:
    """The grid cell for a card `width` pixels wide."""
    thumb_w = width - 2 * CARD_PAD
    return QSize(width, CARD_PAD + round(thumb_w * 9 / 16) + NAME_H)


def columns_for(width: int) -> int:
    """How many cards fit side by side in `width` pixels."""
    return max(1, width // MIN_CARD_W)
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
MISSING_ALT_ROLE = Qt.ItemDataRole.UserRole + 3
UNUSED_ROLE = Qt.ItemDataRole.UserRole + 4
PIXMAP_ROLE = Qt.ItemDataRole.UserRole + 5
CAPTION_ROLE = Qt.ItemDataRole.UserRole + 6
EPISODE_ROLE = Qt.ItemDataRole.UserRole + 7
USES_ROLE = Qt.ItemDataRole.UserRole + 8
INFO_ROLE = Qt.ItemDataRole.UserRole + 9
ERROR_ROLE = Qt.ItemDataRole.UserRole + 10
STILL_ROLE = Qt.ItemDataRole.UserRole + 11

_TILE = QColor("#ecebe8")
_TILE_DARK = QColor("#2b2b30")
_BADGE = {"alt": (QColor("#fff1d6"), QColor("#8a5300"), "No alt"),
          "unused": (QColor("#ebebef"), QColor("#55555f"), "Unused"),
          "missing": (QColor("#fde4e4"), QColor("#a32020"), "Missing")}


class StillDelegate(QStyledItemDelegate):
    """A still card: rounded thumbnail, badges, file name."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        view = self.parent()
        grid = view.gridSize() if hasattr(view, "gridSize") else QSize()
        return grid if grid.isValid() else card_size(MIN_CARD_W + 20)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        palette = option.palette
        highlight = palette.color(QPalette.ColorRole.Highlight)
        card = QRectF(rect).adjusted(3, 3, -3, -3)
        if selected or hover:
            fill = QColor(highlight)
            fill.setAlphaF(0.14 if selected else 0.06)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(card, 8, 8)
        thumb_w = rect.width() - 2 * CARD_PAD
        thumb = QRectF(rect.left() + CARD_PAD, rect.top() + CARD_PAD, thumb_w,
                       round(thumb_w * 9 / 16))
        clip = QPainterPath()
        clip.addRoundedRect(thumb, 6, 6)
        state = index.data(STATE_ROLE)
        pixmap = index.data(PIXMAP_ROLE)
        painter.save()
        painter.setClipPath(clip)
        if state == READY and pixmap is not None and not pixmap.isNull():
            painter.fillRect(thumb, _TILE_DARK)
            dpr = pixmap.devicePixelRatio() or 1.0
            natural = QSizeF(pixmap.width() / dpr, pixmap.height() / dpr)
            close_to_16_9 = abs(natural.width() / max(1.0, natural.height())
                                - 16 / 9) < 0.25
            mode = (Qt.AspectRatioMode.KeepAspectRatioByExpanding if close_to_16_9
                    else Qt.AspectRatioMode.KeepAspectRatio)
            size = natural.scaled(thumb.size(), mode)
            target = QRectF(thumb.center().x() - size.width() / 2,
                            thumb.center().y() - size.height() / 2, size.width(), size.height())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
        else:
            painter.fillRect(thumb, _TILE)
            side = 22
            lift = 0 if state == LOADING else 7
            icon_rect = QRect(round(thumb.center().x() - side / 2),
                              round(thumb.center().y() - side / 2 - lift), side, side)
            if state == LOADING:
                painter.setOpacity(0.35)
            icons.icon("still" if state == LOADING else "warning").paint(painter, icon_rect)
            painter.setOpacity(1.0)
            if state in (BROKEN, MISSING):
                small = QFont(option.font)
                small.setPointSizeF(option.font.pointSizeF() * 0.82)
                painter.setFont(small)
                painter.setPen(QColor("#6b6b74"))
                text_rect = QRectF(thumb.left(), icon_rect.bottom() + 3, thumb.width(), 16)
                label = "File missing" if state == MISSING else "Can't read image"
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter, label)
        painter.restore()
        if selected:
            pen_color = QColor(highlight)
            painter.setPen(pen_color)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(thumb.adjusted(-1.5, -1.5, 1.5, 1.5), 7, 7)
        self._badges(painter, option, index, thumb)
        name_rect = QRectF(rect.left() + CARD_PAD, thumb.bottom() + 5, thumb.width(), 18)
        font = QFont(option.font)
        font.setPointSizeF(option.font.pointSizeF() * 0.92)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        name = str(index.data(NAME_ROLE) or "")
        elided = QFontMetrics(font).elidedText(name, Qt.TextElideMode.ElideMiddle,
                                               int(name_rect.width()))
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         elided)
        painter.restore()

    @staticmethod
    def _badges(painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex,
                thumb: QRectF) -> None:
        kinds = []
        if index.data(STATE_ROLE) == MISSING:
            kinds.append("missing")
        if index.data(MISSING_ALT_ROLE):
            kinds.append("alt")
        if index.data(UNUSED_ROLE):
            kinds.append("unused")
        if not kinds:
            return
        font = QFont(option.font)
        font.setPointSizeF(option.font.pointSizeF() * 0.76)
        font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(font)
        painter.setFont(font)
        x = thumb.left() + 5
        y = thumb.top() + 5
        for kind in kinds:
            bg, fg, text = _BADGE[kind]
            w = metrics.horizontalAdvance(text) + 10
            h = metrics.height() + 2
            pill = QRectF(x, y, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(pill, h / 2, h / 2)
            painter.setPen(fg)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
