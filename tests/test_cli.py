"""The command line as users and scripts call it: exit codes, one-line errors, no Qt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"


def run(*args: str, cwd: Path | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "recapdesk", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int) -> None:
    assert proc.returncode == code, proc
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "Last Ferry"
    shutil.copytree(SAMPLE, dest)
    return dest


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("recapdesk ")


def test_new_then_check_then_export(tmp_path: Path) -> None:
    target = tmp_path / "New Show"
    proc = run("new", str(target), "--title", "New Show")
    assert proc.returncode == 0, proc.stderr
    assert (target / "recapdesk.yaml").is_file()
    assert (target / "episodes" / "s01e01.md").is_file()
    assert run("check", str(target)).returncode == 0
    proc = run("export", str(target), "--drafts", "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "s01e01.html").is_file()
    assert proc.stdout.strip() == str(tmp_path / "out" / "index.html")


def test_new_refuses_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    assert_one_line_error(run("new", str(tmp_path / "x"), "--title", "T"), 2)
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"


def test_check_clean_sample_exits_0(project: Path) -> None:
    proc = run("check", str(project))
    assert proc.returncode == 0, proc.stdout
    assert not [ln for ln in proc.stdout.splitlines() if ": error: " in ln]


def test_check_reports_errors_as_path_line_level_message(project: Path) -> None:
    ep = project / "episodes" / "s01e02.md"
    ep.write_text(ep.read_text("utf-8") + "\n![](../stills/nope.jpg)\n\nSee [[s09e09]].\n",
                  "utf-8")
    lines = len(ep.read_text("utf-8").splitlines())
    proc = run("check", str(project))
    assert proc.returncode == 1
    assert f"episodes/s01e02.md:{lines - 2}: error: missing image ../stills/nope.jpg" in proc.stdout
    assert f"episodes/s01e02.md:{lines}: error: [[s09e09]] does not match" in proc.stdout


def test_missing_project(tmp_path: Path) -> None:
    for cmd in ("check", "export"):
        assert_one_line_error(run(cmd, str(tmp_path / "nowhere")), 2)


def test_folder_that_is_not_a_project(tmp_path: Path) -> None:
    assert_one_line_error(run("export", str(tmp_path)), 2)


def test_unknown_flag() -> None:
    assert_one_line_error(run("export", "x", "--frobnicate"), 2)
    assert_one_line_error(run("--frobnicate"), 2)


def test_missing_required_argument() -> None:
    assert_one_line_error(run("new", "somewhere"), 2)


def test_bad_yaml_manifest(project: Path) -> None:
    (project / "recapdesk.yaml").write_text("title: [unclosed\nnetwork: x\n", "utf-8")
    proc = run("check", str(project))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stdout.startswith("recapdesk.yaml:")
    assert ": error: bad YAML" in proc.stdout
    proc = run("export", str(project), "-o", str(project.parent / "out"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert not (project.parent / "out").exists()


def test_bad_front_matter_blocks_export_unless_forced(project: Path, tmp_path: Path) -> None:
    ep = project / "episodes" / "s01e01.md"
    before = ep.read_bytes()
    ep.write_text("---\ntitle: [oops\n---\nBody\n", "utf-8")
    broken = ep.read_bytes()
    out = tmp_path / "out"
    proc = run("export", str(project), "-o", str(out))
    assert proc.returncode == 1
    assert "episodes/s01e01.md:" in proc.stderr and "nothing was written" in proc.stderr
    assert not out.exists()
    proc = run("export", str(project), "-o", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    assert ep.read_bytes() == broken != before


def test_unwritable_output(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file")
    assert_one_line_error(run("export", str(project), "-o", str(blocker / "out")), 2)
    assert_one_line_error(run("export", str(project), "-o", str(blocker)), 2)
    assert blocker.read_text() == "I am a file"


def test_refuses_to_replace_a_folder_that_is_not_an_export(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "Documents"
    mine.mkdir()
    (mine / "novel.txt").write_text("chapter one")
    assert_one_line_error(run("export", str(project), "-o", str(mine)), 2)
    assert (mine / "novel.txt").read_text() == "chapter one"


def test_export_twice_replaces_the_previous_export(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("export", str(project), "-o", str(out)).returncode == 0
    (out / "stale.html").write_text("old")
    assert run("export", str(project), "-o", str(out)).returncode == 0
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_unknown_episode_id(project: Path, tmp_path: Path) -> None:
    assert_one_line_error(run("export", str(project), "--episode", "s09e09", "-o",
                              str(tmp_path / "o")), 2)


def test_export_path_imports_no_qt(project: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from recapdesk.cli import main\n"
        f"rc = main(['export', {str(project)!r}, '-o', {str(tmp_path / 'o')!r}, '-q'])\n"
        f"rc2 = main(['check', {str(project)!r}])\n"
        "qt = sorted(m for m in sys.modules\n"
        "            if m.startswith(('PySide6', 'shiboken6', 'qtawesome')))\n"
        "print('QT', qt)\n"
        "sys.exit(rc or rc2)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "QT []" in proc.stdout


def test_export_turns_the_cycle_collector_off_only_while_it_runs(project: Path,
                                                                 tmp_path: Path) -> None:
    """`export` runs without the cycle collector (it makes almost no cyclic garbage) and
    gives it back as it found it, also when the export fails."""
    code = (
        "import gc, sys\n"
        "from recapdesk.cli import main\n"
        "import recapdesk.core.export.write as w\n"
        "seen = []\n"
        "real = w.write\n"
        "def spy(plan):\n"
        "    seen.append(gc.isenabled())\n"
        "    return real(plan)\n"
        "w.write = spy\n"
        f"ok = main(['export', {str(project)!r}, '-o', {str(tmp_path / 'o')!r}, '-q'])\n"
        "after = gc.isenabled()\n"
        "gc.disable()\n"
        f"bad = main(['export', {str(project)!r}, '-o', {str(project / 'episodes')!r}])\n"
        "print('GC', ok, seen, after, bad, gc.isenabled())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "GC 0 [False] True 2 False" in proc.stdout, proc.stdout


def test_batch_commands_exit_quickly_yet_whole(project: Path, tmp_path: Path) -> None:
    """`export` and `check` leave without the interpreter's teardown: exit handlers still
    run, buffered output still arrives and the exit code is kept."""
    mark = tmp_path / "handler-ran"
    code = (
        "import atexit, sys\n"
        "from pathlib import Path\n"
        "from recapdesk.cli import run\n"
        f"atexit.register(lambda: Path({str(mark)!r}).write_text('yes'))\n"
        "print('buffered', end='')\n"
        "sys.argv = ['recapdesk'] + sys.argv[1:]\n"
        "run()\n"
        "print('not reached')\n"
    )
    good = subprocess.run([sys.executable, "-c", code, "export", str(project), "-o",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert good.stdout == f"buffered{tmp_path / 'o' / 'index.html'}\n"
    assert good.stderr.startswith("Exported 4 page(s)")
    assert "not reached" not in good.stdout
    assert mark.read_text() == "yes"
    mark.unlink()
    bad = subprocess.run([sys.executable, "-c", code, "export", str(project), "-o",
                          str(project / "episodes")], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and mark.read_text() == "yes"
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    window = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True,
                            text=True, timeout=120)
    assert window.returncode == 0 and "recapdesk " in window.stdout
