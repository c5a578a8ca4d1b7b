"""Writing single files: checked atomic writes, new files, renames, links, removal.

`atomic_write()` writes a writer's file (recap, stills.yaml, recapdesk.yaml, the
journal, the lock) to a temp file in the same folder, every byte written and read back,
`fsync`ed, then `os.replace`d over the old one and the folder flushed. Whatever happens
on the way — an exception, a full disk, a read-only folder, a file held by another
program, the process killed — the old file is either untouched or completely replaced,
and no temp file is left behind by a failure that Python sees. Temp files left by a
killed process carry its pid in their name, so the next run can remove them
(`remove_stale_temp_files`). With `durable=False` (caches) the read-back and flushes
are left out: the file is still never half written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from recapdesk.core.owners import pid_alive


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


def _write_error(path: Path, exc: OSError) -> StorageError:
    return StorageError(exc.errno, f"cannot write {path.name}: {reason(exc)}", str(path))


def _write_temp(path: Path, raw: bytes, *, durable: bool) -> str:
    """A temp file beside `path` holding `raw` (read back and flushed when `durable`)."""
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
            if durable:
                if _read_back(fd, len(raw)) != raw:
                    raise OSError(errno.EIO, "the file did not read back as written")
                os.fsync(fd)
        finally:
            closed = True
            os.close(fd)
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            os.chmod(tmp, mode)
    except BaseException as exc:
        if not closed:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise
    return tmp


def _raw(data: bytes | str, encoding: str) -> bytes:
    return data.encode(encoding) if isinstance(data, str) else bytes(data)


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8",
                 durable: bool = True) -> str:
    """Write `data` to `path` atomically and checked; returns the content hash.

    Temp file in the same folder, every byte written, read back and compared, fsync,
    replace, folder fsync. Either the whole new content is in place afterwards or the
    old file is untouched; on failure the temp file is removed and StorageError (with
    the original errno) is raised. A symlink at `path` is replaced by the file, never
    followed: nothing is ever written outside the folder named. `durable=False` (a
    cache) leaves out the read-back and the flushes.
    """
    path = Path(path)
    raw = _raw(data, encoding)
    tmp = _write_temp(path, raw, durable=durable)
    try:
        _replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise
    if durable:
        fsync_dir(path.parent)
    return content_hash(raw)


def write_new(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> bool:
    """Create `path` with `data` only if no file of that name exists; False when one does.

    Checked and flushed like `atomic_write`; the new file appears complete or not at
    all (a hard link of the finished temp file; where the folder has no hard links, an
    exclusive create). Raises StorageError.
    """
    path = Path(path)
    raw = _raw(data, encoding)
    tmp = _write_temp(path, raw, durable=True)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (some synced or FAT folders)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                return False
            try:
                _write_all(fd, raw)
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_dir(path.parent)
    return True


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
        if old or not pid_alive(pid):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def make_dirs(folder: Path) -> None:
    """Create `folder` and its parents if they do not exist. Raises StorageError."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot write in {folder.name or folder}/: "
                                      f"{reason(exc)}", str(folder)) from exc


def remove(path: Path, *, quiet: bool = False) -> bool:
    """Delete a file (a cache entry, a lock, a temp file; never a writer's recap: see
    `trash`). False when there was none; `quiet` also swallows errors."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        if quiet:
            return False
        raise StorageError(exc.errno, f"cannot remove {Path(path).name}: {reason(exc)}",
                           str(path)) from exc
    return True


def rename(src: Path, dst: Path) -> None:
    """Rename a file, never over an existing one; the folder is flushed."""
    src, dst = Path(src), Path(dst)
    try:
        if (dst.exists() or dst.is_symlink()) and not _same_file(src, dst):
            raise FileExistsError(errno.EEXIST, f"{dst.name} already exists")
        os.rename(src, dst)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot rename {src.name}: {reason(exc)}",
                           str(src)) from exc
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


def move_aside(path: Path, folder: Path, name: str) -> None:
    """Move a file into `folder` under `name` (replacing one of that name there)."""
    make_dirs(folder)
    try:
        os.replace(path, Path(folder) / name)
    except OSError as exc:
        raise StorageError(exc.errno, f"cannot move {Path(path).name}: {reason(exc)}",
                           str(path)) from exc


def hard_link(src: Path, dst: Path) -> bool:
    """Give the file `src` a second name `dst`; False when that cannot be done here."""
    try:
        os.link(src, dst)
    except OSError:
        return False
    return True


def copy_file(src: Path, dst: Path, *, durable: bool = False) -> None:
    """Copy a file's bytes to `dst` (atomically; `durable` flushes it too)."""
    atomic_write(dst, Path(src).read_bytes(), durable=durable)


def trash(path: Path) -> None:
    """Move a file to the system trash (a writer's file is never simply deleted)."""
    from send2trash import send2trash  # (imported when needed: it slows every start)

    try:
        send2trash(str(path))
    except Exception as exc:  # send2trash raises several kinds
        raise StorageError(getattr(exc, "errno", None) or errno.EIO,
                           f"cannot move {Path(path).name} to the trash: "
                           f"{getattr(exc, 'strerror', None) or exc}", str(path)) from exc


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
