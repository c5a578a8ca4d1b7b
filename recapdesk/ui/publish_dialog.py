"""The Publish dialog: the project's WordPress site, the recaps, the status, a check of
what would happen (a dry run), publishing with a progress bar per upload and Cancel,
and the result with "Open Post" links.

Everything is done by the core (`core.publish`) in a worker thread (`PublishJob`); the
dialog only collects the choices and shows what comes back. The password is asked for
here once: it is kept in the system keyring after the site has accepted it (or, where
there is no keyring, by the window until RecapDesk closes).
"""

from __future__ import annotations

import hashlib
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core.model import Series
from recapdesk.core.publish.settings import (
    PASSWORD_ENV,
    SettingsError,
    WordPressSettings,
    save_wordpress_site,
    site_settings,
    store_password,
    stored_password,
    wordpress_settings,
)
from recapdesk.ui.export_dialog import one_line, plural
from recapdesk.ui.publish_job import PublishJob, PublishReport

ACTIONS = {"create": "New post", "recreate": "New post (the old one was deleted on the site)",
           "update": "Update the post", "unchanged": "Unchanged",
           "refused": "Refused: the post was edited on the site"}
NOTE_WIDTH = 110  # characters on a line of a note under the recaps
DONE = {"create": "Created", "recreate": "Created again", "update": "Updated",
        "unchanged": "Unchanged", "refused": "Not sent: the post was edited on the site"}


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setContentsMargins(24, 0, 0, 2)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


class PublishDialog(QDialog):
    """Publish the project's recaps (or the current one) to its WordPress site.

    `passwords` is the window's memory of passwords the keyring could not keep (by
    keyring entry name). Replaceable for tests: `open_url(QUrl)` (Open Post). The
    window's `before_publish()` saves its buffers first (False stops)."""

    reportShown = Signal(object)  # PublishReport (after a check, a run or a cancel)
    publishFailed = Signal(str)
    jobStarted = Signal(object)  # PublishJob, before it starts

    def __init__(self, series: Series, settings: QSettings, *, current: Path | None = None,
                 passwords: dict[str, str] | None = None,
                 before_publish: Callable[[], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series = series
        self.root = series.root
        self.settings = settings
        self.passwords = passwords if passwords is not None else {}
        self.before_publish = before_publish
        self.current = next((e for e in series.episodes if e.path == current), None)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.job: PublishJob | None = None
        self.report: PublishReport | None = None
        self._close_when_idle = False
        self.setWindowTitle(f"Publish {series.title}")
        self.setObjectName("publishDialog")
        self.setMinimumWidth(640)
        self._build()
        self._restore()
        self.resize(780, 700)
        self._set_busy(False)
        self._say("")

    # --- construction -------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self._site_box())
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self._recaps_box(), 1)
        row.addWidget(self._status_box(), 1)
        layout.addLayout(row)

        self.table = QTreeWidget(self)
        self.table.setObjectName("publishPlan")
        self.table.setHeaderLabels(["Recap", "What happens", "Post"])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setMinimumHeight(120)
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setUniformRowHeights(False)
        layout.addWidget(self.table, 1)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("publishProgress")
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.step_label = QLabel(self)
        self.upload_bar = QProgressBar(self)
        self.upload_bar.setObjectName("uploadProgress")
        self.upload_bar.setFormat("%p%")
        self.upload_label = QLabel(self)
        self.upload_label.setObjectName("uploadLabel")
        self.message = QLabel(self)
        self.message.setObjectName("publishMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.upload_label.setMinimumWidth(240)
        for widget in (self.upload_label, self.upload_bar):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # shown while a still is being uploaded
            widget.setSizePolicy(policy)
        # the message when idle, the progress while working, in the same place
        working = QWidget(self)
        working_layout = QVBoxLayout(working)
        working_layout.setContentsMargins(0, 0, 0, 0)
        upload_row = QHBoxLayout()
        upload_row.addWidget(self.upload_label)
        upload_row.addWidget(self.upload_bar, 1)
        working_layout.addWidget(self.progress)
        working_layout.addWidget(self.step_label)
        working_layout.addLayout(upload_row)
        self.status_stack = QStackedWidget(self)
        self.status_stack.addWidget(self.message)
        self.status_stack.addWidget(working)
        layout.addWidget(self.status_stack)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.check_button = QPushButton("&Check", self)
        self.check_button.setToolTip("See what publishing would do, without changing the "
                                     "site")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        self.publish_button = QPushButton("&Publish", self)
        self.publish_button.setObjectName("primaryButton")
        self.publish_button.setDefault(True)
        font = QFont(self.publish_button.font())
        font.setBold(True)
        self.publish_button.setFont(font)
        self.publish_button.setMinimumWidth(110)
        self.publish_button.clicked.connect(self.publish)
        for button in (self.close_button, self.cancel_button, self.check_button,
                       self.publish_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def _site_box(self) -> QGroupBox:
        box = QGroupBox("WordPress site", self)
        col = QVBoxLayout(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.url_edit = QLineEdit(box)
        self.url_edit.setObjectName("siteUrl")
        self.url_edit.setPlaceholderText("https://recaps.example.com/")
        self.user_edit = QLineEdit(box)
        self.user_edit.setObjectName("siteUser")
        self.user_edit.setPlaceholderText("your WordPress user name (an Author is enough)")
        self.password_edit = QLineEdit(box)
        self.password_edit.setObjectName("sitePassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember it in the system keyring", box)
        self.remember.setChecked(True)
        form.addRow("Site &address:", self.url_edit)
        form.addRow("&User:", self.user_edit)
        form.addRow("Pass&word:", self.password_edit)
        form.addRow("", self.remember)
        col.addLayout(form)
        hint = QLabel("Use an <b>application password</b>, not your login password: make "
                      "one in WordPress under Users ▸ Profile ▸ Application Passwords.", box)
        hint.setObjectName("passwordHint")
        hint.setWordWrap(True)
        hint.setMinimumHeight(2 * hint.fontMetrics().lineSpacing() + 2)
        col.addWidget(hint)
        self.url_edit.textChanged.connect(self._update_password_hint)
        self.user_edit.textChanged.connect(self._update_password_hint)
        return box

    def _recaps_box(self) -> QGroupBox:
        box = QGroupBox("Recaps", self)
        col = QVBoxLayout(box)
        self.all_recaps = QRadioButton("&All final recaps", box)
        title = self.current.title.replace("&", "&&") if self.current else ""
        self.only_current = QRadioButton(f"Only &this recap: {title}" if self.current
                                         else "Only &this recap", box)
        self.only_current.setToolTip(self.current.title if self.current else "")
        self.only_current.setSizePolicy(QSizePolicy.Policy.Ignored,
                                        QSizePolicy.Policy.Preferred)
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.all_recaps)
        self.scope.addButton(self.only_current)
        self.all_recaps.setChecked(True)
        self.drafts = QCheckBox("Include &drafts", box)
        for widget in (self.all_recaps, self.only_current, self.drafts):
            col.addWidget(widget)
        col.addStretch(1)
        return box

    def _status_box(self) -> QGroupBox:
        box = QGroupBox("On the site", self)
        col = QVBoxLayout(box)
        col.setSpacing(2)
        self.as_draft = QRadioButton("As d&rafts", box)
        self.as_published = QRadioButton("P&ublished", box)
        self.status_group = QButtonGroup(self)
        self.status_group.addButton(self.as_draft)
        self.status_group.addButton(self.as_published)
        self.as_draft.setChecked(True)
        self.force = QCheckBox("&Overwrite posts edited on the site", box)
        self.force.setToolTip("Without this, a post changed on the site since RecapDesk "
                              "published it is left as it is")
        col.addWidget(self.as_draft)
        col.addWidget(_hint("New posts wait there for review", box))
        col.addWidget(self.as_published)
        col.addWidget(_hint("Live now; a future date schedules it", box))
        col.addSpacing(4)
        col.addWidget(self.force)
        col.addStretch(1)
        return box

    # --- settings -------------------------------------------------------------------

    def _key(self, name: str) -> str:
        digest = hashlib.sha1(str(self.root.resolve()).encode("utf-8")).hexdigest()[:16]
        return f"publish/{digest}/{name}"

    def _restore(self) -> None:
        try:
            site = wordpress_settings(self.series)
            self.url_edit.setText(site.url)
            self.user_edit.setText(site.user)
        except SettingsError:
            raw = self.series.publish.get("wordpress")
            if isinstance(raw, dict):
                self.url_edit.setText(str(raw.get("url") or ""))
                self.user_edit.setText(str(raw.get("user") or ""))
        s = self.settings
        self.as_published.setChecked(s.value(self._key("status"), "draft", str) == "publish")
        self.drafts.setChecked(s.value(self._key("drafts"), False, bool))
        self.only_current.setChecked(self.current is not None and s.value(
            self._key("only_current"), False, bool))
        self._update_password_hint()

    def _remember_choices(self) -> None:
        s = self.settings
        s.setValue(self._key("status"), "publish" if self.as_published.isChecked() else "draft")
        s.setValue(self._key("drafts"), self.drafts.isChecked())
        s.setValue(self._key("only_current"), self.only_current.isChecked())
        s.sync()

    def site(self) -> WordPressSettings | None:
        try:
            return site_settings(self.url_edit.text(), self.user_edit.text())
        except SettingsError:
            return None

    def _known_password(self, site: WordPressSettings) -> str | None:
        return self.passwords.get(site.keyring_name) or stored_password(site)

    def _update_password_hint(self) -> None:
        site = self.site()
        if os.environ.get(PASSWORD_ENV):
            text = f"Given by {PASSWORD_ENV}"
        elif site is not None and site.keyring_name in self.passwords:
            text = "Remembered until RecapDesk closes"
        elif site is not None and stored_password(site):
            text = "Stored in the system keyring (type here to change it)"
        else:
            text = "The site's application password for this user"
        self.password_edit.setPlaceholderText(text)

    # --- running --------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.job is not None

    def options(self):
        from recapdesk.core.publish.publisher import PublishOptions

        only = self.only_current.isChecked() and self.current is not None
        return PublishOptions(episodes=[self.current.id] if only and self.current else [],
                              status="publish" if self.as_published.isChecked() else None,
                              drafts=self.drafts.isChecked(), force=self.force.isChecked())

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.url_edit, self.user_edit, self.password_edit, self.remember,
                       self.all_recaps, self.drafts, self.as_draft, self.as_published,
                       self.force, self.check_button, self.publish_button):
            widget.setEnabled(not busy)
        self.only_current.setEnabled(not busy and self.current is not None)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.close_button.setVisible(not busy)
        self.status_stack.setCurrentIndex(1 if busy else 0)
        if not busy:
            self.upload_bar.hide()
            self.upload_label.hide()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: 600;" if error else "")

    def check(self) -> None:
        """What publishing would do (nothing on the site changes)."""
        self._start(run=False)

    def publish(self) -> None:
        """Upload what is missing and create or update the posts."""
        self._start(run=True)

    def _start(self, *, run: bool) -> None:
        if self.busy:
            return
        if self.before_publish is not None and self.before_publish() is False:
            self._say("Nothing was sent: the unsaved changes could not be saved.", error=True)
            return
        site = self._save_site()
        if site is None:
            return
        typed = self.password_edit.text().strip()
        password = typed or self._known_password(site)
        if not password:
            self._say("Enter the application password for "
                      f"{site.user} (make one in WordPress under Users ▸ Profile ▸ "
                      "Application Passwords).", error=True)
            self.password_edit.setFocus()
            return
        self._remember_choices()
        self._typed = typed
        self._say("")
        self._set_busy(True)
        self.progress.setRange(0, 0)
        self.step_label.setText("Asking the site who you are…" if not run
                                else "Looking at the site…")
        job = PublishJob(self.root, self.options(), password, run=run, parent=self)
        job.progress.connect(self._progress)
        job.upload.connect(self._upload_progress)
        job.finished_report.connect(self._finished)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self.job = job
        self.jobStarted.emit(job)
        job.start()

    def _save_site(self) -> WordPressSettings | None:
        """The site as typed, written to recapdesk.yaml when it changed."""
        try:
            site = site_settings(self.url_edit.text(), self.user_edit.text())
            try:
                saved = wordpress_settings(self.series)
            except SettingsError:
                saved = None
            if saved != site:
                save_wordpress_site(self.series, site.url, site.user)
        except (SettingsError, OSError) as exc:
            self._say(f"Nothing was sent: {one_line(exc)}", error=True)
            return None
        return site

    def _end_job(self) -> None:
        if self.job is not None:
            self.job.wait()
            self.job.deleteLater()
            self.job = None

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.step_label.setText(f"Step {min(done + 1, total)} of {total}: {message}")
        if not message.startswith("Uploading"):
            self.upload_bar.hide()
            self.upload_label.hide()

    def _upload_progress(self, name: str, sent: int, total: int) -> None:
        self.upload_bar.show()
        self.upload_label.show()
        self.upload_bar.setRange(0, max(1, total))
        self.upload_bar.setValue(sent)
        self.upload_label.setText(f"{name}: {_size(sent)} of {_size(total)}")

    def _keep_password(self) -> str:
        """After the site accepted a typed password: keep it (keyring, else memory)."""
        site = self.site()
        if not self._typed or site is None:
            return ""
        self.password_edit.clear()
        if self.remember.isChecked():
            problem = store_password(site, self._typed)
            if not problem:
                self.passwords.pop(site.keyring_name, None)
                self._update_password_hint()
                return ""
            self.passwords[site.keyring_name] = self._typed
            self._update_password_hint()
            return (f"The password works, but {problem}: RecapDesk remembers it until it "
                    "closes.")
        self.passwords[site.keyring_name] = self._typed
        self._update_password_hint()
        return ""

    def _finished(self, report: PublishReport) -> None:
        self._end_job()
        self._set_busy(False)
        self.report = report
        kept = self._keep_password() if not report.errors or report.outcomes else ""
        self._show(report)
        if report.errors:
            head = "Nothing was sent" if report.ran else "Publishing will stop"
            self._say(f"{head}: the project has {plural(len(report.errors), 'error')} "
                      f"(see the Problems panel), first {report.errors[0]}", error=True)
        elif report.ran:
            refused = sum(o.action == "refused" for o in report.outcomes)
            text = f"Published {plural(len(report.outcomes), 'recap')} to {self.site().url}."
            if refused:
                text += (f" {plural(refused, 'post')} edited on the site "
                         f"{'was' if refused == 1 else 'were'} left as "
                         f"{'it is' if refused == 1 else 'they are'}: tick “Overwrite posts "
                         "edited on the site” to replace them.")
            self._say(" ".join(filter(None, [text, kept])))
        else:
            self._say(kept)
        self.reportShown.emit(report)
        self._close_if_asked()

    def _failed(self, message: str, status: int) -> None:
        self._end_job()
        self._set_busy(False)
        site = self.site()
        if status == 401 and site is not None:
            self.passwords.pop(site.keyring_name, None)
            self.password_edit.clear()
            self.password_edit.setPlaceholderText("Enter the application password again")
            self.password_edit.setFocus()
        self._say(f"Nothing more was sent: {message}", error=True)
        self.publishFailed.emit(message)
        self._close_if_asked()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.step_label.setText("Cancelling…")

    def _cancelled(self, report: PublishReport) -> None:
        self._end_job()
        self._set_busy(False)
        self.report = report
        self._show(report)
        self._say("Cancelled. What was sent is remembered: publishing again goes on from "
                  "there, without duplicates.")
        self.reportShown.emit(report)
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

    # --- showing a report -------------------------------------------------------------

    def _show(self, report: PublishReport) -> None:
        self.table.clear()
        words = DONE if report.ran else ACTIONS
        for outcome in report.outcomes:
            item = QTreeWidgetItem(self.table, [f"{outcome.id} · {outcome.title}",
                                                words.get(outcome.action, outcome.action), ""])
            item.setToolTip(0, outcome.title)
            if outcome.note:
                item.setToolTip(1, outcome.note)
            if outcome.link:
                link = QLabel(f'<a href="{outcome.link}">Open Post</a>', self.table)
                link.setObjectName(f"openPost_{outcome.id}")
                link.setToolTip(outcome.link)
                link.linkActivated.connect(lambda url: self.open_url(QUrl(url)))
                self.table.setItemWidget(item, 2, link)
        lines = []
        if not report.ran and report.outcomes:
            listed = ", ".join(report.uploads[:4]) + (", …" if len(report.uploads) > 4 else "")
            lines.append(f"Stills to upload: {len(report.uploads)} ({listed})" if report.uploads
                         else "Stills to upload: none (every still is on the site already)")
        for recap, targets in report.unresolved.items():
            lines.append(f"{recap}: links to {', '.join(targets)} stay plain text until "
                         f"{'that recap is' if len(targets) == 1 else 'those are'} published")
        lines += report.notes
        for line in lines:
            item = QTreeWidgetItem(self.table, [textwrap.fill(line, NOTE_WIDTH)])
            item.setFirstColumnSpanned(True)
            item.setToolTip(0, line)
            item.setForeground(0, self.palette().placeholderText())

    def notes(self) -> list[str]:
        """The lines under the recaps: uploads, links that stay text, the site's notes."""
        table = self.table
        return [" ".join(table.topLevelItem(i).text(0).split())
                for i in range(table.topLevelItemCount())
                if table.topLevelItem(i).isFirstColumnSpanned()]

    def open_post(self, recap_id: str) -> None:
        """Open a recap's post in the browser (what its "Open Post" link does)."""
        for outcome in self.report.outcomes if self.report else []:
            if outcome.id == recap_id and outcome.link:
                self.open_url(QUrl(outcome.link))
