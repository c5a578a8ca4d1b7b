"""The one place that writes files: atomic writes, folder swaps and the project lock."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path


class StorageError(OSError):
    """A write that could not be completed; the previous content is intact."""


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (no-op where the OS does not allow it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write `data` to `path` atomically: temp file in the same folder, fsync, replace.

    Either the whole new content is in place afterwards or the old file is untouched.
    """
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot write in {folder}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StorageError(exc.errno, f"cannot write {path}: {exc.strerror}") from exc
        raise
    fsync_dir(folder)


def content_hash(data: bytes) -> str:
    """A stable hash of file content (for change detection and caches)."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    """The content hash of a file, or None when it cannot be read."""
    try:
        return content_hash(Path(path).read_bytes())
    except OSError:
        return None


def swap_in_folder(staged: Path, target: Path) -> None:
    """Put the complete folder `staged` in place of `target` (which may not exist).

    The old folder is moved aside first and removed only after the new one is in place.
    """
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{int(time.time() * 1000)}")
        os.replace(target, old)
    try:
        os.replace(staged, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- the project lock -------------------------------------------------------------

LOCK_NAME = "lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_lock(state_dir: Path) -> dict | None:
    """The lock's owner (pid, host, time) or None when there is no valid lock."""
    try:
        info = json.loads((state_dir / LOCK_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def lock_is_stale(info: dict) -> bool:
    """A lock from this machine whose process is gone is stale."""
    if info.get("host") != socket.gethostname():
        return False
    pid = info.get("pid")
    return not isinstance(pid, int) or not _pid_alive(pid)


def acquire_lock(state_dir: Path, *, force: bool = False) -> dict | None:
    """Take the project lock. Returns the other owner's info when it is held elsewhere.

    A stale lock (its process gone) is taken over; `force` takes over any lock.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    current = read_lock(state_dir)
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "time": time.time()}
    if current and not force and not lock_is_stale(current):
        if current.get("pid") == mine["pid"] and current.get("host") == mine["host"]:
            return None
        return current
    atomic_write(state_dir / LOCK_NAME, json.dumps(mine))
    return None


def release_lock(state_dir: Path) -> None:
    """Remove the lock if this process holds it."""
    info = read_lock(state_dir)
    if info and info.get("pid") == os.getpid() and info.get("host") == socket.gethostname():
        with contextlib.suppress(OSError):
            (state_dir / LOCK_NAME).unlink()
