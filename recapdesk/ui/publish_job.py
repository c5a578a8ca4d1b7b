"""Publishing off the UI thread: `PublishJob` checks what publishing would do (a dry run)
or publishes, through the core (`core.publish`), and reports back in a `PublishReport`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QWidget

from recapdesk.core.project import ProjectError, open_project
from recapdesk.core.publish.settings import SettingsError
from recapdesk.ui.export_dialog import one_line


@dataclass
class PublishReport:
    """What a check or a run found, for the dialog to show."""

    outcomes: list = field(default_factory=list)  # RecapOutcome
    uploads: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # check's errors: nothing is sent
    ran: bool = False


class PublishJob(QThread):
    """Checks (a dry run) or publishes, off the UI thread; `cancel()` is thread-safe."""

    progress = Signal(int, int, str)  # done, total, step
    upload = Signal(str, int, int)  # file name, bytes sent, bytes in all
    finished_report = Signal(object)  # PublishReport
    failed = Signal(str, int)  # one line, the site's HTTP status (401: wrong password)
    cancelled = Signal(object)  # PublishReport of what was done before the cancel

    def __init__(self, root: Path, options, password: str | None, *, run: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.options = options
        self.password = password
        self.run_it = run
        self._stop = threading.Event()
        self.publisher = None

    def cancel(self) -> None:
        self._stop.set()
        if self.publisher is not None:
            self.publisher.cancel.set()

    def run(self) -> None:
        from recapdesk.core.checks import check
        from recapdesk.core.publish import connect
        from recapdesk.core.publish.publisher import Publisher, PublishError
        from recapdesk.core.publish.wordpress import Cancelled, WordPressError

        report = PublishReport(ran=self.run_it)
        try:
            series = open_project(self.root)
            report.errors = [str(p) for p in check(series) if p.is_error]
            if report.errors and self.run_it:
                self.finished_report.emit(report)
                return
            with connect.wordpress_client(series, self.password) as client:
                publisher = self.publisher = Publisher(series, client, self.options)
                if self._stop.is_set():
                    publisher.cancel.set()
                if not self.run_it:
                    report.outcomes = publisher.plan()
                    report.uploads = publisher.uploads()
                    report.unresolved = publisher.unresolved()
                    report.notes = list(publisher.notes)
                    self.finished_report.emit(report)
                    return
                publisher.upload_progress = self.upload.emit
                steps = publisher.run()
                try:
                    for step in steps:
                        if self._stop.is_set():
                            raise Cancelled
                        self.progress.emit(step.done, step.total, step.message)
                finally:
                    steps.close()
                self._fill(report, publisher)
                self.finished_report.emit(report)
        except Cancelled:
            if self.publisher is not None:
                self._fill(report, self.publisher)
            self.cancelled.emit(report)
        except WordPressError as exc:
            self.failed.emit(one_line(exc), exc.status or 0)
        except (PublishError, SettingsError, ProjectError) as exc:
            self.failed.emit(one_line(exc), 0)
        except OSError as exc:
            self.failed.emit(f"{exc.filename or self.root}: {exc.strerror or exc}", 0)
        except Exception as exc:  # the writer gets one line, not a traceback
            self.failed.emit(f"unexpected error: {exc.__class__.__name__}: {one_line(exc)}", 0)

    @staticmethod
    def _fill(report: PublishReport, publisher) -> None:
        report.outcomes = list(publisher.outcomes.values())
        report.notes = list(publisher.notes)
        try:
            report.unresolved = publisher.unresolved()
        except Exception:  # only a hint: the site may be gone by now
            report.unresolved = {}
