"""InspectionService: the window's word counts, outline headings, problems and still usages,
worked out in the inspection worker process (`recapdesk.core.inspection.worker`).

The window asks (`request`) after every edit, with `checks` after a pause; the service
sends one job at a time with the texts as they are then, and coalesces what is asked
while one is out. Between two jobs it leaves a gap as long as the last one took, so the
worker uses at most about half a core while the writer types. Answers come back on the
UI thread (`inspected`). When the worker cannot start or dies, the same inspection runs
in-process (the worker is started again for a later job, a few times at most).
"""

from __future__ import annotations

import atexit
import itertools
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from recapdesk.core.inspection import InspectionJob, InspectionResult, Inspector
from recapdesk.core.inspection.worker import InspectionProcess, WorkerGone
from recapdesk.core.model import Series
from recapdesk.ui.thread_relay import ensure_relay, to_ui_thread

MIN_GAP_MS = 40  # the least time between the end of a job and the start of the next
MAX_RESTARTS = 3  # worker processes started again after one died, per application run

_shared: InspectionProcess | None = None
_restarts = 0
_tokens = itertools.count(1)  # project tokens: unique in the application (one worker)


def shared_process() -> InspectionProcess | None:
    """The application's inspection worker (one for all windows); None once it died too
    often (inspections then run in-process)."""
    global _shared, _restarts
    if _shared is not None and _shared.alive:
        return _shared
    if _shared is not None:
        if _restarts >= MAX_RESTARTS:
            return None
        _restarts += 1
    _shared = InspectionProcess()
    return _shared


@atexit.register
def close_shared_process() -> None:
    """End the worker (it would end anyway when this process's pipes close)."""
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


@dataclass
class Snapshot:
    """What the window has now: the project as read and the open texts."""

    series: Series
    texts: dict[Path, str]
    readonly: frozenset[Path]


class InspectionService(QObject):
    """Sends inspection jobs for one window and hands back the answers."""

    inspected = Signal(object, object)  # InspectionJob, InspectionResult

    def __init__(self, snapshot: Callable[[], Snapshot | None],
                 parent: QObject | None = None, *, use_worker: bool = True) -> None:
        super().__init__(parent)
        self._snapshot = snapshot
        self.use_worker = use_worker
        self._serial = itertools.count(1)
        self._held: tuple | None = None  # (series, stills, stills_doc) of the token
        self._token = 0
        self._wanted = False
        self._want_checks = False
        self._busy: InspectionJob | None = None
        self._busy_since = 0.0
        self._next_at = 0.0
        self._local: Inspector | None = None
        self.last: InspectionResult | None = None
        self.jobs_sent = 0
        self.local_runs = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._kick)
        ensure_relay()

    def is_current(self, job: InspectionJob, series: Series | None) -> bool:
        """True when `job` inspected `series` as it is now (not a project, or a stills
        list, that was replaced since)."""
        held = self._held
        return (series is not None and held is not None and job.token == self._token
                and held[0] is series and held[1] is series.stills
                and held[2] is series.stills_doc)

    @property
    def busy(self) -> bool:
        return self._busy is not None or self._wanted

    def request(self, *, checks: bool = False) -> None:
        """Inspection the open texts soon (with the project's problems, when `checks`)."""
        self._wanted = True
        self._want_checks = self._want_checks or checks
        self._kick()

    def inspect_now(self, *, checks: bool = True) -> InspectionResult | None:
        """Inspection in-process at once (and hand it out through `inspected` as well)."""
        job = self._job(checks, for_worker=False)
        if job is None:
            return None
        result = self._run_locally(job)
        self._deliver(job, result)
        return result

    # --- jobs ----------------------------------------------------------------------------

    def _job(self, checks: bool, *, for_worker: bool) -> InspectionJob | None:
        snap = self._snapshot()
        if snap is None:
            return None
        series = snap.series
        held = (series, series.stills, series.stills_doc)
        if self._held is None or any(a is not b for a, b in zip(held, self._held,
                                                                 strict=True)):
            self._held = held  # kept: while held, these ids cannot be reused
            self._token = next(_tokens)
        process = _shared if for_worker else None
        send = process is None or self._token not in process.known_tokens
        return InspectionJob(next(self._serial), self._token, series if send else None,
                         dict(snap.texts), snap.readonly, checks)

    def _kick(self) -> None:
        if self._busy is not None or not self._wanted:
            return
        wait_ms = (self._next_at - time.monotonic()) * 1000
        if wait_ms > 1:
            self._timer.start(int(wait_ms) + 1)
            return
        checks = self._want_checks
        self._wanted = self._want_checks = False
        process = shared_process() if self.use_worker else None
        job = self._job(checks, for_worker=process is not None)
        if job is None:
            return
        if process is None:
            self._busy = job  # what is asked meanwhile waits for the next turn
            try:
                self._deliver(job, self._run_locally(job))
            finally:
                self._busy = None
            if self._wanted:  # asked again meanwhile: a new turn of the event loop
                self._timer.start(0)
            return
        self._send(process, job)

    def _send(self, process: InspectionProcess, job: InspectionJob) -> None:
        self._busy, self._busy_since = job, time.monotonic()
        self.jobs_sent += 1
        future = process.submit(job)
        if job.series is not None:
            process.known_tokens.add(job.token)
        # (called on the worker's reader thread; the answer is taken in on the UI thread)
        future.add_done_callback(lambda f, j=job: to_ui_thread(self, self._on_answer, j, f))

    def _on_answer(self, job: InspectionJob, future: Future) -> None:
        took = time.monotonic() - self._busy_since
        self._busy = None
        self._next_at = time.monotonic() + max(MIN_GAP_MS / 1000, took)
        try:
            result: InspectionResult = future.result()
        except WorkerGone:
            result = self._run_locally(job)
        except Exception:  # an inspection that failed in the worker
            result = self._run_locally(job)  # raises here if it fails here too
        if result.unknown_series:  # the worker was restarted, or forgot the project
            process = _shared
            if process is not None:
                process.known_tokens.discard(job.token)
            self._wanted = True
            self._want_checks = self._want_checks or job.checks
            self._next_at = 0.0
            self._kick()
            return
        self._deliver(job, result)
        self._kick()

    def _run_locally(self, job: InspectionJob) -> InspectionResult:
        if job.series is None:  # the worker had the project: it is the one held, or gone
            if self._held is None or job.token != self._token:
                return InspectionResult(job.serial)
            job.series = self._held[0]
        if self._local is None:
            self._local = Inspector()
        self.local_runs += 1
        return self._local.inspect(job)

    def _deliver(self, job: InspectionJob, result: InspectionResult) -> None:
        self.last = result
        self.inspected.emit(job, result)
