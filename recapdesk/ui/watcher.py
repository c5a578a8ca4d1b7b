"""FileWatcher: notices files changed, replaced, deleted or recreated by other programs.

A thin layer over QFileSystemWatcher that copes with how files really change:
- a file replaced by a rename (how RecapDesk, git, Vim and sync clients write) or
  deleted stops being watched by Qt; it is watched again as soon as it exists;
- its folder is watched too, so a file that comes back after a delete is noticed;
- bursts of events (a save is several) are coalesced: `changed(path)` is emitted once
  per file after a short quiet period.
The watcher only reports; the Session decides (by content hash) what really changed,
so the events caused by our own saves are ignored there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

QUIET_MS = 150


class FileWatcher(QObject):
    """Watches a set of files; emits `changed(path)` after each change settles."""

    changed = Signal(str)  # a watched file changed, appeared or disappeared
    folderChanged = Signal(str)  # a watched folder's list of files changed

    def __init__(self, parent: QObject | None = None, *, quiet_ms: int = QUIET_MS) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_event)
        self._watcher.directoryChanged.connect(self._folder_event)
        self._files: set[str] = set()
        self._folders: set[str] = set()  # folders watched for their own sake
        self._pending: set[str] = set()
        self._pending_folders: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(quiet_ms)
        self._timer.timeout.connect(self._emit)

    # --- what is watched ---------------------------------------------------------------

    def clear(self) -> None:
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)
        self._files.clear()
        self._folders.clear()
        self._pending.clear()
        self._pending_folders.clear()

    def add(self, path: Path | str) -> None:
        key = str(Path(path))
        self._files.add(key)
        self._arm(key)
        self._watch_folder(str(Path(key).parent))

    def add_folder(self, path: Path | str) -> None:
        key = str(Path(path))
        self._folders.add(key)
        self._watch_folder(key)

    def remove(self, path: Path | str) -> None:
        key = str(Path(path))
        self._files.discard(key)
        self._pending.discard(key)
        if key in self._watcher.files():
            self._watcher.removePath(key)
        folder = str(Path(key).parent)
        if folder not in self._folders and not any(str(Path(f).parent) == folder
                                                   for f in self._files):
            if folder in self._watcher.directories():
                self._watcher.removePath(folder)

    def _arm(self, key: str) -> None:
        if key not in self._watcher.files() and Path(key).exists():
            self._watcher.addPath(key)

    def _watch_folder(self, folder: str) -> None:
        if folder not in self._watcher.directories() and Path(folder).is_dir():
            self._watcher.addPath(folder)

    # --- events ------------------------------------------------------------------------

    def _file_event(self, path: str) -> None:
        if path in self._files:
            self._pending.add(path)
            self._arm(path)  # Qt stops watching a file that was replaced or removed
            self._timer.start()

    def _folder_event(self, folder: str) -> None:
        for key in self._files:
            if str(Path(key).parent) == folder:
                self._pending.add(key)
                self._arm(key)
        if folder in self._folders:
            self._pending_folders.add(folder)
        self._timer.start()

    def _emit(self) -> None:
        pending, self._pending = sorted(self._pending), set()
        folders, self._pending_folders = sorted(self._pending_folders), set()
        for key in pending:
            self._arm(key)
            if key in self._files:
                self.changed.emit(key)
        for folder in folders:
            self.folderChanged.emit(folder)

    def flush(self) -> None:
        """Report pending changes now (tests; before a question about the files)."""
        if self._timer.isActive():
            self._timer.stop()
            self._emit()
