"""Session: the open project and episode buffers, dirty state and autosave.

The one place that holds document state in the window. Widgets send text here and
listen to its signals; all file writes go through the core's atomic storage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from recapdesk.core import storage
from recapdesk.core.model import Episode, Series
from recapdesk.core.project import (
    ProjectError,
    episode_from_text,
    open_project,
    read_text,
)

AUTOSAVE_DELAY_MS = 1500  # a pause this long puts typed text on disk
AUTOSAVE_MAX_MS = 8000  # while typing without pause, save at least this often


@dataclass
class Buffer:
    """An open episode: the text in the editor and what is on disk."""

    path: Path
    text: str
    saved_text: str
    disk_hash: str | None
    bom: bool = False
    readonly: bool = False
    reason: str = ""  # why it is read-only
    cursor: int = 0

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    def episode(self) -> Episode:
        return episode_from_text(self.path, self.text, bom=self.bom)[0]


class Session(QObject):
    """The project open in the window and its episode buffers."""

    projectOpened = Signal(object)  # Series
    seriesChanged = Signal(object)  # Series (after files changed on disk by an operation)
    bufferChanged = Signal(str)  # path: text changed (render, outline, counts)
    dirtyChanged = Signal(str, bool)
    saved = Signal(str, bool)  # path, by autosave
    saveFailed = Signal(str, str)  # path, message
    conflict = Signal(str)  # path: changed on disk since it was loaded

    def __init__(self, parent: QObject | None = None, *, autosave_ms: int = AUTOSAVE_DELAY_MS,
                 autosave_max_ms: int = AUTOSAVE_MAX_MS) -> None:
        super().__init__(parent)
        self.series: Series | None = None
        self.buffers: dict[Path, Buffer] = {}
        self.last_save_time: float | None = None
        self.last_save_auto = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(autosave_ms)
        self._timer.timeout.connect(self.autosave)
        self._max_timer = QTimer(self)
        self._max_timer.setSingleShot(True)
        self._max_timer.setInterval(autosave_max_ms)
        self._max_timer.timeout.connect(self.autosave)

    # --- project ---------------------------------------------------------------------

    def open_project(self, path: Path) -> Series:
        """Open a project folder; raises ProjectError with a clear message."""
        series = open_project(Path(path))
        self.flush()
        self.buffers.clear()
        self.series = series
        self.projectOpened.emit(series)
        return series

    def reload_series(self) -> Series:
        """Re-read the project after an operation changed files (buffers are kept)."""
        if self.series is None:
            raise ProjectError("no project is open")
        self.series = open_project(self.series.root)
        self.seriesChanged.emit(self.series)
        return self.series

    # --- buffers ---------------------------------------------------------------------

    def open_episode(self, path: Path) -> Buffer:
        path = Path(path)
        if path in self.buffers:
            return self.buffers[path]
        readonly, reason, bom = False, "", False
        try:
            text, bom = read_text(path)
        except UnicodeDecodeError:
            text, readonly = path.read_bytes().decode("utf-8", "replace"), True
            reason = "This file is not UTF-8 text. It is shown read-only and is never saved over."
        except (OSError, ValueError) as exc:
            text, readonly = "", True
            reason = f"This file cannot be read: {getattr(exc, 'strerror', None) or exc}"
        buffer = Buffer(path, text, text, storage.file_hash(path), bom=bom, readonly=readonly,
                        reason=reason)
        self.buffers[path] = buffer
        return buffer

    def buffer(self, path: Path | str) -> Buffer | None:
        return self.buffers.get(Path(path))

    def set_text(self, path: Path | str, text: str) -> None:
        """The editor's text changed: mark dirty and schedule an autosave."""
        buffer = self.buffers[Path(path)]
        if buffer.readonly or text == buffer.text:
            return
        was_dirty = buffer.dirty
        buffer.text = text
        if buffer.dirty != was_dirty:
            self.dirtyChanged.emit(str(buffer.path), buffer.dirty)
        self.bufferChanged.emit(str(buffer.path))
        self._timer.start()
        if not self._max_timer.isActive():
            self._max_timer.start()

    def close_episode(self, path: Path | str) -> bool:
        """Save (if needed) and forget a buffer. False when saving failed (kept open)."""
        buffer = self.buffers.get(Path(path))
        if buffer is None:
            return True
        if buffer.dirty and not self.save(buffer.path):
            return False
        del self.buffers[buffer.path]
        return True

    def rename_buffer(self, old: Path, new: Path) -> bool:
        """Follow a file rename done by a project operation."""
        return bool(self.rename_buffers({old: new}))

    def rename_buffers(self, renames: dict) -> list[tuple[Path, Path]]:
        """Follow several renames at once ({old: new}; two files may swap names).

        Returns the (old, new) pairs of the open buffers that moved.
        """
        moves = [(Path(old), Path(new)) for old, new in renames.items()
                 if Path(old) != Path(new) and Path(old) in self.buffers]
        moving = [(self.buffers.pop(old), new) for old, new in moves]
        for buffer, new in moving:
            buffer.path = new
            self.buffers[new] = buffer
        return moves

    def dirty_paths(self) -> list[Path]:
        return [b.path for b in self.buffers.values() if b.dirty]

    # --- saving ----------------------------------------------------------------------

    def save(self, path: Path | str, *, auto: bool = False, force: bool = False) -> bool:
        """Write one buffer atomically. Never overwrites a file changed on disk (unless
        `force`, after the writer chose to) or a file that could not be read."""
        buffer = self.buffers[Path(path)]
        if buffer.readonly:
            return False
        if not buffer.dirty:
            return True
        on_disk = storage.file_hash(buffer.path)
        if not force and on_disk != buffer.disk_hash and buffer.path.exists():
            self.conflict.emit(str(buffer.path))
            return False
        data = buffer.text.encode("utf-8")
        if buffer.bom:
            data = b"\xef\xbb\xbf" + data
        try:
            storage.atomic_write(buffer.path, data)
        except OSError as exc:
            self.saveFailed.emit(str(buffer.path), f"Could not save {buffer.path.name}: "
                                 f"{exc.strerror or exc}. Your text is still here.")
            return False
        buffer.saved_text = buffer.text
        buffer.disk_hash = storage.content_hash(data)
        self.last_save_time = time.monotonic()
        self.last_save_auto = auto
        self.dirtyChanged.emit(str(buffer.path), False)
        self.saved.emit(str(buffer.path), auto)
        return True

    def save_all(self, *, auto: bool = False) -> bool:
        ok = True
        for path in self.dirty_paths():
            ok = self.save(path, auto=auto) and ok
        return ok

    def autosave(self) -> None:
        self._timer.stop()
        self._max_timer.stop()
        self.save_all(auto=True)

    def flush(self) -> bool:
        """Save everything now (before closing or switching projects)."""
        self._timer.stop()
        self._max_timer.stop()
        return self.save_all(auto=True)

    def take_disk_version(self, path: Path | str) -> None:
        """Replace a buffer with what is on disk now (after a conflict)."""
        buffer = self.buffers[Path(path)]
        text, bom = read_text(buffer.path)
        buffer.text = buffer.saved_text = text
        buffer.bom = bom
        buffer.disk_hash = storage.file_hash(buffer.path)
        self.dirtyChanged.emit(str(buffer.path), False)
        self.bufferChanged.emit(str(buffer.path))
