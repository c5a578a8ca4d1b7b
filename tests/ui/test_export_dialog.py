"""The Export dialog, driven for real: options, per-project destination, errors, cancel."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QThread, QUrl
from PySide6.QtWidgets import QDialog

from recapdesk.core.export.plan import MARKER, ExportOptions
from recapdesk.core.export.write import export
from recapdesk.core.project import open_project
from recapdesk.ui.export_dialog import ExportDialog, WriteJob

FINAL_PAGES = ["s01e01.html", "s01e02.html", "s01e03.html"]
FINAL_PAGES_STEMS = ["s01e01", "s01e02", "s01e03"]
TIMEOUT = 60_000


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_dialog(qtbot, project: Path, settings: QSettings, **kwargs) -> ExportDialog:
    dialog = ExportDialog(project, settings, **kwargs)
    qtbot.addWidget(dialog)
    dialog.opened: list[QUrl] = []
    dialog.open_url = dialog.opened.append
    dialog.confirm = lambda message: pytest.fail(f"unexpected question: {message}")
    dialog.show()
    return dialog


def run_export(qtbot, dialog: ExportDialog, signal: str = "exportFinished"):
    with qtbot.waitSignal(getattr(dialog, signal), timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy)
    return blocker.args[0] if blocker.args else None


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_folders(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.new-")]


# --- exporting ----------------------------------------------------------------------

def test_exports_the_whole_site_end_to_end(qtbot, sample_project: Path, settings: QSettings,
                                           tmp_path: Path) -> None:
    calls: list[str] = []
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings,
                         before_export=lambda: calls.append("saved"))
    dialog.planStarted.connect(lambda job: calls.append("planning"))
    assert dialog.destination.text() == str(sample_project / "export")
    assert dialog.kind == "site" and dialog.all_episodes.isChecked()
    assert dialog.export_button.isDefault()
    dialog.destination.setText(str(out))

    summary = run_export(qtbot, dialog)

    assert calls == ["saved", "planning"]  # unsaved buffers go to disk first
    assert (out / "index.html").is_file() and (out / "style.css").is_file()
    for name in FINAL_PAGES:
        assert "<h1" in (out / name).read_text("utf-8")
    assert not (out / "s01e04.html").exists()  # a draft
    assert len(list((out / "images").glob("s01e0?-0?.jpg"))) == 8  # and their other sizes
    assert summary.pages == 4 and summary.images == 8 and summary.out == out
    text = dialog.summary_label.text()
    assert re.fullmatch(rf"Exported 4 pages and 8 images to {re.escape(str(out))} "
                        r"in \d+\.\d s", text), text
    assert dialog.summary_frame.isVisible() and not dialog.progress.isVisible()
    assert not staging_folders(out)

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert dialog.opened == [QUrl.fromLocalFile(str(out / "index.html")),
                             QUrl.fromLocalFile(str(out))]


def test_single_file_pages(qtbot, sample_project: Path, settings: QSettings,
                           tmp_path: Path) -> None:
    out = tmp_path / "single"
    dialog = make_dialog(qtbot, sample_project, settings)
    button = dialog.kind_buttons["single"]  # click on its indicator
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert dialog.kind == "single"
    dialog.destination.setText(str(out))
    run_export(qtbot, dialog)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html", *FINAL_PAGES]
    page = (out / "s01e02.html").read_text("utf-8")
    assert 'src="data:image/jpeg;base64,' in page and "<style" in page
    assert 'src="images/' not in page


def test_fragments_spoiler_free_and_drafts(qtbot, sample_project: Path,
                                           settings: QSettings, tmp_path: Path) -> None:
    out = tmp_path / "cms"
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.set_kind("fragment")
    dialog.spoiler_free.setChecked(True)
    dialog.drafts.setChecked(True)
    dialog.destination.setText(str(out))
    summary = run_export(qtbot, dialog)
    pages = [*FINAL_PAGES, "s01e04.html"]
    assert sorted(p.name for p in out.glob("*.html")) == pages
    assert not (out / "index.html").exists() and not (out / "style.css").exists()
    html = (out / "s01e02.html").read_text("utf-8")
    assert "<html" not in html and '<figure class="still"><img src="images/' in html
    assert "he calls Soon-ok" not in html and 'class="spoiler"' not in html
    assert summary.pages == 4 and summary.main_page == out / "s01e01.html"


def test_only_the_current_recap(qtbot, sample_project: Path, settings: QSettings,
                                tmp_path: Path) -> None:
    out = tmp_path / "one"
    current = sample_project / "episodes" / "s01e02.md"
    dialog = make_dialog(qtbot, open_project(sample_project), settings, current=current)
    assert dialog.only_current.isEnabled()
    assert "Sumbisori" in dialog.only_current.text()
    dialog.only_current.setChecked(True)
    dialog.set_kind("fragment")
    dialog.destination.setText(str(out))
    summary = run_export(qtbot, dialog)
    assert sorted(p.name for p in out.glob("*.html")) == ["s01e02.html"]
    assert sorted(p.name for p in (out / "images").glob("*.jpg")) == [
        f"s01e02-0{n}{width}.jpg" for n in (1, 2) for width in ("-1600", "-480", "-800", "")]
    assert dialog.summary_label.text().startswith("Exported 1 page and 2 images to ")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.opened == [QUrl.fromLocalFile(str(out / "s01e02.html"))]
    assert summary.main_page == out / "s01e02.html"


def test_without_a_current_recap_only_all_can_be_chosen(qtbot, sample_project: Path,
                                                        settings: QSettings) -> None:
    dialog = make_dialog(qtbot, sample_project, settings)
    assert not dialog.only_current.isEnabled() and dialog.all_episodes.isChecked()


def test_browse_fills_the_destination(qtbot, sample_project: Path, settings: QSettings,
                                      tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, sample_project, settings)
    asked: list[str] = []
    dialog.choose_folder = lambda start: asked.append(start) or str(tmp_path / "picked")
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert asked == [str(sample_project / "export")]
    assert dialog.destination.text() == str(tmp_path / "picked")


# --- the destination, per project ---------------------------------------------------

def test_destination_is_remembered_per_project(qtbot, sample_project: Path,
                                               settings: QSettings, tmp_path: Path,
                                               make_project) -> None:
    other = make_project({"episodes/s01e01.md": "---\ntitle: Pilot\nseason: 1\n"
                                                "episode: 1\n---\n\nHello.\n"}, name="other")
    first = make_dialog(qtbot, sample_project, settings)
    first.destination.setText(str(tmp_path / "out-sample"))
    first.set_kind("single")
    run_export(qtbot, first)
    second = make_dialog(qtbot, other, settings)
    assert second.destination.text() == str(other / "export")  # nothing remembered yet
    assert second.kind == "site"
    second.destination.setText(str(tmp_path / "out-other"))
    run_export(qtbot, second)
    first.close()
    second.close()

    again = make_dialog(qtbot, sample_project, settings)
    assert again.destination.text() == str(tmp_path / "out-sample")
    assert again.kind == "single"
    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)  # survives restarts
    other_again = make_dialog(qtbot, other, reread)
    assert other_again.destination.text() == str(tmp_path / "out-other")
    assert other_again.kind == "site"


# --- errors -------------------------------------------------------------------------

def break_project(root: Path) -> None:
    path = root / "episodes" / "s01e01.md"
    path.write_text(path.read_text("utf-8") + "\nSee [[s09e09]].\n", "utf-8")


def test_errors_ask_first_and_refusing_writes_nothing(qtbot, sample_project: Path,
                                                      settings: QSettings,
                                                      tmp_path: Path) -> None:
    break_project(sample_project)
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    questions: list[str] = []
    dialog.confirm = lambda message: questions.append(message) or False
    run_export(qtbot, dialog, "exportCancelled")
    assert len(questions) == 1
    assert questions[0].startswith("The project has 1 error:\n")
    assert "episodes/s01e01.md:" in questions[0] and "[[s09e09]]" in questions[0]
    assert questions[0].endswith("Export anyway?")
    assert not out.exists() and not staging_folders(out)
    assert "Nothing was exported" in dialog.message.text()
    assert dialog.export_button.isEnabled() and not dialog.summary_frame.isVisible()


def test_errors_accepted_force_the_export(qtbot, sample_project: Path, settings: QSettings,
                                          tmp_path: Path) -> None:
    break_project(sample_project)
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    questions: list[str] = []
    dialog.confirm = lambda message: questions.append(message) or True
    summary = run_export(qtbot, dialog)
    assert len(questions) == 1
    assert (out / "index.html").is_file() and (out / "s01e01.html").is_file()
    assert summary.pages == 4
    assert "exported despite 1 error" in dialog.summary_label.text()


def test_destination_that_is_a_file_is_one_line(qtbot, sample_project: Path,
                                                settings: QSettings, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", "utf-8")
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(blocker))
    message = run_export(qtbot, dialog, "exportFailed")
    assert "exists and is not a folder" in message
    shown = dialog.message.text()
    assert shown == f"Export failed: {message}"
    assert "\n" not in shown and "Traceback" not in shown
    assert dialog.message.isVisible() and not dialog.summary_frame.isVisible()
    assert blocker.read_text("utf-8") == "not a folder"
    assert dialog.export_button.isEnabled()


def test_a_folder_of_other_files_is_refused(qtbot, sample_project: Path,
                                            settings: QSettings, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "taxes.txt").write_text("keep me", "utf-8")
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    message = run_export(qtbot, dialog, "exportFailed")
    assert "not a RecapDesk export" in message and "\n" not in message
    assert snapshot(out) == {"taxes.txt": b"keep me"}


# --- off the UI thread, and cancel --------------------------------------------------

def previous_export(project: Path, out: Path) -> dict[str, bytes]:
    export(open_project(project), ExportOptions(out=out))
    # the project changes afterwards, so a finished new export would differ
    path = project / "episodes" / "s01e01.md"
    path.write_text(path.read_text("utf-8").replace("## ", "## Changed ", 1), "utf-8")
    return snapshot(out)


@pytest.mark.parametrize("stop_at", ["first step", "just before the swap"])
def test_cancel_leaves_the_previous_export_untouched(qtbot, qapp, sample_project: Path,
                                                     settings: QSettings, tmp_path: Path,
                                                     stop_at: str) -> None:
    out = tmp_path / "site"
    before = previous_export(sample_project, out)
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    steps: list[tuple[str, int, bool]] = []
    main_thread = threading.get_ident()

    def on_step(done: int, total: int, message: str) -> None:
        # DirectConnection: runs in the thread that emits, i.e. the export's worker
        steps.append((message, threading.get_ident(),
                      QThread.currentThread() is not qapp.thread()))
        if stop_at == "first step" or message == "Putting the export in place":
            dialog.cancel()

    def hook(job: WriteJob) -> None:
        job.progress.connect(on_step, Qt.ConnectionType.DirectConnection)

    dialog.writeStarted.connect(hook)
    run_export(qtbot, dialog, "exportCancelled")

    assert steps and all(ident != main_thread and off for _, ident, off in steps)
    if stop_at == "first step":
        assert len(steps) == 1 and steps[0][0].startswith("Image ")  # resizing: off thread
    else:
        assert steps[-1][0] == "Putting the export in place"
    assert snapshot(out) == before
    assert not staging_folders(out)
    assert dialog.message.text() == "Export cancelled; nothing was changed."
    assert not dialog.summary_frame.isVisible() and dialog.export_button.isEnabled()


def test_the_cancel_button_stops_between_steps(qtbot, sample_project: Path,
                                               settings: QSettings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    before = previous_export(sample_project, out)
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    reached, release = threading.Event(), threading.Event()

    def hold(done: int, total: int, message: str) -> None:
        if done == 2 and not reached.is_set():
            reached.set()
            release.wait(TIMEOUT / 1000)  # the worker waits here until the test clicks

    dialog.writeStarted.connect(
        lambda job: job.progress.connect(hold, Qt.ConnectionType.DirectConnection))
    assert not dialog.cancel_button.isVisible()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=TIMEOUT)
    assert dialog.cancel_button.isVisible() and not dialog.export_button.isEnabled()
    assert not dialog.close_button.isVisible()
    with qtbot.waitSignal(dialog.exportCancelled, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert snapshot(out) == before and not staging_folders(out)
    assert not dialog.cancel_button.isVisible() and dialog.close_button.isVisible()


def test_closing_while_exporting_cancels_then_closes(qtbot, sample_project: Path,
                                                     settings: QSettings,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "site"
    before = previous_export(sample_project, out)
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    reached, release = threading.Event(), threading.Event()

    def hold(done: int, total: int, message: str) -> None:
        if not reached.is_set():
            reached.set()
            release.wait(TIMEOUT / 1000)

    dialog.writeStarted.connect(
        lambda job: job.progress.connect(hold, Qt.ConnectionType.DirectConnection))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=TIMEOUT)
    dialog.reject()  # Escape or the title bar's close button
    assert dialog.isVisible()  # waits for the worker to stop
    with qtbot.waitSignal(dialog.exportCancelled, timeout=TIMEOUT):
        release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert snapshot(out) == before and not staging_folders(out)


def test_export_again_after_a_cancel(qtbot, sample_project: Path, settings: QSettings,
                                     tmp_path: Path) -> None:
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    once = {"done": False}

    def cancel_first(done: int, total: int, message: str) -> None:
        if not once["done"]:
            once["done"] = True
            dialog.cancel()

    dialog.writeStarted.connect(
        lambda job: job.progress.connect(cancel_first, Qt.ConnectionType.DirectConnection))
    run_export(qtbot, dialog, "exportCancelled")
    assert not out.exists()
    run_export(qtbot, dialog)
    assert (out / "index.html").is_file()
    assert dialog.message.text() == "" and dialog.summary_frame.isVisible()


def test_cancel_while_checking_leaves_no_pages_made_ahead(qtbot, sample_project: Path,
                                                         settings: QSettings,
                                                         tmp_path: Path) -> None:
    """The plan makes a site's pages into a hidden folder while it checks; cancelled
    before writing, that folder goes too."""
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.destination.setText(str(out))
    def cancel(job) -> None:
        dialog.planStarted.disconnect(cancel)
        dialog.cancel()

    dialog.planStarted.connect(cancel)
    run_export(qtbot, dialog, "exportCancelled")
    assert not out.exists() and not staging_folders(out)
    run_export(qtbot, dialog)
    assert (out / "index.html").is_file() and not staging_folders(out)


def test_a_failed_save_stops_the_export(qtbot, sample_project: Path, settings: QSettings,
                                        tmp_path: Path) -> None:
    out = tmp_path / "site"
    dialog = make_dialog(qtbot, sample_project, settings, before_export=lambda: False)
    dialog.destination.setText(str(out))
    started: list[object] = []
    dialog.planStarted.connect(started.append)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not started and not dialog.busy and not out.exists()
    assert dialog.message.text() == ("Nothing was exported: the unsaved changes could not "
                                     "be saved.")

    def broken() -> None:
        raise OSError(28, "No space left on device")

    dialog.before_export = broken
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not started and not out.exists()
    assert "No space left on device" in dialog.message.text()
    assert "\n" not in dialog.message.text()


def test_hugo_page_bundles_into_a_hugo_site(qtbot, sample_project: Path, settings: QSettings,
                                            tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "Recaps"\n')
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.set_kind("hugo")
    assert not dialog.spoiler_free.isEnabled()
    dialog.destination.setText(str(site / "content" / "recaps"))
    summary = run_export(qtbot, dialog)
    assert summary.text.startswith("Exported 3 Hugo page bundles and 8 images to ")
    assert sorted(p.name for p in (site / "content" / "recaps").iterdir()) == FINAL_PAGES_STEMS
    assert (site / "layouts" / "shortcodes" / "recapdesk-html.html").is_file()
    assert not dialog.open_button.isEnabled()
    dialog.set_kind("site")
    assert dialog.spoiler_free.isEnabled()


def test_hugo_outside_a_hugo_site_is_one_clear_line(qtbot, sample_project: Path,
                                                    settings: QSettings, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, sample_project, settings)
    dialog.set_kind("hugo")
    dialog.destination.setText(str(tmp_path / "not-a-site" / "content"))
    message = run_export(qtbot, dialog, "exportFailed")
    assert "not inside a Hugo site" in message
    assert "not inside a Hugo site" in dialog.message.text()
