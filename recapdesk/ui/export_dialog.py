"""The Export dialog: the SPEC's export options, a progress bar with Cancel, a summary.

All reading and writing goes through the core (`export.plan.plan()` and `export.write.write()`
generator). Both run off the UI thread: planning reads and checks the project, writing
resizes the images. Cancel stops between two steps and closes the generator, whose
cleanup removes its staging folder; the previous export is left exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core.export.hugo import HugoPlan, plan_hugo, write_hugo
from recapdesk.core.export.plan import ExportError, ExportOptions, ExportPlan, default_out, plan
from recapdesk.core.export.write import write
from recapdesk.core.model import Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.project import ProjectError, open_project

KINDS = ("site", "single", "fragment", "hugo")
MAX_LISTED_ERRORS = 12


def one_line(exc: BaseException) -> str:
    """An exception as one line for the writer (never a traceback)."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class ExportSummary:
    """What a finished export wrote."""

    out: Path
    pages: int
    images: int
    seconds: float
    main_page: Path | None
    warnings: int = 0
    unit: str = "page"  # what `pages` counts: pages, or Hugo page bundles

    @property
    def text(self) -> str:
        return (f"Exported {plural(self.pages, self.unit)} and {plural(self.images, 'image')} "
                f"to {self.out} in {self.seconds:.1f} s")


class PlanJob(QThread):
    """Reads the project fresh (through the core) and plans the export."""

    planned = Signal(object)  # ExportPlan
    failed = Signal(str)

    def __init__(self, root: Path, options: ExportOptions, current: Path | None,
                 parent: QWidget | None = None, *, hugo: bool = False) -> None:
        super().__init__(parent)
        self.root = root
        self.options = options
        self.current = current
        self.hugo = hugo

    def run(self) -> None:
        try:
            series = open_project(self.root)
            options = self.options
            if self.current is not None:
                options = dataclasses.replace(options, episodes=[_ident(series, self.current)])
            self.planned.emit(plan_hugo(series, options) if self.hugo
                              else plan(series, options, make_pages=True))
        except (ExportError, ProjectError) as exc:
            self.failed.emit(one_line(exc))
        except OSError as exc:
            self.failed.emit(one_line(ExportError(f"{exc.filename or self.root}: "
                                                  f"{exc.strerror or exc}")))
        except Exception as exc:  # the writer gets one line, not a traceback
            self.failed.emit(f"unexpected error: {exc.__class__.__name__}: {one_line(exc)}")


def _ident(series: Series, path: Path) -> str:
    """An id that `plan()` resolves to exactly the episode file at `path`."""
    ep = next((e for e in series.episodes if e.path == path), None)
    if ep is None:
        raise ExportError(f"{path.name}: the recap is no longer in the project")
    for ident in (ep.stem, ep.id):
        if series.find_episode(ident) is ep:
            return ident
    raise ExportError(f"{path.name}: another recap has the same id {ep.id}; rename one")


class WriteJob(QThread):
    """Iterates `write(plan)` and reports each step; `cancel()` is thread-safe."""

    progress = Signal(int, int, str)  # done, total, message (emitted in this thread)
    completed = Signal(float)  # seconds spent writing
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, the_plan: ExportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = the_plan
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        started = time.perf_counter()
        steps = write_hugo(self.plan) if isinstance(self.plan, HugoPlan) else write(self.plan)
        finished = False
        try:
            while True:
                # Between steps: after the last one the export is already in place.
                if self._stop.is_set() and not finished:
                    steps.close()  # GeneratorExit at the yield: its cleanup runs
                    self.cancelled.emit()
                    return
                try:
                    step = next(steps)
                except StopIteration:
                    break
                finished = step.done >= step.total
                self.progress.emit(step.done, step.total, step.message)
        except ExportError as exc:
            self.failed.emit(one_line(exc))
            return
        except Exception as exc:
            self.failed.emit(f"unexpected error: {exc.__class__.__name__}: {one_line(exc)}")
            return
        finally:
            steps.close()
        self.completed.emit(time.perf_counter() - started)


def _default_confirm(parent: QWidget) -> Callable[[str], bool]:
    def confirm(message: str) -> bool:
        head, _, rest = message.partition("\n")
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Export Anyway?")
        box.setText(head)
        box.setInformativeText(rest.strip())
        yes = box.addButton("Export Anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes
    return confirm


def _default_choose_folder(parent: QWidget) -> Callable[[str], str | None]:
    def choose(start: str) -> str | None:
        return QFileDialog.getExistingDirectory(parent, "Export To", start) or None
    return choose


class ExportDialog(QDialog):
    """Export the project (or the current recap) as a site, single pages or CMS fragments.

    `before_export()` is called first on every Export (the window saves its unsaved
    buffers there; returning False or raising stops the export). The project is then read
    fresh from disk through the core. Replaceable for tests: `confirm(message) -> bool`
    (asked when the project has errors), `open_url(QUrl)` (Open in Browser / Show Folder)
    and `choose_folder(start) -> str | None` (Browse…).
    """

    planStarted = Signal(object)  # PlanJob, before it starts
    writeStarted = Signal(object)  # WriteJob, before it starts (connect to its progress)
    exportFinished = Signal(object)  # ExportSummary
    exportFailed = Signal(str)  # the one-line message
    exportCancelled = Signal()  # cancelled, or the writer declined to export with errors
    _cancelRequested = Signal()

    def __init__(self, project: Series | Path, settings: QSettings, *,
                 current: Path | str | None = None,
                 before_export: Callable[[], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series = project if isinstance(project, Series) else open_project(Path(project))
        self.root = self.series.root
        self.settings = settings
        self.before_export = before_export
        self.current = self._current_path(current)
        self.confirm: Callable[[str], bool] = _default_confirm(self)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.choose_folder: Callable[[str], str | None] = _default_choose_folder(self)
        self.summary: ExportSummary | None = None
        self.plan_job: PlanJob | None = None
        self.write_job: WriteJob | None = None
        self._plan: ExportPlan | None = None
        self._plan_seconds = 0.0
        self._plan_started = 0.0
        self._cancelled = False
        self._close_when_idle = False
        self.setWindowTitle(f"Export {self.series.title}")
        self.setObjectName("exportDialog")
        self._build()
        self._restore()
        self._cancelRequested.connect(self._show_cancelling)
        self._set_busy(False)
        self._say("")

    # --- construction -------------------------------------------------------------

    def _current_path(self, current: Path | str | None) -> Path | None:
        if current is None or current == "":
            return None
        if isinstance(current, Path) or "/" in str(current) or str(current).endswith(".md"):
            path = Path(current)
            if not path.is_absolute():
                path = self.root / path
            return path if any(e.path == path for e in self.series.episodes) else None
        ep = self.series.find_episode(str(current))
        return ep.path if ep is not None else None

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.setSpacing(12)

        # What to write
        kind_box = QGroupBox("Export as", self)
        kind_layout = QVBoxLayout(kind_box)
        kind_layout.setSpacing(2)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        choices = [
            ("site", "&Whole site",
             "index.html, a page per recap, resized stills and the stylesheet"),
            ("single", "&Self-contained pages",
             "Each page a single file, with its CSS and images inside"),
            ("fragment", "CMS &fragments",
             "Only the article body of each recap, to paste into a CMS"),
            ("hugo", "&Hugo page bundles",
             "A folder per recap, index.md and stills, in a Hugo site's content"),
        ]
        for i, (key, label, hint) in enumerate(choices):
            button = QRadioButton(label, kind_box)
            button.setObjectName(f"kind_{key}")
            self.kind_group.addButton(button, i)
            self.kind_buttons[key] = button
            kind_layout.addWidget(button)
            kind_layout.addWidget(self._hint(hint, kind_box))
            if i < len(choices) - 1:
                kind_layout.addSpacing(4)
        self.kind_buttons["site"].setChecked(True)
        self.kind_group.idToggled.connect(lambda _id, _on: self._kind_changed(self.busy))
        layout.addWidget(kind_box)

        # Which recaps, and how
        content_box = QGroupBox("Recaps", self)
        content_layout = QVBoxLayout(content_box)
        content_layout.setSpacing(4)
        self.all_episodes = QRadioButton("&All recaps", content_box)
        current_ep = next((e for e in self.series.episodes if e.path == self.current), None)
        title = current_ep.title.replace("&", "&&") if current_ep else ""
        label = f"&Only this recap: {title}" if current_ep else "&Only this recap"
        self.only_current = QRadioButton(label, content_box)
        self.only_current.setToolTip(current_ep.title if current_ep else "")
        self.only_current.setEnabled(current_ep is not None)
        self.only_current.setSizePolicy(QSizePolicy.Policy.Ignored,
                                        QSizePolicy.Policy.Preferred)
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.all_episodes)
        self.scope_group.addButton(self.only_current)
        self.all_episodes.setChecked(True)
        content_layout.addWidget(self.all_episodes)
        content_layout.addWidget(self.only_current)
        line = QFrame(content_box)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        content_layout.addSpacing(2)
        content_layout.addWidget(line)
        content_layout.addSpacing(2)
        self.spoiler_free = QCheckBox("Spoiler-&free (leave out every spoiler: a teaser "
                                      "version)", content_box)
        self.drafts = QCheckBox("Include &drafts", content_box)
        content_layout.addWidget(self.spoiler_free)
        content_layout.addWidget(self.drafts)
        layout.addWidget(content_box)

        # Where
        dest_box = QGroupBox("Destination folder", self)
        dest_layout = QHBoxLayout(dest_box)
        dest_layout.setSpacing(6)
        self.destination = QLineEdit(dest_box)
        self.destination.setObjectName("destination")
        self.destination.setClearButtonEnabled(True)
        self.destination.setPlaceholderText(str(default_out(self.series)))
        self.destination.setMinimumWidth(380)
        self.browse_button = QPushButton("&Browse…", dest_box)
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        dest_layout.addWidget(self.destination, 1)
        dest_layout.addWidget(self.browse_button)
        layout.addWidget(dest_box)

        # Progress, messages, summary
        self.progress = QProgressBar(self)
        self.progress.setObjectName("exportProgress")
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.step_label = QLabel(self)
        self.step_label.setObjectName("exportStep")
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel(self)
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_frame = QFrame(self)
        self.summary_frame.setObjectName("exportSummary")
        self.summary_frame.setStyleSheet(
            "#exportSummary { background: palette(alternate-base); border: 1px solid "
            "palette(mid); border-radius: 6px; }")
        summary_layout = QVBoxLayout(self.summary_frame)
        summary_layout.setContentsMargins(12, 10, 12, 10)
        self.summary_label = QLabel(self.summary_frame)
        self.summary_label.setObjectName("exportSummaryText")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        summary_buttons = QHBoxLayout()
        self.open_button = QPushButton("Open in Browser", self.summary_frame)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_in_browser)
        self.folder_button = QPushButton("Show Folder", self.summary_frame)
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.show_folder)
        summary_buttons.addWidget(self.open_button)
        summary_buttons.addWidget(self.folder_button)
        summary_buttons.addStretch(1)
        summary_layout.addWidget(self.summary_label)
        summary_layout.addLayout(summary_buttons)
        self.summary_frame.hide()
        layout.addWidget(self.progress)
        layout.addWidget(self.step_label)
        layout.addWidget(self.message)
        layout.addWidget(self.summary_frame)
        layout.addStretch(1)

        # Buttons
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button = QPushButton("Cancel Export", self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)
        font = QFont(self.export_button.font())
        font.setBold(True)
        self.export_button.setFont(font)
        self.export_button.setMinimumWidth(110)
        self.export_button.clicked.connect(self.export)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)

    @staticmethod
    def _hint(text: str, parent: QWidget) -> QLabel:
        hint = QLabel(text, parent)
        hint.setWordWrap(True)
        hint.setContentsMargins(24, 0, 0, 0)
        palette = hint.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        hint.setPalette(palette)
        return hint

    # --- settings (per project) ---------------------------------------------------

    def _key(self, name: str) -> str:
        digest = hashlib.sha1(str(self.root.resolve()).encode("utf-8")).hexdigest()[:16]
        return f"export/{digest}/{name}"

    def _restore(self) -> None:
        s = self.settings
        dest = s.value(self._key("destination"), "", str) or str(default_out(self.series))
        self.destination.setText(dest)
        kind = s.value(self._key("kind"), "site", str)
        self.kind_buttons.get(kind, self.kind_buttons["site"]).setChecked(True)
        self.spoiler_free.setChecked(s.value(self._key("spoiler_free"), False, bool))
        self.drafts.setChecked(s.value(self._key("drafts"), False, bool))

    def _remember(self) -> None:
        s = self.settings
        s.setValue(self._key("project"), str(self.root))
        s.setValue(self._key("destination"), str(self.destination_path()))
        s.setValue(self._key("kind"), self.kind)
        s.setValue(self._key("spoiler_free"), self.spoiler_free.isChecked())
        s.setValue(self._key("drafts"), self.drafts.isChecked())
        s.sync()

    # --- options --------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return KINDS[max(0, self.kind_group.checkedId())]

    def set_kind(self, kind: str) -> None:
        self.kind_buttons[kind].setChecked(True)

    def destination_path(self) -> Path:
        text = self.destination.text().strip()
        if not text:
            return default_out(self.series)
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.root / path

    def _kind_changed(self, busy: bool = False) -> None:
        """A Hugo site keeps its spoilers: spoiler-free is for HTML exports."""
        self.spoiler_free.setEnabled(self.kind != "hugo" and not busy)

    def options(self) -> ExportOptions:
        return ExportOptions(out=self.destination_path(),
                             fragment=self.kind == "fragment",
                             single_file=self.kind == "single",
                             spoiler_free=self.spoiler_free.isChecked() and self.kind != "hugo",
                             drafts=self.drafts.isChecked())

    def browse(self) -> None:
        folder = self.choose_folder(str(self.destination_path()))
        if folder:
            self.destination.setText(folder)

    # --- running --------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.plan_job is not None or self.write_job is not None

    def _set_busy(self, busy: bool) -> None:
        for widget in (*self.kind_buttons.values(), self.all_episodes, self.spoiler_free,
                       self.drafts, self.destination, self.browse_button, self.export_button):
            widget.setEnabled(not busy)
        self.only_current.setEnabled(not busy and self.current is not None)
        self._kind_changed(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.close_button.setVisible(not busy)
        self.progress.setVisible(busy)
        self.step_label.setVisible(busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: 600;" if error else "")
        self.message.setVisible(bool(text))

    def export(self) -> None:
        """Save (through the hook), plan off the UI thread, then ask or write."""
        if self.busy:
            return
        if self.before_export is not None:
            try:
                saved = self.before_export()
            except Exception as exc:  # one line, not a traceback
                saved, reason = False, one_line(exc)
            else:
                reason = "the unsaved changes could not be saved"
            if saved is False:
                self._say(f"Nothing was exported: {reason}.", error=True)
                return
        self._remember()
        self.export_button.setText("Export")
        self.summary = None
        self._plan = None
        self._cancelled = False
        self.summary_frame.hide()
        self._say("")
        self._set_busy(True)
        self.progress.setRange(0, 0)
        self.step_label.setText("Checking the project…")
        current = self.current if self.only_current.isChecked() else None
        job = PlanJob(self.root, self.options(), current, self, hugo=self.kind == "hugo")
        job.planned.connect(self._planned)
        job.failed.connect(self._failed)
        self.plan_job = job
        self._plan_started = time.perf_counter()
        self.planStarted.emit(job)
        job.start()

    def _end_plan_job(self) -> None:
        if self.plan_job is not None:
            self.plan_job.wait()
            self.plan_job.deleteLater()
            self.plan_job = None

    def _planned(self, the_plan: ExportPlan) -> None:
        self._plan_seconds = time.perf_counter() - self._plan_started
        self._end_plan_job()
        if self._cancelled:
            if isinstance(the_plan, ExportPlan):
                the_plan.discard()  # the pages made ahead
            self._finish_cancelled()
            return
        errors = [p for p in the_plan.problems if p.is_error]
        if the_plan.blocked:
            listed = "\n".join(f"• {p}" for p in errors[:MAX_LISTED_ERRORS])
            more = len(errors) - MAX_LISTED_ERRORS
            if more > 0:
                listed += f"\n… and {more} more (see the Problems panel)"
            message = (f"The project has {plural(len(errors), 'error')}:\n{listed}\n\n"
                       "Export anyway?")
            self.step_label.setText("Waiting for your answer…")
            if not self.confirm(message):
                self._set_busy(False)
                self._say(f"Nothing was exported: the project has {plural(len(errors), 'error')}"
                          ".", error=True)
                self.exportCancelled.emit()
                self._close_if_asked()
                return
            the_plan.options = dataclasses.replace(the_plan.options, force=True)
        self._plan = the_plan
        self.progress.setRange(0, max(1, the_plan.total_steps))
        self.progress.setValue(0)
        job = WriteJob(the_plan, self)
        job.progress.connect(self._progress)
        job.completed.connect(self._completed)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._finish_cancelled)
        self.write_job = job
        self.writeStarted.emit(job)
        job.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        if self._cancelled:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.step_label.setText(message)

    def _end_write_job(self) -> None:
        if self.write_job is not None:
            self.write_job.wait()
            self.write_job.deleteLater()
            self.write_job = None

    def _completed(self, seconds: float) -> None:
        self._end_write_job()
        the_plan = self._plan
        assert the_plan is not None
        main_page = None
        warnings = sum(not p.is_error for p in the_plan.problems)
        if isinstance(the_plan, HugoPlan):  # pages are Hugo's to build: nothing to open
            self.summary = ExportSummary(
                out=the_plan.out, pages=len(the_plan.bundles),
                images=sum(len(b.images) for b in the_plan.bundles),
                seconds=self._plan_seconds + seconds, main_page=None, warnings=warnings,
                unit="Hugo page bundle")
        else:
            if the_plan.write_index:
                main_page = the_plan.out / "index.html"
            elif the_plan.targets:
                main_page = the_plan.out / page_name(the_plan.targets[0])
            self.summary = ExportSummary(
                out=the_plan.out, pages=len(the_plan.targets) + int(the_plan.write_index),
                images=len(the_plan.images), seconds=self._plan_seconds + seconds,
                main_page=main_page, warnings=warnings)
        self._set_busy(False)
        text = self.summary.text
        errors = sum(p.is_error for p in the_plan.problems)
        notes = []
        if errors:
            notes.append(f"exported despite {plural(errors, 'error')}")
        if warnings:
            notes.append(plural(warnings, "warning"))
        if notes:
            text += f" ({', '.join(notes)}; see the Problems panel)"
        self.summary_label.setText(text)
        self.open_button.setEnabled(main_page is not None)
        self.summary_frame.show()
        self._say("")
        self.export_button.setText("Export Again")
        self.exportFinished.emit(self.summary)
        self._close_if_asked()

    def _failed(self, message: str) -> None:
        self._end_plan_job()
        self._end_write_job()
        self._set_busy(False)
        line = " ".join(message.split())
        self._say(f"Export failed: {line}", error=True)
        self.exportFailed.emit(line)
        self._close_if_asked()

    def cancel(self) -> None:
        """Stop at the next step boundary (safe to call from any thread)."""
        self._cancelled = True
        job = self.write_job
        if job is not None:
            job.cancel()
        self._cancelRequested.emit()

    def _show_cancelling(self) -> None:
        if self.busy:
            self.cancel_button.setEnabled(False)
            self.step_label.setText("Cancelling…")

    def _finish_cancelled(self) -> None:
        self._end_write_job()
        self._set_busy(False)
        self._say("Export cancelled; nothing was changed.")
        self.exportCancelled.emit()
        self._close_if_asked()

    def _close_if_asked(self) -> None:
        if self._close_when_idle:
            self._close_when_idle = False
            super().reject()

    def reject(self) -> None:  # Close, Escape, the window's close button
        if self.busy:
            self._close_when_idle = True
            self.cancel()
            return
        super().reject()

    # --- after the export -----------------------------------------------------------

    def open_in_browser(self) -> None:
        if self.summary is not None and self.summary.main_page is not None:
            self.open_url(QUrl.fromLocalFile(str(self.summary.main_page)))

    def show_folder(self) -> None:
        if self.summary is not None:
            self.open_url(QUrl.fromLocalFile(str(self.summary.out)))
