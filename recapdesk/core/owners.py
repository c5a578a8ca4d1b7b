"""Who owns a lock, a journal entry or an unfinished rename, and whether it still runs.

An owner is a small mapping (process id, host name, process start time, user, time)
written into the thing it owns. On this machine an owner is alive while its process
is (the start time tells a live process from a new one given a dead one's pid); on
another machine sharing the folder, while it refreshed its time within STALE_S.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

STALE_S = 5 * 60  # another machine's owner not heard of for this long is gone


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
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


def hostname() -> str:
    import socket  # (imported when needed: it slows every command's start)

    return socket.gethostname()


def owner_info() -> dict:
    """This process as an owner."""
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no user name is not a reason to fail
        user = ""
    return {"pid": os.getpid(), "host": hostname(), "started": process_started(os.getpid()),
            "user": user, "time": time.time()}


def is_mine(info: dict | None) -> bool:
    """Whether `info` names this process."""
    return (isinstance(info, dict) and info.get("pid") == os.getpid()
            and info.get("host") == hostname())


def owner_alive(info: dict | None, *, now: float | None = None) -> bool:
    """Whether the owner of a lock, journal entry or rename may still be running.

    On this machine: its process exists and is the same process (start time). On
    another machine (a synced folder): its time was refreshed within STALE_S.
    """
    if not isinstance(info, dict):
        return False
    if info.get("host") == hostname():
        pid = info.get("pid")
        if not isinstance(pid, int) or isinstance(pid, bool) or not pid_alive(pid):
            return False
        started = info.get("started")
        current = process_started(pid)
        return not (started and current and started != current)
    stamp = info.get("time")
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return False
    now = time.time() if now is None else now
    return now - stamp <= STALE_S


def describe_owner(info: dict) -> str:
    """"RecapDesk (process 1234) on laptop, by ana, last seen 2 minutes ago"."""
    pid, host = info.get("pid"), info.get("host") or "an unknown computer"
    where = "on this computer" if host == hostname() else f"on {host}"
    parts = [f"RecapDesk (process {pid}) {where}"]
    if info.get("user"):
        parts.append(f"by {info['user']}")
    stamp = info.get("time")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        ago = max(0, int(time.time() - stamp))
        parts.append("active just now" if ago < 90 else f"last active {ago // 60} minutes ago")
    return ", ".join(parts)
