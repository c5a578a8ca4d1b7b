"""`recapdesk seo PROJECT [--episode ID …] [--json]`: a report or JSON per recap; exit 0,
1 when a recap has a problem, 2 for bad usage; no file changes, no Qt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recapdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "recapdesk", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "Last Ferry"
    shutil.copytree(SAMPLE, dest)
    return dest


def test_json_for_every_recap_exit_0(project: Path, capsys: pytest.CaptureFixture) -> None:
    before = files(project)
    assert main(["seo", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["s01e01", "s01e02", "s01e03", "s01e04"]
    for result in data.values():
        assert set(result) == {"checks", "flesch", "score"}
        assert result["score"] in ("good", "ok", "problem")
        assert isinstance(result["flesch"], float)
        for item in result["checks"]:
            assert set(item) == {"id", "status", "message"}
            assert item["status"] in ("good", "ok", "problem")
        assert [c["id"] for c in result["checks"]][-1] == "names"
    assert files(project) == before


def test_a_problem_gives_exit_1_and_a_readable_report(project: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    path = project / "episodes" / "s01e02.md"
    path.write_text(path.read_text("utf-8").replace("Jun-ho", "Junho", 1), "utf-8")
    before = files(project)
    assert main(["seo", str(project), "--episode", "s01e02"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("s01e02  Last Ferry to Udo Episode 2 Recap")
    assert "Flesch reading ease" in out
    line = next(ln for ln in out.splitlines() if ln.split()[1:2] == ["names"])
    assert line.split()[0] == "problem" and "“Junho” → “Jun-ho”" in line
    assert "episodes/s01e02.md:" in line
    assert files(project) == before


def test_episode_filter_and_json_problem(project: Path, capsys: pytest.CaptureFixture
                                         ) -> None:
    path = project / "episodes" / "s01e03.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("keyphrase: \"Last Ferry to Udo Episode 3\"",
                                 "keyphrase: \"Last Ferry to Udo Episode 4\""), "utf-8")
    assert main(["seo", str(project), "--episode", "s01e03", "S01E04", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["s01e03", "s01e04"]
    for result in data.values():
        reused = next(c for c in result["checks"] if c["id"] == "keyphrase-reused")
        assert reused["status"] == "problem"
        assert result["score"] == "problem"


def test_missing_project_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = run("seo", str(tmp_path / "nowhere"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1


@pytest.mark.parametrize("args", [["seo"], ["seo", "PROJECT", "--episode", "s09e09"],
                                  ["seo", "PROJECT", "--bogus"]])
def test_bad_usage_is_one_line_exit_2(project: Path, args: list[str],
                                      capsys: pytest.CaptureFixture) -> None:
    args = [str(project) if a == "PROJECT" else a for a in args]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert len([ln for ln in captured.err.splitlines() if ln.strip()]) == 1
    assert "Traceback" not in captured.err and captured.out == ""


def test_seo_imports_no_qt(project: Path) -> None:
    code = ("import sys; from recapdesk.cli import main; rc = main(['seo', sys.argv[1], "
            "'--json']); qt = sorted(m for m in sys.modules if m.startswith('PySide6')); "
            "print('QT', qt, file=sys.stderr); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "QT []" in proc.stderr


def test_export_carries_no_keyphrase(make_project, capsys: pytest.CaptureFixture,
                                     tmp_path: Path) -> None:
    text = ('---\ntitle: "Quiet Show Episode 1 Recap"\nseason: 1\nepisode: 1\n'
            'excerpt: "A quiet first episode of Quiet Show, with a harbour, a horn and a '
            'long wait for the last boat of the evening to come home."\n'
            'keyphrase: "zanzibar quokka harmonica"\n---\n\nThe harbour waits.\n')
    root = make_project({"episodes/s01e01.md": text})
    out = tmp_path / "site"
    assert main(["export", str(root), "-o", str(out), "--quiet"]) == 0
    capsys.readouterr()
    page = next(p for p in out.rglob("*.html") if p.name != "index.html")
    html = page.read_text("utf-8")
    assert '<meta name="description" content="A quiet first episode of Quiet Show' in html
    for written in out.rglob("*"):
        if written.is_file():
            data = written.read_bytes().lower()
            assert b"quokka" not in data and b"keyphrase" not in data
