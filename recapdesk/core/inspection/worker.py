"""A worker process that answers inspection jobs, so long recaps are parsed off the UI thread
(and off the UI process's interpreter lock: the window's own Python keeps running).

    python -c "from recapdesk.core.inspection.worker import main; main()"  # what it starts

The parent writes pickled `InspectionJob`s to the child's stdin, one frame each (an 8-byte
length, then the bytes); the child answers each with a pickled `InspectionResult` (or a
`InspectionFailure`) on its stdout, in order. The child exits when its stdin closes, so it
never outlives the window's process. Qt-free.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import traceback
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from recapdesk.core.inspection import InspectionJob, InspectionResult, Inspector

__all__ = ["InspectionFailure", "InspectionProcess", "WorkerGone", "serve"]

_LENGTH = struct.Struct(">Q")
MAX_FRAME = 1 << 31  # 2 GB: anything longer is a broken stream


_CHILD = "import sys; from recapdesk.core.inspection.worker import main; sys.exit(main())"


class WorkerGone(RuntimeError):
    """The worker process ended (or could not start) before answering."""


@dataclass
class InspectionFailure:
    """A job the worker could not inspect: the error, for the parent to raise."""

    serial: int
    error: str


def _write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream: BinaryIO) -> bytes | None:
    """One frame, or None at the end of the stream (or a broken one)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    if size > MAX_FRAME:
        return None
    data = stream.read(size)
    return data if len(data) == size else None


# --- the child ---------------------------------------------------------------------------

def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Answer jobs from `stdin` on `stdout` until `stdin` ends."""
    inspector = Inspector()
    while True:
        data = _read_frame(stdin)
        if data is None:
            return
        job: InspectionJob = pickle.loads(data)  # our own parent's frames
        try:
            answer: InspectionResult | InspectionFailure = inspector.inspect(job)
        except Exception:  # reported to the parent, the worker goes on
            answer = InspectionFailure(job.serial, traceback.format_exc(limit=8))
        _write_frame(stdout, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def main() -> int:
    # The frames go out on the original stdout; anything printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        serve(sys.stdin.buffer, out)
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return 0


# --- the parent --------------------------------------------------------------------------

class InspectionProcess:
    """The parent's handle on one worker: `submit(job)` returns a Future of its result.

    Jobs are answered in order. Writing happens on a thread of its own (the child may be
    busy or still starting), so `submit` never waits on the pipe; results are read on
    another thread, which completes the futures (their callbacks run there). When the
    child dies, every pending future fails with WorkerGone and `alive` turns False.
    """

    def __init__(self, python: str | None = None) -> None:
        self.python = python or sys.executable
        self.known_tokens: set[int] = set()  # projects the child was sent
        self._pending: deque[Future] = deque()
        self._lock = threading.Lock()
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._proc: subprocess.Popen | None = None
        self._dead = False

    @property
    def alive(self) -> bool:
        return not self._dead

    def start(self) -> None:
        """Start the child (idempotent). Raises WorkerGone when it cannot start."""
        if self._proc is not None or self._dead:
            if self._dead:
                raise WorkerGone("the inspection worker has ended")
            return
        root = str(Path(__file__).resolve().parents[2])  # where `recapdesk` is importable
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"]
                                    if env.get("PYTHONPATH") else "")
        try:
            # imported by its name, not run as __main__: what the child pickles (a
            # InspectionFailure) must unpickle here as this module's class
            self._proc = subprocess.Popen(
                [self.python, "-c", _CHILD],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                close_fds=True, start_new_session=False)
        except OSError as exc:
            self._dead = True
            raise WorkerGone(f"the inspection worker could not start: {exc}") from exc
        threading.Thread(target=self._write_loop, name="recapdesk-inspection-writer",
                         daemon=True).start()
        threading.Thread(target=self._read_loop, name="recapdesk-inspection-reader",
                         daemon=True).start()

    def submit(self, job: InspectionJob) -> Future:
        """Queue `job`; its Future gets the InspectionResult (or WorkerGone / RuntimeError)."""
        future: Future = Future()
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)  # now: job may change
        try:
            self.start()
        except WorkerGone as exc:
            future.set_exception(exc)
            return future
        with self._lock:
            if self._dead:
                future.set_exception(WorkerGone("the inspection worker has ended"))
                return future
            self._pending.append(future)
        self._outbox.put(data)
        return future

    def close(self) -> None:
        """End the child: its stdin closes, it exits; killed if it does not at once."""
        with self._lock:
            self._dead = True
        self._outbox.put(None)
        proc = self._proc
        if proc is not None:
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5.0)
        self._fail_pending()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _write_loop(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            while True:
                data = self._outbox.get()
                if data is None:
                    break
                _write_frame(proc.stdin, data)
        except (OSError, ValueError):
            pass  # the child is gone: the reader sees it and fails what is pending
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def _read_loop(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        while True:
            data = _read_frame(proc.stdout)
            if data is None:
                break
            try:
                answer = pickle.loads(data)  # our own child's frames
            except Exception:  # a frame we cannot read: end the worker
                proc.kill()
                break
            with self._lock:
                future = self._pending.popleft() if self._pending else None
            if future is None:
                continue
            if isinstance(answer, InspectionFailure):
                future.set_exception(RuntimeError(answer.error))
            else:
                future.set_result(answer)
        with self._lock:
            self._dead = True
        self._outbox.put(None)
        self._fail_pending()
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            proc.kill()

    def _fail_pending(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending), deque()
        for future in pending:
            if not future.done():
                future.set_exception(WorkerGone("the inspection worker ended"))


if __name__ == "__main__":
    raise SystemExit(main())
