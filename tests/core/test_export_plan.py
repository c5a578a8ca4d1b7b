"""Planning an export: the episodes asked for, problems that block it unless forced, and
the output folder it may write to."""

from __future__ import annotations

from pathlib import Path

import pytest

from recapdesk.core.export.plan import ExportError, ExportOptions, ExportPlan, plan
from recapdesk.core.export.write import export, write
from recapdesk.core.project import open_project
from tests.core.conftest import (
    FINAL_PAGES,
    append_body,
    copy_sample,
    html_files,
    run_export,
    siblings,
    tree_hashes,
)

# --- episodes ---------------------------------------------------------------------

def test_unknown_episode_is_refused(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    with pytest.raises(ExportError):
        plan(open_project(root), ExportOptions(out=tmp_path / "o", episodes=["s09e09"]))
    assert not (tmp_path / "o").exists()


# --- errors and forcing -----------------------------------------------------------

def broken_sample(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "p")
    append_body(root, "s01e01", "\n![A missing still](../stills/not-there.jpg)\n")
    return root


def test_errors_block_export(tmp_path: Path) -> None:
    root = broken_sample(tmp_path)
    out = tmp_path / "out" / "site"
    the_plan = plan(open_project(root), ExportOptions(out=out))
    assert isinstance(the_plan, ExportPlan)
    assert the_plan.blocked
    assert any(p.is_error and p.path == "episodes/s01e01.md" for p in the_plan.problems)
    with pytest.raises(ExportError):
        for _ in write(the_plan):
            pass
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    assert not out.exists()


def test_errors_leave_previous_export_untouched(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e01", "\n[[no-such-recap]]\n")
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]


def test_force_exports_despite_errors(tmp_path: Path) -> None:
    root = broken_sample(tmp_path)
    out = tmp_path / "o"
    the_plan = plan(open_project(root), ExportOptions(out=out, force=True))
    assert not the_plan.blocked
    assert any(p.is_error for p in the_plan.problems)
    steps = list(write(the_plan))
    assert steps
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])


def test_errors_in_episodes_not_exported_do_not_block(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    append_body(root, "s01e01", "\n[[no-such-recap]]\n")
    the_plan = plan(open_project(root), ExportOptions(out=tmp_path / "o",
                                                      episodes=["s01e02"]))
    assert not the_plan.blocked


# --- output folder safety ---------------------------------------------------------

def test_non_export_folder_is_refused(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = tmp_path / "documents"
    out.mkdir()
    (out / "taxes.txt").write_text("important")
    (out / "index.html").write_text("<p>my own site</p>")
    before = tree_hashes(out)
    with pytest.raises(ExportError):
        plan(open_project(root), ExportOptions(out=out))
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out))
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=out, force=True, episodes=["s01e01"]))
    assert tree_hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "taxes.txt"]
    assert siblings(out) == ["documents", "p"]


def test_output_cannot_be_a_file(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    target = tmp_path / "file.html"
    target.write_text("x")
    with pytest.raises(ExportError):
        export(open_project(root), ExportOptions(out=target))
    assert target.read_text() == "x"


def test_output_cannot_be_the_project_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    before = tree_hashes(root)
    for out in (root, root / ".", tmp_path, root / "episodes", root / "stills" / "x",
                root / ".recapdesk" / "out"):
        with pytest.raises(ExportError):
            export(open_project(root), ExportOptions(out=out, force=True))
    assert tree_hashes(root) == before


def test_default_output_is_project_export_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    result = export(open_project(root), ExportOptions())
    assert result.out == open_project(root).root / "export"
    assert (root / "export" / "index.html").is_file()
    # a second export into the same default folder works (it is a RecapDesk export)
    export(open_project(root), ExportOptions())
    assert html_files(root / "export") == sorted(["index.html", *FINAL_PAGES])
