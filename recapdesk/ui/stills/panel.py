"""StillsPanel: the project's stills as a thumbnail grid, with filters, import and details.

The panel asks the core to do everything that touches files (import, metadata) and
emits requests for what the window owns (inserting at the cursor, renaming and removing,
which change open episodes):

- insertRequested(name): double-click, Enter or "Insert" on a still
- renameRequested(name), removeRequested(name): the window asks and applies
- usageActivated(path, line): a "Used in" entry was clicked
- stillImported(name): a file or an image was imported (dialog, drop, paste)
- stillsChanged(): stills.yaml changed (details edited, import): re-render the preview
- message(text): a one-line note for the status bar
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core import stills as core
from recapdesk.core.images import ImageError
from recapdesk.core.model import Episode, Series, Still
from recapdesk.ui import icons
from recapdesk.ui.stills.details import StillDetails
from recapdesk.ui.stills.model import StillsFilter, StillsModel
from recapdesk.ui.stills.style import STILLS_STYLE
from recapdesk.ui.stills.thumbs import INFO_ROLE, MISSING, NAME_ROLE, STATE_ROLE
from recapdesk.ui.stills.transfer import has_importable, image_sources
from recapdesk.ui.stills.view import StillsView

FILTER_LABELS = (("episode", "Episode", "Stills of the current recap (its own or used in it)"),
                 ("all", "All", "Every still of the project"),
                 ("unused", "Unused", "Stills no recap uses yet"),
                 ("no_alt", "No alt", "Stills without alt text (export refuses them)"))
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.webp *.gif)"


class StillsPanel(QWidget):
    """The stills manager: grid, filters, search, import, details (see module doc)."""

    insertRequested = Signal(str)
    stillImported = Signal(str)
    stillsChanged = Signal()
    usageActivated = Signal(str, int)
    renameRequested = Signal(str)
    removeRequested = Signal(str)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stillsPanel")
        self.setStyleSheet(STILLS_STYLE)
        self.setAcceptDrops(True)
        self.series: Series | None = None
        self.current_episode: str | None = None
        # Replaceable for tests and other front ends: return the chosen file paths.
        self.choose_files: Callable[[], list[str]] = self._dialog_files
        self.open_folder: Callable[[Path], None] = lambda folder: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(folder)))
        self._last_dir = ""

        self.model = StillsModel(self)
        self.loader = self.model.loader
        self.proxy = StillsFilter(self)
        self.proxy.setDynamicSortFilter(False)  # an edited still never vanishes under the cursor
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setObjectName("stillsSearch")
        self.search.setPlaceholderText("Search name or caption")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName("Search stills")
        self.search.textChanged.connect(self._search_changed)
        self.import_button = QToolButton(self)
        self.import_button.setObjectName("importButton")
        self.import_button.setText("Import…")
        self.import_button.setIcon(icons.icon("stills"))
        self.import_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.import_button.setToolTip("Copy image files into stills/ for the current recap\n"
                                      "(or drop files here, or paste an image)")
        self.import_button.clicked.connect(self.import_dialog)
        self.import_button.setFixedHeight(self.search.sizeHint().height())

        self.filter_bar = QWidget(self)
        self.filter_bar.setObjectName("filterBar")
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout(self.filter_bar)
        bar.setContentsMargins(3, 3, 3, 3)
        bar.setSpacing(2)
        for mode, label, tip in FILTER_LABELS:
            button = QToolButton(self.filter_bar)
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setProperty("segment", True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.toggled.connect(lambda on, m=mode: on and self.set_filter(m))
            self.filter_group.addButton(button)
            self.filter_buttons[mode] = button
            bar.addWidget(button, 1)

        self.view = StillsView(self)
        self.view.setModel(self.proxy)
        self.view.activatedName.connect(self.insertRequested)
        self.view.renameKey.connect(self.renameRequested)
        self.view.removeKey.connect(self.removeRequested)
        self.view.pasteKey.connect(self.paste_from_clipboard)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.dataChanged.connect(self._model_data_changed)

        self.count = QLabel(self)
        self.count.setObjectName("stillsCount")
        self.banner = QLabel(self)
        self.banner.setObjectName("stillsBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.timeout.connect(self.banner.hide)

        self.details = StillDetails(self)
        self.details.edited.connect(self._apply_edit)
        self.details.usageActivated.connect(self.usageActivated)
        for field in (self.details.alt.viewport(), self.details.caption, self.details.credit,
                      self.search):
            field.installEventFilter(self)  # image files dropped on a field import too

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 8, 8, 0)
        top_layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.search, 1)
        row.addWidget(self.import_button)
        top_layout.addLayout(row)
        top_layout.addWidget(self.filter_bar)
        top_layout.addWidget(self.banner)
        top_layout.addWidget(self.view, 1)
        top_layout.addWidget(self.count)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._make_actions()
        self.filter_buttons["all"].setChecked(True)
        self._update_filter_buttons()
        self._update_count()

    # --- actions ------------------------------------------------------------------------

    def _make_actions(self) -> None:
        def action(text: str, slot: Callable[[], object],
                   shortcut: QKeySequence | None = None,
                   meaning: str | None = None) -> QAction:
            act = QAction(text, self)
            if meaning:
                act.setIcon(icons.icon(meaning))
            if shortcut is not None:
                act.setShortcut(shortcut)
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            act.triggered.connect(slot)
            return act

        self.insert_action = action("Insert into recap", lambda: self._for_current(
            self.insertRequested.emit), QKeySequence(Qt.Key.Key_Return), "still")
        self.copy_action = action("Copy figure Markdown", self._copy_markdown)
        self.rename_action = action("Rename…", lambda: self._for_current(
            self.renameRequested.emit), QKeySequence(Qt.Key.Key_F2))
        self.remove_action = action("Remove…", lambda: self._for_current(
            self.removeRequested.emit), QKeySequence(Qt.Key.Key_Delete))
        self.show_action = action("Show in folder", self.show_in_folder, None, "open_project")
        self.import_action = action("Import images…", self.import_dialog, None, "stills")
        self.paste_action = action("Paste image", self.paste_from_clipboard,
                                   QKeySequence(QKeySequence.StandardKey.Paste))

    def _for_current(self, emit: Callable[[str], None]) -> None:
        name = self.current_name()
        if name:
            emit(name)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.view.setCurrentIndex(index)
        menu = self.context_menu(index.isValid())
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self, on_still: bool) -> QMenu:
        """The menu for a still (or for the empty grid)."""
        menu = QMenu(self)
        if on_still:
            missing = self.view.currentIndex().data(STATE_ROLE) == MISSING
            for act in (self.insert_action, self.copy_action):
                act.setEnabled(not missing)
                menu.addAction(act)
            menu.addSeparator()
            self.rename_action.setEnabled(not missing)
            menu.addAction(self.rename_action)
            menu.addAction(self.remove_action)
            menu.addSeparator()
            menu.addAction(self.show_action)
        else:
            menu.addAction(self.import_action)
            self.paste_action.setEnabled(has_importable(QGuiApplication.clipboard().mimeData()))
            menu.addAction(self.paste_action)
            menu.addAction(self.show_action)
        self.show_action.setEnabled(self.series is not None)
        return menu

    def _copy_markdown(self) -> None:
        name = self.current_name()
        if name:
            QGuiApplication.clipboard().setText(self.model.figure(name))
            self.message.emit(f"Copied the figure Markdown of {name}")

    def show_in_folder(self) -> None:
        if self.series is not None:
            self.open_folder(self.series.stills_dir)

    # --- the project ------------------------------------------------------------------

    def set_series(self, series: Series | None,
                   usages: dict[str, list[core.Usage]] | None = None) -> None:
        """Show a project's stills at once (thumbnails follow in the background).

        `usages` (from core.stills.usages, with unsaved texts): when not given, they are
        worked out from the episodes as `series` loaded them, just after the grid shows.
        """
        self.details.commit()  # what was typed belongs to the project shown until now
        selected = self.current_name()
        self.series = series
        if series is not None and usages is None:
            QTimer.singleShot(0, self, lambda s=series: self._default_usages(s))
        if series is not None and self.current_episode is not None \
                and series.find_episode(self.current_episode) is None:
            self.current_episode = None
        self._update_md_file()
        self.details.set_series(series)
        self.model.set_series(series, usages)
        self.proxy.set_episode(self.current_episode)
        self.view.empty_text = ("No stills yet.\nDrop images here, paste one, or use Import…"
                                if series is not None else "No project open")
        self._update_filter_buttons()
        if not (selected and self.select(selected)):
            self.details.show_still(None)
        self._update_count()

    def set_current_episode(self, ep_id: str | None) -> None:
        """The recap being edited: imports belong to it, the Episode filter shows it."""
        if self.series is not None and ep_id:
            ep = self.series.find_episode(ep_id)
            ep_id = ep.id if ep is not None else ep_id
        self.current_episode = ep_id or None
        self._update_md_file()
        self.proxy.set_episode(self.current_episode)
        if self.current_episode is None and self.proxy.mode == "episode":
            self.filter_buttons["all"].setChecked(True)
        self._update_filter_buttons()
        self._update_count()

    def set_usages(self, usages: dict[str, list[core.Usage]]) -> None:
        """Where each still is used (recomputed by the window as recaps change)."""
        self.model.set_usages(usages)
        if self.proxy.mode in ("unused", "episode"):
            self.proxy.refilter()
        name = self.details.name
        item = self.model.item(name) if name else None
        if item is not None:
            self.details.set_uses(item.uses)
        self.view.viewport().update()
        self._update_count()

    def _default_usages(self, series: Series) -> None:
        if series is self.series and not self.model.usages_known:
            self.set_usages(core.usages(series))

    def refresh(self) -> None:
        """Re-read the stills folder listing (after a rename or removal by the window)."""
        known = self.series is not None and self.model.usages_known
        self.set_series(self.series, self.model.usage_map if known else None)

    def thumbnails_pending(self) -> int:
        """How many stills still wait for their thumbnail (0: the grid is complete)."""
        return len(self.model.items) - self.model.loaded()

    def shutdown(self) -> None:
        """Stop making thumbnails (before the project closes)."""
        self.details.commit()
        self.loader.shutdown()

    def _update_md_file(self) -> None:
        ep = self._episode()
        self.model.md_file = ep.path if ep is not None else None

    def _episode(self) -> Episode | None:
        if self.series is None or not self.current_episode:
            return None
        return self.series.find_episode(self.current_episode)

    # --- filtering and selection ------------------------------------------------------

    def set_filter(self, mode: str) -> None:
        """Show `episode`, `all`, `unused` or `no_alt` stills."""
        if mode == "episode" and not self.current_episode:
            mode = "all"
        if not self.filter_buttons[mode].isChecked():
            self.filter_buttons[mode].setChecked(True)
        if self.proxy.mode != mode:
            self.proxy.set_mode(mode)
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _update_filter_buttons(self) -> None:
        button = self.filter_buttons["episode"]
        button.setEnabled(bool(self.current_episode))
        button.setText(self.current_episode.upper() if self.current_episode else "Episode")
        button.setToolTip(f"Stills of {self.current_episode} (its own or used in it)"
                          if self.current_episode else "Open a recap to see its stills")

    def visible_names(self) -> list[str]:
        """The names the grid shows now, in order."""
        return [str(self.proxy.index(r, 0).data(NAME_ROLE)) for r in range(self.proxy.rowCount())]

    def current_name(self) -> str | None:
        return self.view.current_name()

    def select(self, name: str) -> bool:
        """Select a still in the grid (when the filter shows it)."""
        row = self.model.rows.get(name)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)
        # the grid lays its items out later: scroll again once it has
        persistent = QPersistentModelIndex(index)
        QTimer.singleShot(0, self.view, lambda: persistent.isValid() and self.view.scrollTo(
            QModelIndex(persistent)))
        return True

    def describe(self, name: str, return_to: QWidget | None = None) -> bool:
        """Select a new still and put the cursor in its alt text field; Enter gives the
        focus back to `return_to`. The filter is widened when it hides the still."""
        if not self.select(name):
            self.set_filter("all")
            self.search.clear()
            if not self.select(name):
                return False
        self.details.describe(return_to)
        return True

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return  # filtered away: keep showing (and saving) the details
        self._show_details(str(current.data(NAME_ROLE)))

    def _show_details(self, name: str) -> None:
        item = self.model.item(name)
        if item is None:
            self.details.show_still(None)
            return
        still = self.model.still(name)
        if not still.episode:  # show the episode its name gives (s01e04-02.jpg)
            still = Still(still.name, still.alt, still.caption, still.credit,
                          self.model.episode_of(name))
        self.details.show_still(still, info=item.info, error=item.error,
                                uses=item.uses if self.model.usages_known else None,
                                missing=not item.exists)

    def _model_data_changed(self, top: QModelIndex, bottom: QModelIndex,
                            roles: Sequence[int] = ()) -> None:
        name = self.details.name
        row = self.model.rows.get(name) if name else None
        if row is None or not top.row() <= row <= bottom.row():
            return
        if not roles or INFO_ROLE in roles or STATE_ROLE in roles:
            item = self.model.items[row]
            self.details.set_info(item.info, item.error, missing=not item.exists)

    def _update_count(self) -> None:
        total = len(self.model.items)
        shown = self.proxy.rowCount()
        if total == 0:
            self.count.setText("")
            return
        unused = sum(1 for item in self.model.items if not item.uses) \
            if self.model.usages_known else 0
        no_alt = sum(1 for item in self.model.items if not self.model.still(item.name).alt)
        head = f"{total} still{'s' if total != 1 else ''}" if shown == total \
            else f"{shown} of {total} stills"
        notes = []
        if no_alt:
            notes.append(f"{no_alt} without alt")
        if unused:
            notes.append(f"{unused} unused")
        self.count.setText(" · ".join([head, *notes]))

    # --- details ------------------------------------------------------------------------

    def _apply_edit(self, name: str, fields: dict) -> None:
        if self.series is None:
            return
        try:
            core.update_still(self.series, name, **fields)
        except (core.StillError, OSError) as exc:
            self.show_problem(str(exc))
            return
        self.model.changed(name)
        self._update_count()
        self.stillsChanged.emit()

    # --- import ---------------------------------------------------------------------------

    def _dialog_files(self) -> list[str]:
        start = self._last_dir or (str(Path.home() / "Pictures")
                                   if (Path.home() / "Pictures").is_dir() else str(Path.home()))
        files, _ = QFileDialog.getOpenFileNames(self, "Import stills", start, IMAGE_FILTER)
        if files:
            self._last_dir = str(Path(files[0]).parent)
        return files

    def import_dialog(self) -> list[str]:
        """Ask for image files and import them. Returns the new still names."""
        if self.series is None:
            return []
        return self.import_sources([Path(p) for p in self.choose_files() or []])

    def paste_from_clipboard(self) -> list[str]:
        """Import the image (or image files) on the clipboard."""
        return self.import_mime(QGuiApplication.clipboard().mimeData())

    def import_mime(self, mime: QMimeData) -> list[str]:
        return self.import_sources(image_sources(mime))

    def import_sources(self, sources: Iterable[Path | bytes]) -> list[str]:
        """Import files or PNG bytes into the current episode; report what was refused."""
        if self.series is None:
            return []
        names: list[str] = []
        problems: list[str] = []
        for source in sources:
            label = source.name if isinstance(source, Path) else "the pasted image"
            try:
                if isinstance(source, Path):
                    still = core.import_image(self.series, source, episode=self._episode())
                else:
                    still = core.import_image(self.series, source, episode=self._episode(),
                                              ext_hint=".png")
            except (ImageError, core.StillError, OSError) as exc:
                problems.append(f"{label}: {exc}")
                continue
            names.append(still.name)
            self.model.add(still.name)
        if names:
            if self.proxy.mode in ("no_alt", "unused", "episode") or self.search.text():
                self.proxy.refilter()
            self.select(names[-1])
            self._update_count()
            self.stillsChanged.emit()
            for name in names:
                self.stillImported.emit(name)
            note = (f"Imported {names[0]}" if len(names) == 1
                    else f"Imported {len(names)} stills")
            self.message.emit(note)
            if not problems:
                self.show_note(note + " — add its alt text below" if len(names) == 1
                               else note)
        if problems:
            text = "Not imported: " + problems[0] if len(problems) == 1 else \
                "Not imported:\n" + "\n".join(f"• {p}" for p in problems)
            self.show_problem(text)
        return names

    # --- messages -------------------------------------------------------------------------

    def show_problem(self, text: str) -> None:
        self.banner.setProperty("kind", "problem")
        self._show_banner(text, 20_000)
        self.message.emit(text.splitlines()[0])

    def show_note(self, text: str) -> None:
        self.banner.setProperty("kind", "note")
        self._show_banner(text, 4000)

    def _show_banner(self, text: str, hide_after_ms: int) -> None:
        self.banner.setText(text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()
        if hide_after_ms:
            self._banner_timer.start(hide_after_ms)
        else:
            self._banner_timer.stop()

    # --- drops from the desktop --------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.series is not None and has_importable(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.view.drop_hint = True
            self.view.viewport().update()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.series is not None and has_importable(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.view.drop_hint = False
        self.view.viewport().update()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.view.drop_hint = False
        self.view.viewport().update()
        if self.series is None or not has_importable(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        sources = image_sources(event.mimeData())
        # import after the drag has finished, so the source application is not held up
        QTimer.singleShot(0, self, lambda: self.import_sources(sources))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop) \
                and has_importable(event.mimeData()):
            event.ignore()  # not text for the field: let it reach the panel
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


__all__ = ["StillsPanel"]
