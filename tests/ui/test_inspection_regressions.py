"""The inspection worker and service where they once went wrong: a failure that must come
back from the real worker, a worker that cannot start, the project checked once per
token in-process, and an old project's answer after a switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from recapdesk.core.inspection import InspectionJob, Inspector
from recapdesk.core.inspection import inspector as inspector_module
from recapdesk.core.inspection.worker import InspectionProcess, WorkerGone
from recapdesk.core.project import open_project
from recapdesk.core.textfile import read_text
from recapdesk.ui import inspection as inspection_service
from recapdesk.ui.inspection import InspectionService, Snapshot


def test_a_job_failing_in_the_real_worker_comes_back(sample_project: Path) -> None:
    """The worker is started with its module imported by name, so the InspectionFailure it
    pickles unpickles here: the failed job comes back and the next one is answered."""
    series = open_project(sample_project)
    path = series.episodes[0].path
    process = InspectionProcess()
    try:
        bad = process.submit(InspectionJob(1, 1, series, {path: None}))  # raises in the worker
        after = process.submit(InspectionJob(2, 1, None, {path: "---\ntitle: A\n---\n\nok\n"}))
        error = bad.exception(timeout=20)
        assert isinstance(error, RuntimeError) and not isinstance(error, WorkerGone)
        assert after.result(timeout=20).serial == 2
    finally:
        process.close()


def test_submit_to_a_worker_that_cannot_start_returns_a_failed_future(tmp_path: Path,
                                                                     sample_project: Path
                                                                     ) -> None:
    """submit() to a worker that cannot start fails the future (it does not raise)."""
    process = InspectionProcess(python=str(tmp_path / "no-such-python"))
    future = process.submit(InspectionJob(1, 1, open_project(sample_project), {}))
    assert isinstance(future.exception(timeout=5), WorkerGone)


def test_the_service_falls_back_when_the_worker_cannot_start(qtbot, tmp_path: Path,
                                                             sample_project: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """A worker that cannot start: the inspection runs in-process; request() never raises."""
    monkeypatch.setattr(inspection_service, "_shared", None)
    monkeypatch.setattr(inspection_service, "_restarts", 0)
    monkeypatch.setattr(inspection_service, "InspectionProcess",
                        lambda: InspectionProcess(python=str(tmp_path / "no-such-python")))
    series = open_project(sample_project)
    texts = {ep.path: read_text(ep.path)[0] for ep in series.episodes}
    service = InspectionService(lambda: Snapshot(series, texts, frozenset()))
    service.request(checks=True)
    qtbot.waitUntil(lambda: not service.busy and service.last is not None, timeout=10_000)
    assert service.last.problems is not None and service.local_runs == 1


def test_the_project_is_not_checked_again_for_the_same_token(sample_project: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """A job that carries the same series under the same token (every in-process inspection
    does) does not check the whole project again."""
    calls: list = []
    real = inspector_module.check
    monkeypatch.setattr(inspector_module, "check", lambda s: calls.append(s) or real(s))
    series = open_project(sample_project)
    inspector = Inspector()
    for serial in (1, 2, 3):
        inspector.inspect(InspectionJob(serial, 1, series, {}, checks=True))
    assert len(calls) == 1


def test_an_in_process_service_checks_the_project_once(qtbot, sample_project: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (use_worker=False): one check(series) for three pauses."""
    calls: list = []
    real = inspector_module.check
    monkeypatch.setattr(inspector_module, "check", lambda s: calls.append(s) or real(s))
    series = open_project(sample_project)
    path = series.episodes[0].path
    texts = {path: read_text(path)[0]}
    service = InspectionService(lambda: Snapshot(series, dict(texts), frozenset()),
                            use_worker=False)
    for n in range(3):
        texts[path] += f"\nedit {n}\n"
        service.request(checks=True)
        qtbot.waitUntil(lambda: not service.busy, timeout=10_000)
    assert service.local_runs == 3
    assert len(calls) == 1


def test_an_old_project_s_answer_is_not_shown_after_a_switch(qtbot, tmp_path: Path,
                                                             sample_project: Path,
                                                             make_project,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """An answer for the project shown before open_project() switched is not shown (the
    window asks again for the new one)."""
    import os
    import signal

    from tests.ui.conftest import (
        editor_of,
        inspected,
        new_window,
        show,
        type_paragraph,
    )

    monkeypatch.setattr(inspection_service, "_shared", None)
    monkeypatch.setattr(inspection_service, "_restarts", 0)
    window = new_window(qtbot, tmp_path / "settings.ini")
    window.open_project(sample_project, episode="s01e01")
    show(qtbot, window)
    inspected(qtbot, window)
    shown: list = []
    real = window.problems.set_problems
    window.problems.set_problems = lambda ps: (shown.append(list(ps)), real(ps))[1]
    process = inspection_service._shared
    try:
        os.kill(process.pid, signal.SIGSTOP)  # hold the next answer back
        sent = window.inspection.jobs_sent
        type_paragraph(qtbot, editor_of(window), "See [[s09e09]]")
        window.run_checks()
        qtbot.waitUntil(lambda: window.inspection.jobs_sent > sent)
        other = make_project({"episodes/beta.md": "---\ntitle: B\nseason: 1\nepisode: 1\n"
                                                  "excerpt: x\n---\n\nHi.\n"})
        window.open_project(other, episode="s01e01")
        os.kill(process.pid, signal.SIGCONT)
        inspected(qtbot, window)
    finally:
        process.close()
    paths = {p.path for problems in shown for p in problems}
    assert paths <= {"episodes/beta.md"}
