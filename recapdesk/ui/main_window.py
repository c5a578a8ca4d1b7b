"""MainWindow: assembles the panes, routes their signals through the Session.

It owns no document logic: text lives in the Session, files are written by the core.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from recapdesk.core import episode_ops, storage
from recapdesk.core.export.preview import LivePreview
from recapdesk.core.journal import Recovery, compare_texts
from recapdesk.core.model import Series
from recapdesk.core.outline import reading_minutes, renumber
from recapdesk.core.project import (
    MANIFEST,
    STILLS_YAML,
    ProjectError,
    create_project,
    is_project,
    new_episode,
    read_text,
)
from recapdesk.ui.actions import make_action
from recapdesk.ui.dialogs import Dialogs
from recapdesk.ui.editor_tab import EditorTab
from recapdesk.ui.outline import OutlineView
from recapdesk.ui.preview import PreviewView, ScrollSync
from recapdesk.ui.problems_view import ProblemsView
from recapdesk.ui.review_service import ReviewService, Snapshot
from recapdesk.ui.session import Session
from recapdesk.ui.status import StatusBar, save_state_text
from recapdesk.ui.stills import StillsPanel
from recapdesk.ui.watcher import FileWatcher

RENDER_DELAY_MS = 120
CHECK_DELAY_MS = 700  # a pause this long refreshes the Problems panel
MAX_RECENT = 8
MAX_COMPARE_ROUNDS = 10  # "Compare…" asked this often without a decision: decide later


class MainWindow(QMainWindow):
    """The writing window: outline | editor tabs | preview, stills and problems docks."""

    preview_ready = Signal()

    def __init__(self, settings: QSettings, *, restore: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.restore_layout = restore
        self.session = Session(self)
        self.watcher = FileWatcher(self)
        self.dialogs = Dialogs()
        # word counts, headings, problems and still usages: worked out off the UI thread
        self.review = ReviewService(self._review_snapshot, self)
        self._reviews: dict[Path, object] = {}  # path -> its latest TextReview
        self._asking: set[str] = set()  # paths with a question open (no second one)
        self._save_warned: set[str] = set()  # paths whose failed save was reported
        self._meta_hashes: dict[str, str | None] = {}  # recapdesk.yaml, stills.yaml
        self.series: Series | None = None
        self._preview_path: Path | None = None
        self._preview_ready = False
        self.setWindowTitle("RecapDesk")
        self.resize(1440, 900)
        self.setDocumentMode(True)
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._build_timers()
        self._connect()
        if restore:
            self._restore_window()

    # --- construction ------------------------------------------------------------------

    def _build_central(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("editorTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.setCentralWidget(self.tabs)

    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.outline = OutlineView(self)
        self.stills = StillsPanel(self)
        self.preview = PreviewView(self)
        self.problems = ProblemsView(self)
        self.outline_dock = self._dock("Outline", "outlineDock", self.outline, left)
        self.stills_dock = self._dock("Stills", "stillsDock", self.stills, left)
        self.tabifyDockWidget(self.outline_dock, self.stills_dock)
        self.outline_dock.raise_()
        self.preview_dock = self._dock("Preview", "previewDock", self.preview, right)
        self.problems_dock = self._dock("Problems", "problemsDock", self.problems,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.outline_dock, self.preview_dock], [300, 560],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [90], Qt.Orientation.Vertical)

    def _build_actions(self) -> None:
        a = make_action
        self.act_new_project = a(self, "&New Project…", self.new_project_dialog,
                                 icon="new_project", shortcut="Ctrl+Shift+N")
        self.act_open_project = a(self, "&Open Project…", self.open_project_dialog,
                                  icon="open_project", shortcut=QKeySequence.StandardKey.Open)
        self.act_new_episode = a(self, "New &Episode", self.new_episode, icon="new_episode",
                                 shortcut=QKeySequence.StandardKey.New)
        self.act_save = a(self, "&Save", self.save_current, icon="save",
                          shortcut=QKeySequence.StandardKey.Save)
        self.act_save_all = a(self, "Save A&ll", self.save_all, shortcut="Ctrl+Alt+S")
        self.act_close_tab = a(self, "&Close Episode", self.close_current_tab,
                               shortcut=QKeySequence.StandardKey.Close)
        self.act_export = a(self, "&Export…", self.export_dialog, icon="export",
                            shortcut="Ctrl+E")
        self.act_copy_html = a(self, "Copy HTML for &CMS", self.copy_html_for_cms,
                               icon="copy_html", shortcut="Ctrl+Shift+C")
        self.act_quit = a(self, "&Quit", self.close, shortcut=QKeySequence.StandardKey.Quit)
        self.act_undo = a(self, "&Undo", lambda: self._editor_call("undo"), icon="undo",
                          shortcut=QKeySequence.StandardKey.Undo)
        self.act_redo = a(self, "&Redo", lambda: self._editor_call("redo"), icon="redo",
                          shortcut=QKeySequence.StandardKey.Redo)
        self.act_find = a(self, "&Find…", lambda: self._show_find(False), icon="find",
                          keys_hint="Ctrl+F")
        self.act_replace = a(self, "Find and &Replace…", lambda: self._show_find(True),
                             keys_hint="Ctrl+H")
        # the editor owns these shortcuts while it has focus; the window's actions forward
        self.act_inline_spoiler = a(self, "Hide Selection as &Inline Spoiler",
                                    lambda: self._editor_action("inline_spoiler"),
                                    icon="spoiler", keys_hint="Ctrl+Shift+S")
        self.act_spoiler_block = a(self, "Wrap in Spoiler &Block…",
                                   lambda: self._editor_action("spoiler_block"),
                                   icon="spoiler_block", keys_hint="Ctrl+Shift+B")
        self.act_unwrap = a(self, "&Remove Spoiler", lambda: self._editor_action("unwrap_spoiler"),
                            icon="unwrap", keys_hint="Ctrl+Shift+U")
        self.act_warning = a(self, "Insert Spoiler &Warning Line",
                             lambda: self._editor_action("spoiler_warning"),
                             icon="warning_line", keys_hint="Ctrl+Shift+W")
        self.act_levels = {
            level: a(self, f"Spoiler Level: {level.title()}",
                     lambda _=False, lv=level: self._set_spoiler_level(lv), checkable=True)
            for level in ("none", "minor", "major")
        }
        self.act_show_spoilers = a(self, "Show Spoilers in Preview", self._toggle_show_spoilers,
                                   icon="show_spoilers", shortcut="Ctrl+Shift+P", checkable=True)
        self.act_focus = a(self, "&Distraction-Free Mode", self.toggle_focus_mode, icon="focus",
                           shortcut="F11", checkable=True)
        self.act_about = a(self, "&About RecapDesk", self._about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new_project, self.act_open_project])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addActions([self.act_new_episode, self.act_save, self.act_save_all,
                              self.act_close_tab])
        file_menu.addSeparator()
        file_menu.addActions([self.act_export, self.act_copy_html])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_replace])
        spoilers = bar.addMenu("&Spoilers")
        spoilers.addActions([self.act_inline_spoiler, self.act_spoiler_block, self.act_unwrap,
                             self.act_warning])
        spoilers.addSeparator()
        spoilers.addActions(list(self.act_levels.values()))
        spoilers.addSeparator()
        spoilers.addAction(self.act_show_spoilers)
        view = bar.addMenu("&View")
        for dock in (self.outline_dock, self.stills_dock, self.preview_dock, self.problems_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self._build_scroll_sync())
        view.addAction(self.act_focus)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main", self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tb.addActions([self.act_new_episode, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo, self.act_find])
        tb.addSeparator()
        tb.addActions([self.act_inline_spoiler, self.act_spoiler_block, self.act_unwrap,
                       self.act_warning, self.act_show_spoilers])
        tb.addSeparator()
        tb.addActions([self.act_export, self.act_copy_html])
        tb.addSeparator()
        tb.addAction(self.act_focus)
        self.toolbar = tb
        self.addToolBar(tb)

    def _build_timers(self) -> None:
        def single(ms: int, slot) -> QTimer:  # noqa: ANN001
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(ms)
            timer.timeout.connect(slot)
            return timer

        self.render_timer = single(RENDER_DELAY_MS, self.render_preview)
        self.check_timer = single(CHECK_DELAY_MS, self.run_checks)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._update_save_state)
        self.clock.start()

    def _connect(self) -> None:
        s = self.session
        self.review.reviewed.connect(self._reviewed)
        s.bufferChanged.connect(self._buffer_changed)
        s.dirtyChanged.connect(self._dirty_changed)
        s.saved.connect(lambda *_: self._update_save_state())
        s.saved.connect(self._saved)
        s.saveFailed.connect(self._save_failed)
        s.conflict.connect(self._conflict)
        s.reloaded.connect(self._reloaded)
        s.deleted.connect(self._deleted_on_disk)
        s.journalFailed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        s.lockLost.connect(self._lock_lost)
        self.watcher.changed.connect(self._file_changed_on_disk)
        self.watcher.folderChanged.connect(self._folder_changed_on_disk)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        o = self.outline
        o.episodeActivated.connect(lambda p: self.open_episode(Path(p)))
        o.headingActivated.connect(lambda p, line: self.open_episode(Path(p), line=line))
        o.newEpisodeRequested.connect(self.new_episode)
        o.renameRequested.connect(self._rename_episode)
        o.duplicateRequested.connect(self._duplicate_episode)
        o.statusRequested.connect(self._set_status)
        o.deleteRequested.connect(self._delete_episode)
        o.reorderRequested.connect(self._reorder)
        o.sectionMoveRequested.connect(self._move_section)
        self.stills.insertRequested.connect(self._insert_still)
        self.stills.stillImported.connect(lambda _name: self._stills_changed())
        self.stills.stillsChanged.connect(self._stills_changed)
        self.stills.usageActivated.connect(
            lambda p, line: self.open_episode(Path(p), line=max(0, line - 1)))
        self.stills.renameRequested.connect(self._rename_still)
        self.stills.removeRequested.connect(self._remove_still)
        self.stills.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.problems.problemActivated.connect(self._jump_to_problem)
        self.preview.linkClicked.connect(self._preview_link)
        self.preview.ready.connect(self._on_preview_ready)

    # --- project -----------------------------------------------------------------------

    def open_project(self, path: Path, *, episode: str | None = None,
                     access: str | None = None) -> bool:
        """Open a project folder (raises ProjectError) and its episodes as remembered.

        Asks first when another RecapDesk has the project open (open anyway, read-only
        or cancel) — unless `access` ("write", "shared", "read_only") is given — and
        when the current project has text that could not be saved. Unsaved text a
        crashed RecapDesk left in the journal is recovered. Returns False when the
        writer cancelled.
        """
        root = Session.project_root(Path(path))
        owner = self.session.other_owner(root) if is_project(root) and not access else None
        access = access or "write"
        if owner is not None:
            choice = self.dialogs.project_locked(self, storage.describe_owner(owner))
            if choice not in ("open_anyway", "read_only"):
                return False
            access = "shared" if choice == "open_anyway" else "read_only"
        if self.series is not None and not self.session.flush() and not self.dialogs.confirm(
                self, "Unsaved changes", "Some changes could not be saved. They are kept for "
                "recovery and offered again when this project is opened. Switch projects "
                "anyway?", ok="Switch Anyway"):
            return False
        self._remember_open_tabs()
        series = self.session.open_project(Path(path), access=access)
        self.watcher.clear()
        self._save_warned.clear()
        while self.tabs.count():
            self.tabs.removeTab(0)
        self.series = series
        self.setWindowTitle(f"{series.title} — RecapDesk")
        self.preview.set_project_root(series.root)
        self.outline.set_series(series)
        self.stills.set_series(series)
        self.stills.setEnabled(self.session.access != "read_only")
        self._watch_project(series)
        self._add_recent(series.root)
        self.settings.setValue("project/last", str(series.root))
        self._restore_tabs(episode)
        self.run_checks()
        self._recover_journal()
        self._announce_access()
        return True

    def _watch_project(self, series: Series) -> None:
        meta = [series.root / MANIFEST, series.stills_dir / STILLS_YAML]
        self._meta_hashes = {str(p): self._meta_hash(p) for p in meta}
        for path in meta:
            self.watcher.add(path)
        self.watcher.add_folder(series.episodes_dir)

    def _meta_hash(self, path: Path) -> str | None:
        """The hash of a project file (None for a link out of the project: never read)."""
        if self.series is None:
            return None
        try:
            path.resolve().relative_to(self.series.root)
        except (OSError, ValueError):
            return None
        return storage.file_hash(path)

    def _announce_access(self) -> None:
        s = self.session
        if s.lock_problem:
            self.statusBar().showMessage(s.lock_problem, 20000)
        elif s.access == "read_only":
            self.setWindowTitle(f"{self.windowTitle()} (read-only)")
            self.statusBar().showMessage("Opened read-only: " + s.read_only_reason(), 20000)
        elif s.access == "shared" and s.lock_owner:
            self.statusBar().showMessage(
                f"Also open in {storage.describe_owner(s.lock_owner)}: saves from both "
                "windows can overwrite each other.", 20000)

    def _read_only_refusal(self, title: str) -> bool:
        """Say no to a change of files in a read-only project (True when refused)."""
        if self.session.access != "read_only":
            return False
        self.dialogs.warn(self, title, "This project is open read-only (it is open in "
                          "another RecapDesk). Nothing is changed from this window.")
        return True

    def _restore_tabs(self, episode: str | None) -> None:
        series = self.series
        assert series is not None
        key = f"tabs/{series.root}"
        remembered = self.settings.value(key, [], list) if self.restore_layout else []
        for rel in remembered or []:
            path = series.root / str(rel)
            if path.is_file():
                self.open_episode(path, focus=False)
        target = None
        if episode:
            target = series.find_episode(episode)
            if target is None:
                self.statusBar().showMessage(f"No episode {episode!r} in this project", 8000)
        if target is None and self.tabs.count() == 0 and series.episodes:
            target = series.episodes[0]
        if target is not None:
            self.open_episode(target.path)
        elif self.tabs.count():
            current = self.settings.value(f"current/{series.root}", "", str)
            for i in range(self.tabs.count()):
                if series.rel(self.tabs.widget(i).path) == current:
                    self.tabs.setCurrentIndex(i)

    def new_project_dialog(self) -> None:
        folder = self.dialogs.choose_folder(self, "Choose where to create the project")
        if not folder:
            return
        title = self.dialogs.ask_text(self, "New Project", "Series title:")
        if not title:
            return
        target = Path(folder) / title.replace("/", "-")
        try:
            create_project(target, title)
            self.open_project(target)
        except ProjectError as exc:
            self.dialogs.warn(self, "New Project", str(exc))

    def open_project_dialog(self) -> None:
        folder = self.dialogs.choose_folder(self, "Open a RecapDesk project")
        if folder:
            self._open_project_safely(Path(folder))

    def _open_project_safely(self, path: Path) -> None:
        try:
            self.open_project(path)
        except (ProjectError, OSError) as exc:
            self.dialogs.warn(self, "Open Project", str(exc))

    def _add_recent(self, root: Path) -> None:
        recent = [r for r in self.settings.value("project/recent", [], list) or []
                  if r != str(root)]
        recent.insert(0, str(root))
        self.settings.setValue("project/recent", recent[:MAX_RECENT])
        self.recent_menu.clear()
        for entry in recent[:MAX_RECENT]:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _=False, e=entry: self._open_project_safely(Path(e)))

    # --- episodes and tabs -------------------------------------------------------------

    def tab_for(self, path: Path) -> EditorTab | None:
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, EditorTab) and tab.path == Path(path):
                return tab
        return None

    def current_tab(self) -> EditorTab | None:
        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, EditorTab) else None

    def open_episode(self, path: Path, *, line: int | None = None, focus: bool = True,
                     allow_missing: bool = False) -> None:
        """Show an episode in its tab (opening it if needed); optionally go to a line."""
        tab = self.tab_for(path)
        if tab is None:
            buffer = self.session.open_episode(path, allow_missing=allow_missing)
            self.watcher.add(buffer.path)
            tab = EditorTab(buffer.path, buffer.text, readonly_reason=buffer.reason, parent=self)
            tab.textEdited.connect(self._editor_edited)
            tab.editor.cursorLineChanged.connect(self._cursor_moved)
            tab.editor.wordAdded.connect(self._word_added)
            tab.editor.imagePasted.connect(self._image_pasted)
            tab.editor.imageFilesDropped.connect(self._image_files_dropped)
            tab.editor.stillDropped.connect(self._insert_still)
            tab.editor.cursorLineChanged.connect(lambda _line: self._update_save_state())
            tab.find_bar.searchAllRequested.connect(self._search_all)
            tab.find_bar.replaceAllRequested.connect(self._replace_all)
            self._configure_editor(tab)
            index = self.tabs.addTab(tab, self._tab_title(buffer.path))
            self.tabs.setTabToolTip(index, str(buffer.path))
            saved_cursor = self.settings.value(f"cursor/{buffer.path}", -1, int)
            if line is None and 0 <= saved_cursor < tab.editor.blockCount():
                line = saved_cursor
            elif line is None:  # first time: the top of the recap, past the front matter
                line = buffer.episode().body_line - 1
        self.tabs.setCurrentWidget(tab)
        if line is not None:
            tab.editor.goto_line(line)
            self.preview.scroll_to_line(line)
        if focus:
            tab.editor.setFocus()

    def _configure_editor(self, tab: EditorTab) -> None:
        series = self.series
        words: set[str] = set()
        if series is not None:
            tab.editor.set_wikilink_targets([(e.id, e.title) for e in series.episodes])
            words = set(series.cast) | set(series.directors) | set(series.characters)
            words |= {v for v in series.characters.values() if v}
            words |= {series.title, series.original_title, series.network, series.author,
                      series.site_name}
            words |= set(self.settings.value(f"words/{series.root}", [], list) or [])
        tab.load(sorted(words))

    def _tab_title(self, path: Path) -> str:
        buffer = self.session.buffer(path)
        ep = buffer.episode() if buffer else None
        name = ep.code.upper() if ep and ep.code else path.stem
        return f"{name} •" if buffer and buffer.dirty else name

    def close_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if isinstance(tab, EditorTab):
            self.settings.setValue(f"cursor/{tab.path}", tab.editor.textCursor().blockNumber())
            buffer = self.session.buffer(tab.path)
            if buffer is not None and buffer.missing and not buffer.readonly:
                self._ask_deleted(tab.path)  # saves it again or discards it
                return
            if not self.session.close_episode(tab.path):
                return
            self.watcher.remove(tab.path)
        self.tabs.removeTab(index)

    def close_current_tab(self) -> None:
        if self.tabs.currentIndex() >= 0:
            self.close_tab(self.tabs.currentIndex())

    def focus_editor(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.editor.setFocus()

    def new_episode(self) -> None:
        if self.series is None or self._read_only_refusal("New Episode"):
            return
        try:
            ep = new_episode(self.series)
        except (ProjectError, OSError) as exc:
            self.dialogs.warn(self, "New Episode", str(exc))
            return
        self._reload_series()
        self.open_episode(ep.path)

    # --- edits and rendering -----------------------------------------------------------

    def _editor_edited(self, path: str, text: str) -> None:
        self.session.set_text(path, text)

    def _buffer_changed(self, path: str) -> None:
        tab = self.current_tab()
        if tab is not None and str(tab.path) == path:
            self.render_timer.start()
            self.check_timer.start()
        self.review.request()  # word counts and headings, soon

    def _dirty_changed(self, path: str, dirty: bool) -> None:
        tab = self.tab_for(Path(path))
        if tab is not None:
            self.tabs.setTabText(self.tabs.indexOf(tab), self._tab_title(Path(path)))
        self._update_save_state()

    def _tab_changed(self, index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self._preview_path = None
        self.render_preview()
        self.outline.select_episode(str(tab.path))
        buffer = self.session.buffer(tab.path)
        self.stills.set_current_episode(buffer.episode().id if buffer else None)
        if tab.path not in self._reviews:
            self.review.request()
        self._update_counts()
        self._sync_level_actions()
        self.check_timer.start()

    _live: LivePreview | None = None  # the current episode's preview, kept up to date
    _patch_cost_ms = 0.0  # what a render and patch cost lately (a moving average)

    def render_preview(self) -> None:
        """Render the current episode: a new page when the episode changed, else a patch
        of the blocks that changed (the page keeps its scroll position)."""
        tab = self.current_tab()
        self.scroll_sync.attach(tab.editor if tab is not None else None)
        if tab is None or self.series is None:
            return
        buffer = self.session.buffer(tab.path)
        if buffer is None:
            return
        started = time.perf_counter()
        if self._preview_path != buffer.path or self._live is None:
            self._preview_path = buffer.path
            self._preview_ready = False
            self._live = LivePreview(self.series, buffer.path)
            update = self._live.update(buffer.text)
            self.preview.load_page(update.shell, self.series.rel(buffer.path), update.body,
                                   update.serial)
        else:
            update = self._live.update(buffer.text, self.series)
            self.preview.update_page(update.body, update.ops, update.shell, update.serial)
        # Render at once while patches are cheap; coalesce keystrokes when they are not.
        cost_ms = (time.perf_counter() - started) * 1000
        self._patch_cost_ms = 0.0 if update.load else 0.7 * self._patch_cost_ms + 0.3 * cost_ms
        self.render_timer.setInterval(0 if self._patch_cost_ms < 20 else
                                      min(2 * RENDER_DELAY_MS, int(self._patch_cost_ms * 1.5)))
        level = self.act_levels.get(self._live.episode.spoilers)
        if level is None or not level.isChecked():
            self._sync_level_actions()

    def _build_scroll_sync(self):  # noqa: ANN202
        """The preview follows the editor and the other way round; the View menu's
        toggle for it (remembered)."""
        self.scroll_sync = ScrollSync(self.preview, self)
        on = self.settings.value("preview/sync", True, bool)
        self.act_sync_scroll = make_action(self, "S&ync Scrolling", self._toggle_sync_scrolling,
                                           checkable=True)
        self.act_sync_scroll.setChecked(on)
        self.scroll_sync.set_enabled(on)
        return self.act_sync_scroll

    def _toggle_sync_scrolling(self, on: bool) -> None:
        self.scroll_sync.set_enabled(on)
        self.settings.setValue("preview/sync", on)

    def _on_preview_ready(self) -> None:
        if gc.get_freeze_count() == 0:
            # The window is up: what exists now (modules, Qt's wrappers, the project) lives
            # as long as the app. Leave it out of the cyclic GC's full passes, which take
            # 50-150 ms with it (PySide's objects are slow to traverse), while typing.
            gc.freeze()
        self._preview_ready = True
        tab = self.current_tab()
        if tab is not None:
            self.scroll_sync.editor_scrolled()
            self.preview.scroll_to_line(tab.editor.textCursor().blockNumber())
        self.preview_ready.emit()

    def preview_is_ready(self) -> bool:
        return self._preview_ready

    def _update_outline(self) -> None:
        """Headings and word counts of the open texts: asked of the review."""
        self.review.request()

    def _cursor_moved(self, line: int) -> None:
        if self.scroll_sync.enabled:  # the preview shows the part being edited
            self.preview.scroll_to_line(line)

    def _update_counts(self) -> None:
        """The current episode's words, reading time and goal, as last reviewed."""
        tab = self.current_tab()
        if tab is None:
            return
        review = self._reviews.get(tab.path)
        if review is None:  # not reviewed yet: it is asked for when the tab changes
            return
        words = review.analysis.words
        self.status.set_counts(words, reading_minutes(words), review.target_words)

    def _update_save_state(self) -> None:
        tab = self.current_tab()
        buffer = self.session.buffer(tab.path) if tab else None
        dirty = bool(buffer and buffer.dirty)
        if buffer is not None and buffer.readonly:
            self.status.save_state.setText("Read-only")
            return
        self.status.save_state.setText(save_state_text(dirty, self.session.last_save_time,
                                                       self.session.last_save_auto))

    def run_checks(self) -> None:
        """Refresh the Problems panel (and counts, outline, still usages) from the project
        and the unsaved text: soon, off the UI thread."""
        if self.series is not None:
            self.review.request(checks=True)

    def _review_snapshot(self) -> Snapshot | None:
        if self.series is None:
            return None
        buffers = self.session.buffers
        return Snapshot(self.series, {path: b.text for path, b in buffers.items()},
                        frozenset(path for path, b in buffers.items() if b.readonly))

    def _reviewed(self, job, result) -> None:  # noqa: ANN001
        """A review came back: counts, outline, and after a pause, problems and usages."""
        if not self.review.is_current(job, self.series):  # asked before a switch
            self.review.request(checks=result.problems is not None)
            return
        open_paths = set(self.session.buffers)
        for path, review in result.texts.items():
            if path not in open_paths:
                continue
            self._reviews[path] = review
            self.outline.update_episode_text(str(path), job.texts[path], review.analysis)
        for path in set(self._reviews) - open_paths:
            del self._reviews[path]
        self._update_counts()
        if result.problems is not None:
            self.problems.set_problems(result.problems)
            self.status.set_problems(*self.problems.counts())
            self.stills.set_usages(result.usages or {})

    # --- editor commands ---------------------------------------------------------------

    def _editor_call(self, name: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            getattr(tab.editor, name)()

    def _editor_action(self, name: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.editor.actions_by_name[name].trigger()

    def _set_spoiler_level(self, level: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.editor.set_spoiler_level(level)
        self._sync_level_actions()

    def _sync_level_actions(self) -> None:
        tab = self.current_tab()
        buffer = self.session.buffer(tab.path) if tab else None
        level = buffer.episode().spoilers if buffer else "none"
        for name, action in self.act_levels.items():
            action.setChecked(name == level)

    def _toggle_show_spoilers(self, on: bool) -> None:
        self.preview.set_show_spoilers(on)

    def _show_find(self, replace: bool) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.find_bar.show_bar(replace=replace)

    def _search_all(self, query) -> None:  # noqa: ANN001
        from recapdesk.core.search import find_all

        texts = self._all_texts()
        try:
            matches = find_all({str(k): v for k, v in texts.items()}, query)
        except ValueError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        files = len({m.key for m in matches})
        self.statusBar().showMessage(f"{len(matches)} match(es) in {files} episode(s)", 8000)
        if matches:
            self.open_episode(Path(matches[0].key), line=matches[0].line)

    def _replace_all(self, query, replacement: str) -> None:  # noqa: ANN001
        from recapdesk.core.search import replace_all

        if self._read_only_refusal("Replace in All Episodes"):
            return
        total = skipped = 0
        for path, text in self._all_texts().items():
            try:
                new_text, count = replace_all(text, query, replacement)
            except ValueError as exc:
                self.statusBar().showMessage(str(exc), 6000)
                return
            if count:
                self.open_episode(path, focus=False)
                tab = self.tab_for(path)
                buffer = self.session.buffer(path)
                if tab is None or buffer is None or buffer.readonly:
                    skipped += count  # a file that cannot be saved is not changed
                    continue
                total += count
                tab.editor.replace_all_text(new_text)
        note = f"; {skipped} in read-only files left as they are" if skipped else ""
        self.statusBar().showMessage(f"Replaced {total} occurrence(s){note}", 8000)

    def _all_texts(self) -> dict[Path, str]:
        texts: dict[Path, str] = {}
        if self.series is None:
            return texts
        for ep in self.series.episodes:
            buffer = self.session.buffer(ep.path)
            if buffer is not None:
                texts[ep.path] = buffer.text
            elif ep.readable:
                texts[ep.path] = ep.path.read_text("utf-8")
        return texts

    # --- stills ------------------------------------------------------------------------

    def _insert_still(self, name: str) -> None:
        """Insert a still's figure as its own paragraph at the cursor."""
        from recapdesk.core.stills import figure_markdown

        tab = self.current_tab()
        if tab is None or self.series is None:
            return
        tab.editor.insert_block(figure_markdown(self.series, name, tab.path))
        tab.editor.setFocus()

    def _import_into_editor(self, sources: list) -> None:
        """Pasted or dropped images: import them as stills, then insert their figures."""
        tab = self.current_tab()
        if tab is None or tab.editor.isReadOnly():
            return
        for name in self.stills.import_sources(sources):
            self._insert_still(name)

    def _image_pasted(self, image) -> None:  # noqa: ANN001
        from recapdesk.ui.stills import png_bytes

        self._import_into_editor([png_bytes(image)])

    def _image_files_dropped(self, files: list) -> None:
        self._import_into_editor([Path(f) for f in files])

    def _stills_changed(self) -> None:
        """stills.yaml or stills/ changed: re-read the metadata, re-render, re-check."""
        if self.series is None:
            return
        from recapdesk.core.project import open_project

        fresh = open_project(self.series.root)
        self.series.stills = fresh.stills
        self.series.stills_doc = fresh.stills_doc
        self._preview_path = None
        self.render_preview()
        self.check_timer.start()

    def _buffer_texts(self) -> dict[Path, str]:
        return {path: buffer.text for path, buffer in self.session.buffers.items()}

    def _rename_still(self, name: str) -> None:
        from recapdesk.core.stills import StillError, check_new_name, rename_still

        if self.series is None:
            return
        new = self.dialogs.ask_text(self, "Rename Still", "New file name:", name)
        if not new or new == name:
            return
        self.session.flush()
        try:
            final = check_new_name(name, new)
            texts = rename_still(self.series, name, new, texts=self._buffer_texts())
        except (StillError, OSError, ValueError) as exc:
            self.dialogs.warn(self, "Rename Still", str(exc))
            return
        self._apply_texts(texts)
        self._stills_changed()
        self.stills.refresh()
        self.stills.select(final)

    def _remove_still(self, name: str) -> None:
        from recapdesk.core.stills import StillError, remove_references, remove_still, usages

        if self.series is None:
            return
        used = usages(self.series, self._buffer_texts()).get(name, [])
        if used:
            where = ", ".join(f"{Path(p).stem} line {line}" for p, line in used[:6])
            if not self.dialogs.confirm(
                    self, "Remove Still", f"{name} is used in {where}.\n\nMove it to the trash "
                    "and remove those figures from the recaps?", ok="Remove Still and Figures"):
                return
            texts = {}
            for path in {Path(p) for p, _ in used}:
                buffer = self.session.buffer(path)
                text = buffer.text if buffer else path.read_text("utf-8")
                texts[path] = remove_references(text, name)
            self._apply_texts(texts)
        elif not self.dialogs.confirm(self, "Remove Still", f"Move {name} to the trash?",
                                      ok="Move to Trash"):
            return
        try:
            remove_still(self.series, name)
        except (StillError, OSError) as exc:
            self.dialogs.warn(self, "Remove Still", str(exc))
            return
        self._stills_changed()
        self.stills.refresh()

    def _apply_texts(self, texts: dict) -> None:
        """New texts for episodes (renamed references): through open tabs (undoable) or
        written to files that are not open."""
        from recapdesk.core import storage

        for path, text in texts.items():
            path = Path(path)
            tab = self.tab_for(path)
            if tab is not None:
                tab.editor.replace_all_text(text)
                self.session.save(path)
            else:
                storage.atomic_write(path, text.encode("utf-8"))

    def _word_added(self, word: str) -> None:
        if self.series is None:
            return
        key = f"words/{self.series.root}"
        words = list(self.settings.value(key, [], list) or [])
        if word not in words:
            words.append(word)
            self.settings.setValue(key, words)

    def _jump_to_problem(self, rel: str, line: int) -> None:
        if self.series is None:
            return
        path = self.series.root / rel
        if path.suffix == ".md" and path.is_file():
            self.open_episode(path, line=max(0, line - 1))

    def _preview_link(self, url: QUrl) -> None:
        if self.series is None:
            return
        name = url.fileName()
        if url.scheme() == "recap" and name.endswith(".html"):
            ep = self.series.find_episode(name[: -len(".html")])
            if ep is not None:
                self.open_episode(ep.path)
                return
        if url.scheme() in ("http", "https", "mailto"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)

    # --- outline requests --------------------------------------------------------------

    def _episode(self, path: str):  # noqa: ANN202
        if self.series is None:
            return None
        return next((e for e in self.series.episodes if e.path == Path(path)), None)

    def _reload_series(self) -> None:
        self.series = self.session.reload_series()
        self.outline.set_series(self.series)
        self.stills.set_series(self.series)
        self._update_outline()
        self.run_checks()

    def _operation(self, title: str, func, *args,  # noqa: ANN001, ANN202
                   follow_renames: bool = False):
        """Run a project operation on the files (after saving), then reload.

        With `follow_renames` the operation returns {old path: new path}: open tabs
        follow their episode to its new file BEFORE the buffers are re-read from disk
        (renumbering can swap two files' names: re-reading first would load one
        episode's text into the other's tab).
        """
        if self._read_only_refusal(title):
            return None
        self.session.flush()
        result = None
        try:
            result = func(*args)
        except (ProjectError, OSError, ValueError) as exc:
            self.dialogs.warn(self, title, str(exc))
        if follow_renames and result:
            self._follow_renames(result)
        # the open buffers first: the outline is rebuilt from them (status, title, …)
        for path, buffer in list(self.session.buffers.items()):
            if not buffer.dirty and path.exists():
                self.session.take_disk_version(path)
                tab = self.tab_for(path)
                if tab is not None and tab.editor.document_text() != buffer.text:
                    tab.replace_text(buffer.text)
        self._reload_series()
        return result

    def _follow_renames(self, renames: dict) -> None:
        """Open episodes' files were renamed (all at once): move buffers and tabs along."""
        pairs = self.session.rename_buffers(renames)
        moved = [(self.tab_for(old), new) for old, new in pairs]
        for old, new in pairs:
            self.watcher.remove(old)
            self.watcher.add(new)
        for tab, new in moved:
            if tab is not None:
                tab.path = new
                index = self.tabs.indexOf(tab)
                self.tabs.setTabText(index, self._tab_title(new))
                self.tabs.setTabToolTip(index, str(new))

    def _rename_episode(self, path: str) -> None:
        ep = self._episode(path)
        if ep is None or self.series is None:
            return
        title = self.dialogs.ask_text(self, "Rename Recap", "Title:", ep.title)
        if title:
            self._operation("Rename", episode_ops.rename_episode, self.series, ep, title)

    def _duplicate_episode(self, path: str) -> None:
        ep = self._episode(path)
        if ep is not None and self.series is not None:
            self._operation("Duplicate", episode_ops.duplicate_episode, self.series, ep)

    def _set_status(self, path: str, status: str) -> None:
        ep = self._episode(path)
        if ep is not None and self.series is not None:
            self._operation("Status", episode_ops.set_status, self.series, ep, status)

    def _delete_episode(self, path: str) -> None:
        ep = self._episode(path)
        if ep is None or self.series is None:
            return
        if not self.dialogs.confirm(self, "Delete Recap", f"Move “{ep.title}” to the trash?"
                                    "\n\nYou can restore it from the system trash.",
                                    ok="Move to Trash"):
            return
        tab = self.tab_for(ep.path)
        if tab is not None:
            self.session.close_episode(ep.path)
            self.tabs.removeTab(self.tabs.indexOf(tab))
        self._operation("Delete", episode_ops.trash_episode, self.series, ep)

    def _reorder(self, paths: list) -> None:
        if self.series is None:
            return
        by_path = {str(e.path): e for e in self.series.episodes}
        order = [by_path[p] for p in paths if p in by_path]
        pairs = [(e, n) for e, n in renumber(order) if e.number != n]
        if not pairs:
            return
        listing = "\n".join(f"{e.title}: episode {e.number} → {n}" for e, n in pairs[:8])
        if self.dialogs.confirm(self, "Reorder Recaps", f"Renumber these recaps?\n\n{listing}",
                                ok="Renumber"):
            self._operation("Reorder", episode_ops.apply_renumbering, self.series, pairs,
                            follow_renames=True)

    def _move_section(self, path: str, heading_line: int, before_line: int) -> None:
        from recapdesk.core.outline import move_section

        self.open_episode(Path(path), focus=False)
        tab = self.tab_for(Path(path))
        buffer = self.session.buffer(Path(path))
        if tab is None or buffer is None:
            return
        try:
            new_text = move_section(buffer.text, heading_line, before_line)
        except ValueError as exc:  # a stale drag: the text changed under it
            self.statusBar().showMessage(f"Could not move the section: {exc}", 6000)
            self._update_outline()
            return
        if new_text != buffer.text:
            tab.editor.replace_all_text(new_text)

    # --- export ------------------------------------------------------------------------

    def export_dialog(self) -> None:
        """The export dialog (saves first; runs the export off the UI thread)."""
        from recapdesk.ui.export_dialog import ExportDialog

        if self.series is None:
            return
        tab = self.current_tab()
        dialog = ExportDialog(self.series, self.settings, current=tab.path if tab else None,
                              before_export=self.session.flush, parent=self)
        dialog.exec()

    def copy_html_for_cms(self) -> None:
        """Put the current recap's article HTML on the clipboard (HTML and plain text)."""
        from recapdesk.core.export.site import ExportError
        from recapdesk.ui.cms_copy import copy_fragment_to_clipboard

        tab = self.current_tab()
        if tab is None or self.series is None:
            return
        try:
            size = copy_fragment_to_clipboard(self.series, tab.path, tab.editor.document_text())
        except ExportError as exc:
            self.dialogs.warn(self, "Copy HTML for CMS", str(exc))
            return
        self.statusBar().showMessage(f"Copied the recap's HTML ({size:,} characters) for "
                                     "your CMS", 6000)

    # --- saving, conflicts -------------------------------------------------------------

    def save_current(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        buffer = self.session.buffer(tab.path)
        # saving by hand writes back a file that was deleted on disk (never autosave)
        force = buffer is not None and buffer.missing
        if self.session.save(tab.path, force=force):
            self.statusBar().showMessage(f"Saved {tab.path.name}", 3000)

    def save_all(self) -> None:
        self.session.save_all()

    def _saved(self, path: str, _auto: bool) -> None:
        self._save_warned.discard(path)
        tab = self.tab_for(Path(path))
        if tab is not None:
            tab.hide_notice("warning")

    def _save_failed(self, path: str, message: str) -> None:
        """Tell the writer (once per file until a save works again; the banner stays)."""
        self.statusBar().showMessage(message, 10000)
        tab = self.tab_for(Path(path))
        if tab is not None:
            tab.show_notice(message, "warning")
        if path not in self._save_warned:
            self._save_warned.add(path)
            self.dialogs.warn(self, "Could not save", message)

    def _disk_text(self, path: Path) -> str:
        try:
            return read_text(path)[0]
        except UnicodeDecodeError:
            return path.read_bytes().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _conflict(self, path: str) -> None:
        """Edited here and changed on disk: keep mine, take theirs or compare first."""
        if path in self._asking or self.session.buffer(path) is None:
            return
        name = Path(path).name
        self._asking.add(path)
        try:
            answer = "compare"
            for _ in range(MAX_COMPARE_ROUNDS):
                answer = self.dialogs.resolve_conflict(self, name)
                if answer != "compare":
                    break
                buffer = self.session.buffer(path)
                if buffer is None:
                    return
                self.dialogs.show_diff(
                    self, f"Compare {name}", "Lines starting with - are in the file on disk; "
                    "lines starting with + are your text in RecapDesk.",
                    compare_texts(self._disk_text(Path(path)), buffer.text,
                                  f"{name} (on disk)", f"{name} (yours)"))
            if answer == "mine":
                self.session.save(path, force=True)
            elif answer == "theirs":
                self._take_theirs(path)
            # undecided: nothing is overwritten; asked again at the next save
        finally:
            self._asking.discard(path)

    def _take_theirs(self, path: str) -> None:
        self.session.take_disk_version(path)
        tab = self.tab_for(Path(path))
        buffer = self.session.buffer(path)
        if tab is not None and buffer is not None:
            tab.set_readonly(buffer.reason if buffer.readonly else "")
            tab.replace_text(buffer.text)
            tab.hide_notice()

    # --- files changed by other programs -----------------------------------------------

    def _file_changed_on_disk(self, path: str) -> None:
        """The watcher saw a change: project files are re-read, open episodes checked."""
        if self.series is None:
            return
        if path in self._meta_hashes:
            digest = self._meta_hash(Path(path))
            if digest == self._meta_hashes[path]:
                return
            self._meta_hashes[path] = digest
            if Path(path).name == STILLS_YAML:
                self._stills_changed()
                self.stills.refresh()
            else:
                self._reload_series_safely()
            return
        if path not in self._asking:
            self.session.check_disk(path)

    def _folder_changed_on_disk(self, folder: str) -> None:
        """Episodes added or removed by another program (a git pull): re-read the list."""
        if self.series is None or Path(folder) != self.series.episodes_dir:
            return
        known = {e.path.name for e in self.series.episodes}
        try:
            now = {p.name for p in Path(folder).glob("*.md")}
        except OSError:
            return
        if now != known:
            self._reload_series_safely()

    def _reload_series_safely(self) -> None:
        try:
            self._reload_series()
        except (ProjectError, OSError) as exc:
            self.statusBar().showMessage(f"Could not re-read the project: {exc}", 10000)

    def _reloaded(self, path: str) -> None:
        """An unedited tab took the new text from disk (its cursor stays where it was)."""
        tab = self.tab_for(Path(path))
        buffer = self.session.buffer(path)
        if tab is None or buffer is None:
            return
        tab.set_readonly(buffer.reason if buffer.readonly else "")
        tab.replace_text(buffer.text)
        tab.hide_notice()
        self.statusBar().showMessage(f"{Path(path).name} was changed by another program; "
                                     "the tab shows the new text", 6000)

    def _deleted_on_disk(self, path: str) -> None:
        tab = self.tab_for(Path(path))
        if tab is not None:
            tab.show_notice(f"{Path(path).name} was deleted by another program. Your text is "
                            "kept here; it is not written back unless you save it "
                            "(File ▸ Save).", "warning")
        self._ask_deleted(path)

    def _ask_deleted(self, path: str | Path) -> None:
        path = str(path)
        if path in self._asking or self.session.buffer(path) is None:
            return
        self._asking.add(path)
        try:
            choice = self.dialogs.deleted_on_disk(self, Path(path).name)
        finally:
            self._asking.discard(path)
        if choice == "save_again":
            if self.session.save(path, force=True):
                self.watcher.add(path)
                tab = self.tab_for(Path(path))
                if tab is not None:
                    tab.hide_notice()
        elif choice == "close":
            tab = self.tab_for(Path(path))
            self.session.discard_episode(path)
            self.watcher.remove(path)
            if tab is not None:
                self.tabs.removeTab(self.tabs.indexOf(tab))

    def _lock_lost(self, owner: dict) -> None:
        self.dialogs.warn(self, "Project opened elsewhere",
                          f"This project was taken over by {storage.describe_owner(owner)}. "
                          "Saves from both windows can overwrite each other; close one of them.")

    # --- crash recovery ----------------------------------------------------------------

    def _recover_journal(self) -> None:
        """Put back the unsaved text a RecapDesk that did not close left in the journal.

        When the file is as it was, the text is restored at once (Undo returns to the
        file); when the file changed or was deleted since, the writer is asked.
        """
        restored: list[str] = []
        for recovery in self.session.recoverable():
            name = recovery.path.name
            if recovery.state == "unchanged":
                choice = "restore"
            else:
                choice = self._ask_recovery(recovery)
            if choice == "restore" and self._restore(recovery):
                restored.append(name)
            elif choice == "discard":
                self.session.discard_recovery(recovery)
        if restored:
            self.statusBar().showMessage(
                f"Recovered unsaved changes in {', '.join(restored)} — RecapDesk did not "
                "close properly last time.", 20000)

    def _ask_recovery(self, recovery: Recovery) -> str:
        name = recovery.path.name
        disk = recovery.disk_text or ""
        for _ in range(MAX_COMPARE_ROUNDS):
            choice = self.dialogs.recover(self, name, recovery.text, disk)
            if choice != "compare":
                return choice
            self.dialogs.show_diff(
                self, f"Compare {name}", "Lines starting with - are in the file on disk; "
                "lines starting with + are the unsaved text that was recovered.",
                compare_texts(disk, recovery.text, f"{name} (on disk)",
                              f"{name} (recovered)"))
        return "later"  # undecided: the journal keeps it for next time

    def _restore(self, recovery: Recovery) -> bool:
        missing = recovery.state == "missing"
        self.open_episode(recovery.path, focus=False, allow_missing=missing)
        tab = self.tab_for(recovery.path)
        buffer = self.session.buffer(recovery.path)
        if tab is None or buffer is None or buffer.readonly:
            return False
        if missing:
            buffer.bom = recovery.entry.bom
        before = tab.editor.document_text()
        tab.replace_text(recovery.text)  # one undoable change: Undo returns to the file
        # show the writer where the recovered words are
        import os

        same = len(os.path.commonprefix([before, recovery.text]))
        tab.editor.goto_line(recovery.text.count("\n", 0, same))
        if missing:
            self.session.save(recovery.path, force=True)
            self.watcher.add(recovery.path)
        self.session.recovered(recovery)
        when = _when(recovery.entry.time)
        tab.show_notice(f"Recovered unsaved changes from {when}: RecapDesk did not close "
                        "properly. Undo (Ctrl+Z) goes back to the saved file.", "info")
        self.tabs.setCurrentWidget(tab)
        return True

    # --- layout, focus mode, closing ---------------------------------------------------

    def toggle_focus_mode(self, on: bool) -> None:
        """Distraction-free: only the editor, full screen."""
        if on:
            self._focus_state = self.saveState()
            for dock in (self.outline_dock, self.stills_dock, self.preview_dock,
                         self.problems_dock):
                dock.hide()
            self.toolbar.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.tabs.tabBar().hide()
            self.showFullScreen()
        else:
            self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
            self.toolbar.show()
            self.tabs.tabBar().show()
            self.restoreState(getattr(self, "_focus_state", QByteArray()))
        self.act_focus.setChecked(on)
        self.focus_editor()

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001
        if event.key() == Qt.Key.Key_Escape and self.act_focus.isChecked():
            self.toggle_focus_mode(False)
            return
        super().keyPressEvent(event)

    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.act_show_spoilers.setChecked(self.settings.value("preview/spoilers", False, bool))
        self.preview.set_show_spoilers(self.act_show_spoilers.isChecked())

    def _remember_open_tabs(self) -> None:
        if self.series is None:
            return
        tabs = []
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, EditorTab):
                tabs.append(self.series.rel(tab.path))
                self.settings.setValue(f"cursor/{tab.path}", tab.editor.textCursor().blockNumber())
        self.settings.setValue(f"tabs/{self.series.root}", tabs)
        current = self.current_tab()
        if current is not None:
            self.settings.setValue(f"current/{self.series.root}", self.series.rel(current.path))

    def save_layout(self) -> None:
        if self.act_focus.isChecked():
            self.toggle_focus_mode(False)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("preview/spoilers", self.act_show_spoilers.isChecked())
        self._remember_open_tabs()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.session.flush() and not self.dialogs.confirm(
                self, "Unsaved changes", "Some changes could not be saved. They are kept "
                "for recovery and offered again the next time this project is opened. Quit "
                "anyway?", ok="Quit Without Saving"):
            event.ignore()
            return
        if self.restore_layout:
            self.save_layout()
        self.session.close_project(save=False)
        self.watcher.clear()
        self.stills.shutdown()
        event.accept()

    def render_image(self) -> QImage:
        """The window as a person sees it (preview included) as an image."""
        return self.grab().toImage()

    def _about(self) -> None:
        from recapdesk import __version__

        QMessageBox.about(self, "About RecapDesk",
                          f"<b>RecapDesk {__version__}</b><p>Write TV-episode recaps offline "
                          "and publish them as HTML.</p>")


def _when(stamp: float) -> str:
    import time

    if not stamp:
        return "the last session"
    local = time.localtime(stamp)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M", local)
    return time.strftime("%Y-%m-%d %H:%M", local)
