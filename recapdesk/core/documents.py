"""The open documents of a project: their text, what is on disk, saving, and recovery.

Qt-free: the window's `Session` is a thin adapter that runs this on timers and turns
its outcomes into signals; tests drive it directly.

Never lose a word:
- a save never overwrites a file changed on disk since it was loaded
  (`Saved.CONFLICT`), never recreates a file deleted on disk by itself
  (`Saved.DELETED`), never writes a file that could not be decoded, and a failed write
  keeps the text (`Saved.FAILED`);
- unsaved text is journaled (`core.journal`) and a save clears the entry;
- the project lock (`core.locking`) says when another RecapDesk has the project open;
  a project can be open read-only, and every read-only document says why (`ReadOnly`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path

from recapdesk.core import locking, storage, textfile
from recapdesk.core.journal import Journal, Recovery
from recapdesk.core.model import Episode, Series
from recapdesk.core.owners import describe_owner
from recapdesk.core.paths import inside
from recapdesk.core.project import (
    MANIFEST,
    STILLS_YAML,
    ProjectError,
    episode_from_text,
    open_project,
    reload_stills,
)


class Access(StrEnum):
    """How a project is open: with the lock, without it (the writer chose to open it
    anyway while another RecapDesk has it), or read-only."""

    WRITE = "write"
    SHARED = "shared"
    READ_ONLY = "read_only"


class ReadOnly(Enum):
    """Why a document is shown read-only; `sentence()` tells the writer."""

    OPEN_ELSEWHERE = "open_elsewhere"  # the writer chose read-only: open in another window
    REQUESTED = "requested"  # the project was opened read-only on request
    SCREENSHOT = "screenshot"  # `recapdesk shot` renders the window and saves nothing
    NOT_UTF8 = "not_utf8"
    NOT_A_FILE = "not_a_file"
    OUTSIDE_PROJECT = "outside_project"
    UNREADABLE = "unreadable"

    def sentence(self, *, owner: dict | None = None, detail: str = "") -> str:
        if self is ReadOnly.OPEN_ELSEWHERE:
            who = describe_owner(owner) if owner else "another RecapDesk"
            return (f"This project is open in {who}. It is shown read-only here: nothing "
                    "is saved from this window.")
        if self is ReadOnly.REQUESTED:
            return "This project was opened read-only: nothing is saved from this window."
        if self is ReadOnly.SCREENSHOT:
            return ("Opened read-only to take a screenshot (recapdesk shot): nothing is "
                    "saved.")
        if self is ReadOnly.NOT_UTF8:
            return "This file is not UTF-8 text. It is shown read-only and is never saved over."
        if self is ReadOnly.NOT_A_FILE:
            return "This is not a regular file. It is not read and never written."
        if self is ReadOnly.OUTSIDE_PROJECT:
            return ("This file links to a place outside the project. It is not read and "
                    "never written.")
        return f"This file cannot be read: {detail}"


class Saved(Enum):
    """What `Documents.save` did."""

    SAVED = "saved"
    CLEAN = "clean"  # nothing to save
    READ_ONLY = "read_only"
    CONFLICT = "conflict"  # changed on disk since it was loaded, and edited here
    DELETED = "deleted"  # deleted on disk: it is kept (dirty) and not written back
    STILL_DELETED = "still_deleted"
    FAILED = "failed"  # the write failed; the file is intact, the text is kept


class OnDisk(Enum):
    """What `Documents.check_disk` found (and did) after the file system said so."""

    SAME = "same"  # our own save, or nothing changed
    DELETED = "deleted"  # the buffer is kept, dirty
    RELOADED = "reloaded"  # an unedited buffer took the new text
    CONFLICT = "conflict"  # edited here AND changed there: nothing overwritten
    READ_ONLY = "readonly"  # the new file cannot be decoded: shown read-only


@dataclass
class Buffer:
    """An open episode: the text in the editor and what is on disk."""

    path: Path
    text: str
    saved_text: str
    disk_hash: str | None
    bom: bool = False
    why: ReadOnly | None = None  # why it is read-only
    reason: str = ""  # the same, said to the writer
    missing: bool = False  # the file was deleted on disk while open

    @property
    def readonly(self) -> bool:
        return self.why is not None

    @property
    def dirty(self) -> bool:
        return self.missing or self.text != self.saved_text

    def episode(self) -> Episode:
        return episode_from_text(self.path, self.text, bom=self.bom)[0]


def project_root(path: Path) -> Path:
    """The project folder named by `path` (the folder, or its recapdesk.yaml)."""
    root = Path(path).expanduser()
    if root.name == MANIFEST and root.is_file():
        root = root.parent
    return root.resolve()


class Documents:
    """The project open in a window and its episode buffers."""

    def __init__(self) -> None:
        self.series: Series | None = None
        self.buffers: dict[Path, Buffer] = {}
        self.last_save_time: float | None = None
        self.last_save_auto = False
        self.access = Access.WRITE
        self.why: ReadOnly | None = None  # why the project is read-only
        self.lock_owner: dict | None = None  # the other owner, when not WRITE
        self.locked = False  # this process holds the project lock
        self.lock_problem = ""  # why the lock could not be taken (read-only folder …)
        self.journal: Journal | None = None
        self.last_error = ""  # the message of the last failed save
        self._journal_error = ""
        self.journal_warning: str | None = None  # a journal failure not told yet
        self._file_hashes: dict[Path, str | None] = {}  # recapdesk.yaml, stills.yaml

    # --- the project -------------------------------------------------------------------

    def other_owner(self, path: Path) -> dict | None:
        """Who else has the project at `path` open right now (None: nobody, or us)."""
        root = project_root(path)
        if self.series is not None and self.series.root == root and self.locked:
            return None
        return locking.other_owner(root / ".recapdesk")

    def open_project(self, path: Path, *, access: Access | str = Access.WRITE,
                     why: ReadOnly | None = None) -> Series:
        """Open a project folder in place of the one open now; raises ProjectError with
        a clear message (and then nothing changed).

        WRITE takes the project lock (when another live owner took it in the meantime,
        the project is open SHARED); SHARED works without the lock (the writer chose to
        open it anyway); READ_ONLY never writes, and `why` says why (by default: open
        elsewhere when another RecapDesk has it, else on request).
        """
        series = self.read_project(path, access=access)
        self.close_project()
        self.use_project(series, access=access, why=why)
        return series

    @staticmethod
    def read_project(path: Path, *, access: Access | str = Access.WRITE) -> Series:
        """Read a project folder (nothing else changes); raises ProjectError."""
        return open_project(Path(path), repair=Access(access) is not Access.READ_ONLY)

    def use_project(self, series: Series, *, access: Access | str = Access.WRITE,
                    why: ReadOnly | None = None) -> None:
        """Make `series` (just read) the open project, with this access."""
        access = Access(access)
        self.series = series
        self.access = access
        self.lock_owner = None
        self.lock_problem = ""
        self._journal_error = ""
        self.why = None
        if access is Access.WRITE:
            self._take_lock(series)
        else:
            self.lock_owner = self.other_owner(series.root)
        if access is Access.READ_ONLY:
            self.why = why or (ReadOnly.OPEN_ELSEWHERE if self.lock_owner else
                               ReadOnly.REQUESTED)
        self.journal = None if access is Access.READ_ONLY else Journal(series.root)
        self._file_hashes = {path: self._hash_inside(path) for path in self.project_files()}

    def _take_lock(self, series: Series) -> None:
        try:
            owner = locking.acquire_lock(series.state_dir)
        except OSError as exc:
            self.lock_problem = (f"The project folder is not writable ({storage.reason(exc)}): "
                                 "changes cannot be saved or kept for recovery.")
            return
        if owner is not None:
            self.access, self.lock_owner = Access.SHARED, owner
            return
        self.locked = True
        # temp files of saves interrupted by a crash (their process is gone)
        for folder in (series.root, series.episodes_dir, series.stills_dir, series.state_dir,
                       series.state_dir / "journal"):
            storage.remove_stale_temp_files(folder)

    def read_only_reason(self) -> str:
        """Why the project is read-only, for the writer (empty when it is not)."""
        if self.why is None:
            return ""
        return self.why.sentence(owner=self.lock_owner)

    def close_project(self) -> None:
        """Release the lock and forget the buffers (save and journal first)."""
        if self.series is not None and self.locked:
            locking.release_lock(self.series.state_dir)
        self.locked = False
        self.buffers.clear()

    def refresh_lock(self) -> dict | None:
        """Tell other machines we are still here. Returns the other owner when someone
        took the lock over meanwhile (the project is then SHARED)."""
        if self.series is None or not self.locked:
            return None
        try:
            other = locking.refresh_lock(self.series.state_dir)
        except OSError:
            return None  # tried again next time
        if other is not None:
            self.locked = False
            self.access, self.lock_owner = Access.SHARED, other
        return other

    def reload_series(self) -> Series:
        """Re-read the project after files changed on disk (buffers are kept)."""
        if self.series is None:
            raise ProjectError("no project is open")
        self.series = open_project(self.series.root,
                                   repair=self.access is not Access.READ_ONLY)
        return self.series

    def reload_stills(self) -> None:
        """Re-read `stills/stills.yaml` (changed by the stills panel or on disk)."""
        if self.series is not None:
            reload_stills(self.series)

    def rel(self, path: Path) -> str | None:
        if self.series is None:
            return None
        try:
            return Path(path).relative_to(self.series.root).as_posix()
        except ValueError:
            return None

    def _inside(self, path: Path) -> bool:
        return self.series is None or inside(path, self.series.root)

    # --- the project's own files -------------------------------------------------------

    def project_files(self) -> list[Path]:
        """The files besides the recaps whose changes on disk matter: the manifest and
        the stills metadata."""
        if self.series is None:
            return []
        return [self.series.root / MANIFEST, self.series.stills_dir / STILLS_YAML]

    def _hash_inside(self, path: Path) -> str | None:
        """The hash of a project file (None for a link out of the project: never read)."""
        if self.series is None or not inside(path, self.series.root):
            return None
        return storage.file_hash(path)

    def project_file_changed(self, path: Path) -> bool:
        """Whether a project file's content changed since last seen (remembered now)."""
        path = Path(path)
        if path not in self._file_hashes:
            return False
        digest = self._hash_inside(path)
        if digest == self._file_hashes[path]:
            return False
        self._file_hashes[path] = digest
        return True

    def episode_files_changed(self) -> bool:
        """Whether recaps were added to or removed from `episodes/` (a git pull)."""
        if self.series is None:
            return False
        known = {e.path.name for e in self.series.episodes}
        try:
            now = {p.name for p in self.series.episodes_dir.glob("*.md")}
        except OSError:
            return False
        return now != known

    def disk_text(self, path: Path) -> str:
        """A recap's text on disk now, to compare with (bytes that are not UTF-8 shown
        replaced; "" when it cannot be read)."""
        try:
            return textfile.read_text(Path(path))[0]
        except UnicodeDecodeError:
            return Path(path).read_bytes().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    # --- buffers -----------------------------------------------------------------------

    def open_episode(self, path: Path, *, allow_missing: bool = False) -> Buffer:
        """The buffer of an episode file (read now if not open yet).

        Files that cannot be read or decoded, files reached through a link out of the
        project and every file of a read-only project are read-only. With
        `allow_missing`, a file that does not exist gives an empty buffer marked missing.
        """
        path = Path(path)
        if path in self.buffers:
            return self.buffers[path]
        why, detail, bom, missing = None, "", False, False
        text, unread = "", not self._inside(path)
        if unread:
            why = ReadOnly.OUTSIDE_PROJECT
        elif allow_missing and not path.exists():
            missing = True
        elif path.exists() and not path.is_file():  # a folder, a pipe, a device: never read
            why, unread = ReadOnly.NOT_A_FILE, True
        else:
            try:
                text, bom = textfile.read_text(path)
            except UnicodeDecodeError:
                text, why = path.read_bytes().decode("utf-8", "replace"), ReadOnly.NOT_UTF8
            except (OSError, ValueError) as exc:
                text, why = "", ReadOnly.UNREADABLE
                detail = str(getattr(exc, "strerror", None) or exc)
        if self.access is Access.READ_ONLY and why is None:
            why = self.why
        reason = ""
        if why is not None:
            reason = why.sentence(owner=self.lock_owner, detail=detail)
        digest = None if missing or unread else storage.file_hash(path)
        buffer = Buffer(path, text, text, digest, bom=bom, why=why, reason=reason,
                        missing=missing)
        self.buffers[path] = buffer
        return buffer

    def buffer(self, path: Path | str) -> Buffer | None:
        return self.buffers.get(Path(path))

    def set_text(self, path: Path | str, text: str) -> bool:
        """The editor's text changed; False when nothing changed (or it is read-only)."""
        buffer = self.buffers[Path(path)]
        if buffer.readonly or text == buffer.text:
            return False
        buffer.text = text
        return True

    def forget(self, path: Path | str) -> None:
        """Close a buffer (saved or given up on)."""
        self.buffers.pop(Path(path), None)

    def discard(self, path: Path | str) -> None:
        """Forget a buffer WITHOUT saving (the writer chose to). Its journal entry is
        moved to the journal's discarded/ folder, not deleted."""
        buffer = self.buffers.pop(Path(path), None)
        rel = self.rel(Path(path))
        if buffer is not None and self.journal is not None and rel is not None:
            self.journal.discard_mine(rel)

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

    # --- the texts of all episodes -----------------------------------------------------

    def all_texts(self) -> dict[Path, str]:
        """The text of every readable episode: the open buffer's, else the file's."""
        texts: dict[Path, str] = {}
        if self.series is None:
            return texts
        for ep in self.series.episodes:
            buffer = self.buffers.get(ep.path)
            if buffer is not None:
                texts[ep.path] = buffer.text
            elif ep.readable:
                try:
                    texts[ep.path] = textfile.read_text(ep.path)[0]
                except (OSError, ValueError):
                    continue
        return texts

    def write_closed(self, path: Path, text: str) -> None:
        """Write the new text of an episode that is not open (its BOM kept)."""
        path = Path(path)
        if path in self.buffers:
            raise ValueError(f"{path.name} is open: change it through its buffer")
        try:
            bom = path.read_bytes().startswith(textfile.BOM)
        except OSError:
            bom = False
        storage.atomic_write(path, textfile.encode(text, bom))

    # --- saving ------------------------------------------------------------------------

    def save(self, path: Path | str, *, auto: bool = False, force: bool = False) -> Saved:
        """Write one buffer atomically. Never overwrites a file changed on disk, never
        recreates one deleted on disk (unless `force`, after the writer chose to), never
        writes a file that could not be read."""
        buffer = self.buffers[Path(path)]
        if buffer.readonly:
            return Saved.READ_ONLY
        if not buffer.dirty:
            return Saved.CLEAN
        exists = buffer.path.exists()
        if not exists and not force:
            if buffer.missing:
                return Saved.STILL_DELETED
            self.mark_missing(buffer)
            return Saved.DELETED
        on_disk = storage.file_hash(buffer.path) if exists else None
        if exists and not force and on_disk != buffer.disk_hash:
            return Saved.CONFLICT
        try:
            storage.make_dirs(buffer.path.parent)
            digest = storage.atomic_write(buffer.path, textfile.encode(buffer.text, buffer.bom))
        except OSError as exc:
            self.write_journal()
            self.last_error = (f"Could not save {buffer.path.name}: {storage.reason(exc)}. "
                               "Your text is still here (and kept for recovery); RecapDesk "
                               "keeps trying.")
            return Saved.FAILED
        buffer.saved_text = buffer.text
        buffer.disk_hash = digest
        buffer.missing = False
        self.last_save_time = time.monotonic()
        self.last_save_auto = auto
        rel = self.rel(buffer.path)
        if self.journal is not None and rel is not None:
            self.journal.clear(rel)
        return Saved.SAVED

    # --- the journal -------------------------------------------------------------------

    def write_journal(self) -> str | None:
        """Put the text of every edited buffer in the recovery journal (if changed).

        Returns the message of a failure not told yet (None otherwise; it is also kept
        in `journal_warning` until someone tells it).
        """
        if self.journal is None:
            return None
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
                if message == self._journal_error:
                    return None
                self._journal_error = self.journal_warning = message
                return message
        self._journal_error = ""
        return None

    def recoverable(self) -> list[Recovery]:
        """Unsaved text left in the journal by a RecapDesk that did not close (crash,
        kill, power cut), or by this one before the project was closed with text that
        could not be saved. Meant for right after `open_project`."""
        if self.journal is None:
            return []
        return self.journal.recover()

    def open_for_recovery(self, recovery: Recovery) -> Buffer | None:
        """The buffer recovered text goes into (a deleted file gets an empty one with
        the journaled BOM); None when it cannot take it (read-only)."""
        missing = recovery.state == "missing"
        buffer = self.open_episode(recovery.path, allow_missing=missing)
        if buffer.readonly:
            return None
        if missing:
            buffer.bom = recovery.entry.bom
        return buffer

    def recovered(self, recovery: Recovery) -> None:
        """The recovered text is in its buffer: journal it as ours, drop the old entry."""
        self.write_journal()
        if self.journal is not None:
            self.journal.restored(recovery)

    def discard_recovery(self, recovery: Recovery) -> None:
        if self.journal is not None:
            self.journal.discard(recovery)

    # --- files changed on disk ---------------------------------------------------------

    def mark_missing(self, buffer: Buffer) -> None:
        buffer.missing = True
        self.write_journal()

    def check_disk(self, path: Path | str) -> OnDisk:
        """Look at an open episode's file after the file system said it changed."""
        buffer = self.buffers.get(Path(path))
        if buffer is None or not self._inside(buffer.path):
            return OnDisk.SAME  # (a link out of the project is never read)
        if not buffer.path.exists():
            if buffer.missing or buffer.disk_hash is None:
                return OnDisk.SAME
            self.mark_missing(buffer)
            return OnDisk.DELETED
        if not buffer.path.is_file():
            return OnDisk.SAME  # replaced by a folder or a pipe: never read; saves fail
        try:
            raw = buffer.path.read_bytes()
        except OSError:
            return OnDisk.SAME  # cannot read it now: looked at again on the next change
        digest = storage.content_hash(raw)
        if digest == buffer.disk_hash and not buffer.missing:
            return OnDisk.SAME
        if buffer.readonly and buffer.why is not ReadOnly.NOT_UTF8:
            return OnDisk.SAME
        try:
            text, bom = textfile.decode(raw)
        except UnicodeDecodeError:
            if buffer.dirty and not buffer.readonly:
                return OnDisk.CONFLICT
            self._take(buffer, raw.decode("utf-8", "replace"), False, digest, undecodable=True)
            return OnDisk.READ_ONLY
        if text == buffer.text:  # the same words arrived (or the deleted file came back)
            was_dirty = buffer.dirty
            buffer.saved_text, buffer.disk_hash, buffer.bom = text, digest, bom
            buffer.missing = False
            if was_dirty:
                self.write_journal()
            return OnDisk.SAME
        if buffer.dirty and not buffer.readonly:
            return OnDisk.CONFLICT
        self._take(buffer, text, bom, digest)
        return OnDisk.RELOADED

    def _take(self, buffer: Buffer, text: str, bom: bool, digest: str | None, *,
              undecodable: bool = False) -> None:
        buffer.text = buffer.saved_text = text
        buffer.bom = bom
        buffer.disk_hash = digest
        buffer.missing = False
        if undecodable:
            buffer.why, buffer.reason = ReadOnly.NOT_UTF8, ReadOnly.NOT_UTF8.sentence()
        elif buffer.why is ReadOnly.NOT_UTF8:  # it is UTF-8 again
            buffer.why, buffer.reason = self.why, self.read_only_reason()
        rel = self.rel(buffer.path)
        if self.journal is not None and rel is not None:
            self.journal.clear(rel)

    def take_disk_version(self, path: Path | str) -> bool:
        """Replace a buffer with what is on disk now (after a conflict, or an operation
        on the files); False when the file cannot be read."""
        buffer = self.buffers[Path(path)]
        try:
            raw = buffer.path.read_bytes()
        except OSError:
            return False
        try:
            text, bom = textfile.decode(raw)
        except UnicodeDecodeError:
            self._take(buffer, raw.decode("utf-8", "replace"), False,
                       storage.content_hash(raw), undecodable=True)
            return True
        self._take(buffer, text, bom, storage.content_hash(raw))
        return True
