"""Episode actions: new, rename, duplicate, draft/final, delete, reorder, move a section.

The outline's context menu and drags ask for them. Operations on files run through
`core.episode_ops` after the open texts are saved; open tabs then follow the files
(renamed, or changed on disk) and the project is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from recapdesk.core import episode_ops
from recapdesk.core.model import Episode
from recapdesk.core.outline import move_section, renumber
from recapdesk.core.project import ProjectError, new_episode
from recapdesk.ui.controllers import Controller


class EpisodeActions(Controller):
    """Acts on the recaps of the window's project."""

    def _episode(self, path: str) -> Episode | None:
        series = self.window.series
        if series is None:
            return None
        return next((e for e in series.episodes if e.path == Path(path)), None)

    def new_episode(self) -> None:
        w = self.window
        if w.series is None or w.refuse_when_read_only("New Episode"):
            return
        try:
            ep = new_episode(w.series)
        except (ProjectError, OSError) as exc:
            w.dialogs.warn(w, "New Episode", str(exc))
            return
        w.reload_series()
        w.open_episode(ep.path)

    def _operation(self, title: str, func: Callable, *args: Any,
                   follow_renames: bool = False) -> Any:
        """Run a project operation on the files (after saving), then reload.

        With `follow_renames` the operation returns {old path: new path}: open tabs
        follow their episode to its new file BEFORE the buffers are re-read from disk
        (renumbering can swap two files' names: re-reading first would load one
        episode's text into the other's tab).
        """
        w = self.window
        if w.refuse_when_read_only(title):
            return None
        w.session.flush()
        result = None
        try:
            result = func(*args)
        except (ProjectError, OSError, ValueError) as exc:
            w.dialogs.warn(w, title, str(exc))
        if follow_renames and result:
            w.follow_renames(result)
        # the open buffers first: the outline is rebuilt from them (status, title, …)
        for path, buffer in list(w.session.buffers.items()):
            if not buffer.dirty and path.exists():
                w.session.take_disk_version(path)
                tab = w.tab_for(path)
                if tab is not None and tab.editor.document_text() != buffer.text:
                    tab.replace_text(buffer.text)
        w.reload_series()
        return result

    def rename(self, path: str) -> None:
        ep = self._episode(path)
        w = self.window
        if ep is None or w.series is None:
            return
        title = w.dialogs.ask_text(w, "Rename Recap", "Title:", ep.title)
        if title:
            self._operation("Rename", episode_ops.rename_episode, w.series, ep, title)

    def duplicate(self, path: str) -> None:
        ep = self._episode(path)
        if ep is not None and self.window.series is not None:
            self._operation("Duplicate", episode_ops.duplicate_episode, self.window.series, ep)

    def set_status(self, path: str, status: str) -> None:
        ep = self._episode(path)
        if ep is not None and self.window.series is not None:
            self._operation("Status", episode_ops.set_status, self.window.series, ep, status)

    def delete(self, path: str) -> None:
        ep = self._episode(path)
        w = self.window
        if ep is None or w.series is None:
            return
        if not w.dialogs.confirm(w, "Delete Recap", f"Move “{ep.title}” to the trash?"
                                 "\n\nYou can restore it from the system trash.",
                                 ok="Move to Trash"):
            return
        tab = w.tab_for(ep.path)
        if tab is not None:
            w.session.close_episode(ep.path)
            w.tabs.removeTab(w.tabs.indexOf(tab))
        self._operation("Delete", episode_ops.trash_episode, w.series, ep)

    def reorder(self, paths: list) -> None:
        """The outline's recaps were dragged into a new order: renumber (asks first)."""
        w = self.window
        if w.series is None:
            return
        by_path = {str(e.path): e for e in w.series.episodes}
        order = [by_path[p] for p in paths if p in by_path]
        pairs = [(e, n) for e, n in renumber(order) if e.number != n]
        if not pairs:
            return
        listing = "\n".join(f"{e.title}: episode {e.number} → {n}" for e, n in pairs[:8])
        if w.dialogs.confirm(w, "Reorder Recaps", f"Renumber these recaps?\n\n{listing}",
                             ok="Renumber"):
            self._operation("Reorder", episode_ops.apply_renumbering, w.series, pairs,
                            follow_renames=True)

    def move_section(self, path: str, heading_line: int, before_line: int) -> None:
        """A heading was dragged in the outline: move its whole section (one undo step)."""
        w = self.window
        w.open_episode(Path(path), focus=False)
        tab = w.tab_for(Path(path))
        buffer = w.session.buffer(Path(path))
        if tab is None or buffer is None:
            return
        try:
            new_text = move_section(buffer.text, heading_line, before_line)
        except ValueError as exc:  # a stale drag: the text changed under it
            w.statusBar().showMessage(f"Could not move the section: {exc}", 6000)
            w.inspect()
            return
        if new_text != buffer.text:
            tab.editor.replace_all_text(new_text)
