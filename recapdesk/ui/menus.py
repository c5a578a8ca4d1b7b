"""The window's actions, menus and toolbar, built in one place.

Each action is wired to whoever acts on it: the window (tabs, layout), one of its
controllers (episodes, stills, export) or the current editor. Shortcuts the editor owns
while it has focus are only shown in the tooltips here (`keys_hint`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

from recapdesk.core.model import SPOILER_LEVELS
from recapdesk.ui import icons

if TYPE_CHECKING:
    from recapdesk.ui.main_window import MainWindow

MAX_RECENT = 8


def make_action(parent: QWidget, text: str, slot: Callable | None = None, *,
                icon: str | None = None, shortcut: QKeySequence | str | None = None,
                tip: str = "", checkable: bool = False, keys_hint: str = "") -> QAction:
    """A QAction wired to `slot`, with the tooltip showing its shortcut.

    `keys_hint` names a shortcut owned by another widget (the editor) for the tooltip.
    """
    action = QAction(text, parent)
    if icon:
        action.setIcon(icons.icon(icon))
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    label = tip or text.replace("&", "").rstrip(".…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or keys_hint
    action.setToolTip(f"{label} ({keys})" if keys else label)
    action.setStatusTip(label)
    if slot is not None:
        action.triggered.connect(slot)
    return action


class WindowActions:
    """Every action of a main window, its menu bar, its toolbar and its recent list."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        w = window
        a = make_action
        std = QKeySequence.StandardKey
        self.new_project = a(w, "&New Project…", w.new_project_dialog, icon="new_project",
                             shortcut="Ctrl+Shift+N")
        self.open_project = a(w, "&Open Project…", w.open_project_dialog,
                              icon="open_project", shortcut=std.Open)
        self.new_episode = a(w, "New &Episode", w.episode_actions.new_episode, icon="new_episode",
                             shortcut=std.New)
        self.save = a(w, "&Save", w.save_current, icon="save", shortcut=std.Save)
        self.save_all = a(w, "Save A&ll", w.session.save_all, shortcut="Ctrl+Alt+S")
        self.close_tab = a(w, "&Close Episode", w.close_current_tab, shortcut=std.Close)
        self.export = a(w, "&Export…", w.export_actions.export_dialog, icon="export",
                        shortcut="Ctrl+E")
        self.publish = a(w, "&Publish…", w.publish_actions.publish_dialog, icon="publish",
                         shortcut="Ctrl+Alt+P", tip="Publish to WordPress")
        self.copy_html = a(w, "Copy HTML for &CMS", w.export_actions.copy_html_for_cms,
                           icon="copy_html", shortcut="Ctrl+Shift+C")
        self.quit = a(w, "&Quit", w.close, shortcut=std.Quit)
        self.undo = a(w, "&Undo", lambda: w.editor_call("undo"), icon="undo", shortcut=std.Undo)
        self.redo = a(w, "&Redo", lambda: w.editor_call("redo"), icon="redo", shortcut=std.Redo)
        self.find = a(w, "&Find…", lambda: w.show_find(False), icon="find", keys_hint="Ctrl+F")
        self.replace = a(w, "Find and &Replace…", lambda: w.show_find(True), keys_hint="Ctrl+H")
        self.inline_spoiler = a(w, "Hide Selection as &Inline Spoiler",
                                lambda: w.editor_action("inline_spoiler"), icon="spoiler",
                                keys_hint="Ctrl+Shift+S")
        self.spoiler_block = a(w, "Wrap in Spoiler &Block…",
                               lambda: w.editor_action("spoiler_block"), icon="spoiler_block",
                               keys_hint="Ctrl+Shift+B")
        self.unwrap = a(w, "&Remove Spoiler", lambda: w.editor_action("unwrap_spoiler"),
                        icon="unwrap", keys_hint="Ctrl+Shift+U")
        self.warning = a(w, "Insert Spoiler &Warning Line",
                         lambda: w.editor_action("spoiler_warning"), icon="warning_line",
                         keys_hint="Ctrl+Shift+W")
        self.levels = {
            level: a(w, f"Spoiler Level: {level.title()}",
                     lambda _=False, lv=level: w.set_spoiler_level(lv), checkable=True)
            for level in SPOILER_LEVELS
        }
        self.show_spoilers = a(w, "Show Spoilers in Preview", w.preview.set_show_spoilers,
                               icon="show_spoilers", shortcut="Ctrl+Shift+P", checkable=True)
        self.sync_scroll = a(w, "S&ync Scrolling", w.live_preview.set_sync, checkable=True)
        self.focus = a(w, "&Distraction-Free Mode", w.toggle_focus_mode, icon="focus",
                       shortcut="F11", checkable=True)
        wa = w.watch_actions
        self.open_video = a(w, "&Open Episode Video…", wa.open_video, icon="open_video",
                            shortcut="Ctrl+Alt+V", tip="Open the recap's episode video")
        self.play = a(w, "&Play or Pause", w.watch.toggle_play, icon="play",
                      shortcut="Ctrl+Alt+Space")
        self.jump_back = a(w, "&Back 5 Seconds", lambda: w.watch.jump(-5), icon="jump_back",
                           shortcut="Ctrl+Alt+Left")
        self.jump_forward = a(w, "&Forward 5 Seconds", lambda: w.watch.jump(5),
                              icon="jump_forward", shortcut="Ctrl+Alt+Right")
        self.frame_back = a(w, "Pre&vious Frame", lambda: w.watch.step(-1), icon="frame_back",
                            shortcut="Ctrl+Alt+,")
        self.frame_forward = a(w, "&Next Frame", lambda: w.watch.step(1),
                               icon="frame_forward", shortcut="Ctrl+Alt+.")
        self.grab = a(w, "&Grab Still", lambda: wa.grab(w.watch.time), icon="grab",
                      shortcut="Ctrl+Alt+G",
                      tip="Save the video's frame as a still and put it at the cursor")
        self.time_note = a(w, "Insert &Time Note", lambda: wa.note(w.watch.time),
                           icon="time_note", shortcut="Ctrl+Alt+T",
                           tip="Note the video's time on a line of the recap")
        self.about = a(w, "&About RecapDesk", w.about)
        self._build_menus()
        self.toolbar = self._build_toolbar()

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_project, self.open_project])
        self.recent_menu: QMenu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addActions([self.new_episode, self.save, self.save_all, self.close_tab])
        file_menu.addSeparator()
        file_menu.addActions([self.export, self.publish, self.copy_html])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo, self.redo])
        edit.addSeparator()
        edit.addActions([self.find, self.replace])
        spoilers = bar.addMenu("&Spoilers")
        spoilers.addActions([self.inline_spoiler, self.spoiler_block, self.unwrap,
                             self.warning])
        spoilers.addSeparator()
        spoilers.addActions(list(self.levels.values()))
        spoilers.addSeparator()
        spoilers.addAction(self.show_spoilers)
        watch = bar.addMenu("&Watch")
        watch.addAction(self.open_video)
        watch.addSeparator()
        watch.addActions([self.play, self.jump_back, self.jump_forward, self.frame_back,
                          self.frame_forward])
        watch.addSeparator()
        watch.addActions([self.grab, self.time_note])
        view = bar.addMenu("&View")
        for dock in (w.outline_dock, w.stills_dock, w.preview_dock, w.watch_dock,
                     w.problems_dock, w.editorial_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self.sync_scroll)
        view.addAction(self.focus)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about)

    def _build_toolbar(self) -> QToolBar:
        tb = QToolBar("Main", self.window)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tb.addActions([self.new_episode, self.save])
        tb.addSeparator()
        tb.addActions([self.undo, self.redo, self.find])
        tb.addSeparator()
        tb.addActions([self.inline_spoiler, self.spoiler_block, self.unwrap, self.warning,
                       self.show_spoilers])
        tb.addSeparator()
        tb.addActions([self.grab, self.time_note])
        tb.addSeparator()
        tb.addActions([self.export, self.publish, self.copy_html])
        tb.addSeparator()
        tb.addAction(self.focus)
        self.window.addToolBar(tb)
        return tb

    def set_recent(self, projects: list[str], open_project: Callable[[Path], None]) -> None:
        """Show the recently opened projects in File ▸ Open Recent."""
        self.recent_menu.clear()
        for entry in projects[:MAX_RECENT]:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _=False, e=entry: open_project(Path(e)))

    def sync_levels(self, level: str) -> None:
        """Check the spoiler-level action of the current recap's level."""
        for name, action in self.levels.items():
            action.setChecked(name == level)
