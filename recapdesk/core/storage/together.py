"""New contents and names for several files at once, as one recoverable operation.

Renumbering recaps gives each a new `episode:` number and, when its file was named
after its code, a new file name — and two recaps may swap names. `write_together` does
all of it so that, whatever stops it, the project shows either every old file or every
new one:

1. a record of the whole change is written in the app's own folder (`record_dir`);
2. each new content is written, checked and flushed, to a hidden file beside its
   target;
3. the record says "swap"; each old file is parked under a hidden name, then each new
   file is moved to its name, and the parked old files are removed with the record.

An error undoes what was done. A process killed on the way leaves the record:
`finish_writes`, run when the project is opened again, removes the new files of an
operation that had not reached step 3, and finishes one that had. Records of a
process that is still running are left alone.
"""

from __future__ import annotations

import errno
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from recapdesk.core.owners import is_mine, owner_alive, owner_info, pid_alive
from recapdesk.core.storage.files import (
    StorageError,
    atomic_write,
    fsync_dir,
    make_dirs,
    reason,
    remove,
)

RECORD_VERSION = 2
# files parked by an older version, which kept no record: `.NAME.renumber-PID.tmp`
_STRAY_RE = re.compile(r"^\.(?P<name>.+)\.renumber-(?P<pid>\d+)\.tmp$")


@dataclass(frozen=True)
class Note:
    """What was done about one file an interrupted operation left: `path` is where it
    is now; `fixed` is False when it still needs the writer."""

    path: Path
    message: str
    fixed: bool


@dataclass(frozen=True)
class _Move:
    """One file of a write-together: its paths at each step."""

    src: Path  # the file as it is
    dst: Path  # its new name (may be src)
    new: Path  # its new content, hidden beside dst
    old: Path  # the old file, parked beside src

    def rel(self, base: Path) -> list[str]:
        return [p.relative_to(base).as_posix() for p in (self.src, self.dst, self.new, self.old)]


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _write_record(record: Path, base: Path, phase: str, moves: list[_Move]) -> None:
    doc = {"version": RECORD_VERSION, "owner": owner_info(), "phase": phase,
           "moves": [m.rel(base) for m in moves]}
    make_dirs(record.parent)
    atomic_write(record, json.dumps(doc))


def write_together(changes: Mapping[Path, tuple[Path, bytes]], *, base: Path,
                   record_dir: Path) -> None:
    """Give files new contents and names at once: `{path: (new path, new bytes)}`.

    Nothing is overwritten: a new name taken by a file that is not itself changing
    stops everything before anything is written. Paths are kept in the record relative
    to `base` (the project folder). Raises StorageError after undoing what it did.
    """
    base = Path(base)
    pid = os.getpid()
    moves = [_Move(Path(src), Path(dst), Path(dst).with_name(f".{Path(dst).name}.new-{pid}.tmp"),
                   Path(src).with_name(f".{Path(src).name}.old-{pid}.tmp"))
             for src, (dst, _) in changes.items()]
    data = {Path(src): bytes(raw) for src, (_, raw) in changes.items()}
    if not moves:
        return
    leaving = {m.src for m in moves}
    for move in moves:
        if _exists(move.dst) and move.dst not in leaving:
            raise StorageError(errno.EEXIST, f"cannot rename {move.src.name} to "
                                             f"{move.dst.name}: {move.dst.name} already exists",
                               str(move.dst))
        for hidden in (move.new, move.old):
            if _exists(hidden):
                raise StorageError(errno.EEXIST, f"{hidden.name} is in the way; remove it "
                                                 "and try again", str(hidden))
    if len({m.dst for m in moves}) != len(moves):
        raise StorageError(errno.EEXIST, "two files would get the same name")
    record = Path(record_dir) / f"{int(time.time() * 1000)}-{pid}.json"
    _write_record(record, base, "write", moves)
    parked: list[_Move] = []
    placed: list[_Move] = []
    try:
        for move in moves:
            atomic_write(move.new, data[move.src])
        _write_record(record, base, "swap", moves)
        for move in moves:
            os.rename(move.src, move.old)
            parked.append(move)
        for move in moves:
            if _exists(move.dst):
                raise FileExistsError(errno.EEXIST, f"{move.dst.name} already exists")
            os.rename(move.new, move.dst)
            placed.append(move)
    except OSError as exc:
        undone = _undo(moves, parked, placed)
        _flush(moves)
        if undone:
            remove(record, quiet=True)
        failed = moves[len(placed)] if parked else moves[0]
        raise StorageError(exc.errno, f"cannot rename {failed.src.name}: {reason(exc)}",
                           str(failed.src)) from exc
    cleared = [remove(move.old, quiet=True) or not _exists(move.old) for move in moves]
    _flush(moves)
    if all(cleared):  # else the record stays: the next opening removes what is left
        remove(record, quiet=True)


def _flush(moves: list[_Move]) -> None:
    for folder in {m.src.parent for m in moves} | {m.dst.parent for m in moves}:
        fsync_dir(folder)


def _undo(moves: list[_Move], parked: list[_Move], placed: list[_Move]) -> bool:
    """Put every old file back and remove the new ones; False when some could not be."""
    ok = True
    for move in reversed(placed):
        try:
            os.rename(move.dst, move.new)
        except OSError:
            ok = False
    for move in reversed(parked):
        if _exists(move.src):
            ok = False
            continue
        try:
            os.rename(move.old, move.src)
        except OSError:
            ok = False
    for move in moves:
        if not remove(move.new, quiet=True) and _exists(move.new):
            ok = False
    return ok


def finish_writes(record_dir: Path, base: Path, *, repair: bool = True) -> list[Note]:
    """Complete (or undo) what `write_together` left when its process was killed.

    Returns a note per file put in place or back, and per file that could not be.
    Without `repair` nothing is changed: the notes say what is left to do.
    """
    record_dir, base = Path(record_dir), Path(base)
    notes: list[Note] = []
    try:
        records = sorted(record_dir.glob("*.json"))
    except OSError:
        return notes
    for record in records:
        try:
            doc = json.loads(record.read_text("utf-8"))
            phase = doc["phase"]
            moves = [_Move(*(base / rel for rel in move)) for move in doc["moves"]]
            owner = doc.get("owner")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not is_mine(owner) and owner_alive(owner):
            continue  # another RecapDesk is doing it right now
        if phase == "swap":
            found = _finish(moves, repair)
        else:
            found = _discard(moves, repair)
        notes += found
        if repair and all(n.fixed for n in found):
            remove(record, quiet=True)
    return notes


def _discard(moves: list[_Move], repair: bool) -> list[Note]:
    """The operation had not started swapping: its old files are all in place."""
    notes = []
    for move in moves:
        if _exists(move.new):
            if repair and remove(move.new, quiet=True):
                notes.append(Note(move.src, f"{move.src.name}: a renumbering that did not "
                                            "finish was undone", True))
            elif not repair:
                notes.append(Note(move.src, f"{move.src.name}: a renumbering that did not "
                                            f"finish left {move.new.name}", False))
    return notes


def _finish(moves: list[_Move], repair: bool) -> list[Note]:
    """The operation was swapping: park what is not parked yet, place what is not
    placed, remove the parked old files."""
    notes: list[Note] = []
    waiting = [m for m in moves if _exists(m.new)]
    if not waiting:  # everything is in place; only old files may be left
        for move in moves:
            if repair and not remove(move.old, quiet=True) and _exists(move.old):
                notes.append(Note(move.old, f"{move.old.name} (an old version) cannot be "
                                            "removed", False))
        return notes
    if not repair:
        return [Note(m.new, f"{m.dst.name} is hidden as {m.new.name} by a renumbering that "
                            "did not finish; open the project with write access to finish "
                            "it", False) for m in waiting]
    try:
        for move in moves:
            if _exists(move.src) and not _exists(move.old) and _exists(move.new):
                os.rename(move.src, move.old)
        for move in waiting:
            if _exists(move.dst):
                notes.append(Note(move.new, f"{move.new.name} was left by a renumbering "
                                            f"that did not finish, and {move.dst.name} "
                                            "exists; look at both and rename one", False))
                continue
            os.rename(move.new, move.dst)
            fsync_dir(move.dst.parent)
            notes.append(Note(move.dst, f"{move.dst.name} was hidden by a renumbering that "
                                        "did not finish; the renumbering was finished", True))
    except OSError as exc:
        notes.append(Note(moves[0].src, f"a renumbering that did not finish cannot be "
                                        f"finished: {reason(exc)}", False))
        return notes
    for move in moves:
        if not _exists(move.new):
            remove(move.old, quiet=True)
    return notes


def recover_strays(folder: Path, *, repair: bool = True) -> list[Note]:
    """Put back files an older version's interrupted renumbering left hidden in
    `folder` (`.NAME.renumber-PID.tmp`, its process gone) under their names."""
    notes: list[Note] = []
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError:
        return notes
    for path in entries:
        match = _STRAY_RE.match(path.name)
        if not match or int(match["pid"]) == os.getpid() or pid_alive(int(match["pid"])):
            continue
        goal = path.with_name(match["name"])
        if _exists(goal):
            notes.append(Note(path, f"{path.name} was left by a renumbering that did not "
                                    f"finish, and {goal.name} exists; look at both and "
                                    "rename one", False))
        elif not repair:
            notes.append(Note(path, f"{goal.name} is hidden as {path.name} by a renumbering "
                                    "that did not finish; open the project with write "
                                    "access to put it back", False))
        else:
            try:
                os.rename(path, goal)
            except OSError as exc:
                notes.append(Note(path, f"{goal.name} is hidden as {path.name} and cannot "
                                        f"be put back: {reason(exc)}", False))
                continue
            fsync_dir(goal.parent)
            notes.append(Note(goal, f"{goal.name} was hidden by a renumbering that did not "
                                    "finish; it is back under its name", True))
    return notes
