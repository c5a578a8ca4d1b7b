"""MainWindow: assembles the panes and routes their signals.

The window builds the outline and stills docks, the editor tabs, the preview and the
problems list, its actions (`menus`) and its controllers (`controllers/`), and connects
them. What happens when the writer acts is in the controllers; what the documents are
and how they are saved is in the session (`core.documents` under it); word counts,
headings and problems come from the inspection service. The window itself keeps the
tabs, the counts shown and the layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeyEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QTabWidget, QWidget

from recapdesk.core.documents import Access, ReadOnly
from recapdesk.core.inspection import InspectionJob, InspectionResult, TextInspection
from recapdesk.core.model import Series
from recapdesk.core.outline import reading_minutes
from recapdesk.core.owners import describe_owner
from recapdesk.core.project import ProjectError, create_project, is_project
from recapdesk.ui.controllers.conflicts import Conflicts
from recapdesk.ui.controllers.editorial import EditorialActions
from recapdesk.ui.controllers.episodes import EpisodeActions
from recapdesk.ui.controllers.export import ExportActions
from recapdesk.ui.controllers.preview import PreviewController
from recapdesk.ui.controllers.publish import PublishActions
from recapdesk.ui.controllers.recovery import JournalRecovery
from recapdesk.ui.controllers.search import SearchAll
from recapdesk.ui.controllers.stills import StillActions
from recapdesk.ui.controllers.watch import WatchActions
from recapdesk.ui.dialogs import Dialogs
from recapdesk.ui.editor import MarkdownEditor
from recapdesk.ui.editor_tab import EditorTab
from recapdesk.ui.editorial_view import EditorialView
from recapdesk.ui.inspection import InspectionService, Snapshot
from recapdesk.ui.menus import MAX_RECENT, WindowActions
from recapdesk.ui.outline import OutlineView
from recapdesk.ui.preview import PreviewView
from recapdesk.ui.problems_view import ProblemsView
from recapdesk.ui.session import Session
from recapdesk.ui.status import StatusBar, save_state_text
from recapdesk.ui.stills import StillsPanel
from recapdesk.ui.watch import WatchPanel
from recapdesk.ui.watcher import FileWatcher

CHECK_DELAY_MS = 700  # a pause this long refreshes the Problems panel


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
        self.inspection = InspectionService(self._snapshot, self)
        self._inspections: dict[Path, TextInspection] = {}  # path -> its latest one
        self.setWindowTitle("RecapDesk")
        self.resize(1440, 900)
        self.setDocumentMode(True)
        self._build_panes()
        self.episode_actions = EpisodeActions(self)
        self.still_actions = StillActions(self)
        self.export_actions = ExportActions(self)
        self.publish_actions = PublishActions(self)
        self.conflicts = Conflicts(self)
        self.recovery = JournalRecovery(self)
        self.search_all = SearchAll(self)
        self.live_preview = PreviewController(self)
        self.watch_actions = WatchActions(self)
        self.editorial_actions = EditorialActions(self)
        self.actions = WindowActions(self)
        self.actions.sync_scroll.setChecked(self.live_preview.scroll_sync.enabled)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._update_save_state)
        self.clock.start()
        self._connect()
        if restore:
            self._restore_window()

    @property
    def series(self) -> Series | None:
        return self.session.series

    # --- construction ------------------------------------------------------------------

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

    def _build_panes(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("editorTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.setCentralWidget(self.tabs)
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
        self.watch = WatchPanel(self)
        self.watch_dock = self._dock("Watch", "watchDock", self.watch, right)
        self.tabifyDockWidget(self.preview_dock, self.watch_dock)
        self.preview_dock.raise_()
        self.problems_dock = self._dock("Problems", "problemsDock", self.problems,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.editorial = EditorialView(self)
        self.editorial_dock = self._dock("Editorial", "editorialDock", self.editorial,
                                         Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.problems_dock, self.editorial_dock)
        self.problems_dock.raise_()
        self.resizeDocks([self.outline_dock, self.preview_dock], [300, 560],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [130], Qt.Orientation.Vertical)

    def _connect(self) -> None:
        s, c = self.session, self.conflicts
        self.inspection.inspected.connect(self._inspected)
        s.bufferChanged.connect(self._buffer_changed)
        s.dirtyChanged.connect(self._dirty_changed)
        s.saved.connect(lambda *_: self._update_save_state())
        s.saved.connect(lambda *_: self.publish_actions.refresh_marks())
        s.saved.connect(c.saved)
        s.saveFailed.connect(c.save_failed)
        s.conflict.connect(c.conflict)
        s.reloaded.connect(c.reloaded)
        s.deleted.connect(c.deleted)
        s.textReplaced.connect(self._show_replaced_text)
        s.journalFailed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        s.lockLost.connect(c.lock_lost)
        self.watcher.changed.connect(c.file_changed)
        self.watcher.folderChanged.connect(c.folder_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        o, e = self.outline, self.episode_actions
        o.episodeActivated.connect(lambda p: self.open_episode(Path(p)))
        o.headingActivated.connect(lambda p, line: self.open_episode(Path(p), line=line))
        o.newEpisodeRequested.connect(e.new_episode)
        o.renameRequested.connect(e.rename)
        o.duplicateRequested.connect(e.duplicate)
        o.statusRequested.connect(e.set_status)
        o.deleteRequested.connect(e.delete)
        o.reorderRequested.connect(e.reorder)
        o.sectionMoveRequested.connect(e.move_section)
        st = self.still_actions
        self.stills.insertRequested.connect(st.insert)
        self.stills.stillImported.connect(lambda _name: st.changed())
        self.stills.stillsChanged.connect(st.changed)
        self.stills.usageActivated.connect(
            lambda p, line: self.open_episode(Path(p), line=max(0, line - 1)))
        self.stills.renameRequested.connect(st.rename)
        self.stills.removeRequested.connect(st.remove)
        self.stills.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.problems.problemActivated.connect(self._jump_to_problem)
        ed = self.editorial_actions
        self.editorial.placeActivated.connect(ed.select_place)
        self.editorial.fixName.connect(ed.fix_name)
        wa = self.watch_actions
        self.watch.openRequested.connect(wa.open_video)
        self.watch.videoDropped.connect(lambda name: wa.use_video(Path(name)))
        self.watch.grabRequested.connect(wa.grab)
        self.watch.noteRequested.connect(wa.note)
        self.watch.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.watch_dock.visibilityChanged.connect(
            lambda shown: shown and wa.follow_current())

    # --- the project -------------------------------------------------------------------

    def open_project(self, path: Path, *, episode: str | None = None,
                     access: str | None = None, why: ReadOnly | None = None) -> bool:
        """Open a project folder (raises ProjectError) and its episodes as remembered.

        Asks first when another RecapDesk has the project open (open anyway, read-only
        or cancel) — unless `access` ("write", "shared", "read_only"; `why` says why
        read-only) is given — and when the current project has text that could not be
        saved. Unsaved text a crashed RecapDesk left in the journal is recovered.
        Returns False when the writer cancelled.
        """
        root = Session.project_root(Path(path))
        owner = self.session.other_owner(root) if is_project(root) and not access else None
        access = access or Access.WRITE
        if owner is not None:
            choice = self.dialogs.project_locked(self, describe_owner(owner))
            if choice not in ("open_anyway", "read_only"):
                return False
            access = Access.SHARED if choice == "open_anyway" else Access.READ_ONLY
            why = ReadOnly.OPEN_ELSEWHERE
        if self.series is not None and not self.session.flush() and not self.dialogs.confirm(
                self, "Unsaved changes", "Some changes could not be saved. They are kept for "
                "recovery and offered again when this project is opened. Switch projects "
                "anyway?", ok="Switch Anyway"):
            return False
        self._remember_open_tabs()
        series = self.session.open_project(Path(path), access=access, why=why)
        self.watcher.clear()
        self.conflicts.forget()
        while self.tabs.count():
            self.tabs.removeTab(0)
        self.setWindowTitle(f"{series.title} — RecapDesk")
        self.preview.set_project_root(series.root)
        self.outline.set_series(series)
        self.publish_actions.refresh_marks()
        self.stills.set_series(series)
        self.stills.setEnabled(self.session.access != Access.READ_ONLY)
        for project_file in self.session.documents.project_files():
            self.watcher.add(project_file)
        self.watcher.add_folder(series.episodes_dir)
        self._add_recent(series.root)
        self.settings.setValue("project/last", str(series.root))
        self._restore_tabs(episode)
        self.run_checks()
        self.recovery.recover()
        self._announce_access()
        return True

    def reload_series(self) -> None:
        """Read the project again (files changed) and show it."""
        series = self.session.reload_series()
        self.outline.set_series(series)
        self.publish_actions.refresh_marks()
        self.stills.set_series(series)
        self.inspect()
        self.run_checks()

    def _announce_access(self) -> None:
        s = self.session
        if s.lock_problem:
            self.statusBar().showMessage(s.lock_problem, 20000)
        elif s.access == Access.READ_ONLY:
            self.setWindowTitle(f"{self.windowTitle()} (read-only)")
            self.statusBar().showMessage(s.read_only_reason(), 20000)
        elif s.access == Access.SHARED and s.lock_owner:
            self.statusBar().showMessage(
                f"Also open in {describe_owner(s.lock_owner)}: saves from both windows can "
                "overwrite each other.", 20000)

    def refuse_when_read_only(self, title: str) -> bool:
        """Say no to a change of files in a read-only project (True when refused)."""
        if self.session.access != Access.READ_ONLY:
            return False
        self.dialogs.warn(self, title, self.session.read_only_reason())
        return True

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
        self.actions.set_recent(recent, self._open_project_safely)

    # --- tabs --------------------------------------------------------------------------

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
            tab.textEdited.connect(self.session.set_text)
            editor, st = tab.editor, self.still_actions
            editor.cursorLineChanged.connect(self.live_preview.cursor_moved)
            editor.cursorLineChanged.connect(lambda _line: self._update_save_state())
            editor.wordAdded.connect(self._word_added)
            editor.imagePasted.connect(st.image_pasted)
            editor.imageFilesDropped.connect(st.files_dropped)
            editor.stillDropped.connect(st.insert)
            tab.find_bar.searchAllRequested.connect(self.search_all.find)
            tab.find_bar.replaceAllRequested.connect(self.search_all.replace)
            tab.load(self._editor_words(editor))
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

    def _editor_words(self, editor: MarkdownEditor) -> list[str]:
        """Give the editor the project's episode ids; the words its spelling knows."""
        series = self.series
        if series is None:
            return []
        editor.set_wikilink_targets([(e.id, e.title) for e in series.episodes])
        words = set(series.cast) | set(series.directors) | set(series.characters)
        words |= {v for v in series.characters.values() if v}
        words |= {series.title, series.original_title, series.network, series.author,
                  series.site_name}
        words |= set(self.settings.value(f"words/{series.root}", [], list) or [])
        return sorted(words)

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
                self.conflicts.ask_deleted(tab.path)  # saves it again or discards it
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

    def follow_renames(self, renames: dict) -> None:
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

    def _restore_tabs(self, episode: str | None) -> None:
        series = self.series
        assert series is not None
        remembered = (self.settings.value(f"tabs/{series.root}", [], list)
                      if self.restore_layout else [])
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

    def _show_replaced_text(self, path: str) -> None:
        """The session changed a buffer's text itself: show it (one undoable change)."""
        tab, buffer = self.tab_for(Path(path)), self.session.buffer(path)
        if tab is not None and buffer is not None and tab.editor.document_text() != buffer.text:
            tab.replace_text(buffer.text)

    def _buffer_changed(self, path: str) -> None:
        tab = self.current_tab()
        if tab is not None and str(tab.path) == path:
            self.live_preview.render_soon()
            self.check_timer.start()
        self.inspect()  # word counts and headings, soon

    def _dirty_changed(self, path: str, _dirty: bool) -> None:
        tab = self.tab_for(Path(path))
        if tab is not None:
            self.tabs.setTabText(self.tabs.indexOf(tab), self._tab_title(Path(path)))
        self._update_save_state()

    def _tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            self.editorial_actions.show_current()
            return
        self.live_preview.render(new_page=True)
        self.outline.select_episode(str(tab.path))
        buffer = self.session.buffer(tab.path)
        self.stills.set_current_episode(buffer.episode().id if buffer else None)
        if tab.path not in self._inspections:
            self.inspect()
        self._update_counts()
        self.editorial_actions.show_current()
        self._sync_level_actions()
        self.check_timer.start()
        if self.watch_dock.isVisible() and not self.watch.visibleRegion().isEmpty():
            self.watch_actions.follow_current()

    def preview_is_ready(self) -> bool:
        return self.live_preview.ready

    # --- counts, headings and problems (the inspection) --------------------------------

    def inspect(self) -> None:
        """Word counts and headings of the open texts: asked of the inspection, soon."""
        self.inspection.request()

    def check_soon(self) -> None:
        self.check_timer.start()

    def run_checks(self) -> None:
        """Refresh the Problems panel (and counts, outline, still usages) from the project
        and the unsaved text: soon, off the UI thread."""
        if self.series is not None:
            self.inspection.request(checks=True)

    def _snapshot(self) -> Snapshot | None:
        if self.series is None:
            return None
        buffers = self.session.buffers
        return Snapshot(self.series, {path: b.text for path, b in buffers.items()},
                        frozenset(path for path, b in buffers.items() if b.readonly))

    def _inspected(self, job: InspectionJob, result: InspectionResult) -> None:
        """An inspection came back: counts, outline, and after a pause, problems and usages."""
        if not self.inspection.is_current(job, self.series):  # asked before a switch
            self.inspection.request(checks=result.problems is not None)
            return
        open_paths = set(self.session.buffers)
        for path, inspection in result.texts.items():
            if path not in open_paths:
                continue
            self._inspections[path] = inspection
            self.outline.update_episode_text(str(path), job.texts[path], inspection.analysis)
        for path in set(self._inspections) - open_paths:
            del self._inspections[path]
        self._update_counts()
        self.editorial_actions.inspected(result)
        if result.problems is not None:
            self.problems.set_problems(result.problems)
            self.status.set_problems(*self.problems.counts())
            self.stills.set_usages(result.usages or {})

    def inspection_of(self, path: Path) -> TextInspection | None:
        """The latest inspection of an open text."""
        return self._inspections.get(path)

    def _update_counts(self) -> None:
        """The current episode's words, reading time and goal, as last inspected."""
        tab = self.current_tab()
        inspection = self._inspections.get(tab.path) if tab is not None else None
        if inspection is None:  # not inspected yet: it is asked for when the tab changes
            return
        words = inspection.analysis.words
        self.status.set_counts(words, reading_minutes(words), inspection.target_words)

    def _update_save_state(self) -> None:
        tab = self.current_tab()
        buffer = self.session.buffer(tab.path) if tab else None
        if buffer is not None and buffer.readonly:
            self.status.save_state.setText("Read-only")
            return
        self.status.save_state.setText(save_state_text(bool(buffer and buffer.dirty),
                                                       self.session.last_save_time,
                                                       self.session.last_save_auto))

    def _jump_to_problem(self, rel: str, line: int) -> None:
        if self.series is None:
            return
        path = self.series.root / rel
        if path.suffix == ".md" and path.is_file():
            self.open_episode(path, line=max(0, line - 1))

    # --- the current editor ------------------------------------------------------------

    def editor_call(self, name: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            getattr(tab.editor, name)()

    def editor_action(self, name: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.editor.actions_by_name[name].trigger()

    def set_spoiler_level(self, level: str) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.editor.set_spoiler_level(level)
        self._sync_level_actions()

    def sync_level(self, level: str) -> None:
        """The preview rendered a recap of this spoiler level: check its action."""
        if not self.actions.levels[level].isChecked():
            self._sync_level_actions()

    def _sync_level_actions(self) -> None:
        tab = self.current_tab()
        buffer = self.session.buffer(tab.path) if tab else None
        self.actions.sync_levels(buffer.episode().spoilers if buffer else "none")

    def show_find(self, replace: bool) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.find_bar.show_bar(replace=replace)

    def _word_added(self, word: str) -> None:
        if self.series is None:
            return
        key = f"words/{self.series.root}"
        words = list(self.settings.value(key, [], list) or [])
        if word not in words:
            words.append(word)
            self.settings.setValue(key, words)

    def save_current(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        buffer = self.session.buffer(tab.path)
        # saving by hand writes back a file that was deleted on disk (never autosave)
        force = buffer is not None and buffer.missing
        if self.session.save(tab.path, force=force):
            self.statusBar().showMessage(f"Saved {tab.path.name}", 3000)

    # --- layout, focus mode, closing ---------------------------------------------------

    def toggle_focus_mode(self, on: bool) -> None:
        """Distraction-free: only the editor, full screen."""
        if on:
            self._focus_state = self.saveState()
            for dock in (self.outline_dock, self.stills_dock, self.preview_dock,
                         self.watch_dock, self.problems_dock, self.editorial_dock):
                dock.hide()
            self.actions.toolbar.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.tabs.tabBar().hide()
            self.showFullScreen()
        else:
            self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
            self.actions.toolbar.show()
            self.tabs.tabBar().show()
            self.restoreState(getattr(self, "_focus_state", QByteArray()))
        self.actions.focus.setChecked(on)
        self.focus_editor()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.actions.focus.isChecked():
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
        self.actions.show_spoilers.setChecked(self.settings.value("preview/spoilers", False,
                                                                  bool))
        self.preview.set_show_spoilers(self.actions.show_spoilers.isChecked())

    def save_layout(self) -> None:
        if self.actions.focus.isChecked():
            self.toggle_focus_mode(False)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("preview/spoilers", self.actions.show_spoilers.isChecked())
        self._remember_open_tabs()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
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
        self.watch.shutdown()
        event.accept()

    def render_image(self) -> QImage:
        """The window as a person sees it (preview included) as an image."""
        return self.grab().toImage()

    def about(self) -> None:
        from recapdesk import __version__

        QMessageBox.about(self, "About RecapDesk",
                          f"<b>RecapDesk {__version__}</b><p>Write TV-episode recaps offline "
                          "and publish them as HTML.</p>")
