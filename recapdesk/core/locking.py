"""The project lock: `.recapdesk/lock` says which RecapDesk has a project open.

The lock holds its owner (`owners.owner_info`): process, computer, user and a time the
owner refreshes every LOCK_REFRESH_S, so that a RecapDesk on another computer sharing
the folder sees it is alive. A lock whose owner is gone (a dead process here, an old
time from elsewhere) is stale and taken over. Writing goes through `storage`.
"""

from __future__ import annotations

import json
from pathlib import Path

from recapdesk.core import storage
from recapdesk.core.owners import is_mine, owner_alive, owner_info

LOCK_NAME = "lock"
LOCK_REFRESH_S = 60  # the owner rewrites the lock's time this often


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


def other_owner(state_dir: Path) -> dict | None:
    """Who else holds the lock and is alive (None: nobody, or this process)."""
    info = read_lock(state_dir)
    if info is None or is_mine(info) or not owner_alive(info):
        return None
    return info


def acquire_lock(state_dir: Path, *, force: bool = False) -> dict | None:
    """Take the project lock. Returns the other owner's info when it is held elsewhere.

    A stale lock (its owner gone) is taken over; `force` takes over any lock. Two
    processes starting at once cannot both win: the lock is created exclusively, and
    a takeover is checked by reading the lock back. Raises StorageError when the
    state folder cannot be written.
    """
    state_dir = Path(state_dir)
    storage.make_dirs(state_dir)
    lock = state_dir / LOCK_NAME
    for _ in range(5):
        mine = json.dumps(owner_info()).encode("utf-8")
        current = read_lock(state_dir)
        if current is None and not lock.exists():
            if storage.write_new(lock, mine):
                return None
            continue  # another process created it first: look at it
        if current is None:  # it appeared between the two looks: read it again
            current = read_lock(state_dir)
        if is_mine(current):
            storage.atomic_write(lock, mine)
            return None
        if current is not None and not force and owner_alive(current):
            return current
        storage.atomic_write(lock, mine)  # take over a stale, unreadable or forced lock
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
    storage.atomic_write(Path(state_dir) / LOCK_NAME, json.dumps(owner_info()))
    return None


def release_lock(state_dir: Path) -> None:
    """Remove the lock if this process holds it."""
    if is_mine(read_lock(state_dir)):
        storage.remove(Path(state_dir) / LOCK_NAME, quiet=True)
