"""The hostile corpus (tests/fuzz/hostile.py) through the command line.

`check` and `export` on broken and hostile projects: the problems come as one line
each (`path:line: level: message`), failures as one clear line, never a traceback;
nothing outside the project is read (every file the process opens is recorded) or
copied; no source file is changed; the exported HTML is well-formed and runs nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from recapdesk import cli
from tests.fuzz.conftest import MANIFEST_MESSAGES, assert_page_safe
from tests.fuzz.hostile import (
    SECRET_WORDS,
    OpenAudit,
    big_episode_project,
    broken_manifests,
    hostile_project,
    snapshot,
)

PROBLEM = re.compile(r"^[^\n:]+:\d+: (error|warning): [^\n]+$")
SUMMARY = re.compile(r"^\d+ error\(s\), \d+ warning\(s\)$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    base = tmp_path_factory.mktemp("hostile")
    root, secret = hostile_project(base)
    return root, secret, broken_manifests(base, secret)


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[str], list[str]]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), [line for line in err.splitlines() if line.strip()]


def assert_no_crash(out: list[str], err: list[str]) -> None:
    text = "\n".join(out + err)
    assert "Traceback" not in text and "unexpected error" not in text, text[-2000:]


def test_check_lists_every_problem_on_one_line(corpus, capsys) -> None:
    root, secret, _ = corpus
    before = snapshot(root)
    with OpenAudit().watching() as audit:
        code, out, err = run_cli(capsys, "check", str(root))
    assert code == 1
    assert_no_crash(out, err)
    assert out and all(PROBLEM.match(line) for line in out), out
    assert SUMMARY.match(err[-1])
    problems = "\n".join(out)
    for expected in ("episodes/s01e02.md:2: error: not a UTF-8 text file",
                     "episodes/s01e03.md:1: error: not a UTF-8 text file",
                     "episodes/link.md:1: error: links to a file outside the project",
                     "episodes/s01e04.md:3: error: bad front matter",
                     "episodes/s01e05.md:1: error: front matter starts with --- but is never",
                     "episodes/s01e10.md:3: error: YAML aliases",
                     "episodes/s01e09.md:7: error: image is outside the project folder",
                     "episodes/s01e09.md:13: error: image links to a file outside the project"):
        assert expected in problems, expected
    assert audit.under(secret) == []
    assert SECRET_WORDS not in problems
    assert snapshot(root) == before


def test_forced_export_is_safe_and_copies_nothing_from_outside(corpus, capsys,
                                                               tmp_path: Path) -> None:
    root, secret, _ = corpus
    before = snapshot(root)
    out_dir = tmp_path / "site"
    with OpenAudit().watching() as audit:
        code, out, err = run_cli(capsys, "export", str(root), "--force", "-o", str(out_dir),
                                 "--quiet")
    assert_no_crash(out, err)
    assert code == 0, err
    assert all(PROBLEM.match(line) for line in err), err
    assert out == [str(out_dir / "index.html")]
    assert audit.under(secret) == []
    assert snapshot(root) == before
    secret_bytes = [p.read_bytes() for p in secret.iterdir()]
    import html5lib

    for page in sorted(out_dir.rglob("*")):
        assert not page.is_symlink()
        if not page.is_file():
            continue
        data = page.read_bytes()
        assert SECRET_WORDS.encode() not in data
        assert not any(s in data for s in secret_bytes)
        if page.suffix == ".html":
            doc = html5lib.HTMLParser(namespaceHTMLElements=False).parse(data.decode())
            assert_page_safe(doc)


@pytest.mark.parametrize("variant", [["--single-file"], ["--fragment"], ["--spoiler-free"]])
def test_export_variants_of_the_hostile_project(corpus, capsys, tmp_path: Path,
                                                variant: list[str]) -> None:
    root, secret, _ = corpus
    with OpenAudit().watching() as audit:
        code, out, err = run_cli(capsys, "export", str(root), "--force", "-q",
                                 "-o", str(tmp_path / "o"), *variant)
    assert_no_crash(out, err)
    assert code == 0
    assert audit.under(secret) == []
    for page in (tmp_path / "o").glob("*.html"):
        text = page.read_text("utf-8")
        assert SECRET_WORDS not in text
        import html5lib

        assert_page_safe(html5lib.HTMLParser(namespaceHTMLElements=False).parse(text))


def test_unforced_export_refuses_in_one_line(corpus, capsys, tmp_path: Path) -> None:
    root, _, _ = corpus
    code, out, err = run_cli(capsys, "export", str(root), "-o", str(tmp_path / "o"))
    assert_no_crash(out, err)
    assert code == 1
    assert err[-1].startswith("recapdesk export: ") and "nothing was written" in err[-1]
    assert all(PROBLEM.match(line) for line in err[:-1])
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("case", list(MANIFEST_MESSAGES))
def test_broken_manifest(corpus, capsys, tmp_path: Path, case: str) -> None:
    _, secret, manifests = corpus
    root = manifests[case]
    before = snapshot(root)
    with OpenAudit().watching() as audit:
        code, out, err = run_cli(capsys, "check", str(root))
        assert_no_crash(out, err)
        assert code == 1
        assert all(PROBLEM.match(line) for line in out)
        assert any(line.startswith("recapdesk.yaml:") and MANIFEST_MESSAGES[case] in line
                   for line in out), out
        code, out, err = run_cli(capsys, "export", str(root), "-o", str(tmp_path / "o"))
        assert_no_crash(out, err)
        assert code == 1 and "nothing was written" in err[-1]
    assert audit.under(secret) == []
    assert snapshot(root) == before


@pytest.mark.parametrize("args", [["check", "{missing}"], ["export", "{missing}"],
                                  ["check", "{file}"], ["export", "{root}", "-o", "{root}"],
                                  ["export", "{root}", "-o", "{inside}"]])
def test_bad_paths_are_one_line(corpus, capsys, tmp_path: Path, args: list[str]) -> None:
    root, _, _ = corpus
    values = {"missing": str(tmp_path / "nope"), "file": str(root / "recapdesk.yaml"),
              "root": str(root), "inside": str(root / "episodes" / "out")}
    code, out, err = run_cli(capsys, *[a.format(**values) for a in args])
    assert_no_crash(out, err)
    assert code in (1, 2)
    assert len(err) == 1 or all(PROBLEM.match(line) for line in err[:-1])


def test_five_megabyte_episode(capsys, tmp_path: Path) -> None:
    root = big_episode_project(tmp_path)
    before = snapshot(root)
    code, out, err = run_cli(capsys, "check", str(root))
    assert_no_crash(out, err)
    assert code in (0, 1) and all(PROBLEM.match(line) for line in out)
    code, out, err = run_cli(capsys, "export", str(root), "-q", "-o", str(tmp_path / "o"))
    assert_no_crash(out, err)
    assert code == 0
    assert (tmp_path / "o" / "s01e02.html").stat().st_size > 4 * 1024 * 1024
    assert snapshot(root) == before


def test_real_process_never_prints_a_traceback(corpus, tmp_path: Path) -> None:
    root, _, manifests = corpus
    for args in (["check", str(root)], ["export", str(root), "--force", "-q", "-o",
                                        str(tmp_path / "o")],
                 ["check", str(manifests["bad_yaml"])]):
        proc = subprocess.run([sys.executable, "-m", "recapdesk", *args], capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr + proc.stdout
