"""Export on every core: worker processes write exactly what one process writes.

The pool is forced on or off by its threshold; the window's way of starting workers
(a fork server, since its process runs threads) is tried as well.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from recapdesk.core.export import workers
from recapdesk.core.export.plan import ExportOptions, plan
from recapdesk.core.export.write import export, write
from recapdesk.core.markdown.facts import forget_facts
from recapdesk.core.project import open_project

WORDS = ("the ferry left at dusk and she watched it go from the end of the pier while "
         "her grandmother's tapes played one after another").split()


def _body(n: int, stills: list[str]) -> str:
    parts = [f"## Part {n}\n"]
    for k in range(12):
        words = [WORDS[(n * 7 + k * 3 + i) % len(WORDS)] for i in range(60)]
        parts.append(" ".join(words).capitalize() + f". See [[s01e{(n % 12) + 1:02d}]].\n")
        if k % 4 == 1 and stills:
            name = stills.pop(0)
            parts.append(f"![Still {name}](../stills/{name} \"Still {n}\")\n")
    parts.append("::: spoiler\nThe twist.\n:::\n")
    return "\n".join(parts)


@pytest.fixture
def project(make_project, make_image) -> Path:
    files = {}
    for n in range(1, 13):
        stills = [f"e{n:02d}-{k}.jpg" for k in (1, 2)] if n <= 4 else []
        front = (f"---\ntitle: Episode {n}\nseason: 1\nepisode: {n}\nspoilers: minor\n"
                 f"excerpt: Episode {n} in one line.\n---\n\n")
        files[f"episodes/s01e{n:02d}.md"] = front + _body(n, list(stills))
    # a still whose alt text and caption come from stills.yaml
    files["episodes/s01e01.md"] += "\n![](../stills/e01-2.jpg)\n"
    files["stills/stills.yaml"] = ('e01-2.jpg:\n  alt: "Seo-rin on the pier"\n'
                                   '  caption: "The last ferry leaves"\n')
    root = make_project(files)
    for n in range(1, 5):
        for k in (1, 2):
            make_image(root / "stills" / f"e{n:02d}-{k}.jpg", (1920, 1080),
                       color=(40 * n, 30 * k, 90))
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cold(project: Path, out: Path, **options) -> dict[str, bytes]:
    import shutil

    shutil.rmtree(project / ".recapdesk", ignore_errors=True)
    forget_facts()
    export(open_project(project), ExportOptions(out=out, **options))
    return _tree(out)


@pytest.fixture
def pools(monkeypatch) -> list[str]:
    """The start method of every pool the export starts."""
    started: list[str] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args, mp_context=None, **kwargs):
            started.append(mp_context.get_start_method())
            super().__init__(*args, mp_context=mp_context, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Recorded)
    return started


@pytest.mark.parametrize("options", [{}, {"single_file": True}, {"fragment": True},
                                     {"spoiler_free": True}], ids=str)
def test_workers_write_the_same_bytes_as_one_process(project: Path, tmp_path: Path,
                                                     monkeypatch, pools: list[str],
                                                     options: dict) -> None:
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", math.inf)
    serial = _cold(project, tmp_path / "serial", **options)
    assert pools == []
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    parallel = _cold(project, tmp_path / "parallel", **options)
    assert pools and set(pools) == {"fork"}  # the checks, then stills and pages
    assert parallel.keys() == serial.keys()
    assert [k for k in serial if parallel[k] != serial[k]] == []
    assert sum(k.endswith(".html") for k in serial) >= 12


def test_checking_on_every_core_renders_the_bodies_from_the_same_parse(
        project: Path, tmp_path: Path, monkeypatch) -> None:
    """A site's article bodies come back from the check workers (one parse for both),
    and the pages made from them are the pages rendered afresh."""
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    forget_facts()
    the_plan = plan(open_project(project), ExportOptions(out=tmp_path / "site"))
    assert set(the_plan.bodies) == {ep.path for ep in the_plan.targets}
    with_stills = [ep for ep in the_plan.targets if the_plan.bodies[ep.path][1]]
    assert len(with_stills) == 4  # their images left as slots until placed
    shared = workers.Shared(the_plan, tmp_path / "stage", tmp_path / "cache")
    for ep in the_plan.targets:
        ahead = workers.finish_page(shared, ep, the_plan.bodies[ep.path])
        assert ahead == workers.page_html(shared, ep)
    first = workers.finish_page(shared, with_stills[0], the_plan.bodies[with_stills[0].path])
    assert "<picture>" in first
    assert 'alt="Seo-rin on the pier"' in first and "The last ferry leaves" in first
    for options in ({"fragment": True}, {"single_file": True}, {"spoiler_free": True}):
        shutil.rmtree(project / ".recapdesk", ignore_errors=True)  # checked afresh
        forget_facts()
        other = plan(open_project(project), ExportOptions(out=tmp_path / "x", **options))
        assert other.bodies == {}


@pytest.mark.parametrize("sizes", [[5] * 120, [1, 90, 3, 40, 40, 2, 7] * 5, [10, 1], [4]],
                         ids=["even", "mixed", "two", "one"])
def test_work_is_dealt_in_even_chunks_largest_first(sizes: list[int]) -> None:
    chunks = workers._chunks(list(range(len(sizes))), sizes, 2)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(sizes)))
    loads = [sum(sizes[i] + 1 for i in chunk) for chunk in chunks]
    assert loads == sorted(loads, reverse=True)
    assert len(chunks) == min(len(sizes), 2 * workers.CHUNKS_PER_WORKER)
    assert loads[0] - loads[-1] <= max(sizes) + 1  # none waits long for the last one


def test_forking_leaves_the_garbage_collector_as_it_found_it(project: Path, tmp_path: Path,
                                                           monkeypatch,
                                                           pools: list[str]) -> None:
    """Workers are forked with the objects frozen, which are given back afterwards; what
    the process froze itself (the window, once it is up) stays frozen."""
    import gc

    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    monkeypatch.setattr(workers, "_threads", lambda: 1)
    frozen_in_workers: list[int] = []
    real_pool = workers._pool

    def pool(*args):
        made = real_pool(*args)
        frozen_in_workers.append(gc.get_freeze_count())
        return made

    monkeypatch.setattr(workers, "_pool", pool)
    gc.unfreeze()
    _cold(project, tmp_path / "one")
    assert pools and set(pools) == {"fork"}
    assert frozen_in_workers and all(n > 0 for n in frozen_in_workers)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        _cold(project, tmp_path / "two")
        assert before > 0 and gc.get_freeze_count() > before // 2  # not thawed
    finally:
        gc.unfreeze()


def test_a_threaded_process_starts_its_workers_from_a_fork_server(project: Path,
                                                                  tmp_path: Path, monkeypatch,
                                                                  pools: list[str]) -> None:
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", math.inf)
    serial = _cold(project, tmp_path / "serial")
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    monkeypatch.setattr(workers, "_threads", lambda: 3)  # as in the window's export thread
    assert _cold(project, tmp_path / "parallel") == serial
    assert pools and set(pools) == {"forkserver"}


def _qt_modules() -> list[str]:
    return [m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))]


def test_workers_started_by_the_window_import_no_qt(monkeypatch) -> None:
    monkeypatch.setattr(workers, "_threads", lambda: 3)
    with ProcessPoolExecutor(1, mp_context=workers._context()) as pool:
        assert pool.submit(_qt_modules).result(timeout=120) == []


def test_the_command_line_export_imports_no_qt(project: Path, tmp_path: Path) -> None:
    code = ("import sys; from recapdesk.cli import main; "
            f"code = main(['export', {str(project)!r}, '-o', {str(tmp_path / 'o')!r}, '-q']); "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))));"
            "sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_small_export_starts_no_pool(project: Path, tmp_path: Path,
                                       pools: list[str]) -> None:
    export(open_project(project), ExportOptions(out=tmp_path / "o", episodes=["s01e09"]))
    assert pools == []


def test_cancelling_a_parallel_export_changes_nothing(project: Path, tmp_path: Path,
                                                      monkeypatch, pools: list[str]) -> None:
    out = tmp_path / "exports" / "site"
    before = _cold(project, out)
    (project / "episodes" / "s01e03.md").write_text(
        (project / "episodes" / "s01e03.md").read_text("utf-8") + "\nNew words.\n", "utf-8")
    for n in range(1, 5):
        (project / "stills" / f"e{n:02d}-1.jpg").touch()  # every still made again
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    steps = write(plan(open_project(project), ExportOptions(out=out), make_pages=True))
    for step in steps:
        if step.message.startswith("Image ") and "unchanged" not in step.message:
            break
    steps.close()
    assert pools
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]


def _stages(out: Path) -> list[str]:
    """Hidden build folders left beside an export folder."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_pages_made_while_checking_are_the_pages_of_a_serial_export(
        project: Path, tmp_path: Path, monkeypatch, make_image) -> None:
    """A site's pages are made whole by the check workers, their images placed as if no
    other recap had any; a page whose images the export names otherwise (two stills of
    one name: the later becomes `-2`) is made again, and the site is the serial one."""
    make_image(project / "episodes" / "e01-1.jpg", (1280, 720), color=(200, 10, 10))
    clash = project / "episodes" / "s01e07.md"
    clash.write_text(clash.read_text("utf-8") + "\n![Same name](e01-1.jpg)\n", "utf-8")
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", math.inf)
    serial = _cold(project, tmp_path / "serial")
    assert "images/e01-1-2.jpg" in serial
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    shutil.rmtree(project / ".recapdesk", ignore_errors=True)
    forget_facts()
    out = tmp_path / "site"
    the_plan = plan(open_project(project), ExportOptions(out=out), make_pages=True)
    stage = the_plan.stage
    assert stage is not None and stage.parent == out.parent
    made = {path.name for path in the_plan.staged}
    assert len(made) == 11 and "s01e07.md" not in made  # its still is named e01-1-2
    assert {"s01e01.md", "s01e02.md"} <= made  # pages with stills too
    assert the_plan.staged_files == {".recapdesk-export", "style.css", "icon.png",
                                     "apple-touch-icon.png"}  # made meanwhile by this process
    assert sorted(p.name for p in stage.iterdir()) == \
        sorted([*the_plan.staged.values(), *the_plan.staged_files])
    assert not set(the_plan.bodies) & set(the_plan.staged)  # their bodies stay behind
    for _ in write(the_plan):
        pass
    assert _tree(out) == serial
    assert _stages(out) == []


def test_pages_made_ahead_go_with_a_plan_that_is_not_written(
        project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0)
    out = tmp_path / "site"
    the_plan = plan(open_project(project), ExportOptions(out=out), make_pages=True)
    assert the_plan.staged and _stages(out)
    the_plan.discard()
    assert _stages(out) == [] and the_plan.take_stage() is None
    the_plan = plan(open_project(project), ExportOptions(out=out), make_pages=True)
    assert _stages(out)
    del the_plan  # dropped: its stage goes with it
    assert _stages(out) == []
    # a plan stopped by errors keeps nothing (forced later, its pages are made again)
    bad = project / "episodes" / "s01e05.md"
    bad.write_text(bad.read_text("utf-8").replace("season: 1\n", "season: one\n"), "utf-8")
    blocked = plan(open_project(project), ExportOptions(out=out), make_pages=True)
    assert blocked.blocked and blocked.stage is None and _stages(out) == []
    blocked.options.force = True
    for _ in write(blocked):
        pass
    assert (out / "s01e05.html").is_file() and _stages(out) == []
