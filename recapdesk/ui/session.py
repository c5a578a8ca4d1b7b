"""Session: the window's open documents on timers, their outcomes as Qt signals.

What the documents are and every rule about saving them live in the Qt-free
`core.documents.Documents` (`self.documents`); the session only runs autosave, the
recovery journal and the lock refresh on timers, and tells the widgets what happened:

- every change is journaled within a second of a pause (at least every JOURNAL_MAX_MS
  while typing on) and saved within AUTOSAVE_DELAY_MS of one (at least every
  AUTOSAVE_MAX_MS); a failed save is tried again every RETRY_MS;
- `conflict`, `deleted`, `reloaded`, `saveFailed` and `lockLost` ask the window to act.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from recapdesk.core import locking
from recapdesk.core.documents import (
    Access,
    Buffer,
    Documents,
    OnDisk,
    ReadOnly,
    Saved,
    project_root,
)
from recapdesk.core.journal import Recovery
from recapdesk.core.model import Series

AUTOSAVE_DELAY_MS = 1500  # a pause this long puts typed text on disk
AUTOSAVE_MAX_MS = 8000  # while typing without pause, save at least this often
JOURNAL_DELAY_MS = 300  # a pause this long puts typed text in the recovery journal
JOURNAL_MAX_MS = 1000  # while typing without pause, journal at least this often
LOCK_REFRESH_MS = locking.LOCK_REFRESH_S * 1000
RETRY_MS = 5000  # after a failed save (disk full, file locked), try again this often

__all__ = ["Buffer", "Session"]


class Session(QObject):
    """The project open in the window and its episode buffers."""

    bufferChanged = Signal(str)  # path: text changed (render, outline, counts)
    dirtyChanged = Signal(str, bool)
    saved = Signal(str, bool)  # path, by autosave
    saveFailed = Signal(str, str)  # path, message
    conflict = Signal(str)  # path: changed on disk since it was loaded, and edited here
    reloaded = Signal(str)  # path: an unedited buffer took the new text from disk
    deleted = Signal(str)  # path: the file was deleted on disk; the buffer is kept, dirty
    textReplaced = Signal(str)  # path: the session changed the text itself (show it)
    journalFailed = Signal(str)  # message: unsaved text could not be journaled
    lockLost = Signal(object)  # the other owner that took the project lock over

    def __init__(self, parent: QObject | None = None, *, autosave_ms: int = AUTOSAVE_DELAY_MS,
                 autosave_max_ms: int = AUTOSAVE_MAX_MS, journal_ms: int = JOURNAL_DELAY_MS,
                 journal_max_ms: int = JOURNAL_MAX_MS) -> None:
        super().__init__(parent)
        self.documents = Documents()
        self._timer = self._single(autosave_ms, self.autosave)
        self._max_timer = self._single(autosave_max_ms, self.autosave)
        self._journal_timer = self._single(journal_ms, self.write_journal)
        self._journal_max = self._single(journal_max_ms, self.write_journal)
        self._retry_timer = self._single(RETRY_MS, self.autosave)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(LOCK_REFRESH_MS)
        self._lock_timer.timeout.connect(self.refresh_lock)

    def _single(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- what the documents hold -------------------------------------------------------

    @property
    def series(self) -> Series | None:
        return self.documents.series

    @property
    def buffers(self) -> dict[Path, Buffer]:
        return self.documents.buffers

    @property
    def access(self) -> Access:
        return self.documents.access

    @property
    def lock_owner(self) -> dict | None:
        return self.documents.lock_owner

    @property
    def lock_problem(self) -> str:
        return self.documents.lock_problem

    @property
    def last_save_time(self) -> float | None:
        return self.documents.last_save_time

    @property
    def last_save_auto(self) -> bool:
        return self.documents.last_save_auto

    def buffer(self, path: Path | str) -> Buffer | None:
        return self.documents.buffer(path)

    def read_only_reason(self) -> str:
        return self.documents.read_only_reason()

    def dirty_paths(self) -> list[Path]:
        return self.documents.dirty_paths()

    # --- the project -------------------------------------------------------------------

    project_root = staticmethod(project_root)

    def other_owner(self, path: Path) -> dict | None:
        return self.documents.other_owner(path)

    def open_project(self, path: Path, *, access: Access | str = Access.WRITE,
                     why: ReadOnly | None = None) -> Series:
        """Open a project folder in place of the one open now (whose text is saved or
        journaled first); see `Documents.open_project`. Raises ProjectError (and then
        nothing changed)."""
        series = self.documents.read_project(path, access=access)
        self.close_project()
        self.documents.use_project(series, access=access, why=why)
        if self.documents.locked:
            self._lock_timer.start()
        return series

    def close_project(self, *, save: bool = True) -> bool:
        """Save what can be saved (unless the caller just tried), release the lock and
        forget the buffers. False when some text could not be saved (it stays in the
        journal and is offered again the next time the project is opened)."""
        ok = self.flush() if save else not self.dirty_paths()
        self.write_journal()
        self._lock_timer.stop()
        self._retry_timer.stop()
        self.documents.close_project()
        return ok

    def refresh_lock(self) -> None:
        """Tell other machines we are still here (every LOCK_REFRESH_MS)."""
        other = self.documents.refresh_lock()
        if other is not None:
            self._lock_timer.stop()
            self.lockLost.emit(other)

    def reload_series(self) -> Series:
        """Re-read the project after files changed (buffers are kept)."""
        return self.documents.reload_series()

    def rel(self, path: Path) -> str | None:
        return self.documents.rel(path)

    # --- buffers -----------------------------------------------------------------------

    def open_episode(self, path: Path, *, allow_missing: bool = False) -> Buffer:
        return self.documents.open_episode(path, allow_missing=allow_missing)

    def set_text(self, path: Path | str, text: str) -> None:
        """The editor's text changed: mark dirty and schedule a journal entry and a save."""
        buffer = self.documents.buffer(path)
        if buffer is None:
            raise KeyError(path)
        was_dirty = buffer.dirty
        if not self.documents.set_text(path, text):
            return
        self._dirty_after(buffer, was_dirty)
        self.bufferChanged.emit(str(buffer.path))
        self._timer.start()
        if not self._max_timer.isActive():
            self._max_timer.start()
        self._journal_timer.start()
        if not self._journal_max.isActive():
            self._journal_max.start()

    def _dirty_after(self, buffer: Buffer, was_dirty: bool) -> None:
        if buffer.dirty != was_dirty:
            self.dirtyChanged.emit(str(buffer.path), buffer.dirty)

    def close_episode(self, path: Path | str) -> bool:
        """Save (if needed) and forget a buffer. False when saving failed (kept open)."""
        buffer = self.documents.buffer(path)
        if buffer is None:
            return True
        if buffer.dirty and not buffer.readonly and not self.save(buffer.path):
            self.write_journal()
            return False
        self.documents.forget(buffer.path)
        return True

    def discard_episode(self, path: Path | str) -> None:
        """Forget a buffer WITHOUT saving (the writer chose to)."""
        self.documents.discard(path)

    def rename_buffers(self, renames: dict) -> list[tuple[Path, Path]]:
        """Follow files renamed by an operation ({old: new}); the pairs that moved."""
        return self.documents.rename_buffers(renames)

    # --- the texts of all episodes -----------------------------------------------------

    def all_texts(self) -> dict[Path, str]:
        """Every readable episode's text: the open buffer's, else the file's."""
        return self.documents.all_texts()

    def apply_texts(self, texts: dict) -> None:
        """New texts for episodes (references renamed or removed): open ones change in
        their buffer (shown by `textReplaced`, undoable there) and are saved; the others
        are written to their files."""
        for path, text in texts.items():
            path = Path(path)
            buffer = self.documents.buffer(path)
            if buffer is None:
                self.documents.write_closed(path, text)
                continue
            self.set_text(path, text)
            self.textReplaced.emit(str(path))
            self.save(path)

    # --- saving ------------------------------------------------------------------------

    def save(self, path: Path | str, *, auto: bool = False, force: bool = False) -> bool:
        """Write one buffer (see `Documents.save`); the outcome becomes a signal."""
        buffer = self.documents.buffers[Path(path)]
        was_dirty = buffer.dirty
        outcome = self.documents.save(path, auto=auto, force=force)
        key = str(buffer.path)
        if outcome is Saved.SAVED:
            self.dirtyChanged.emit(key, False)
            self.saved.emit(key, auto)
        elif outcome is Saved.CONFLICT:
            self.conflict.emit(key)
        elif outcome is Saved.DELETED:
            self._dirty_after(buffer, was_dirty)
            self.deleted.emit(key)
        elif outcome is Saved.FAILED:
            if not self._retry_timer.isActive():
                self._retry_timer.start()
            self.saveFailed.emit(key, self.documents.last_error)
        self._tell_journal_warning()
        return outcome in (Saved.SAVED, Saved.CLEAN)

    def save_all(self, *, auto: bool = False) -> bool:
        ok = True
        for path in self.dirty_paths():
            if path in self.buffers:  # a dialog answered on the way may have closed one
                ok = self.save(path, auto=auto) and ok
        return ok

    def autosave(self) -> None:
        self._timer.stop()
        self._max_timer.stop()
        self.save_all(auto=True)
        self.write_journal()

    def flush(self) -> bool:
        """Save everything now (before closing or switching projects)."""
        self._timer.stop()
        self._max_timer.stop()
        ok = self.save_all(auto=True)
        if not ok:
            self.write_journal()
        return ok

    # --- the journal -------------------------------------------------------------------

    def write_journal(self) -> None:
        """Put the text of every edited buffer in the recovery journal (if changed)."""
        self._journal_timer.stop()
        self._journal_max.stop()
        self.documents.write_journal()
        self._tell_journal_warning()

    def _tell_journal_warning(self) -> None:
        message, self.documents.journal_warning = self.documents.journal_warning, None
        if message:
            self.journalFailed.emit(message)

    def recoverable(self) -> list[Recovery]:
        return self.documents.recoverable()

    def recovered(self, recovery: Recovery) -> None:
        self.documents.recovered(recovery)

    def discard_recovery(self, recovery: Recovery) -> None:
        self.documents.discard_recovery(recovery)

    # --- files changed on disk ---------------------------------------------------------

    def check_disk(self, path: Path | str) -> OnDisk:
        """Look at an open episode's file after the file system said it changed."""
        buffer = self.documents.buffer(path)
        was_dirty = buffer.dirty if buffer is not None else False
        outcome = self.documents.check_disk(path)
        if buffer is None:
            return outcome
        key = str(buffer.path)
        if outcome is OnDisk.DELETED:
            self._dirty_after(buffer, was_dirty)
            self.deleted.emit(key)
        elif outcome is OnDisk.CONFLICT:
            self.conflict.emit(key)
        elif outcome in (OnDisk.RELOADED, OnDisk.READ_ONLY):
            self._took_disk_version(buffer)
            self.reloaded.emit(key)
        else:
            self._dirty_after(buffer, was_dirty)
        self._tell_journal_warning()
        return outcome

    def take_disk_version(self, path: Path | str) -> None:
        """Replace a buffer with what is on disk now (after a conflict)."""
        if self.documents.take_disk_version(path):
            self._took_disk_version(self.documents.buffers[Path(path)])

    def _took_disk_version(self, buffer: Buffer) -> None:
        self.dirtyChanged.emit(str(buffer.path), False)
        self.bufferChanged.emit(str(buffer.path))
