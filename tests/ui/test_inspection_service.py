"""The inspection service (`recapdesk.ui.inspection`) and the window's use of it: jobs
coalesced while one is out, answers on the UI thread, the in-process fallback when the
worker dies, and windows on different projects sharing the one worker.

Each test gets a worker process of its own (`worker` fixture: the application's shared
one is set aside and restored); everything waits on conditions, never on durations.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings

from recapdesk.core.checks import check, check_episode
from recapdesk.core.inspection import InspectionJob, InspectionResult, Inspector
from recapdesk.core.inspection.inspector import KEEP_SERIES
from recapdesk.core.inspection.worker import InspectionProcess
from recapdesk.core.model import Problem, Series
from recapdesk.core.outline import count_recap_words, reading_minutes
from recapdesk.core.project import episode_from_text, open_project
from recapdesk.core.stills import usages
from recapdesk.core.textfile import read_text
from recapdesk.ui import inspection as inspection_service
from recapdesk.ui.inspection import MAX_RESTARTS, InspectionService, Snapshot, shared_process
from recapdesk.ui.main_window import MainWindow
from recapdesk.ui.outline import WORDS_ROLE
from tests.ui.conftest import FakeDialogs, editor_of, episode_path, inspected, show, type_paragraph

WAIT = 30_000  # ms: generous deadlines for qtbot.waitUntil


# --- helpers ----------------------------------------------------------------------------

def old_problems(series: Series, texts: Mapping[Path, str],
                 readonly: frozenset[Path] = frozenset()) -> list[Problem]:
    """The Problems panel as the window computed it before the inspection service."""
    open_rel = {series.rel(path) for path in texts}
    problems = [p for p in check(series) if p.path not in open_rel]
    for path, text in texts.items():
        if path not in readonly:
            problems.extend(check_episode(series, episode_from_text(path, text)[0]))
    problems.sort(key=lambda p: (p.path, p.line))
    return problems


def local_inspection(series: Series, job: InspectionJob) -> InspectionResult:
    """What an in-process Inspector answers to `job` (which may have left the series out)."""
    return Inspector().inspect(InspectionJob(job.serial, job.token, series, dict(job.texts),
                                       job.readonly, job.checks))


class Texts:
    """A window's open texts, editable by the test; the service's snapshot."""

    def __init__(self, series: Series, codes: tuple[str, ...] = ("s01e01", "s01e02")) -> None:
        self.series = series
        self.texts: dict[Path, str] = {}
        for code in codes:
            ep = series.find_episode(code)
            assert ep is not None
            self.texts[ep.path] = read_text(ep.path)[0]
        self.readonly: frozenset[Path] = frozenset()
        self.gone = False

    @property
    def first(self) -> Path:
        return next(iter(self.texts))

    def add(self, words: str, path: Path | None = None) -> None:
        path = path or self.first
        self.texts[path] += f"\n{words}\n"

    def snapshot(self) -> Snapshot | None:
        if self.gone:
            return None
        return Snapshot(self.series, dict(self.texts), self.readonly)


class Answers:
    """What a service's `inspected` signal delivered, and on which thread."""

    def __init__(self, service: InspectionService) -> None:
        self.got: list[tuple[InspectionJob, InspectionResult]] = []
        self.threads: list[bool] = []
        service.inspected.connect(self._inspected)

    def _inspected(self, job: InspectionJob, result: InspectionResult) -> None:
        self.threads.append(threading.current_thread() is threading.main_thread())
        self.got.append((job, result))

    @property
    def last(self) -> tuple[InspectionJob, InspectionResult]:
        return self.got[-1]


def settled(qtbot, service: InspectionService) -> None:
    qtbot.waitUntil(lambda: not service.busy, timeout=WAIT)


def assert_answer(series: Series, job: InspectionJob, result: InspectionResult,
                  texts: Texts | None = None) -> None:
    """`result` is what an in-process inspection of `job` gives (and, with `texts`, of the
    texts as they are now)."""
    assert result == local_inspection(series, job)
    if texts is not None:
        assert job.texts == texts.texts and job.readonly == texts.readonly
        for path, text in texts.texts.items():
            assert result.texts[path].analysis.words == count_recap_words(text)
        if job.checks:
            assert result.problems == old_problems(series, texts.texts, texts.readonly)
            assert result.usages == usages(
                series, {p: t for p, t in texts.texts.items() if p not in texts.readonly})


def stop(pid: int) -> None:
    """Freeze the worker: what is sent to it now stays unanswered."""
    os.kill(pid, signal.SIGSTOP)


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[InspectionProcess]]:
    """The application's worker set aside: this test starts its own (all listed, in
    order), with the full restart allowance; each is closed afterwards."""
    started: list[InspectionProcess] = []

    def start() -> InspectionProcess:
        process = InspectionProcess()
        started.append(process)
        return process

    monkeypatch.setattr(inspection_service, "_shared", None)
    monkeypatch.setattr(inspection_service, "_restarts", 0)
    monkeypatch.setattr(inspection_service, "InspectionProcess", start)
    try:
        yield started
    finally:
        for process in started:
            process.close()


@pytest.fixture
def no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """No worker process may be started."""

    def refuse() -> InspectionProcess:
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(inspection_service, "_shared", None)
    monkeypatch.setattr(inspection_service, "InspectionProcess", refuse)


@pytest.fixture
def series(sample_project: Path) -> Series:
    return open_project(sample_project)


@pytest.fixture
def window_on(qtbot, settings_file: Path) -> Callable[..., MainWindow]:
    """`window_on(project, episode="s01e01", use_worker=True)`: a shown window whose
    first inspection (with checks) has come back."""

    def factory(project: Path, episode: str | None = "s01e01", *,
                use_worker: bool = True) -> MainWindow:
        window = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.dialogs = FakeDialogs()
        window.inspection.use_worker = use_worker
        window.open_project(project, episode=episode)
        show(qtbot, window)
        inspected(qtbot, window)
        return window

    return factory


# --- the service ------------------------------------------------------------------------

def test_requests_while_a_job_is_out_make_one_next_job(qtbot, worker: list[InspectionProcess],
                                                       series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request()
    assert service.busy and service.jobs_sent == 1
    for n in range(6):
        texts.add(f"typed word number {n}")
        service.request()
        assert service.jobs_sent == 1  # the job out is not joined by another
    settled(qtbot, service)
    assert service.jobs_sent == 2 and len(answers.got) == 2
    job, result = answers.last
    assert "typed word number 5" in job.texts[texts.first]  # the newest texts
    assert_answer(series, job, result, texts)
    assert service.last is result and service.local_runs == 0
    assert len(worker) == 1


def test_checks_asked_while_busy_are_not_lost(qtbot, worker: list[InspectionProcess],
                                              series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request()
    texts.add("See [[s09e09]] now.")
    service.request(checks=True)
    texts.add("More words.")
    service.request()  # a later request without checks does not drop them
    settled(qtbot, service)
    assert [job.checks for job, _ in answers.got] == [False, True]
    job, result = answers.last
    assert result.problems is not None
    assert any("[[s09e09]]" in p.message for p in result.problems)
    assert_answer(series, job, result, texts)
    assert answers.got[0][1].problems is None  # the first job did not ask for them


def test_answers_come_on_the_ui_thread_in_order(qtbot, worker: list[InspectionProcess],
                                                series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    for n in range(4):
        texts.add(f"round {n}")
        service.request(checks=n % 2 == 1)
        settled(qtbot, service)
    assert answers.threads and all(answers.threads)
    serials = [result.serial for _, result in answers.got]
    assert serials == sorted(serials) and len(serials) == service.jobs_sent == 4
    for job, result in answers.got:
        assert result.serial == job.serial
        assert_answer(series, job, result)
    # the project went to the worker once; later jobs leave it out
    assert [job.series is not None for job, _ in answers.got] == [True, False, False, False]


def test_an_answer_for_a_deleted_service_is_dropped(qtbot, worker: list[InspectionProcess],
                                                    series: Series) -> None:
    """Windows closed while their job is out (the answer arrives on the reader thread
    as the service is being destroyed): the answer is dropped, nothing else happens."""
    texts = Texts(series)
    survivor = InspectionService(texts.snapshot)
    answers = Answers(survivor)
    gone = []
    for _ in range(12):
        service = InspectionService(texts.snapshot)
        service.request()
        assert service.busy
        gone.append(service)
        shiboken6.delete(service)  # as a closed window's children are, at once
    survivor.request()
    settled(qtbot, survivor)
    qtbot.wait(200)  # the deleted services' answers arrive and are dropped
    assert len(answers.got) == 1
    assert_answer(series, *answers.last, texts)
    assert not any(shiboken6.isValid(s) for s in gone)


def test_without_the_worker_everything_runs_in_process(qtbot, no_worker: None,
                                                       series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot, use_worker=False)
    answers = Answers(service)
    texts.add("See [[s09e09]].")
    service.request(checks=True)
    assert len(answers.got) == 1  # answered at once
    assert not service.busy and service.jobs_sent == 0 and service.local_runs == 1
    assert_answer(series, *answers.last, texts)
    texts.add("more")
    service.request()
    settled(qtbot, service)
    assert service.local_runs == 2 and service.jobs_sent == 0
    assert_answer(series, *answers.last, texts)
    assert inspection_service._shared is None


def test_inspect_now_answers_in_process(qtbot, no_worker: None, series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    result = service.inspect_now()
    assert result is not None and answers.got == [(answers.last[0], result)]
    assert result.problems is not None and service.local_runs == 1
    assert_answer(series, answers.last[0], result, texts)
    texts.gone = True
    assert service.inspect_now() is None


def test_without_a_project_nothing_is_sent(qtbot, worker: list[InspectionProcess],
                                           series: Series) -> None:
    texts = Texts(series)
    texts.gone = True
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request(checks=True)
    assert not service.busy and service.jobs_sent == 0 and answers.got == []
    texts.gone = False
    service.request(checks=True)
    settled(qtbot, service)
    assert service.jobs_sent == 1
    assert_answer(series, *answers.last, texts)


def test_a_new_project_gets_a_new_token(qtbot, worker: list[InspectionProcess],
                                        sample_project: Path) -> None:
    """The project read again (or its stills re-read) is sent again: the worker checks
    the new one, not what it kept of the old."""
    series = open_project(sample_project)
    texts = Texts(series)
    texts.add("Next: [[s01e05]].")
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request(checks=True)
    settled(qtbot, service)
    assert any("[[s01e05]]" in p.message for p in answers.last[1].problems or [])

    episode_path(sample_project, "s01e05").write_text(
        "---\ntitle: Five\nseason: 1\nepisode: 5\nstatus: final\nexcerpt: x\n---\n\nHi.\n",
        "utf-8")
    fresh = open_project(sample_project)
    texts.series = fresh
    service.request(checks=True)
    settled(qtbot, service)
    job, result = answers.last
    assert job.series is fresh and job.token != answers.got[0][0].token
    assert not any("[[s01e05]]" in p.message for p in result.problems or [])
    assert_answer(fresh, job, result, texts)

    fresh.stills = dict(fresh.stills)  # stills.yaml re-read: sent again too
    service.request(checks=True)
    settled(qtbot, service)
    assert answers.last[0].series is fresh and answers.last[0].token != job.token


def test_a_project_the_worker_forgot_is_sent_again(qtbot, worker: list[InspectionProcess],
                                                   sample_project: Path) -> None:
    """More projects than the worker keeps: the first one's next job comes back
    `unknown_series`, and the service sends it again with the project."""
    texts = [Texts(open_project(sample_project)) for _ in range(KEEP_SERIES + 1)]
    services = [InspectionService(t.snapshot) for t in texts]
    answers = [Answers(s) for s in services]
    for service in services:
        service.request()
        settled(qtbot, service)
    texts[0].add("After the others.")
    services[0].request(checks=True)
    settled(qtbot, services[0])
    assert services[0].jobs_sent == 3  # its first, the one that came back, the resend
    jobs = [job for job, _ in answers[0].got]
    assert len(jobs) == 2 and jobs[1].series is texts[0].series  # only real answers
    assert not answers[0].last[1].unknown_series
    assert_answer(texts[0].series, *answers[0].last, texts[0])
    assert len(worker) == 1


def test_a_killed_worker_falls_back_then_restarts(qtbot, worker: list[InspectionProcess],
                                                  series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request(checks=True)
    settled(qtbot, service)
    pid = worker[0].pid
    assert pid is not None

    stop(pid)  # the next job is out and cannot be answered...
    texts.add("See [[s09e09]] while it dies.")
    service.request(checks=True)
    qtbot.waitUntil(lambda: service.jobs_sent == 2, timeout=WAIT)  # after the gap
    assert service.busy
    kill(pid)  # ...until the worker is gone: it is inspected in-process
    settled(qtbot, service)
    assert service.local_runs == 1
    assert any("[[s09e09]]" in p.message for p in answers.last[1].problems or [])
    assert_answer(series, *answers.last, texts)
    assert not worker[0].alive

    texts.add("And later on.")  # the next job starts a new worker
    service.request(checks=True)
    settled(qtbot, service)
    assert len(worker) == 2 and worker[1].pid not in (None, pid)
    assert service.jobs_sent == 3 and service.local_runs == 1
    assert answers.last[0].series is series  # the new worker is sent the project
    assert_answer(series, *answers.last, texts)
    assert inspection_service._restarts == 1


def test_after_too_many_deaths_inspections_stay_in_process(qtbot, worker: list[InspectionProcess],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       series: Series) -> None:
    texts = Texts(series)
    service = InspectionService(texts.snapshot)
    answers = Answers(service)
    service.request(checks=True)
    settled(qtbot, service)
    monkeypatch.setattr(inspection_service, "_restarts", MAX_RESTARTS)
    pid = worker[0].pid
    assert pid is not None
    kill(pid)
    qtbot.waitUntil(lambda: not worker[0].alive, timeout=WAIT)
    assert shared_process() is None
    for n in range(3):
        texts.add(f"in-process {n} [[s09e0{n}]]")
        service.request(checks=True)
        settled(qtbot, service)
        assert_answer(series, *answers.last, texts)
    assert len(worker) == 1 and service.jobs_sent == 1 and service.local_runs == 3


def test_two_projects_share_the_worker_apart(qtbot, worker: list[InspectionProcess],
                                             make_project) -> None:
    """Two services at once on two projects: tokens are unique, so the one worker never
    mixes them up, with both asking before either is answered and the project left out."""
    front = "---\ntitle: {t}\nseason: 1\nepisode: {n}\nexcerpt: x\n---\n\n"
    one = open_project(make_project({"episodes/alpha.md": front.format(t="A", n=1)
                                     + "See [[s09e09]].\n"}))
    two = open_project(make_project({"episodes/beta.md": front.format(t="B", n=1)
                                     + "# Loud\n"}))
    texts = [Texts(one, ("s01e01",)), Texts(two, ("s01e01",))]
    services = [InspectionService(t.snapshot) for t in texts]
    answers = [Answers(s) for s in services]
    for n in range(4):
        for t, service in zip(texts, services, strict=True):
            t.add(f"edit {n} [[s08e0{n}]]")
            service.request(checks=True)
        assert all(s.busy for s in services)
        for service in services:
            settled(qtbot, service)
        for t, a in zip(texts, answers, strict=True):
            job, result = a.last
            assert_answer(t.series, job, result, t)
    for a, own in zip(answers, ("episodes/alpha.md", "episodes/beta.md"), strict=True):
        problems = [p for _, result in a.got for p in result.problems or []]
        assert problems and {p.path for p in problems} == {own}
    assert answers[0].got[0][0].token != answers[1].got[0][0].token
    assert len(worker) == 1 and all(s.local_runs == 0 for s in services)


# --- the window -------------------------------------------------------------------------

def outline_words(window: MainWindow, path: Path) -> int | None:
    item = window.outline.episode_item(str(path))
    assert item is not None
    return item.index().siblingAtColumn(1).data(WORDS_ROLE)


def test_typing_updates_the_counts_shortly_after(qtbot, worker: list[InspectionProcess],
                                                 window_on, sample_project: Path) -> None:
    window = window_on(sample_project, "s01e01")
    path = episode_path(sample_project, "s01e01")
    editor = editor_of(window)
    words = count_recap_words(editor.document_text())
    assert window.status.words.text() == f"{words:,} words"
    assert outline_words(window, path) == words
    type_paragraph(qtbot, editor, "one two three four five")
    qtbot.waitUntil(lambda: window.status.words.text() == f"{words + 5:,} words",
                    timeout=WAIT)
    qtbot.waitUntil(lambda: outline_words(window, path) == words + 5, timeout=WAIT)
    assert window.status.reading.text() == f"{reading_minutes(words + 5)} min read"
    assert window.inspection.jobs_sent > 0 and window.inspection.local_runs == 0
    assert len(worker) == 1


def test_a_broken_link_shows_after_the_check_pause(qtbot, worker: list[InspectionProcess],
                                                   window_on, sample_project: Path) -> None:
    window = window_on(sample_project, "s01e02")
    editor = editor_of(window)
    assert window.problems.problems == old_problems(window.series, {
        p: b.text for p, b in window.session.buffers.items()})
    type_paragraph(qtbot, editor, "See also [[s09e09]] for later")
    line = editor.textCursor().blockNumber() + 1

    def broken() -> list[Problem]:
        return [p for p in window.problems.problems if "[[s09e09]]" in p.message]

    qtbot.waitUntil(lambda: bool(broken()), timeout=WAIT)
    assert [(p.path, p.line) for p in broken()] == [("episodes/s01e02.md", line)]
    inspected(qtbot, window)
    texts = {p: b.text for p, b in window.session.buffers.items()}
    assert window.problems.problems == old_problems(window.series, texts)
    assert window.status.problems.text() != "No problems"


def test_the_window_copes_with_a_killed_worker(qtbot, worker: list[InspectionProcess],
                                               window_on, sample_project: Path) -> None:
    window = window_on(sample_project, "s01e01")
    editor = editor_of(window)
    pid = worker[0].pid
    assert pid is not None
    sent = window.inspection.jobs_sent
    stop(pid)
    type_paragraph(qtbot, editor, "five words and [[s09e09]] here")
    words = count_recap_words(editor.document_text())
    qtbot.waitUntil(lambda: window.inspection.jobs_sent > sent, timeout=WAIT)  # one is out
    kill(pid)
    qtbot.waitUntil(lambda: window.status.words.text() == f"{words:,} words", timeout=WAIT)
    qtbot.waitUntil(lambda: any("[[s09e09]]" in p.message for p in window.problems.problems),
                    timeout=WAIT)
    assert window.inspection.local_runs > 0 or worker[-1].pid != pid
    # typing on: inspected by a new worker
    type_paragraph(qtbot, editor, "two more")
    qtbot.waitUntil(lambda: window.status.words.text() == f"{words + 2:,} words",
                    timeout=WAIT)
    inspected(qtbot, window)
    assert len(worker) == 2 and worker[1].alive
    texts = {p: b.text for p, b in window.session.buffers.items()}
    assert window.problems.problems == old_problems(window.series, texts)


def test_a_window_without_the_worker(qtbot, no_worker: None, window_on,
                                     sample_project: Path) -> None:
    window = window_on(sample_project, "s01e01", use_worker=False)
    editor = editor_of(window)
    type_paragraph(qtbot, editor, "one two three [[s09e09]]")
    words = count_recap_words(editor.document_text())
    qtbot.waitUntil(lambda: window.status.words.text() == f"{words:,} words", timeout=WAIT)
    qtbot.waitUntil(lambda: any("[[s09e09]]" in p.message for p in window.problems.problems),
                    timeout=WAIT)
    assert window.inspection.jobs_sent == 0 and window.inspection.local_runs > 0
    assert inspection_service._shared is None


def test_run_checks_without_a_project_does_nothing(qtbot, worker: list[InspectionProcess],
                                                   settings_file: Path) -> None:
    window = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.run_checks()
    assert not window.inspection.busy and window.inspection.last is None
    assert window.inspection.jobs_sent == 0 and worker == []


def test_two_windows_on_two_projects_keep_their_problems(
        qtbot, worker: list[InspectionProcess], window_on, make_project) -> None:
    front = "---\ntitle: {t}\nseason: 1\nepisode: 1\nexcerpt: x\nstatus: final\n---\n\n"
    one = make_project({"episodes/alpha.md": front.format(t="Alpha") + "Words.\n"})
    two = make_project({"episodes/beta.md": front.format(t="Beta") + "Other words.\n"})
    windows = [window_on(one, "s01e01"), window_on(two, "s01e01")]
    own = ["episodes/alpha.md", "episodes/beta.md"]
    type_paragraph(qtbot, editor_of(windows[0]), "See [[s09e09]] in alpha")
    type_paragraph(qtbot, editor_of(windows[1]), "# A loud beta heading")
    qtbot.waitUntil(lambda: any("[[s09e09]]" in p.message
                                for p in windows[0].problems.problems), timeout=WAIT)
    qtbot.waitUntil(lambda: any("level-1" in p.message
                                for p in windows[1].problems.problems), timeout=WAIT)
    for window, path in zip(windows, own, strict=True):
        inspected(qtbot, window)
        texts = {p: b.text for p, b in window.session.buffers.items()}
        assert window.problems.problems == old_problems(window.series, texts)
        assert {p.path for p in window.problems.problems} == {path}
        assert window.inspection.local_runs == 0
    assert not any("level-1" in p.message for p in windows[0].problems.problems)
    assert not any("[[s09e09]]" in p.message for p in windows[1].problems.problems)
    assert len(worker) == 1  # one worker for both
