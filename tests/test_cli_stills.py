"""`recapdesk stills scenes` and `recapdesk stills grab` as users and scripts call them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.video_fixtures import EPISODE, FPS
from tests.test_cli import assert_one_line_error, run

MANIFEST = 'title: "Test Show"\nsite: {name: Test Recaps, language: en}\n'


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "Show"
    (root / "episodes").mkdir(parents=True)
    (root / "stills").mkdir()
    (root / "recapdesk.yaml").write_text(MANIFEST, "utf-8")
    (root / "episodes" / "s01e04.md").write_text(
        "---\ntitle: Four\nseason: 1\nepisode: 4\n---\n\nText.\n", "utf-8")
    return root


def test_scenes_json(videos, env: dict[str, str], tmp_path: Path) -> None:
    proc = run("stills", "scenes", str(videos.episode), "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    shots = json.loads(proc.stdout)
    assert [set(s) for s in shots] == [{"start", "end", "frame"}] * len(shots)
    assert all(isinstance(v, float) for s in shots for v in s.values())
    cuts = [round(s["start"] * FPS) for s in shots[1:]]
    assert len(cuts) == len(EPISODE.cut_frames())
    assert all(abs(a - b) <= 2 for a, b in zip(cuts, EPISODE.cut_frames(), strict=True))
    assert [s["start"] for s in shots] == sorted(s["start"] for s in shots)
    assert list((tmp_path / "cache" / "recapdesk" / "shots").glob("*.json"))
    again = run("stills", "scenes", str(videos.episode), "--json", env=env)
    assert json.loads(again.stdout) == shots


def test_scenes_table(videos, env: dict[str, str]) -> None:
    proc = run("stills", "scenes", str(videos.vp9), env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["shot", "start", "end", "frame"]
    assert lines[1].split()[:3] == ["1", "00:00:00.000", "00:00:01.520"]
    assert len(lines) == 5


def test_scenes_of_a_truncated_file_notes_the_break(videos, env: dict[str, str]) -> None:
    proc = run("stills", "scenes", str(videos.truncated), "--json", env=env)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "breaks off" in lines[0]


@pytest.mark.parametrize("which", ["text", "audio", "missing"])
def test_scenes_of_unusable_files(videos, env: dict[str, str], tmp_path: Path,
                                  which: str) -> None:
    path = {"text": videos.text, "audio": videos.audio, "missing": tmp_path / "no.mkv"}[which]
    proc = run("stills", "scenes", str(path), "--json", env=env)
    assert_one_line_error(proc, 1)
    assert proc.stdout == ""


@pytest.mark.parametrize(("at", "index"), [("12.5", 312), ("00:12.520", 313),
                                           ("0:00:03.999", 99), ("15.99", 399)])
def test_grab(videos, project: Path, at: str, index: int) -> None:
    proc = run("stills", "grab", str(project), str(videos.episode), "--at", at,
               "--episode", "s01e04")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "s01e04-01.jpg\n"
    assert (project / "stills" / "s01e04-01.jpg").is_file()
    text = (project / "stills" / "stills.yaml").read_text("utf-8")
    seconds = float(at.split(":")[-1]) + (60 * int(at.split(":")[-2]) if ":" in at else 0)
    assert f"source: episode.mp4\n  at: 00:00:{seconds:06.3f}\n" in text
    assert "caption: Still From Test Show Episode 4\n  episode: s01e04\n" in text


def test_grab_without_episode_is_a_still_of_the_project(videos, project: Path) -> None:
    proc = run("stills", "grab", str(project), str(videos.episode), "--at", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "still-01.jpg\n"


@pytest.mark.parametrize(("args", "code"), [
    (["--at", "99"], 1), (["--at", "soon"], 2), (["--at", "1:75"], 2), ([], 2),
    (["--at", "1", "--episode", "s09e09"], 2)])
def test_grab_refusals(videos, project: Path, args: list[str], code: int) -> None:
    proc = run("stills", "grab", str(project), str(videos.episode), *args)
    assert_one_line_error(proc, code)
    assert sorted(p.name for p in (project / "stills").iterdir()) == []


@pytest.mark.parametrize("which", ["text", "audio", "truncated"])
def test_grab_from_unusable_files(videos, project: Path, which: str) -> None:
    proc = run("stills", "grab", str(project), str(getattr(videos, which)), "--at", "14")
    assert_one_line_error(proc, 1)
    assert list((project / "stills").iterdir()) == []


def test_stills_usage_errors() -> None:
    assert_one_line_error(run("stills"), 2)
    assert_one_line_error(run("stills", "cut", "x.mp4"), 2)


def test_stills_commands_import_no_qt(videos, project: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from recapdesk.cli import main\n"
        f"rc = main(['stills', 'scenes', {str(videos.vp9)!r}, '--json', '--no-cache'])\n"
        f"rc2 = main(['stills', 'grab', {str(project)!r}, {str(videos.vp9)!r}, '--at', '2'])\n"
        "assert rc == 0 and rc2 == 0, (rc, rc2)\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')]\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
