"""The one place that writes files: checked atomic writes, folder swaps and the project lock.

Every write of a writer's file goes through `atomic_write()`: a temp file in the same
folder, every byte written and read back, `fsync`, `os.replace`, then the folder is
flushed. Whatever happens on the way — an exception, a full disk, a read-only folder,
a file held by another program, the process killed — the old file is either still
there untouched or completely replaced, and no temp file is left behind by a failure
that Python sees. Temp files left by a killed process carry its pid in their name, so
the next run can remove them (`remove_stale_temp_files`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import getpass
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path


class StorageError(OSError):
    """A write that could not be completed; the previous content is intact."""


TEMP_SUFFIX = ".tmp"
# ".<name>.<pid>.<mkstemp's 8 random characters>.tmp"
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp$")
# A file held open by another program (a virus scanner, a sync client, an editor on
# Windows) is usually released within a moment: retry the replace a few times.
REPLACE_RETRY_DELAYS = (0.02, 0.05, 0.15)
_BUSY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY}

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "the folder or file is not writable (permission denied, or the file "
                  "is locked by another program)",
    errno.EPERM: "the folder or file is not writable (operation not permitted)",
    errno.EBUSY: "the file is in use by another program",
    errno.ETXTBSY: "the file is in use by another program",
    errno.EIO: "the disk reported an input/output error",
    errno.ENOENT: "the folder no longer exists",
}


def reason(exc: BaseException) -> str:
    """A short explanation of a failed write for a person ("the disk is full")."""
    code = getattr(exc, "errno", None)
    text = getattr(exc, "strerror", None) or str(exc)
    plain = _REASONS.get(code) if isinstance(code, int) else None
    if plain and text and plain.lower() not in text.lower():
        return f"{text} — {plain}"
    return text or plain or exc.__class__.__name__


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


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "the disk accepted no more bytes")
        view = view[written:]


def _read_back(fd: int, size: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    left = size + 1  # one byte more: a longer file is also wrong
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _replace(src: str, dst: Path) -> None:
    for delay in (*REPLACE_RETRY_DELAYS, None):
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if delay is None or exc.errno not in _BUSY_ERRNOS:
                raise
            time.sleep(delay)  # the other program usually lets go within a moment


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> str:
    """Write `data` to `path` atomically and checked; returns the content hash.

    Temp file in the same folder, every byte written, read back and compared, fsync,
    replace, folder fsync. Either the whole new content is in place afterwards or the
    old file is untouched; on failure the temp file is removed and StorageError (with
    the original errno) is raised. A symlink at `path` is replaced by the file, never
    followed: nothing is ever written outside the folder named.
    """
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else bytes(data)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX,
                                   dir=folder)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot write in {folder.name or folder}/: "
                                      f"{reason(exc)}", str(path)) from exc
    closed = False
    try:
        try:
            _write_all(fd, raw)
            if _read_back(fd, len(raw)) != raw:
                raise OSError(errno.EIO, "the file did not read back as written")
            os.fsync(fd)
        finally:
            closed = True
            os.close(fd)
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException as exc:
        if not closed:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StorageError(exc.errno, f"cannot write {path.name}: {reason(exc)}",
                               str(path)) from exc
        raise
    fsync_dir(folder)
    return content_hash(raw)


def content_hash(data: bytes) -> str:
    """A stable hash of file content (for change detection and caches)."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    """The content hash of a file, or None when it cannot be read."""
    try:
        return content_hash(Path(path).read_bytes())
    except OSError:
        return None


def remove_stale_temp_files(folder: Path, *, max_age_s: float = 24 * 3600) -> list[Path]:
    """Remove temp files that `atomic_write` left in `folder` when its process was killed.

    A temp file is removed when the process named in it is gone (on this machine) or
    it is older than `max_age_s`. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        match = _TEMP_RE.match(path.name)
        if not match or not path.is_file() or path.is_symlink():
            continue
        pid = int(match["pid"])
        try:
            old = now - path.stat().st_mtime > max_age_s
        except OSError:
            continue
        if pid == os.getpid() and not old:
            continue
        if old or not _pid_alive(pid):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


# --- swapping whole folders (exports) ---------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False when not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in_folder(staged: Path, target: Path) -> None:
    """Put the complete folder `staged` in place of `target` (which may not exist).

    Where the system can, the two folders are exchanged in one atomic step; otherwise
    the old folder is moved aside first, and put back if the new one cannot be moved
    in. The old folder is removed only after the new one is in place.
    """
    staged, target = Path(staged), Path(target)
    if target.exists() and _exchange(staged, target):
        fsync_dir(target.parent)
        shutil.rmtree(staged, ignore_errors=True)
        return
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
LOCK_REFRESH_S = 60  # the owner rewrites the lock's time this often
LOCK_STALE_S = 5 * 60  # another machine's lock not refreshed for this long is stale


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def process_started(pid: int) -> str | None:
    """When a process started (clock ticks since boot, from /proc), None when unknown.

    Tells a live process apart from a new one that was given a dead process's pid.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", "replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _hostname() -> str:
    return socket.gethostname()


def owner_info() -> dict:
    """This process as a lock or journal owner."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not a reason to fail
        user = ""
    return {"pid": os.getpid(), "host": _hostname(), "started": process_started(os.getpid()),
            "user": user, "time": time.time()}


def is_mine(info: dict | None) -> bool:
    return (isinstance(info, dict) and info.get("pid") == os.getpid()
            and info.get("host") == _hostname())


def owner_alive(info: dict | None, *, now: float | None = None) -> bool:
    """Whether the owner of a lock or journal entry may still be running.

    On this machine: its process exists and is the same process (start time). On
    another machine (a synced folder): its time was refreshed within LOCK_STALE_S.
    """
    if not isinstance(info, dict):
        return False
    if info.get("host") == _hostname():
        pid = info.get("pid")
        if not isinstance(pid, int) or isinstance(pid, bool) or not _pid_alive(pid):
            return False
        started = info.get("started")
        current = process_started(pid)
        return not (started and current and started != current)
    stamp = info.get("time")
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return False
    now = time.time() if now is None else now
    return now - stamp <= LOCK_STALE_S


def read_lock(state_dir: Path) -> dict | None:
    """The lock's owner (pid, host, time, …) or None when there is no valid lock."""
    try:
        raw = (Path(state_dir) / LOCK_NAME).read_bytes()[:4096]
        info = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def lock_is_stale(info: dict) -> bool:
    """A lock whose owner is gone: a dead process here, or an old time from elsewhere."""
    return not owner_alive(info)


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create `path` with `data` only if it does not exist (complete or not at all)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX,
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (some synced or FAT folders)
            try:
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(out, "wb") as fh:
                fh.write(data)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def acquire_lock(state_dir: Path, *, force: bool = False) -> dict | None:
    """Take the project lock. Returns the other owner's info when it is held elsewhere.

    A stale lock (its owner gone) is taken over; `force` takes over any lock. Two
    processes starting at once cannot both win: the lock is created exclusively, and
    a takeover is checked by reading the lock back. Raises StorageError when the
    state folder cannot be written.
    """
    state_dir = Path(state_dir)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot write in {state_dir.name}/: {reason(exc)}",
                           str(state_dir)) from exc
    lock = state_dir / LOCK_NAME
    for _ in range(5):
        mine = json.dumps(owner_info()).encode("utf-8")
        current = read_lock(state_dir)
        if current is None and not lock.exists():
            try:
                if _create_exclusive(lock, mine):
                    return None
            except OSError as exc:
                raise StorageError(exc.errno, f"cannot write the project lock: {reason(exc)}",
                                   str(lock)) from exc
            continue  # another process created it first: look at it
        if is_mine(current):
            atomic_write(lock, mine)
            return None
        if current is not None and not force and owner_alive(current):
            return current
        atomic_write(lock, mine)  # take over a stale, unreadable or forced lock
        if is_mine(read_lock(state_dir)):
            return None
    current = read_lock(state_dir)
    return None if current is None or is_mine(current) else current


def refresh_lock(state_dir: Path) -> dict | None:
    """Rewrite our lock's time (so other machines see we are alive).

    Returns the other owner when someone else took the lock over meanwhile (then it is
    left alone); a missing lock is put back.
    """
    current = read_lock(state_dir)
    if current is not None and not is_mine(current) and owner_alive(current):
        return current
    atomic_write(Path(state_dir) / LOCK_NAME, json.dumps(owner_info()))
    return None


def release_lock(state_dir: Path) -> None:
    """Remove the lock if this process holds it."""
    info = read_lock(state_dir)
    if is_mine(info):
        with contextlib.suppress(OSError):
            (Path(state_dir) / LOCK_NAME).unlink()


def describe_owner(info: dict) -> str:
    """"RecapDesk (process 1234) on laptop, by ana, last seen 2 minutes ago"."""
    pid, host = info.get("pid"), info.get("host") or "an unknown computer"
    where = "on this computer" if host == _hostname() else f"on {host}"
    parts = [f"RecapDesk (process {pid}) {where}"]
    if info.get("user"):
        parts.append(f"by {info['user']}")
    stamp = info.get("time")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        ago = max(0, int(time.time() - stamp))
        parts.append("active just now" if ago < 90 else f"last active {ago // 60} minutes ago")
    return ", ".join(parts)
