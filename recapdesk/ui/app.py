"""Application start-up: QApplication, settings, icons, the first-run sample, `shot`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ORG = "RecapDesk"
APP = "RecapDesk"


def _prepare_environment() -> None:
    """Chromium's sandbox cannot run as root; QtWebEngine needs to be told."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()
    if not os.environ.get("QT_QPA_PLATFORM") and not (os.environ.get("DISPLAY")
                                                      or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def make_app(argv: list[str] | None = None):
    """The QApplication (created once), with the `recap:` scheme registered first."""
    _prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from recapdesk.core.resources import resource_path
    from recapdesk.ui.preview import register_scheme

    existing = QApplication.instance()
    if existing is not None:
        return existing
    register_scheme()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationDisplayName(APP)
    app.setWindowIcon(QIcon(str(resource_path("icons", "recapdesk.svg"))))
    app.setStyle("Fusion")
    return app


def settings():
    from PySide6.QtCore import QSettings

    return QSettings(ORG, APP)


def choose_project(project: str | None) -> Path:
    """The project to open: the argument, else the last one, else the sample series."""
    from recapdesk.core.appdata import sample_project
    from recapdesk.core.project import is_project

    if project:
        return Path(project).expanduser()
    last = settings().value("project/last", "", str)
    if last and is_project(Path(last)):
        return Path(last)
    return sample_project()


def run_window(project: str | None = None, *, episode: str | None = None) -> int:
    """Open the main window and run until it closes."""
    app = make_app()
    from PySide6.QtWidgets import QMessageBox

    from recapdesk.core.project import ProjectError
    from recapdesk.ui.main_window import MainWindow

    window = MainWindow(settings())
    path = choose_project(project)
    try:
        window.open_project(path, episode=episode)
    except ProjectError as exc:
        if project:
            print(f"recapdesk: {exc}", file=sys.stderr)
            return 2
        QMessageBox.warning(window, "RecapDesk", str(exc))
    window.show()
    window.focus_editor()
    return app.exec()


def shot(root: Path, out: Path, *, episode: str | None = None,
         size: tuple[int, int] = (1440, 900), panel: str = "outline") -> int:
    """Render the main window with a project open (read-only) into a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_app()
    from PySide6.QtCore import QBuffer, QEventLoop, QIODevice, QSettings, Qt, QTimer

    from recapdesk.core import storage
    from recapdesk.core.documents import Access, ReadOnly
    from recapdesk.core.project import ProjectError
    from recapdesk.ui.main_window import MainWindow

    scratch = storage.scratch_folder("recapdesk-shot-")  # the window's settings
    try:
        temp_settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(temp_settings, restore=False)
        try:
            window.open_project(Path(root), episode=episode, access=Access.READ_ONLY,
                                why=ReadOnly.SCREENSHOT)
        except ProjectError as exc:
            print(f"recapdesk shot: {exc}", file=sys.stderr)
            return 2
        window.resize(*size)
        if panel == "stills":
            window.stills_dock.raise_()
            window.stills.set_filter("episode")
            names = window.stills.visible_names()
            if names:
                window.stills.select(names[0])
        elif panel == "editorial":
            window.editorial_dock.raise_()
            window.resizeDocks([window.editorial_dock], [300], Qt.Orientation.Vertical)
        elif panel == "watch":
            window.watch_dock.raise_()
            window.resizeDocks([window.watch_dock], [640], Qt.Orientation.Horizontal)
        window.show()
        loop = QEventLoop()
        window.preview_ready.connect(loop.quit)
        QTimer.singleShot(15000, loop.quit)
        if not window.preview_is_ready():
            loop.exec()
        settle = QEventLoop()
        QTimer.singleShot(600, settle.quit)
        settle.exec()
        for _ in range(100):  # thumbnails come from worker threads, counts and problems
            # from the inspection worker (bounded wait: 10 s)
            inspected = window.inspection.last is not None and not window.inspection.busy
            if inspected and not window.stills.thumbnails_pending() \
                    and not window.watch.busy():
                break
            wait = QEventLoop()
            QTimer.singleShot(100, wait.quit)
            wait.exec()
        image = window.render_image()
        window.session.flush()
        window.close()
        app.processEvents()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            print(f"recapdesk shot: cannot render {out}", file=sys.stderr)
            return 2
        try:
            storage.atomic_write(Path(out), bytes(buffer.data()))
        except OSError as exc:
            print(f"recapdesk shot: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    finally:
        storage.remove_tree(scratch)
    print(out)
    return 0
