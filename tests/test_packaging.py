"""The wheel carries its resources: built, installed in a fresh venv, it exports the sample."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_exports_the_sample(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(dist)], check=True, timeout=300,
                   cwd=tmp_path)
    wheel = next(dist.glob("recapdesk-*.whl"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(py), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()
    # dependencies come from the test environment; recapdesk itself only from the wheel
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=300)

    where = subprocess.run([str(py), "-c", "import recapdesk; print(recapdesk.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert where.startswith(str(env_dir)), where
    # every package of the source tree is in the wheel (the window's too)
    packages = sorted(".".join(p.parent.relative_to(ROOT).parts)
                      for p in (ROOT / "recapdesk").rglob("__init__.py"))
    code = "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]"
    proc = subprocess.run([str(py), "-c", code, *packages], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr

    project = tmp_path / "copy"
    shutil.copytree(ROOT / "resources" / "sample", project)
    out = tmp_path / "out"
    proc = subprocess.run([str(env_dir / "bin" / "recapdesk"), "export", str(project), "-o",
                           str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file() and (out / "style.css").is_file()
    assert "<!DOCTYPE html>" in (out / "s01e01.html").read_text("utf-8")

    proc = subprocess.run([str(env_dir / "bin" / "recapdesk"), "new", str(tmp_path / "fresh"),
                           "--title", "Fresh"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fresh" / "episodes" / "s01e01.md").is_file()
