"""The recovery journal, the project lock and crash leftovers (core, no Qt)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recapdesk.core import journal as jr
from recapdesk.core import locking, owners, storage
from recapdesk.core.journal import Journal, compare_texts, safe_rel

REL = "episodes/e.md"
TEXT = "---\ntitle: E\nseason: 1\nepisode: 1\n---\nSaved words.\n"


def _dead_pid() -> int:
    """A pid that is certainly not running (a child that already exited)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _foreign_owner(pid: int | None = None, **extra) -> dict:
    return {"pid": _dead_pid() if pid is None else pid, "host": socket.gethostname(),
            "time": time.time(), **extra}


def _as_dead_process(j: Journal, rel: str) -> Path:
    """Rename this process's entry as if a crashed process had written it."""
    mine = j.path_for(rel)
    doc = json.loads(mine.read_text("utf-8"))
    dead = _dead_pid()
    doc["owner"] = _foreign_owner(dead)
    target = mine.with_name(mine.name.replace(f".{os.getpid()}.", f".{dead}."))
    target.write_text(json.dumps(doc), "utf-8")
    mine.unlink()
    j._written.clear()
    return target


@pytest.fixture
def project(make_project) -> Path:
    return make_project({REL: TEXT})


# --- writing and clearing ----------------------------------------------------------------

def test_entry_holds_text_base_hash_and_owner(project: Path) -> None:
    j = Journal(project)
    base = storage.file_hash(project / REL)
    assert j.write(REL, TEXT + "Unsaved words.\n", base)
    doc = json.loads(j.path_for(REL).read_text("utf-8"))
    assert doc["path"] == REL and doc["text"].endswith("Unsaved words.\n")
    assert doc["base_hash"] == base
    assert doc["owner"]["pid"] == os.getpid()
    assert j.path_for(REL).parent == project / ".recapdesk" / "journal"
    # the same text again is not rewritten
    assert not j.write(REL, TEXT + "Unsaved words.\n", base)
    j.clear(REL)
    assert not j.path_for(REL).exists()
    assert list(j.folder.iterdir()) == []


def test_write_leaves_no_temp_files_and_is_readable_unicode(project: Path) -> None:
    j = Journal(project)
    text = TEXT + "우도 막배 — 海 \u2028 \x00 end\n"
    j.write(REL, text, None)
    assert [p.name for p in j.folder.iterdir()] == [j.path_for(REL).name]
    assert j.entries()[0].text == text


# --- recovering ------------------------------------------------------------------------

def test_nothing_to_recover_from_a_live_process(project: Path) -> None:
    j = Journal(project)
    j.write(REL, TEXT + "typing\n", storage.file_hash(project / REL))
    # our own entry for a file that is open now is live, not a leftover
    assert j.recover(open_rels={REL}) == []
    # another live process (our parent stands in for it) is left alone too
    entry = j.path_for(REL)
    doc = json.loads(entry.read_text("utf-8"))
    doc["owner"] = _foreign_owner(os.getppid())
    entry.with_name(entry.name.replace(str(os.getpid()), str(os.getppid()))).write_text(
        json.dumps(doc), "utf-8")
    entry.unlink()
    assert Journal(project).recover() == []


def test_recover_unchanged_changed_and_missing(project: Path) -> None:
    j = Journal(project)
    path = project / REL
    j.write(REL, TEXT + "lost words\n", storage.file_hash(path))
    _as_dead_process(j, REL)
    [rec] = j.recover()
    assert rec.state == "unchanged" and rec.text.endswith("lost words\n")
    assert rec.disk_text == TEXT and rec.path == path
    path.write_text(TEXT + "changed by git\n", "utf-8")
    [rec] = j.recover()
    assert rec.state == "changed" and rec.disk_text.endswith("changed by git\n")
    path.unlink()
    [rec] = j.recover()
    assert rec.state == "missing" and rec.disk_text is None


def test_entry_equal_to_the_file_is_dropped(project: Path) -> None:
    j = Journal(project)
    path = project / REL
    j.write(REL, TEXT + "saved after all\n", storage.file_hash(path))
    dead = _as_dead_process(j, REL)
    path.write_text(TEXT + "saved after all\n", "utf-8")
    assert j.recover() == []
    assert not dead.exists()


def test_newest_entry_wins_and_restored_removes_all(project: Path) -> None:
    j = Journal(project)
    base = storage.file_hash(project / REL)
    j.write(REL, TEXT + "older\n", base)
    older = _as_dead_process(j, REL)
    doc = json.loads(older.read_text("utf-8"))
    doc["time"] -= 100
    older.write_text(json.dumps(doc), "utf-8")
    j.write(REL, TEXT + "newer\n", base)
    newer = _as_dead_process(j, REL)
    [rec] = j.recover()
    assert rec.text.endswith("newer\n") and len(rec.others) == 1
    j.restored(rec)
    assert not older.exists() and not newer.exists()


def test_discard_keeps_a_copy(project: Path) -> None:
    j = Journal(project)
    j.write(REL, TEXT + "thrown away\n", storage.file_hash(project / REL))
    _as_dead_process(j, REL)
    [rec] = j.recover()
    j.discard(rec)
    assert j.recover() == []
    kept = list((j.folder / jr.DISCARDED_DIR).glob("*.json"))
    assert len(kept) == 1 and "thrown away" in kept[0].read_text("utf-8")


def test_hostile_or_damaged_entries_are_ignored(project: Path, tmp_path: Path) -> None:
    j = Journal(project)
    j.folder.mkdir(parents=True)
    outside = tmp_path / "outside.md"
    outside.write_text("secret\n", "utf-8")
    good = {"version": 1, "bom": False, "base_hash": None, "time": 1.0,
            "owner": _foreign_owner()}

    def put(name: str, doc: object) -> None:
        (j.folder / name).write_text(json.dumps(doc), "utf-8")

    for rel in ("../outside.md", "/etc/passwd", "episodes/../../outside.md", "episodes\\x.md",
                "recapdesk.yaml"):
        text = "evil"
        put(f"{jr._key(rel) if safe_rel(rel) else 'x'}.1.json",
            {**good, "path": rel, "text": text, "text_hash": storage.content_hash(b"evil")})
    # a text that does not match its hash (damaged), and one under another file's key
    put(f"{jr._key(REL)}.2.json", {**good, "path": REL, "text": "x", "text_hash": "0"})
    put("0000.3.json", {**good, "path": REL, "text": "y",
                        "text_hash": storage.content_hash(b"y")})
    (j.folder / f"{jr._key(REL)}.4.json").write_bytes(b"{\"trunc")
    (j.folder / f"{jr._key(REL)}.5.json").write_bytes(b"\xff\xfe not json")
    assert j.recover() == []
    assert outside.read_text("utf-8") == "secret\n"


def test_safe_rel() -> None:
    assert safe_rel("episodes/a.md") == "episodes/a.md"
    for bad in ("", "/abs", "../x", "a/../b", "a//b", "a/./b", "a\\b", "a\x00", None, 3):
        assert safe_rel(bad) is None


def test_compare_texts_is_a_unified_diff() -> None:
    diff = compare_texts("one\ntwo\n", "one\n2\n", "disk", "yours")
    assert diff.splitlines()[:2] == ["--- disk", "+++ yours"]
    assert "-two" in diff and "+2" in diff
    assert compare_texts("a", "a", "x", "y") == "The two versions are the same."


# --- the lock --------------------------------------------------------------------------

def test_lock_records_owner_and_start_time(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    assert locking.acquire_lock(state) is None
    info = locking.read_lock(state)
    assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
    assert info["started"] == owners.process_started(os.getpid())
    assert owners.owner_alive(info) and owners.is_mine(info)


def test_lock_of_a_dead_process_is_taken_over_silently(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    (state / locking.LOCK_NAME).write_text(json.dumps(_foreign_owner()))
    assert locking.acquire_lock(state) is None
    assert owners.is_mine(locking.read_lock(state))


def test_reused_pid_does_not_keep_a_lock_alive(tmp_path: Path) -> None:
    """A live pid whose start time differs is another process that got the number."""
    info = _foreign_owner(os.getppid(), started="1")
    assert owners.process_started(os.getppid()) not in (None, "1")
    assert not owners.owner_alive(info)
    state = tmp_path / ".recapdesk"
    state.mkdir()
    (state / locking.LOCK_NAME).write_text(json.dumps(info))
    assert locking.acquire_lock(state) is None


def test_lock_from_another_machine_is_live_while_refreshed(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    now = time.time()
    other = {"pid": 1, "host": socket.gethostname() + "-laptop", "time": now - 30}
    (state / locking.LOCK_NAME).write_text(json.dumps(other))
    assert locking.acquire_lock(state) == other
    old = {**other, "time": now - owners.STALE_S - 60}
    (state / locking.LOCK_NAME).write_text(json.dumps(old))
    assert locking.lock_is_stale(old)
    assert locking.acquire_lock(state) is None


def test_unreadable_lock_is_taken_over(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    (state / locking.LOCK_NAME).write_bytes(b"\x00garbage")
    assert locking.acquire_lock(state) is None
    assert owners.is_mine(locking.read_lock(state))


def test_refresh_updates_time_and_reports_a_takeover(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    assert locking.acquire_lock(state) is None
    lock = state / locking.LOCK_NAME
    doc = json.loads(lock.read_text())
    doc["time"] = 5.0
    lock.write_text(json.dumps(doc))
    assert locking.refresh_lock(state) is None
    assert time.time() - locking.read_lock(state)["time"] < 3600
    other = _foreign_owner(os.getppid())
    lock.write_text(json.dumps(other))
    assert locking.refresh_lock(state)["pid"] == os.getppid()
    assert locking.read_lock(state)["pid"] == os.getppid()  # left alone


@pytest.mark.parametrize("round_", range(3))
def test_only_one_of_two_processes_racing_gets_the_lock(tmp_path: Path, round_: int) -> None:
    state = tmp_path / ".recapdesk"
    code = ("import sys, time; from pathlib import Path; from recapdesk.core import locking;"
            "print('free' if locking.acquire_lock(Path(sys.argv[1])) is None else 'held');"
            "sys.stdout.flush(); sys.stdin.read()")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(state)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    answers = [p.stdout.readline().strip() for p in procs]
    for p in procs:
        p.stdin.close()
        p.wait(timeout=30)
    assert sorted(answers) == ["free", "held", "held", "held"]


def test_lock_in_a_folder_that_cannot_be_written(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage.files.tempfile, "mkstemp", refuse)
    with pytest.raises(storage.StorageError):
        locking.acquire_lock(tmp_path / ".recapdesk")


def test_describe_owner() -> None:
    here = owners.describe_owner({"pid": 42, "host": socket.gethostname(), "user": "ana",
                                   "time": time.time()})
    assert "process 42" in here and "this computer" in here and "ana" in here
    there = owners.describe_owner({"pid": 7, "host": "laptop", "time": time.time() - 600})
    assert "on laptop" in there and "10 minutes ago" in there


# --- crash leftovers -------------------------------------------------------------------

def test_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead, live = _dead_pid(), os.getppid()
    leftovers = [tmp_path / f".e.md.{dead}.abcd1234.tmp", tmp_path / f".e.md.{live}.abcd1234.tmp",
                 tmp_path / f".e.md.{os.getpid()}.zz_z9999.tmp", tmp_path / "e.md",
                 tmp_path / "notes.tmp"]
    for p in leftovers:
        p.write_text("x")
    removed = storage.remove_stale_temp_files(tmp_path)
    assert removed == [leftovers[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in leftovers[1:])
    old = leftovers[1]
    os.utime(old, (1, 1))
    assert storage.remove_stale_temp_files(tmp_path) == [old]
