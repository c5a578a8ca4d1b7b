"""The Publish dialog against the real WordPress: the password asked once and kept, a
check of what would happen, publishing with upload progress, Cancel and resuming,
"Open Post", the site written into recapdesk.yaml, and the outline's marks."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QSettings, Qt, QUrl

from recapdesk.core.project import open_project
from recapdesk.core.publish.settings import KEYRING_SERVICE, PASSWORD_ENV
from recapdesk.ui.outline.model import PUBLISH_ROLE
from recapdesk.ui.publish_dialog import PublishDialog
from recapdesk.ui.publish_job import PublishReport
from tests.drivers.publishing import (
    MemoryKeyring,
    fresh_stills,
    make_project,
    media_count,
    state,
)
from tests.drivers.wordpress import AUTHOR, WordPressSite
from tests.ui.conftest import editor_of, type_paragraph

TIMEOUT = 120_000


@pytest.fixture(autouse=True)
def no_password_in_the_environment(monkeypatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def own_keyring():
    """A keyring of this test's own (never the machine's)."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_dialog(qtbot, root: Path, settings: QSettings, **kwargs) -> PublishDialog:
    dialog = PublishDialog(open_project(root), settings, **kwargs)
    qtbot.addWidget(dialog)
    dialog.opened: list[QUrl] = []
    dialog.open_url = dialog.opened.append
    dialog.show()
    return dialog


def press(qtbot, dialog: PublishDialog, button) -> PublishReport | str:
    """Click Check or Publish and wait for the report (or the failure's message)."""
    answers: list[PublishReport | str] = []
    dialog.reportShown.connect(answers.append)
    dialog.publishFailed.connect(answers.append)
    try:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(answers) and not dialog.busy, timeout=TIMEOUT)
    finally:
        dialog.reportShown.disconnect(answers.append)
        dialog.publishFailed.disconnect(answers.append)
    return answers[0]


def rows(dialog: PublishDialog) -> dict[str, str]:
    table = dialog.table
    items = [table.topLevelItem(i) for i in range(table.topLevelItemCount())]
    return {item.text(0).split(" · ")[0]: item.text(1) for item in items
            if not item.isFirstColumnSpanned()}


def test_the_password_is_asked_once_checked_and_kept(qtbot, wordpress: WordPressSite,
                                                     tmp_path: Path, settings: QSettings,
                                                     own_keyring) -> None:
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)  # none on the site yet
    dialog = make_dialog(qtbot, root, settings)
    assert dialog.url_edit.text() == wordpress.url + "/"
    assert dialog.user_edit.text() == AUTHOR
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "Enter the application password" in dialog.message.text()
    assert not dialog.busy
    qtbot.keyClicks(dialog.password_edit, "abcd efgh ijkl mnop qrst uvwx")
    failed = press(qtbot, dialog, dialog.check_button)
    assert isinstance(failed, str) and "is wrong" in failed
    assert "Users ▸ Profile ▸ Application Passwords" in dialog.message.text()
    assert dialog.password_edit.text() == "" and dialog.password_edit.hasFocus()
    assert keyring.get_password(KEYRING_SERVICE, f"{AUTHOR}@{wordpress.url}/") is None
    qtbot.keyClicks(dialog.password_edit, wordpress.passwords[AUTHOR])
    report = press(qtbot, dialog, dialog.check_button)
    assert isinstance(report, PublishReport) and not report.ran
    assert rows(dialog) == {"s01e01": "New post", "s01e02": "New post", "s01e03": "New post"}
    assert any(line.startswith("Stills to upload: 8 (") for line in dialog.notes())
    assert keyring.get_password(KEYRING_SERVICE, f"{AUTHOR}@{wordpress.url}/") == \
        wordpress.passwords[AUTHOR]
    assert dialog.password_edit.text() == ""
    assert "system keyring" in dialog.password_edit.placeholderText()
    assert not (root / "recapdesk.published.json").exists()  # a check changes nothing
    # a second dialog (another day) asks nothing
    again = make_dialog(qtbot, root, settings)
    assert isinstance(press(qtbot, again, again.check_button), PublishReport)


def test_publishing_shows_each_upload_and_opens_the_posts(qtbot, wordpress: WordPressSite,
                                                          tmp_path: Path, settings: QSettings,
                                                          own_keyring) -> None:
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    keyring.set_password(KEYRING_SERVICE, f"{AUTHOR}@{wordpress.url}/",
                         wordpress.passwords[AUTHOR])
    saved: list[str] = []
    dialog = make_dialog(qtbot, root, settings, before_publish=lambda: saved.append("saved"))
    uploads: list[tuple[str, int, int]] = []
    shown: list[bool] = []

    def watch(job) -> None:
        job.upload.connect(lambda name, sent, total: (
            uploads.append((name, sent, total)), shown.append(dialog.upload_bar.isVisible())))

    dialog.jobStarted.connect(watch)
    report = press(qtbot, dialog, dialog.publish_button)
    assert saved == ["saved"]
    assert isinstance(report, PublishReport) and report.ran and not report.errors
    assert rows(dialog) == {"s01e01": "Created", "s01e02": "Created", "s01e03": "Created"}
    names = {name for name, _, _ in uploads}
    assert names == {m["file"] for m in state(root, wordpress)["media"].values()}
    assert all(sent <= total for _, sent, total in uploads) and any(shown)
    assert any(sent == total for _, sent, total in uploads)
    assert "Published 3 recaps" in dialog.message.text()
    link = dialog.table.itemWidget(dialog.table.topLevelItem(1), 2)
    assert link.text().endswith(">Open Post</a>")
    link.linkActivated.emit(state(root, wordpress)["posts"]["s01e02"]["link"])
    assert dialog.opened == [QUrl(state(root, wordpress)["posts"]["s01e02"]["link"])]
    # publishing again: nothing to send
    report = press(qtbot, dialog, dialog.publish_button)
    assert set(rows(dialog).values()) == {"Unchanged"}


def test_cancel_in_the_middle_of_an_upload_and_go_on_later(qtbot, wordpress: WordPressSite,
                                                           tmp_path: Path, settings: QSettings,
                                                           own_keyring) -> None:
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    keyring.set_password(KEYRING_SERVICE, f"{AUTHOR}@{wordpress.url}/",
                         wordpress.passwords[AUTHOR])
    before = media_count(wordpress)
    dialog = make_dialog(qtbot, root, settings)
    cancelled: list[str] = []

    def cancel_at_second_upload(job) -> None:
        def seen(name: str, sent: int, total: int) -> None:
            if not cancelled and len({n for n, _ in uploaded}) >= 1 and name not in uploaded[0]:
                cancelled.append(name)
                dialog.cancel()
            uploaded.append((name, sent))
        uploaded: list[tuple[str, int]] = []
        job.upload.connect(seen)

    dialog.jobStarted.connect(cancel_at_second_upload)
    report = press(qtbot, dialog, dialog.publish_button)
    assert cancelled and isinstance(report, PublishReport)
    assert "Cancelled" in dialog.message.text() and "without duplicates" in dialog.message.text()
    done = media_count(wordpress) - before
    assert 1 <= done < len(list((root / "stills").glob("*.jpg")))
    dialog.jobStarted.disconnect(cancel_at_second_upload)
    report = press(qtbot, dialog, dialog.publish_button)
    assert set(rows(dialog).values()) == {"Created"}
    assert media_count(wordpress) - before == len(state(root, wordpress)["media"])


def test_without_a_keyring_the_password_is_kept_until_recapdesk_closes(
        qtbot, wordpress: WordPressSite, tmp_path: Path, settings: QSettings) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        root = make_project(wordpress, tmp_path)
        passwords: dict[str, str] = {}
        dialog = make_dialog(qtbot, root, settings, passwords=passwords)
        qtbot.keyClicks(dialog.password_edit, wordpress.passwords[AUTHOR])
        assert isinstance(press(qtbot, dialog, dialog.check_button), PublishReport)
        assert "remembers it until it closes" in dialog.message.text()
        assert passwords == {f"{AUTHOR}@{wordpress.url}/": wordpress.passwords[AUTHOR]}
        again = make_dialog(qtbot, root, settings, passwords=passwords)
        assert again.password_edit.placeholderText() == "Remembered until RecapDesk closes"
        assert isinstance(press(qtbot, again, again.check_button), PublishReport)
    finally:
        keyring.set_keyring(before)


def test_the_site_typed_in_the_dialog_goes_into_recapdesk_yaml(
        qtbot, wordpress: WordPressSite, tmp_path: Path, settings: QSettings,
        own_keyring, sample_project: Path) -> None:
    manifest = sample_project / "recapdesk.yaml"
    original = manifest.read_text("utf-8")
    dialog = make_dialog(qtbot, sample_project, settings)
    assert dialog.url_edit.text() == ""
    qtbot.keyClicks(dialog.url_edit, "not a site")
    qtbot.keyClicks(dialog.user_edit, AUTHOR)
    qtbot.keyClicks(dialog.password_edit, wordpress.passwords[AUTHOR])
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "address must be like" in dialog.message.text()
    assert manifest.read_text("utf-8") == original
    dialog.url_edit.setText(wordpress.url)
    assert isinstance(press(qtbot, dialog, dialog.check_button), PublishReport)
    text = manifest.read_text("utf-8")
    assert text.startswith(original.rstrip("\n").split("\n")[0])
    assert f"url: {wordpress.url}/" in text and f"user: {AUTHOR}" in text
    for line in original.splitlines():
        if line.lstrip().startswith("#"):
            assert line in text  # the writer's comments are kept


def test_the_outline_shows_what_is_on_the_site_and_what_changed_since(
        qtbot, wordpress: WordPressSite, tmp_path: Path, own_keyring, open_window) -> None:
    root = make_project(wordpress, tmp_path)
    window = open_window(project=root, episode="s01e02")
    item = window.outline.model.episode_item(str(root / "episodes" / "s01e02.md"))
    assert item.data(PUBLISH_ROLE) is None
    assert window.actions.publish in window.actions.toolbar.actions()
    keyring.set_password(KEYRING_SERVICE, f"{AUTHOR}@{wordpress.url}/",
                         wordpress.passwords[AUTHOR])
    dialog = PublishDialog(window.series, window.settings, current=root / "episodes" /
                           "s01e02.md", parent=window)
    qtbot.addWidget(dialog)
    dialog.only_current.setChecked(True)
    dialog.reportShown.connect(lambda _r: window.publish_actions.refresh_marks())
    dialog.show()
    press(qtbot, dialog, dialog.publish_button)
    assert rows(dialog) == {"s01e02": "Created"}
    mark = item.data(PUBLISH_ROLE)
    assert mark is not None and mark.status == "draft" and not mark.changed
    assert "Draft on the site" in item.toolTip()
    other = window.outline.model.episode_item(str(root / "episodes" / "s01e01.md"))
    assert other.data(PUBLISH_ROLE) is None
    type_paragraph(qtbot, editor_of(window), "A line written after publishing.")
    window.save_current()
    qtbot.waitUntil(lambda: item.data(PUBLISH_ROLE).changed)
    assert "changed since" in item.toolTip()
