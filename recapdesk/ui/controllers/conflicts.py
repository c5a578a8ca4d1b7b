"""Files that change under the writer: failed saves, conflicts, files changed or
deleted by other programs, and a project lock taken over.

The session says what happened (`saveFailed`, `conflict`, `reloaded`, `deleted`,
`lockLost`) and the file watcher what it saw; this controller tells the writer, asks
when a choice is theirs (keep mine / take theirs / compare; save again / close), and
carries the answer out through the session. Never a silent overwrite.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from recapdesk.core.journal import compare_texts
from recapdesk.core.owners import describe_owner
from recapdesk.core.project import STILLS_YAML, ProjectError
from recapdesk.ui.controllers import Controller, decide

if TYPE_CHECKING:
    from recapdesk.ui.main_window import MainWindow

class Conflicts(Controller):
    """Keeps the writer's text safe when files change outside the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.asking: set[str] = set()  # paths with a question open (no second one)
        self.save_warned: set[str] = set()  # paths whose failed save was told

    def forget(self) -> None:
        """A new project: nothing was told about it yet."""
        self.save_warned.clear()

    # --- saves ---------------------------------------------------------------------------

    def saved(self, path: str, _auto: bool) -> None:
        self.save_warned.discard(path)
        tab = self.window.tab_for(Path(path))
        if tab is not None:
            tab.hide_notice("warning")

    def save_failed(self, path: str, message: str) -> None:
        """Tell the writer (once per file until a save works again; the banner stays)."""
        w = self.window
        w.statusBar().showMessage(message, 10000)
        tab = w.tab_for(Path(path))
        if tab is not None:
            tab.show_notice(message, "warning")
        if path not in self.save_warned:
            self.save_warned.add(path)
            w.dialogs.warn(w, "Could not save", message)

    # --- changed here and there ----------------------------------------------------------

    def conflict(self, path: str) -> None:
        """Edited here and changed on disk: keep mine, take theirs or compare first."""
        w = self.window
        if path in self.asking or w.session.buffer(path) is None:
            return
        name = Path(path).name
        self.asking.add(path)

        def compare() -> bool:
            buffer = w.session.buffer(path)
            if buffer is None:  # its tab was closed meanwhile
                return False
            w.dialogs.show_diff(
                w, f"Compare {name}", "Lines starting with - are in the file on disk; "
                "lines starting with + are your text in RecapDesk.",
                compare_texts(w.session.documents.disk_text(Path(path)), buffer.text,
                              f"{name} (on disk)", f"{name} (yours)"))
            return True

        try:
            answer = decide(lambda: w.dialogs.resolve_conflict(w, name), compare)
            if w.session.buffer(path) is None:
                return
            if answer == "mine":
                w.session.save(path, force=True)
            elif answer == "theirs":
                self.take_theirs(path)
            # undecided: nothing is overwritten; asked again at the next save
        finally:
            self.asking.discard(path)

    def take_theirs(self, path: str) -> None:
        w = self.window
        w.session.take_disk_version(path)
        tab = w.tab_for(Path(path))
        buffer = w.session.buffer(path)
        if tab is not None and buffer is not None:
            tab.set_readonly(buffer.reason if buffer.readonly else "")
            tab.replace_text(buffer.text)
            tab.hide_notice()

    # --- changed by other programs -------------------------------------------------------

    def file_changed(self, path: str) -> None:
        """The watcher saw a change: project files are read again, open recaps checked."""
        w = self.window
        if w.series is None:
            return
        if Path(path) in w.session.documents.project_files():
            if not w.session.documents.project_file_changed(Path(path)):
                return
            if Path(path).name == STILLS_YAML:
                w.still_actions.changed()
                w.stills.refresh()
            else:
                self.reload_series()
            return
        if path not in self.asking:
            w.session.check_disk(path)

    def folder_changed(self, folder: str) -> None:
        """Recaps added or removed by another program (a git pull): read the list again."""
        w = self.window
        if w.series is not None and Path(folder) == w.series.episodes_dir \
                and w.session.documents.episode_files_changed():
            self.reload_series()

    def reload_series(self) -> None:
        try:
            self.window.reload_series()
        except (ProjectError, OSError) as exc:
            self.window.statusBar().showMessage(f"Could not re-read the project: {exc}", 10000)

    def reloaded(self, path: str) -> None:
        """An unedited tab took the new text from disk (its cursor stays where it was)."""
        w = self.window
        tab = w.tab_for(Path(path))
        buffer = w.session.buffer(path)
        if tab is None or buffer is None:
            return
        tab.set_readonly(buffer.reason if buffer.readonly else "")
        tab.replace_text(buffer.text)
        tab.hide_notice()
        w.statusBar().showMessage(f"{Path(path).name} was changed by another program; the "
                                  "tab shows the new text", 6000)

    def deleted(self, path: str) -> None:
        tab = self.window.tab_for(Path(path))
        if tab is not None:
            tab.show_notice(f"{Path(path).name} was deleted by another program. Your text is "
                            "kept here; it is not written back unless you save it "
                            "(File ▸ Save).", "warning")
        self.ask_deleted(path)

    def ask_deleted(self, path: str | Path) -> None:
        """Save a deleted recap again, or close its tab (the writer chooses)."""
        w = self.window
        path = str(path)
        if path in self.asking or w.session.buffer(path) is None:
            return
        self.asking.add(path)
        try:
            choice = w.dialogs.deleted_on_disk(w, Path(path).name)
        finally:
            self.asking.discard(path)
        if choice == "save_again":
            if w.session.save(path, force=True):
                w.watcher.add(path)
                tab = w.tab_for(Path(path))
                if tab is not None:
                    tab.hide_notice()
        elif choice == "close":
            tab = w.tab_for(Path(path))
            w.session.discard_episode(path)
            w.watcher.remove(path)
            if tab is not None:
                w.tabs.removeTab(w.tabs.indexOf(tab))

    def lock_lost(self, owner: dict) -> None:
        w = self.window
        w.dialogs.warn(w, "Project opened elsewhere",
                       f"This project was taken over by {describe_owner(owner)}. Saves from "
                       "both windows can overwrite each other; close one of them.")

