"""The one place that writes files: every write, link, rename and removal goes here.

- `atomic_write()`: a writer's file (recap, stills.yaml, recapdesk.yaml, the journal,
  the lock) is written to a temp file in the same folder, every byte written and read
  back, `fsync`ed, then `os.replace`d over the old one and the folder flushed. Whatever
  happens on the way — an exception, a full disk, a read-only folder, a file held by
  another program, the process killed — the old file is either untouched or completely
  replaced, and no temp file is left behind by a failure that Python sees. Temp files
  left by a killed process carry its pid in their name, so the next run can remove them
  (`remove_stale_temp_files`). With `durable=False` (caches) the read-back and flushes
  are left out: the file is still never half written.
- `write_new()`: the same, but only when no file of that name exists (a new still, the
  lock).
- `rename_together()`: several files renamed at once (two may swap names) as one
  recoverable operation; `finish_renames()` completes one a killed process left.
- Folders: `make_dirs`, `copy_tree`, `remove_tree`, and for exports a staging folder
  (`make_stage`, `write_staged`, `flush_tree`) swapped in whole (`swap_in_folder`) or
  merged file by file (`merge_folder`).
- `remove`, `rename`, `hard_link`, `copy_file`, `trash` (the system trash).

Errors are StorageError (an OSError with the original errno) with one clear sentence.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from send2trash import send2trash

from recapdesk.core.owners import is_mine, owner_alive, owner_info, pid_alive


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
            raise StorageError(exc.errno, f"cannot write {path.name}: {reason(exc)}",
                               str(path)) from exc
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
            raise StorageError(exc.errno, f"cannot write {path.name}: {reason(exc)}",
                               str(path)) from exc
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
        raise StorageError(exc.errno, f"cannot write {path.name}: {reason(exc)}",
                           str(path)) from exc
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
    folder durable before it is put in place)."""
    Path(path).write_bytes(_raw(data, encoding))


def flush_tree(folder: Path, *, skip: Iterable[str] = ()) -> None:
    """Flush every file of `folder` (but the relative paths in `skip`) and its folders."""
    folder = Path(folder)
    left_out = set(skip)
    folders = [folder]
    for path in folder.rglob("*"):
        if path.is_dir():
            folders.append(path)
        elif path.is_file() and path.relative_to(folder).as_posix() not in left_out:
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for sub in folders:
        fsync_dir(sub)


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


# --- single files ---------------------------------------------------------------------

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
    try:
        send2trash(str(path))
    except Exception as exc:  # send2trash raises several kinds
        raise StorageError(getattr(exc, "errno", None) or errno.EIO,
                           f"cannot move {Path(path).name} to the trash: "
                           f"{getattr(exc, 'strerror', None) or exc}", str(path)) from exc


def copy_tree(src: Path, dst: Path, *, ignore: Callable | None = None) -> None:
    """Copy a whole folder to a new place (the sample series)."""
    try:
        shutil.copytree(src, dst, ignore=ignore)
    except OSError as exc:
        raise StorageError(getattr(exc, "errno", None) or errno.EIO,
                           f"cannot copy {Path(src).name}: {reason(exc)}", str(dst)) from exc


def remove_tree(folder: Path) -> None:
    """Delete a folder the app made itself (a staging folder), quietly."""
    shutil.rmtree(folder, ignore_errors=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- renaming several files as one operation ------------------------------------------

RECORD_VERSION = 1


@dataclass(frozen=True)
class RenameNote:
    """What was done about one file a rename left hidden: `path` is where it is now."""

    path: Path
    message: str
    fixed: bool


_PARKED_RE = re.compile(r"^\.(?P<name>.+)\.(?:rename|renumber)-(?P<pid>\d+)\.tmp$")


def _parked(path: Path) -> Path:
    return path.with_name(f".{path.name}.rename-{os.getpid()}.tmp")


def _write_record(record: Path, base: Path, phase: str,
                  moves: list[tuple[Path, Path, Path]]) -> None:
    doc = {"version": RECORD_VERSION, "owner": owner_info(), "phase": phase,
           "moves": [[p.relative_to(base).as_posix() for p in move] for move in moves]}
    make_dirs(record.parent)
    atomic_write(record, json.dumps(doc))


def rename_together(moves: Mapping[Path, Path], *, base: Path, record_dir: Path) -> None:
    """Rename files all at once (two may swap names) as one recoverable operation.

    Nothing is overwritten: a target that exists and is not itself being renamed away
    stops everything before anything moves. A record in `record_dir` (the app's own
    folder; paths in it relative to `base`) says what is being done before the first rename;
    every source is first parked under a hidden name beside it, then each goes to its
    target, and the record is removed. A failure undoes what was done and raises
    StorageError. A process killed on the way leaves the record: `finish_renames`, run
    when the project is opened again, undoes the parking or finishes the renames.
    """
    base = Path(base)
    record = Path(record_dir) / f"{int(time.time() * 1000)}-{os.getpid()}.json"
    plan = [(Path(s), _parked(Path(s)), Path(d)) for s, d in moves.items() if Path(s) != Path(d)]
    if not plan:
        return
    leaving = {s for s, _, _ in plan}
    for src, temp, dst in plan:
        if (dst.exists() or dst.is_symlink()) and dst not in leaving:
            raise StorageError(errno.EEXIST, f"cannot rename {src.name} to {dst.name}: "
                                             f"{dst.name} already exists", str(dst))
        if temp.exists() or temp.is_symlink():
            raise StorageError(errno.EEXIST, f"{temp.name} is in the way; remove it and "
                                             "try again", str(temp))
    if len({d for _, _, d in plan}) != len(plan):
        raise StorageError(errno.EEXIST, "two files would get the same name")
    _write_record(record, base, "park", plan)
    parked: list[tuple[Path, Path, Path]] = []
    placed: list[tuple[Path, Path, Path]] = []
    try:
        for move in plan:
            os.rename(move[0], move[1])
            parked.append(move)
        _write_record(record, base, "place", plan)
        for move in plan:
            if move[2].exists() or move[2].is_symlink():
                raise FileExistsError(errno.EEXIST, f"{move[2].name} already exists")
            os.rename(move[1], move[2])
            placed.append(move)
    except OSError as exc:
        undone = _undo(parked, placed)
        for folder in {m[0].parent for m in plan} | {m[2].parent for m in plan}:
            fsync_dir(folder)
        if undone:
            remove(record, quiet=True)
        raise StorageError(exc.errno, f"cannot rename {plan[len(placed)][0].name}: "
                                      f"{reason(exc)}", str(plan[0][0])) from exc
    for folder in {m[0].parent for m in plan} | {m[2].parent for m in plan}:
        fsync_dir(folder)
    remove(record, quiet=True)


def _undo(parked: list[tuple[Path, Path, Path]], placed: list[tuple[Path, Path, Path]]
          ) -> bool:
    """Put renamed files back where they were; False when some could not be."""
    ok = True
    for _src, temp, dst in reversed(placed):
        try:
            os.rename(dst, temp)
        except OSError:
            ok = False
    for src, temp, _ in reversed(parked):
        if temp.exists() and not (src.exists() or src.is_symlink()):
            try:
                os.rename(temp, src)
            except OSError:
                ok = False
        elif temp.exists():
            ok = False
    return ok


def finish_renames(record_dir: Path, base: Path, *, repair: bool = True) -> list[RenameNote]:
    """Complete what `rename_together` left when its process was killed.

    A record still parking files is undone (every file goes back to its old name); one
    placing them is finished (every parked file goes to its new name, or back to its old
    one when that name was taken since). Records of a process that still runs are left
    alone. Files parked without a record (by an older version) go back to their names.
    Returns a note per file put back or renamed, and per file that could not be
    (without `repair`, nothing is changed and only those are told).
    """
    record_dir, base = Path(record_dir), Path(base)
    notes: list[RenameNote] = []
    try:
        records = sorted(record_dir.glob("*.json"))
    except OSError:
        records = []
    for record in records:
        try:
            doc = json.loads(record.read_text("utf-8"))
            phase = doc["phase"]
            moves = [tuple(base / rel for rel in move) for move in doc["moves"]]
            owner = doc.get("owner")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not is_mine(owner) and owner_alive(owner):
            continue  # another RecapDesk is renaming right now
        finish = phase == "place"
        done = True
        for src, temp, dst in moves:
            if not (temp.exists() or temp.is_symlink()):
                continue
            goal = dst if finish else src
            notes.append(_put(temp, goal, src if finish else None, repair,
                              "finished" if finish else "undone"))
            done = done and not temp.exists()
        if repair and done:
            remove(record, quiet=True)
    return notes


def recover_parked(folder: Path, *, repair: bool = True) -> list[RenameNote]:
    """Put back files an interrupted rename left hidden in `folder` with no record of it
    (their process gone); see `finish_renames`."""
    notes: list[RenameNote] = []
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError:
        return notes
    for path in entries:
        match = _PARKED_RE.match(path.name)
        if not match or int(match["pid"]) == os.getpid() or pid_alive(int(match["pid"])):
            continue
        notes.append(_put(path, path.with_name(match["name"]), None, repair, "undone"))
    return notes


def _put(temp: Path, goal: Path, fallback: Path | None, repair: bool,
         done: str) -> RenameNote:
    """Move a parked file to `goal` (or `fallback`) and say what happened."""
    for target in (goal, fallback):
        if target is None or target.exists() or target.is_symlink():
            continue
        if not repair:
            return RenameNote(temp, f"{target.name} is hidden as {temp.name} by a rename "
                                    "that did not finish; open the project with write "
                                    "access to put it back", False)
        try:
            os.rename(temp, target)
        except OSError as exc:
            return RenameNote(temp, f"{target.name} is hidden as {temp.name} by a rename "
                                    f"that did not finish and cannot be put back: "
                                    f"{reason(exc)}", False)
        fsync_dir(target.parent)
        if target == goal:
            return RenameNote(target, f"{target.name} was hidden by a rename that did not "
                                      f"finish; the rename was {done}", True)
        return RenameNote(target, f"{target.name} was hidden by a rename that did not "
                                  f"finish; {goal.name} exists now, so it went back to its "
                                  "old name", True)
    return RenameNote(temp, f"{temp.name} was left by a rename that did not finish, and "
                            f"{goal.name} exists; look at both and rename one", False)
