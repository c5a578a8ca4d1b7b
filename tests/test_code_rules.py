"""Rules the code keeps, checked on the code itself: ruff is clean; only
`core/storage` writes files; the core stays out of `core/export` and Qt; no module is
over 700 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "recapdesk"
STORAGE = PACKAGE / "core" / "storage"
MAX_LINES = 700

# Calls that change the file system, by module function or by method name.
WRITING_FUNCTIONS = {
    "os": {"replace", "rename", "renames", "link", "symlink", "unlink", "remove", "removedirs",
           "rmdir", "mkdir", "makedirs", "chmod", "truncate", "open", "fdopen", "utime"},
    "shutil": {"copy", "copy2", "copyfile", "copyfileobj", "copytree", "move", "rmtree"},
    "tempfile": {"mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                 "TemporaryDirectory", "SpooledTemporaryFile"},
    "send2trash": {"send2trash"},
}
WRITING_METHODS = {"write_text", "write_bytes", "unlink", "mkdir", "rmdir", "touch",
                   "symlink_to", "hardlink_to", "chmod", "lchmod"}
WRITING_NAMES = {"send2trash", "QSaveFile", "QFile", "mkstemp", "mkdtemp"}
# What writes outside storage on purpose: not files of the writer's, nor the app's.
ALLOWED = {
    ("recapdesk/core/inspection/worker.py", "os.fdopen"): "answers go to the stdout pipe",
    ("recapdesk/cli.py", "os.open"): "stdout to /dev/null when its reader went away",
}


def python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else None
                if owner in WRITING_FUNCTIONS and func.attr in WRITING_FUNCTIONS[owner]:
                    found.append((node.lineno, f"{owner}.{func.attr}"))
                elif owner not in WRITING_FUNCTIONS and func.attr in WRITING_METHODS:
                    found.append((node.lineno, f".{func.attr}"))
            elif isinstance(func, ast.Name):
                if func.id in WRITING_NAMES:
                    found.append((node.lineno, func.id))
                elif func.id == "open" and _open_mode(node) and set(_open_mode(node)) & set("wax+"):
                    found.append((node.lineno, f"open(…, {_open_mode(node)!r})"))
        elif isinstance(node, ast.ImportFrom) and node.module in WRITING_FUNCTIONS:
            for alias in node.names:
                if alias.name in WRITING_FUNCTIONS[node.module]:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
    return found


def _open_mode(node: ast.Call) -> str:
    mode = node.args[1] if len(node.args) > 1 else next(
        (k.value for k in node.keywords if k.arg == "mode"), None)
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else ""


def test_only_storage_writes_files() -> None:
    offenders = []
    for path in python_files(PACKAGE):
        if path.is_relative_to(STORAGE):
            continue
        for line, call in _writes(ast.parse(path.read_text("utf-8"))):
            if (rel(path), call) not in ALLOWED:
                offenders.append(f"{rel(path)}:{line}: {call}")
    assert offenders == [], "files written outside core/storage:\n" + "\n".join(offenders)


def test_the_rule_finds_writes() -> None:
    """The check itself sees the usual ways of writing a file."""
    code = ("import os, shutil\nfrom pathlib import Path\n"
            "Path('a').write_text('x')\nos.replace('a', 'b')\nshutil.copyfile('a', 'b')\n"
            "open('a', 'w')\nopen('a')\nPath('d').mkdir()\n'a'.replace('b', 'c')\n")
    assert [call for _, call in _writes(ast.parse(code))] == [
        ".write_text", "os.replace", "shutil.copyfile", "open(…, 'w')", ".mkdir"]


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_the_core_never_leans_on_export_or_qt() -> None:
    offenders = []
    core = PACKAGE / "core"
    for path in python_files(core):
        inside_export = path.is_relative_to(core / "export")
        for line, name in _imports(ast.parse(path.read_text("utf-8"))):
            if name.startswith("PySide6") or (
                    not inside_export and name.startswith("recapdesk.core.export")):
                offenders.append(f"{rel(path)}:{line}: imports {name}")
    assert offenders == []


def test_no_module_is_over_700_lines() -> None:
    long = [f"{rel(p)}: {n} lines" for p in python_files(PACKAGE, REPO / "tests", REPO / "bench")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "recapdesk",
                           "tests", "bench"], cwd=REPO, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0 and "No module named ruff" in done.stderr:
        pytest.fail("ruff is not installed: install the project with its [test] extras")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_package_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages by name: a new one must be added there."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()
