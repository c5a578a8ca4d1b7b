"""Episode operations: duplicate, rename, status, renumbering, trash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recapdesk.core.episode_ops import (
    apply_renumbering,
    duplicate_episode,
    rename_episode,
    set_status,
    trash_episode,
)
from recapdesk.core.outline import renumber
from recapdesk.core.project import ProjectError, open_project
from tests.core.conftest import changed_lines, episode

REPO = Path(__file__).resolve().parents[2]


def body_of(path: Path) -> bytes:
    data = path.read_bytes()
    return data.split(b"---\n", 2)[2]


# --- operations -----------------------------------------------------------------------

def test_duplicate_episode(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode("One", 1),
                         "episodes/s01e02.md": episode("Two", 2, body="Two's body\n\n## H\n")})
    series = open_project(root)
    two = series.find_episode("s01e02")
    original = two.path.read_bytes()
    copy = duplicate_episode(series, two)
    assert copy.path == root.resolve() / "episodes" / "s01e03.md"
    assert copy.number == 3 and copy.title == "Two (copy)"
    assert series.episodes[-1] is copy
    assert body_of(copy.path) == body_of(two.path) == b"Two's body\n\n## H\n"
    assert two.path.read_bytes() == original
    reread = open_project(root)
    assert [e.id for e in reread.episodes] == ["s01e01", "s01e02", "s01e03"]
    assert reread.find_episode("s01e03").title == "Two (copy)"
    assert not reread.problems


def test_rename_keeps_file_name_and_body(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode("One", 1, body="Körper ✓\r\nx\n")})
    series = open_project(root)
    ep = series.episodes[0]
    before = ep.path.read_text("utf-8")
    rename_episode(series, ep, "  A new: title  ")
    after = ep.path.read_text("utf-8")
    assert ep.path.name == "s01e01.md"
    assert ep.title == "A new: title"
    assert changed_lines(before, after) == [
        ('title: "One"   # the headline', 'title: "A new: title" # the headline')]
    assert open_project(root).episodes[0].title == "A new: title"
    with pytest.raises(ProjectError):
        rename_episode(series, ep, "   ")


def test_set_status(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode("One", 1, status="draft")})
    series = open_project(root)
    ep = series.episodes[0]
    set_status(series, ep, "final")
    assert ep.status == "final"
    text = ep.path.read_text("utf-8")
    assert "status: final             # draft | final\n" in text
    assert open_project(root).episodes[0].status == "final"
    with pytest.raises(ValueError):
        set_status(series, ep, "published")


def test_operations_keep_a_bom(make_project) -> None:
    root = make_project({"episodes/s01e01.md": b"\xef\xbb\xbf" + episode("One", 1).encode()})
    series = open_project(root)
    set_status(series, series.episodes[0], "draft")
    data = (root / "episodes" / "s01e01.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\n")
    assert b"status: draft" in data


def test_unreadable_episode_is_never_written(make_project) -> None:
    root = make_project({"episodes/s01e01.md": b"---\ntitle: \xff\n---\n"})
    series = open_project(root)
    ep = series.episodes[0]
    with pytest.raises(ProjectError):
        set_status(series, ep, "draft")
    assert (root / "episodes" / "s01e01.md").read_bytes() == b"---\ntitle: \xff\n---\n"


def test_apply_renumbering_renames_code_named_files(sample_project: Path) -> None:
    series = open_project(sample_project)
    e1, e2, e3, e4 = series.episodes
    bodies = {ep.title: body_of(ep.path) for ep in series.episodes}
    fronts = {ep.title: ep.path.read_text("utf-8").split("---\n")[1] for ep in series.episodes}
    pairs = renumber([e1, e4, e2, e3])
    result = apply_renumbering(series, pairs)
    episodes = sample_project.resolve() / "episodes"
    assert result == {episodes / "s01e04.md": episodes / "s01e02.md",
                      episodes / "s01e02.md": episodes / "s01e03.md",
                      episodes / "s01e03.md": episodes / "s01e04.md"}
    assert [ep.path.name for ep in series.episodes] == [
        "s01e01.md", "s01e02.md", "s01e03.md", "s01e04.md"]
    assert [ep.title for ep in series.episodes] == [e1.title, e4.title, e2.title, e3.title]
    reread = open_project(sample_project)
    assert not reread.problems
    for ep in reread.episodes:
        assert body_of(ep.path) == bodies[ep.title]  # byte for byte
        front = ep.path.read_text("utf-8").split("---\n")[1]
        old = fronts[ep.title].splitlines()
        new = front.splitlines()
        assert [(a, b) for a, b in zip(old, new, strict=True) if a != b] == (
            [] if ep.title == e1.title else [(f"episode: {_old_number(ep, e1, e2, e3, e4)}",
                                              f"episode: {ep.number}")])
    assert sorted(p.name for p in episodes.iterdir()) == [
        "s01e01.md", "s01e02.md", "s01e03.md", "s01e04.md"]


def _old_number(ep, e1, e2, e3, e4) -> int:
    return {e1.title: 1, e2.title: 2, e3.title: 3, e4.title: 4}[ep.title]


def test_apply_renumbering_keeps_other_file_names(make_project) -> None:
    root = make_project({"episodes/pilot.md": episode("Pilot", 1),
                         "episodes/second.md": episode("Second", 2)})
    series = open_project(root)
    pilot, second = series.episodes
    result = apply_renumbering(series, renumber([second, pilot]))
    assert result == {pilot.path: pilot.path, second.path: second.path}
    assert sorted(p.name for p in (root / "episodes").iterdir()) == ["pilot.md", "second.md"]
    assert (pilot.number, second.number) == (2, 1)
    assert [e.stem for e in series.episodes] == ["second", "pilot"]
    assert apply_renumbering(series, renumber(series.episodes)) == {}


def test_apply_renumbering_refuses_to_overwrite(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode("One", 1),
                         "episodes/s01e02.md": episode("Two", 2),
                         "episodes/s01e03.md": "---\ntitle: Stray\nseason: 2\nepisode: 1\n---\n"})
    series = open_project(root)
    one = series.find_episode("s01e01")
    two = series.find_episode("s01e02")
    before = {p.name: p.read_bytes() for p in (root / "episodes").iterdir()}
    with pytest.raises(ProjectError, match="s01e03.md already exists"):
        apply_renumbering(series, [(one, 3), (two, 1)])
    assert {p.name: p.read_bytes() for p in (root / "episodes").iterdir()} == before
    assert one.number == 1


def test_trash_episode_uses_the_system_trash(make_project, tmp_path: Path) -> None:
    """A real XDG trash under tmp_path (send2trash reads XDG_DATA_HOME when imported)."""
    root = make_project({"episodes/s01e01.md": episode("One", 1),
                         "episodes/s01e02.md": episode("Two", 2)})
    data_home = tmp_path / "xdg-data"
    data_home.mkdir()
    script = (
        "import json, sys\n"
        "from recapdesk.core.project import open_project\n"
        "from recapdesk.core.episode_ops import trash_episode\n"
        "series = open_project(sys.argv[1])\n"
        "trash_episode(series, series.find_episode('s01e02'))\n"
        "print(json.dumps([e.id for e in series.episodes]))\n"
    )
    env = dict(os.environ, XDG_DATA_HOME=str(data_home))
    done = subprocess.run([sys.executable, "-c", script, str(root)], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["s01e01"]
    assert not (root / "episodes" / "s01e02.md").exists()
    trashed = data_home / "Trash" / "files" / "s01e02.md"
    assert trashed.read_text("utf-8") == episode("Two", 2)
    info = (data_home / "Trash" / "info" / "s01e02.md.trashinfo").read_text("utf-8")
    assert "Path=" in info and "s01e02.md" in info
    assert (root / "episodes" / "s01e01.md").exists()


def test_trash_episode_of_a_missing_file_is_refused(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode("One", 1)})
    series = open_project(root)
    ep = series.episodes[0]
    ep.path.unlink()
    with pytest.raises(ProjectError, match="no longer exists"):
        trash_episode(series, ep)
    assert series.episodes == [ep]
