"""Renaming recaps all at once (renumbering) never hides one, whatever stops it.

`storage.rename_together` parks every file under a hidden name, then moves each to its
new name, with a record of what it is doing in `.recapdesk/renames/`. Here the renumber
is interrupted at every step: by an error (it undoes itself) and by the process being
killed (`os._exit` in a child process, so no cleanup runs). Opening the project
afterwards always shows every recap, under its old or its new name, with its text, and
no hidden file or record is left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recapdesk.core import storage
from recapdesk.core.episode_ops import apply_renumbering
from recapdesk.core.outline import renumber
from recapdesk.core.project import RENAMES_DIR, ProjectError, open_project

REPO = Path(__file__).resolve().parents[2]


def recap(number: int, marker: str) -> str:
    return (f'---\ntitle: "Recap {marker}"\nseason: 1\nepisode: {number}\n---\n'
            f"The words of recap {marker}.\n")


@pytest.fixture
def project(make_project) -> Path:
    return make_project({"episodes/s01e01.md": recap(1, "A"),
                         "episodes/s01e02.md": recap(2, "B"),
                         "episodes/s01e03.md": recap(3, "C")})


def markers(root: Path) -> dict[str, str]:
    """file name -> the recap (A, B, C) whose words it holds, for every visible recap."""
    found = {}
    for ep in open_project(root).episodes:
        body = ep.body
        found[ep.path.name] = body.split("recap ", 1)[1].split(".", 1)[0]
    return found


def hidden(root: Path) -> list[str]:
    names = [p.name for p in (root / "episodes").iterdir() if p.name.startswith(".")]
    records = root / ".recapdesk" / RENAMES_DIR
    if records.is_dir():
        names += [p.name for p in records.iterdir()]
    return names


def assert_whole(root: Path) -> dict[str, str]:
    """Every recap is visible exactly once, nothing is hidden; returns `markers`."""
    series = open_project(root)
    found = markers(root)
    assert sorted(found.values()) == ["A", "B", "C"], found
    assert hidden(root) == [], hidden(root)
    assert [p for p in series.problems if p.is_error] == []
    return found


# the new order C, A, B: three files change names in a cycle
NEW_NAMES = {"s01e01.md": "C", "s01e02.md": "A", "s01e03.md": "B"}
OLD_NAMES = {"s01e01.md": "A", "s01e02.md": "B", "s01e03.md": "C"}


def reorder(root: Path) -> dict:
    series = open_project(root)
    a, b, c = (series.find_episode(code) for code in ("s01e01", "s01e02", "s01e03"))
    return apply_renumbering(series, renumber([c, a, b]))


def test_a_renumber_renames_and_leaves_nothing_behind(project: Path) -> None:
    reorder(project)
    assert assert_whole(project) == NEW_NAMES
    for ep in open_project(project).episodes:
        assert ep.path.stem == ep.code


# --- errors: the renumber undoes its renames ---------------------------------------------

CHILD = """
import json, os, sys
from pathlib import Path
root, kill_at, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
from recapdesk.core.episode_ops import apply_renumbering
from recapdesk.core.outline import renumber
from recapdesk.core.project import open_project
series = open_project(root)
a, b, c = (series.find_episode(code) for code in ("s01e01", "s01e02", "s01e03"))
pairs = renumber([c, a, b])
calls = []
real = {name: getattr(os, name) for name in ("rename", "replace", "unlink", "link")}
def wrap(name):
    def call(*args, **kwargs):
        calls.append(name)
        if len(calls) == kill_at + 1:
            if mode == "kill":
                os._exit(9)  # killed: no cleanup of any kind runs
            raise OSError(5, "Input/output error")  # this one call fails
        return real[name](*args, **kwargs)
    return call
for name in real:
    setattr(os, name, wrap(name))
try:
    apply_renumbering(series, pairs)
except Exception as exc:
    print(json.dumps({"calls": calls, "error": str(exc)}))
    sys.exit(3)
print(json.dumps({"calls": calls}))
"""


def run_child(root: Path, kill_at: int, mode: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", CHILD, str(root), str(kill_at), mode],
                          capture_output=True, text=True, env=env, cwd=REPO, check=False)


def steps(root: Path, tmp_path: Path) -> int:
    """How many renames, replaces, links and removals a whole renumber makes."""
    trial = tmp_path / "trial"
    storage.copy_tree(root, trial)
    done = run_child(trial, 10_000, "kill")
    assert done.returncode == 0, done.stderr
    count = len(json.loads(done.stdout)["calls"])
    assert count >= 9  # numbers written (3), record, parks (3), record, places (3), record
    return count


def test_an_error_at_any_step_undoes_the_whole_renumber(project: Path, tmp_path: Path) -> None:
    """An error before every file is in place undoes it all (no new number is left in
    any file); after that point the renumber is done, and what an error left behind (an
    old version not removed) goes at the next opening."""
    total = steps(project, tmp_path)
    outcomes = set()
    for k in range(total):
        root = tmp_path / f"error-{k}"
        storage.copy_tree(project, root)
        done = run_child(root, k, "error")
        assert done.returncode in (0, 3), (k, done.stdout, done.stderr)
        if done.returncode == 3:
            assert "error" in json.loads(done.stdout)
            assert assert_whole(root) == OLD_NAMES, k
            assert [ep.number for ep in open_project(root).episodes] == [1, 2, 3]
            outcomes.add("undone")
        else:
            assert assert_whole(root) == NEW_NAMES, k
            outcomes.add("done")
    assert outcomes == {"undone", "done"}


def test_a_failed_rename_raises_one_clear_error(project: Path, monkeypatch) -> None:
    series = open_project(project)
    real = os.rename
    calls = []

    def rename(src, dst, *args, **kwargs):  # the second park fails
        calls.append(src)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    a, b, c = (series.find_episode(code) for code in ("s01e01", "s01e02", "s01e03"))
    with pytest.raises(ProjectError) as caught:
        apply_renumbering(series, renumber([c, a, b]))
    monkeypatch.undo()
    assert "cannot rename" in str(caught.value) and "\n" not in str(caught.value)
    assert assert_whole(project) == OLD_NAMES


# --- kills: the next opening finishes or undoes the renumber -----------------------------

def test_a_kill_at_any_step_hides_no_recap(project: Path, tmp_path: Path) -> None:
    total = steps(project, tmp_path)
    outcomes = set()
    for k in range(total + 1):
        root = tmp_path / f"kill-{k}"
        storage.copy_tree(project, root)
        done = run_child(root, k, "kill")
        assert done.returncode in (0, 9), (k, done.stderr)
        series = open_project(root)  # finishes or undoes what the killed process left
        found = assert_whole(root)
        assert found in (OLD_NAMES, NEW_NAMES), (k, found)
        # numbers and names changed together: each file is named after its number
        assert all(ep.path.stem == ep.code for ep in open_project(root).episodes), k
        outcomes.add("new" if found == NEW_NAMES else "old")
        notes = [p.message for p in series.problems]
        if any(n.endswith(("finished", "undone")) for n in notes):
            assert all(p.level == "warning" for p in series.problems)
        assert open_project(root).problems == []  # said once, when it was repaired
    assert outcomes == {"old", "new"}  # kills before and after the point of no return


def test_a_read_only_opening_reports_a_hidden_recap_and_changes_nothing(
        project: Path, tmp_path: Path) -> None:
    total = steps(project, tmp_path)
    root = tmp_path / "parked"
    storage.copy_tree(project, root)
    run_child(root, total - 5, "kill")  # killed while parking, or placing
    before = sorted(p.name for p in (root / "episodes").iterdir())
    series = open_project(root, repair=False)
    assert sorted(p.name for p in (root / "episodes").iterdir()) == before
    errors = [p for p in series.problems if p.is_error]
    assert errors and all("hidden as" in p.message for p in errors)
    assert all("\n" not in p.message for p in errors)
    assert_whole(root)  # a writable opening puts it back


def test_a_rename_of_a_live_process_is_left_alone(project: Path) -> None:
    """Another RecapDesk renaming right now (its process alive) is not interfered with."""
    episodes = project / "episodes"
    parked = episodes / f".s01e02.md.rename-{os.getppid()}.tmp"
    os.rename(episodes / "s01e02.md", parked)
    record = project / ".recapdesk" / RENAMES_DIR / "1-live.json"
    record.parent.mkdir(parents=True)
    owner = {"pid": os.getppid(), "host": os.uname().nodename, "time": 0}
    import socket

    owner["host"] = socket.gethostname()
    record.write_text(json.dumps({"version": 1, "owner": owner, "phase": "park", "moves": [
        ["episodes/s01e02.md", f"episodes/{parked.name}", "episodes/s01e03.md"]]}))
    open_project(project)
    assert parked.exists() and record.exists()


def test_a_recap_parked_by_an_older_version_is_put_back(project: Path) -> None:
    """Older versions parked files as `.NAME.renumber-PID.tmp` without a record."""
    episodes = project / "episodes"
    os.rename(episodes / "s01e02.md", episodes / ".s01e02.md.renumber-999999999.tmp")
    series = open_project(project)
    assert markers(project) == OLD_NAMES and hidden(project) == []
    [note] = [p for p in series.problems if "s01e02.md" in p.message]
    assert note.level == "warning" and note.path == "episodes/s01e02.md"


def test_a_parked_recap_whose_name_was_taken_is_not_overwritten(project: Path) -> None:
    episodes = project / "episodes"
    stray = episodes / ".s01e02.md.renumber-999999999.tmp"
    stray.write_text(recap(2, "B2"), "utf-8")
    series = open_project(project)
    assert stray.exists() and markers(project) == OLD_NAMES
    [note] = [p for p in series.problems if p.is_error]
    assert "s01e02.md exists" in note.message
