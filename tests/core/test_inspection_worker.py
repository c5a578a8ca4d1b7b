"""The inspection worker (`recapdesk.core.inspection.worker`): a child process answering inspection
jobs in order, as an in-process Inspector would; it ends with its parent's pipe, and when
it dies what was asked of it fails with WorkerGone.

Every process started here is closed in a fixture or a `finally`; waits poll with
generous deadlines and never measure time.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from recapdesk.core.inspection import InspectionJob, InspectionResult, Inspector
from recapdesk.core.inspection.worker import (
    MAX_FRAME,
    InspectionFailure,
    InspectionProcess,
    WorkerGone,
    _read_frame,
    _write_frame,
    serve,
)
from recapdesk.core.model import Series
from recapdesk.core.project import open_project
from recapdesk.core.textfile import read_text

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds: a deadline for a slow machine, never a measurement


# --- helpers ----------------------------------------------------------------------------

def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` until it holds (fail after TIMEOUT seconds)."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def reaped(pid: int) -> bool:
    """True once `pid` is gone entirely: exited AND waited for (a zombie is not gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def ended(pid: int) -> bool:
    """True once `pid` (not a child of ours) has exited: gone, or a zombie its new
    parent has not waited for yet."""
    if reaped(pid):
        return True
    if not Path("/proc").is_dir():  # no way to tell a zombie: alive
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def frames(*objects: object) -> io.BytesIO:
    """A stream of pickled frames, as the parent writes them."""
    stream = io.BytesIO()
    for obj in objects:
        _write_frame(stream, pickle.dumps(obj))
    stream.seek(0)
    return stream


def answers(stream: io.BytesIO) -> list:
    """Every pickled frame the child wrote."""
    stream.seek(0)
    out = []
    while (data := _read_frame(stream)) is not None:
        out.append(pickle.loads(data))
    return out


def in_process(jobs: list[InspectionJob]) -> list[InspectionResult]:
    """What one in-process Inspector answers to `jobs`, in order (the jobs untouched)."""
    inspector = Inspector()
    return [inspector.inspect(pickle.loads(pickle.dumps(job))) for job in jobs]


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture
def series(sample_project: Path) -> Series:
    return open_project(sample_project)


@pytest.fixture
def jobs(series: Series) -> list[InspectionJob]:
    """A writer's jobs: the project sent once, edits, a read-only text, checks."""
    texts = {ep.path: read_text(ep.path)[0] for ep in series.episodes[:3]}
    first = next(iter(texts))
    out = [InspectionJob(1, 11, series, dict(texts), checks=True)]
    for serial in range(2, 8):
        texts[first] += f"\n\nMore words {serial}, see [[s09e0{serial}]].\n"
        readonly = frozenset(list(texts)[1:2]) if serial % 3 == 0 else frozenset()
        out.append(InspectionJob(serial, 11, None, dict(texts), readonly, serial % 2 == 0))
    return out


@pytest.fixture
def process() -> Iterator[InspectionProcess]:
    proc = InspectionProcess()
    try:
        yield proc
    finally:
        proc.close()


# --- serve(), in-process ----------------------------------------------------------------

def test_serve_answers_each_frame_in_order(jobs: list[InspectionJob]) -> None:
    out = io.BytesIO()
    serve(frames(*jobs), out)
    got = answers(out)
    assert [a.serial for a in got] == [job.serial for job in jobs]
    assert got == in_process(jobs)
    assert any(a.problems for a in got)  # the broken links were found


def test_serve_answers_an_unknown_token(series: Series) -> None:
    out = io.BytesIO()
    serve(frames(InspectionJob(1, 5, None, {}), InspectionJob(2, 5, series, {}, checks=True),
                 InspectionJob(3, 5, None, {}, checks=True)), out)
    first, second, third = answers(out)
    assert first == InspectionResult(1, unknown_series=True)
    assert not second.unknown_series and second.problems is not None
    assert third.problems == second.problems and third.serial == 3


def test_serve_reports_a_failing_job_and_goes_on(jobs: list[InspectionJob],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = Inspector.inspect

    def inspect(self: Inspector, job: InspectionJob) -> InspectionResult:
        if job.serial == 2:
            raise ValueError("the inspection broke")
        return real(self, job)

    monkeypatch.setattr(Inspector, "inspect", inspect)
    out = io.BytesIO()
    serve(frames(*jobs[:4]), out)
    got = answers(out)
    assert [a.serial for a in got] == [1, 2, 3, 4]
    failure = got[1]
    assert isinstance(failure, InspectionFailure)
    assert "ValueError: the inspection broke" in failure.error and "Traceback" in failure.error
    monkeypatch.setattr(Inspector, "inspect", real)
    expected = in_process([jobs[0], jobs[2], jobs[3]])
    assert [got[0], got[2], got[3]] == expected


def test_serve_stops_at_the_end_of_a_broken_stream(jobs: list[InspectionJob]) -> None:
    """A stream cut inside a frame ends it; so does a length no frame can have (nothing
    after it is read)."""
    whole = frames(jobs[0]).getvalue()
    too_long = (MAX_FRAME + 1).to_bytes(8, "big")
    for stream in (whole + whole[:5], whole + whole[:-1], whole + too_long + whole):
        out = io.BytesIO()
        serve(io.BytesIO(stream), out)
        assert [a.serial for a in answers(out)] == [1]
    out = io.BytesIO()
    serve(io.BytesIO(b""), out)
    assert out.getvalue() == b""


def test_frames_round_trip() -> None:
    stream = io.BytesIO()
    for data in (b"", b"x", b"\x00" * 70_000):
        _write_frame(stream, data)
    stream.seek(0)
    assert [_read_frame(stream) for _ in range(4)] == [b"", b"x", b"\x00" * 70_000, None]


# --- the worker process -----------------------------------------------------------------

def test_the_worker_answers_like_the_inspector(process: InspectionProcess,
                                              jobs: list[InspectionJob]) -> None:
    """Jobs sent at once, before the child has even started, are all answered, in order,
    with what an in-process Inspector answers."""
    assert process.pid is None and process.alive
    futures = [process.submit(job) for job in jobs]
    assert process.pid is not None
    results = [f.result(timeout=TIMEOUT) for f in futures]
    assert [r.serial for r in results] == [job.serial for job in jobs]
    assert results == in_process(jobs)
    assert process.alive


def test_submit_copies_the_job(process: InspectionProcess, series: Series) -> None:
    """The job is pickled at once: changing it afterwards changes nothing."""
    path = series.episodes[0].path
    job = InspectionJob(1, 1, series, {path: "---\ntitle: A\n---\n\none two three\n"})
    future = process.submit(job)
    job.texts[path] = "changed"
    job.serial = 99
    result = future.result(timeout=TIMEOUT)
    assert result.serial == 1 and result.texts[path].analysis.words == 3


def test_a_job_failing_in_the_worker_raises_and_the_worker_goes_on(
        tmp_path: Path, series: Series, jobs: list[InspectionJob]) -> None:
    """The failure comes back as a RuntimeError with the worker's traceback; the jobs
    after it are answered."""
    process = InspectionProcess()
    try:
        path = series.episodes[0].path
        bad = InspectionJob(2, 11, None, {path: None})  # type: ignore[dict-item]  # no text
        futures = [process.submit(jobs[0]), process.submit(bad), process.submit(jobs[1])]
        assert futures[0].result(timeout=TIMEOUT).serial == 1
        error = futures[1].exception(timeout=TIMEOUT)
        assert isinstance(error, RuntimeError) and not isinstance(error, WorkerGone)
        assert "Traceback" in str(error) and "TypeError" in str(error)
        assert futures[2].result(timeout=TIMEOUT) == in_process(jobs[:2])[1]
        assert process.alive
    finally:
        process.close()


def test_a_killed_worker_fails_pending_and_later_jobs(process: InspectionProcess,
                                                      jobs: list[InspectionJob]) -> None:
    assert process.submit(jobs[0]).result(timeout=TIMEOUT).serial == 1
    pid = process.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # it cannot answer what comes next
    pending = [process.submit(job) for job in jobs[1:4]]
    os.kill(pid, signal.SIGKILL)
    for future in pending:
        assert isinstance(future.exception(timeout=TIMEOUT), WorkerGone)
    assert not process.alive
    later = process.submit(jobs[4])
    assert later.done() and isinstance(later.exception(), WorkerGone)
    with pytest.raises(WorkerGone):
        process.start()
    wait_for(lambda: reaped(pid), "the killed child to be waited for")


def test_a_worker_killed_while_idle_is_noticed(process: InspectionProcess,
                                               jobs: list[InspectionJob]) -> None:
    assert process.submit(jobs[0]).result(timeout=TIMEOUT).serial == 1
    pid = process.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not process.alive, "the worker to be seen dead")
    assert isinstance(process.submit(jobs[1]).exception(timeout=TIMEOUT), WorkerGone)
    wait_for(lambda: reaped(pid), "the killed child to be waited for")


def test_future_callbacks_run_once_answered(process: InspectionProcess,
                                            jobs: list[InspectionJob]) -> None:
    done: list[Future] = []
    futures = [process.submit(job) for job in jobs[:3]]
    for future in futures:
        future.add_done_callback(done.append)
    wait_for(lambda: len(done) == 3, "three callbacks")
    assert done == futures  # in order


def test_close_ends_the_child(jobs: list[InspectionJob]) -> None:
    process = InspectionProcess()
    try:
        assert process.submit(jobs[0]).result(timeout=TIMEOUT).serial == 1
        pid = process.pid
        assert pid is not None
    finally:
        process.close()
    assert reaped(pid)  # gone and waited for: no zombie
    assert not process.alive
    assert isinstance(process.submit(jobs[1]).exception(timeout=0), WorkerGone)
    process.close()  # again: nothing happens


def test_close_kills_a_child_that_does_not_end(jobs: list[InspectionJob]) -> None:
    """A stuck child is killed; what was pending fails."""
    process = InspectionProcess()
    try:
        assert process.submit(jobs[0]).result(timeout=TIMEOUT).serial == 1
        pid = process.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        pending = process.submit(jobs[1])
    finally:
        process.close()
    assert isinstance(pending.exception(timeout=TIMEOUT), WorkerGone)
    assert reaped(pid)


def test_close_before_start() -> None:
    process = InspectionProcess()
    process.close()
    assert not process.alive and process.pid is None
    with pytest.raises(WorkerGone):
        process.start()


def test_a_worker_that_cannot_start(jobs: list[InspectionJob], tmp_path: Path) -> None:
    process = InspectionProcess(python=str(tmp_path / "no-such-python"))
    try:
        with pytest.raises(WorkerGone):
            process.start()
        assert not process.alive
        assert isinstance(process.submit(jobs[0]).exception(timeout=0), WorkerGone)
    finally:
        process.close()


def test_the_child_exits_when_its_stdin_closes(jobs: list[InspectionJob]) -> None:
    """Run as InspectionProcess runs it: frames in, frames out, and the end of its input
    ends it (exit status 0), nothing but frames on its stdout."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-m", "recapdesk.core.inspection.worker"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdin is not None and child.stdout is not None
        for job in jobs[:2]:
            _write_frame(child.stdin, pickle.dumps(job))
        got = [pickle.loads(_read_frame(child.stdout) or b"") for _ in range(2)]
        assert got == in_process(jobs[:2])
        child.stdin.close()
        assert child.wait(timeout=TIMEOUT) == 0
        assert child.stdout.read() == b""
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_the_child_does_not_outlive_its_parent(tmp_path: Path) -> None:
    """A parent that dies without closing anything: its worker ends by itself."""
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        from recapdesk.core.project import open_project
        from recapdesk.core.inspection import InspectionJob
        from recapdesk.core.inspection.worker import InspectionProcess

        series = open_project(Path({str(REPO / "resources" / "sample")!r}))
        process = InspectionProcess()
        result = process.submit(InspectionJob(1, 1, series, {{}}, checks=True)).result(60)
        print(process.pid, result.serial, flush=True)
        os._exit(0)  # no close(), no atexit: the pipes close as the process ends
    """)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=TIMEOUT, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    pid, serial = (int(x) for x in run.stdout.split())
    assert serial == 1
    wait_for(lambda: ended(pid), "the orphaned worker to exit")
