"""The list model of a project's stills and the filter over it.

The model is filled at once with names and metadata (no file is read), so a project
with hundreds of stills shows immediately; thumbnails stream in from the loader and
replace the placeholder of their row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPixmap

from recapdesk.core import stills as core
from recapdesk.core.model import Series, Still
from recapdesk.core.thumbnails import cache_dir_for
from recapdesk.ui import icons
from recapdesk.ui.stills.thumbs import (
    BROKEN,
    CAPTION_ROLE,
    EPISODE_ROLE,
    ERROR_ROLE,
    INFO_ROLE,
    LOADING,
    MISSING,
    MISSING_ALT_ROLE,
    NAME_ROLE,
    PIXMAP_ROLE,
    READY,
    STATE_ROLE,
    STILL_ROLE,
    THUMB_H,
    THUMB_W,
    UNUSED_ROLE,
    USES_ROLE,
    ThumbnailLoader,
)

STILL_MIME = "application/x-recapdesk-still"

Index = QModelIndex | QPersistentModelIndex


@dataclass
class StillItem:
    """One row: a still file (or a stills.yaml entry whose file is missing)."""

    name: str
    path: Path | str
    exists: bool
    signature: tuple[int, int] | None = None  # (mtime_ns, size) of the file
    state: str = LOADING
    pixmap: QPixmap | None = None
    info: str = ""
    error: str = ""
    uses: list[core.Usage] = field(default_factory=list)


def _signature(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class StillsModel(QAbstractListModel):
    """The stills of one project; thumbnails arrive from a ThumbnailLoader."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.series: Series | None = None
        self.items: list[StillItem] = []
        self.rows: dict[str, int] = {}
        self.usage_map: dict[str, list[core.Usage]] = {}
        self.usages_known = False  # until then no still is called unused
        self.md_file: Path | None = None  # the Markdown file figure paths are relative to
        self.loader = ThumbnailLoader(self)
        self.loader.ready.connect(self._thumb_ready)
        self.loader.failed.connect(self._thumb_failed)
        self._cache_dir: Path | None = None

    # --- filling -------------------------------------------------------------------

    def set_series(self, series: Series | None,
                   usages: dict[str, list[core.Usage]] | None = None) -> None:
        """Show `series`' stills at once; thumbnails are requested in the background."""
        previous = {item.name: item for item in self.items}
        self.loader.reset()
        self.beginResetModel()
        self.series = series
        self.items = []
        self._cache_dir = cache_dir_for(series) if series is not None else None
        if series is not None:
            names = core.listed_names(series)
            folder = str(series.stills_dir)
            for name in names:
                path = os.path.join(folder, name)
                signature = _signature(path)
                item = StillItem(name, path, exists=signature is not None, signature=signature)
                old = previous.get(name)
                if old is not None and old.signature == signature and old.state != LOADING:
                    item.state, item.pixmap = old.state, old.pixmap
                    item.info, item.error = old.info, old.error
                elif signature is None:
                    item.state = MISSING
                self.items.append(item)
        self.rows = {item.name: i for i, item in enumerate(self.items)}
        self.usages_known = usages is not None
        self.usage_map = dict(usages or {})
        for item in self.items:
            item.uses = list(self.usage_map.get(item.name, []))
        self.endResetModel()
        for item in self.items:
            if item.state == LOADING:
                self._request(item)

    def set_usages(self, usages: dict[str, list[core.Usage]]) -> None:
        self.usages_known = True
        self.usage_map = dict(usages)
        for item in self.items:
            item.uses = list(self.usage_map.get(item.name, []))
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1),
                                  [UNUSED_ROLE, USES_ROLE])

    def add(self, name: str) -> QModelIndex:
        """Add (or refresh) one still after an import."""
        if self.series is None:
            return QModelIndex()
        path = self.series.stills_dir / name
        row = self.rows.get(name)
        item = StillItem(name, path, exists=path.exists(), signature=_signature(path))
        item.uses = list(self.usage_map.get(name, []))
        if row is None:
            row = len(self.items)
            self.beginInsertRows(QModelIndex(), row, row)
            self.items.append(item)
            self.rows[name] = row
            self.endInsertRows()
        else:
            self.items[row] = item
            self.changed(name)
        self._request(item)
        return self.index(row)

    def changed(self, name: str) -> None:
        """The metadata of `name` changed (alt, caption, episode…)."""
        row = self.rows.get(name)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def _request(self, item: StillItem) -> None:
        if self.series is None or not item.exists:
            return
        ratio = max(1.0, QGuiApplication.instance().devicePixelRatio()
                    if QGuiApplication.instance() else 1.0)
        target = QSize(round(THUMB_W * ratio), round(THUMB_H * ratio))
        self.loader.request(item.name, item.path, self._cache_dir or cache_dir_for(self.series),
                            target)

    def _thumb_ready(self, name: str, image: QImage, info: str) -> None:
        row = self.rows.get(name)
        if row is None:
            return
        item = self.items[row]
        item.pixmap, item.state, item.info, item.error = QPixmap.fromImage(image), READY, info, ""
        self.dataChanged.emit(self.index(row), self.index(row),
                              [Qt.ItemDataRole.DecorationRole, PIXMAP_ROLE, STATE_ROLE,
                               INFO_ROLE])

    def _thumb_failed(self, name: str, message: str) -> None:
        row = self.rows.get(name)
        if row is None:
            return
        item = self.items[row]
        item.pixmap, item.state, item.error = None, BROKEN, message
        self.dataChanged.emit(self.index(row), self.index(row),
                              [Qt.ItemDataRole.DecorationRole, PIXMAP_ROLE, STATE_ROLE,
                               ERROR_ROLE])

    # --- questions -----------------------------------------------------------------

    def item(self, name: str) -> StillItem | None:
        row = self.rows.get(name)
        return self.items[row] if row is not None else None

    def still(self, name: str) -> Still:
        meta = self.series.stills.get(name) if self.series is not None else None
        return meta or Still(name=name)

    def episode_of(self, name: str) -> str:
        return core.still_episode(self.series, name) if self.series is not None else ""

    def loaded(self) -> int:
        """How many rows have their final picture (thumbnail or broken/missing tile)."""
        return sum(1 for item in self.items if item.state != LOADING)

    def figure(self, name: str) -> str:
        if self.series is None:
            return ""
        md_file = self.md_file or (self.series.episodes_dir / "recap.md")
        return core.figure_markdown(self.series, self.still(name), md_file)

    # --- Qt model --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, NAME_ROLE, Qt.ItemDataRole.EditRole):
            return item.name
        if role == STATE_ROLE:
            return item.state
        if role == PIXMAP_ROLE:
            if item.state == LOADING:
                self.loader.prioritize(item.name)  # it is being painted: make it next
            return item.pixmap
        if role == Qt.ItemDataRole.DecorationRole:
            if item.state == READY and item.pixmap is not None:
                return QIcon(item.pixmap)
            return icons.icon("still" if item.state == LOADING else "warning")
        if role == STILL_ROLE:
            return self.still(item.name)
        if role == CAPTION_ROLE:
            return self.still(item.name).caption
        if role == MISSING_ALT_ROLE:
            return not self.still(item.name).alt
        if role == UNUSED_ROLE:
            return self.usages_known and not item.uses
        if role == USES_ROLE:
            return item.uses
        if role == EPISODE_ROLE:
            return self.episode_of(item.name)
        if role == INFO_ROLE:
            return item.info
        if role == ERROR_ROLE:
            return item.error
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            still = self.still(item.name)
            return f"{item.name}. {still.alt or 'No alt text.'}"
        return None

    def _tooltip(self, item: StillItem) -> str:
        still = self.still(item.name)
        lines = [item.name]
        if item.info:
            lines.append(item.info)
        if item.state == MISSING:
            lines.append("The file is not in stills/ (described in stills.yaml only)")
        elif item.error:
            lines.append(f"Cannot be used: {item.error}")
        lines.append(f"Alt: {still.alt}" if still.alt else "No alt text yet")
        if still.caption:
            lines.append(f"Caption: {still.caption}")
        lines.append(f"Used {len(item.uses)}×" if item.uses else "Not used in any recap")
        lines.append("Double-click or drag into the editor to place it")
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.items[index.row()].exists:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [STILL_MIME, "text/plain"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes) -> QMimeData:
        """Dragging a still out: its figure Markdown as text, its name in our own format."""
        names = []
        for index in indexes:
            if index.isValid() and index.row() < len(self.items):
                name = self.items[index.row()].name
                if name not in names:
                    names.append(name)
        mime = QMimeData()
        mime.setText("\n\n".join(self.figure(n) for n in names))
        mime.setData(STILL_MIME, "\n".join(names).encode("utf-8"))
        return mime


FILTERS = ("episode", "all", "unused", "no_alt")


class StillsFilter(QSortFilterProxyModel):
    """This episode / all / unused / missing alt, and a search by name or caption."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mode = "all"
        self.text = ""
        self.episode: str | None = None

    def _change(self, key: str, value: object) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            setattr(self, key, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            setattr(self, key, value)
            self.invalidateRowsFilter()

    def refilter(self) -> None:
        """Apply the filter again (the stills' usages or details changed)."""
        self._change("mode", self.mode)

    def set_mode(self, mode: str) -> None:
        if mode not in FILTERS:
            raise ValueError(f"unknown stills filter {mode!r}")
        self._change("mode", mode)

    def set_text(self, text: str) -> None:
        self._change("text", text.strip().lower())

    def set_episode(self, episode: str | None) -> None:
        if episode != self.episode:
            self._change("episode", episode)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, StillsModel) or row >= len(model.items):
            return False
        item = model.items[row]
        still = model.still(item.name)
        if self.mode == "unused" and (item.uses or not model.usages_known):
            return False
        if self.mode == "no_alt" and still.alt:
            return False
        if self.mode == "episode":
            if not self.episode:
                return False
            own = model.episode_of(item.name)
            used_here = any(self._is_episode(model, path) for path, _ in item.uses)
            if own.lower() != self.episode.lower() and not used_here:
                return False
        if self.text:
            haystack = f"{item.name}\n{still.caption}\n{still.alt}".lower()
            if not all(word in haystack for word in self.text.split()):
                return False
        return True

    def _is_episode(self, model: StillsModel, path: Path) -> bool:
        series = model.series
        if series is None or not self.episode:
            return False
        ep = series.find_episode(self.episode)
        return ep is not None and ep.path == path
