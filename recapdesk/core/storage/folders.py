"""Writing whole folders: copies, and exports built in a staging folder beside their
target, made durable, then swapped in whole (atomically where the system allows) or
merged file by file."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from recapdesk.core.storage.files import StorageError, _write_all, fsync_dir, make_dirs, reason


def copy_tree(src: Path, dst: Path, *, ignore: Callable | None = None) -> None:
    """Copy a whole folder to a new place (the sample series)."""
    try:
        shutil.copytree(src, dst, ignore=ignore)
    except OSError as exc:
        raise StorageError(getattr(exc, "errno", None) or errno.EIO,
                           f"cannot copy {Path(src).name}: {reason(exc)}", str(dst)) from exc


def scratch_folder(prefix: str) -> Path:
    """A new private folder in the system's temp folder (remove it with `remove_tree`)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_tree(folder: Path) -> None:
    """Delete a folder the app made itself (a staging folder), quietly."""
    shutil.rmtree(folder, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False when not available."""
    import ctypes  # (only here: loading it slows every command's start)

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # libc, as linked
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




def make_stage(target: Path) -> Path:
    """A new, empty folder beside `target` in which an export is built before it is
    swapped in (readable like any folder the user makes)."""
    target = Path(target)
    make_dirs(target.parent)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes 0700; a site must be readable
    return stage


def write_staged(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write a file into a staging folder (nobody sees it yet; `flush_tree` makes the
    folder durable before it is put in place). Its bytes start on their way to the disk
    at once, so that its flush later waits less (a third as long for a page)."""
    raw = data.encode(encoding) if isinstance(data, str) else bytes(data)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                 0o666)
    try:
        _write_all(fd, raw)
        if _START_WRITEBACK is not None:
            _START_WRITEBACK(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


# (Linux starts writing a file's pages back when told that they will not be needed)
_START_WRITEBACK = getattr(os, "posix_fadvise", None) if os.name == "posix" else None


def flush_file(path: Path) -> None:
    """Flush a staged file to disk (`flush_tree` may then skip it)."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def flush_tree(folder: Path, *, skip: Iterable[str] = ()) -> None:
    """Flush every file of `folder` (but the relative paths in `skip`) and its folders."""
    left_out = set(skip)
    folders = [str(folder)]
    for top in folders:  # (grows as sub-folders are found)
        prefix = os.path.relpath(top, folder).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_file(follow_symlinks=False) \
                        and prefix + entry.name not in left_out:
                    flush_file(Path(entry.path))
    for sub in folders:
        fsync_dir(Path(sub))


def merge_folder(stage: Path, out: Path) -> None:
    """Move each staged file into the existing folder `out` (one atomic replace per
    file)."""
    for path in sorted(Path(stage).rglob("*")):
        target = Path(out) / path.relative_to(stage)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    fsync_dir(out)
