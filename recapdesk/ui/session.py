"""Session: the open project and episode buffers, dirty state, autosave, journal, lock.

The one place that holds document state in the window. Widgets send text here and
listen to its signals; all file writes go through the core's atomic storage.

Never lose a word:
- every change is journaled (`core.journal`) within a second of a pause, and at
  least every JOURNAL_MAX_MS while typing on; a save clears the entry;
- a save never overwrites a file changed on disk since it was loaded (`conflict`),
  never recreates a file deleted on disk by itself (`deleted`), never writes a file
  that could not be decoded, and a failed write keeps the text (`saveFailed`);
- the project lock says when another RecapDesk has the project open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from recapdesk.core import locking, storage, textfile
from recapdesk.core.journal import Journal, Recovery
from recapdesk.core.model import Episode, Series
from recapdesk.core.owners import describe_owner
from recapdesk.core.paths import inside
from recapdesk.core.project import (
    MANIFEST,
    ProjectError,
    episode_from_text,
    open_project,
)
from recapdesk.core.textfile import read_text

AUTOSAVE_DELAY_MS = 1500  # a pause this long puts typed text on disk
AUTOSAVE_MAX_MS = 8000  # while typing without pause, save at least this often
JOURNAL_DELAY_MS = 300  # a pause this long puts typed text in the recovery journal
JOURNAL_MAX_MS = 1000  # while typing without pause, journal at least this often
LOCK_REFRESH_MS = locking.LOCK_REFRESH_S * 1000
RETRY_MS = 5000  # after a failed save (disk full, file locked), try again this often

NOT_UTF8 = "This file is not UTF-8 text. It is shown read-only and is never saved over."


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
    missing: bool = False  # the file was deleted on disk while open

    @property
    def dirty(self) -> bool:
        return self.missing or self.text != self.saved_text

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
    conflict = Signal(str)  # path: changed on disk since it was loaded, and edited here
    reloaded = Signal(str)  # path: an unedited buffer took the new text from disk
    deleted = Signal(str)  # path: the file was deleted on disk; the buffer is kept, dirty
    journalFailed = Signal(str)  # message: unsaved text could not be journaled
    lockLost = Signal(object)  # the other owner that took the project lock over

    def __init__(self, parent: QObject | None = None, *, autosave_ms: int = AUTOSAVE_DELAY_MS,
                 autosave_max_ms: int = AUTOSAVE_MAX_MS, journal_ms: int = JOURNAL_DELAY_MS,
                 journal_max_ms: int = JOURNAL_MAX_MS) -> None:
        super().__init__(parent)
        self.series: Series | None = None
        self.buffers: dict[Path, Buffer] = {}
        self.last_save_time: float | None = None
        self.last_save_auto = False
        self.access = "write"  # "write" | "shared" (open anyway) | "read_only"
        self.lock_owner: dict | None = None  # the other owner, when not "write"
        self.locked = False  # this session holds the project lock
        self.lock_problem = ""  # why the lock could not be taken (read-only folder …)
        self.journal: Journal | None = None
        self._journal_error = ""
        self._timer = self._single(autosave_ms, self.autosave)
        self._max_timer = self._single(autosave_max_ms, self.autosave)
        self._journal_timer = self._single(journal_ms, self.write_journal)
        self._journal_max = self._single(journal_max_ms, self.write_journal)
        self._retry_timer = self._single(RETRY_MS, self.autosave)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(LOCK_REFRESH_MS)
        self._lock_timer.timeout.connect(self.refresh_lock)

    def _single(self, ms: int, slot) -> QTimer:  # noqa: ANN001
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- project ---------------------------------------------------------------------

    @staticmethod
    def project_root(path: Path) -> Path:
        root = Path(path).expanduser()
        if root.name == MANIFEST and root.is_file():
            root = root.parent
        return root.resolve()

    def other_owner(self, path: Path) -> dict | None:
        """Who else has the project at `path` open right now (None: nobody, or us)."""
        root = self.project_root(path)
        if self.series is not None and self.series.root == root and self.locked:
            return None
        return locking.other_owner(root / ".recapdesk")

    def open_project(self, path: Path, *, access: str = "write") -> Series:
        """Open a project folder; raises ProjectError with a clear message.

        `access`: "write" takes the project lock (when another live owner took it in
        the meantime, the project is opened "shared"); "shared" works without the lock
        (the writer chose to open it anyway); "read_only" never writes.
        """
        series = open_project(Path(path))
        self.close_project()
        self.series = series
        self.access = access
        self.lock_owner = None
        self.lock_problem = ""
        self._journal_error = ""
        if access == "write":
            self._take_lock(series)
        else:
            self.lock_owner = self.other_owner(series.root)
        self.journal = None if self.access == "read_only" else Journal(series.root)
        self.projectOpened.emit(series)
        return series

    def _take_lock(self, series: Series) -> None:
        try:
            owner = locking.acquire_lock(series.state_dir)
        except OSError as exc:
            self.lock_problem = (f"The project folder is not writable ({storage.reason(exc)}): "
                                 "changes cannot be saved or kept for recovery.")
            return
        if owner is not None:
            self.access, self.lock_owner = "shared", owner
            return
        self.locked = True
        self._lock_timer.start()
        # temp files of saves interrupted by a crash (their process is gone)
        for folder in (series.root, series.episodes_dir, series.stills_dir, series.state_dir,
                       series.state_dir / "journal"):
            storage.remove_stale_temp_files(folder)

    def close_project(self, *, save: bool = True) -> bool:
        """Save what can be saved (unless the caller just tried), release the lock and
        forget the buffers.

        Returns False when some text could not be saved (it stays in the journal and is
        offered again the next time the project is opened).
        """
        ok = self.flush() if save else not self.dirty_paths()
        self.write_journal()
        self._lock_timer.stop()
        self._retry_timer.stop()
        if self.series is not None and self.locked:
            locking.release_lock(self.series.state_dir)
        self.locked = False
        self.buffers.clear()
        return ok

    def refresh_lock(self) -> None:
        """Tell other machines we are still here (every LOCK_REFRESH_MS)."""
        if self.series is None or not self.locked:
            return
        try:
            other = locking.refresh_lock(self.series.state_dir)
        except OSError:
            return  # tried again next time
        if other is not None:
            self.locked = False
            self._lock_timer.stop()
            self.access, self.lock_owner = "shared", other
            self.lockLost.emit(other)

    def reload_series(self) -> Series:
        """Re-read the project after an operation changed files (buffers are kept)."""
        if self.series is None:
            raise ProjectError("no project is open")
        self.series = open_project(self.series.root)
        self.seriesChanged.emit(self.series)
        return self.series

    def rel(self, path: Path) -> str | None:
        if self.series is None:
            return None
        try:
            return Path(path).relative_to(self.series.root).as_posix()
        except ValueError:
            return None

    def _inside(self, path: Path) -> bool:
        return self.series is None or inside(path, self.series.root)

    # --- buffers ---------------------------------------------------------------------

    def open_episode(self, path: Path, *, allow_missing: bool = False) -> Buffer:
        """The buffer of an episode file (read now if not open yet).

        Files that cannot be read or decoded, files reached through a link out of the
        project and every file of a read-only session are read-only. With
        `allow_missing`, a file that does not exist gives an empty buffer marked missing.
        """
        path = Path(path)
        if path in self.buffers:
            return self.buffers[path]
        readonly, reason, bom, missing = False, "", False, False
        text, unread = "", not self._inside(path)
        if unread:
            readonly = True
            reason = ("This file links to a place outside the project. It is not read "
                      "and never written.")
        elif allow_missing and not path.exists():
            missing = True
        elif path.exists() and not path.is_file():  # a folder, a pipe, a device: never read
            readonly, unread = True, True
            reason = "This is not a regular file. It is not read and never written."
        else:
            try:
                text, bom = read_text(path)
            except UnicodeDecodeError:
                text, readonly = path.read_bytes().decode("utf-8", "replace"), True
                reason = NOT_UTF8
            except (OSError, ValueError) as exc:
                text, readonly = "", True
                reason = f"This file cannot be read: {getattr(exc, 'strerror', None) or exc}"
        if self.access == "read_only" and not readonly:
            readonly = True
            reason = self.read_only_reason()
        digest = None if missing or unread else storage.file_hash(path)
        buffer = Buffer(path, text, text, digest, bom=bom, readonly=readonly, reason=reason,
                        missing=missing)
        self.buffers[path] = buffer
        return buffer

    def read_only_reason(self) -> str:
        who = describe_owner(self.lock_owner) if self.lock_owner else "another program"
        return (f"This project is open in {who}. It is shown read-only here: nothing is "
                "saved from this window.")

    def buffer(self, path: Path | str) -> Buffer | None:
        return self.buffers.get(Path(path))

    def set_text(self, path: Path | str, text: str) -> None:
        """The editor's text changed: mark dirty and schedule a journal entry and a save."""
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
        self._journal_timer.start()
        if not self._journal_max.isActive():
            self._journal_max.start()

    def close_episode(self, path: Path | str) -> bool:
        """Save (if needed) and forget a buffer. False when saving failed (kept open)."""
        buffer = self.buffers.get(Path(path))
        if buffer is None:
            return True
        if buffer.dirty and not buffer.readonly and not self.save(buffer.path):
            self.write_journal()
            return False
        del self.buffers[buffer.path]
        return True

    def discard_episode(self, path: Path | str) -> None:
        """Forget a buffer WITHOUT saving (the writer chose to). Its journal entry is
        moved to the journal's discarded/ folder, not deleted."""
        buffer = self.buffers.pop(Path(path), None)
        rel = self.rel(Path(path))
        if buffer is not None and self.journal is not None and rel is not None:
            self.journal.discard_mine(rel)

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
            old_rel = self.rel(buffer.path)
            buffer.path = new
            self.buffers[new] = buffer
            if self.journal is not None and old_rel is not None:
                self.journal.clear(old_rel)
        if moving:
            self.write_journal()
        return moves

    def dirty_paths(self) -> list[Path]:
        return [b.path for b in self.buffers.values() if b.dirty and not b.readonly]

    # --- saving ----------------------------------------------------------------------

    def save(self, path: Path | str, *, auto: bool = False, force: bool = False) -> bool:
        """Write one buffer atomically. Never overwrites a file changed on disk, never
        recreates one deleted on disk (unless `force`, after the writer chose to), never
        writes a file that could not be read."""
        buffer = self.buffers[Path(path)]
        if buffer.readonly:
            return False
        if not buffer.dirty:
            return True
        exists = buffer.path.exists()
        if not exists and not force:
            if not buffer.missing:
                self._mark_missing(buffer)
            return False
        on_disk = storage.file_hash(buffer.path) if exists else None
        if exists and not force and on_disk != buffer.disk_hash:
            self.conflict.emit(str(buffer.path))
            return False
        data = textfile.encode(buffer.text, buffer.bom)
        try:
            storage.make_dirs(buffer.path.parent)
            digest = storage.atomic_write(buffer.path, data)
        except OSError as exc:
            self.write_journal()
            if not self._retry_timer.isActive():
                self._retry_timer.start()
            self.saveFailed.emit(str(buffer.path), f"Could not save {buffer.path.name}: "
                                 f"{storage.reason(exc)}. Your text is still here (and kept "
                                 "for recovery); RecapDesk keeps trying.")
            return False
        buffer.saved_text = buffer.text
        buffer.disk_hash = digest
        buffer.missing = False
        self.last_save_time = time.monotonic()
        self.last_save_auto = auto
        rel = self.rel(buffer.path)
        if self.journal is not None and rel is not None:
            self.journal.clear(rel)
        self.dirtyChanged.emit(str(buffer.path), False)
        self.saved.emit(str(buffer.path), auto)
        return True

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

    # --- the journal -----------------------------------------------------------------

    def write_journal(self) -> None:
        """Put the text of every edited buffer in the recovery journal (if changed)."""
        self._journal_timer.stop()
        self._journal_max.stop()
        if self.journal is None:
            return
        for buffer in list(self.buffers.values()):
            rel = self.rel(buffer.path)
            if rel is None or buffer.readonly:
                continue
            try:
                if buffer.dirty:
                    self.journal.write(rel, buffer.text, buffer.disk_hash, bom=buffer.bom)
                else:
                    self.journal.clear(rel)
            except OSError as exc:
                message = (f"Unsaved changes cannot be kept for crash recovery: "
                           f"{storage.reason(exc)}")
                if message != self._journal_error:
                    self._journal_error = message
                    self.journalFailed.emit(message)
                return
        self._journal_error = ""

    def recoverable(self) -> list[Recovery]:
        """Unsaved text left in the journal by a RecapDesk that did not close (crash,
        kill, power cut), or by this one before the project was closed with text that
        could not be saved. Meant for right after `open_project` (every buffer then
        holds what is on disk)."""
        if self.journal is None:
            return []
        return self.journal.recover()

    def recovered(self, recovery: Recovery) -> None:
        """The recovered text is in its buffer: journal it as ours, drop the old entry."""
        self.write_journal()
        if self.journal is not None:
            self.journal.restored(recovery)

    def discard_recovery(self, recovery: Recovery) -> None:
        if self.journal is not None:
            self.journal.discard(recovery)

    # --- files changed on disk -------------------------------------------------------

    def _mark_missing(self, buffer: Buffer) -> None:
        was_dirty = buffer.dirty
        buffer.missing = True
        if not was_dirty:
            self.dirtyChanged.emit(str(buffer.path), True)
        self.write_journal()
        self.deleted.emit(str(buffer.path))

    def check_disk(self, path: Path | str) -> str:
        """Look at an open episode's file after the file system said it changed.

        Returns what was done: "same" (our own save, or nothing changed), "deleted"
        (buffer kept, dirty; `deleted` emitted once), "reloaded" (an unedited buffer
        took the new text; `reloaded` emitted), "conflict" (edited here AND changed
        there: `conflict` emitted, nothing overwritten), "readonly" (the new file
        cannot be decoded: the buffer keeps its text, read-only).
        """
        buffer = self.buffers.get(Path(path))
        if buffer is None or not self._inside(buffer.path):
            return "same"  # (a link out of the project is never read)
        if not buffer.path.exists():
            if buffer.missing or buffer.disk_hash is None:
                return "same"
            self._mark_missing(buffer)
            return "deleted"
        if not buffer.path.is_file():
            return "same"  # replaced by a folder or a pipe: never read; saves will fail
        try:
            raw = buffer.path.read_bytes()
        except OSError:
            return "same"  # cannot read it now: looked at again on the next change
        digest = storage.content_hash(raw)
        if digest == buffer.disk_hash and not buffer.missing:
            return "same"
        if buffer.readonly and buffer.reason != NOT_UTF8:
            return "same"
        try:
            text, bom = textfile.decode(raw)
        except UnicodeDecodeError:
            if buffer.dirty and not buffer.readonly:
                self.conflict.emit(str(buffer.path))
                return "conflict"
            self._take(buffer, raw.decode("utf-8", "replace"), False, digest, undecodable=True)
            self.reloaded.emit(str(buffer.path))
            return "readonly"
        if text == buffer.text:  # the same words arrived (or the deleted file came back)
            was_dirty = buffer.dirty
            buffer.saved_text, buffer.disk_hash, buffer.bom = text, digest, bom
            buffer.missing = False
            if was_dirty:
                self.dirtyChanged.emit(str(buffer.path), False)
                self.write_journal()
            return "same"
        if buffer.dirty and not buffer.readonly:
            self.conflict.emit(str(buffer.path))
            return "conflict"
        self._take(buffer, text, bom, digest)
        self.reloaded.emit(str(buffer.path))
        return "reloaded"

    def _take(self, buffer: Buffer, text: str, bom: bool, digest: str | None, *,
              undecodable: bool = False) -> None:
        buffer.text = buffer.saved_text = text
        buffer.bom = bom
        buffer.disk_hash = digest
        buffer.missing = False
        if undecodable:
            buffer.readonly, buffer.reason = True, NOT_UTF8
        elif buffer.reason == NOT_UTF8:  # it is UTF-8 again
            read_only = self.access == "read_only"
            buffer.readonly, buffer.reason = read_only, self.read_only_reason() if read_only else ""
        rel = self.rel(buffer.path)
        if self.journal is not None and rel is not None:
            self.journal.clear(rel)
        self.dirtyChanged.emit(str(buffer.path), False)
        self.bufferChanged.emit(str(buffer.path))

    def take_disk_version(self, path: Path | str) -> None:
        """Replace a buffer with what is on disk now (after a conflict)."""
        buffer = self.buffers[Path(path)]
        try:
            raw = buffer.path.read_bytes()
        except OSError:
            return
        try:
            text, bom = textfile.decode(raw)
        except UnicodeDecodeError:
            self._take(buffer, raw.decode("utf-8", "replace"), False,
                       storage.content_hash(raw), undecodable=True)
            return
        self._take(buffer, text, bom, storage.content_hash(raw))

    def adopt_disk_version_as_base(self, path: Path | str) -> None:
        """Keep the text here and treat the file now on disk as the one it replaces
        (the writer chose "keep mine"): the next save overwrites it."""
        buffer = self.buffers[Path(path)]
        buffer.disk_hash = storage.file_hash(buffer.path)
