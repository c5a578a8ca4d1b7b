"""Watching the episode: which video the Watch panel shows, grabbing stills from it and
noting times in the recap.

The video of a recap is its front matter's `video:` (set here, in the recap's text, as
one undo step). A grab decodes on a thread through the core (`core.video`), which saves
the still and registers it in `stills.yaml`; the window then puts its figure at the
cursor and the writer describes it at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog

from recapdesk.core.frontmatter import FrontMatterError
from recapdesk.core.markdown.time_notes import time_note_line
from recapdesk.ui.controllers import Controller
from recapdesk.ui.thread_relay import ensure_relay, to_ui_thread

VIDEO_FILTER = "Videos (*.mp4 *.mkv *.webm *.mov *.m4v *.avi *.ts *.m2ts);;All files (*)"


class WatchActions(Controller):
    """Acts for the Watch panel of the window."""

    _grabbed = Signal(object, str, str)  # the recap's path, still name, error

    def __init__(self, window) -> None:
        super().__init__(window)
        self.grabbing = False
        self._grabbed.connect(self._grab_done)
        ensure_relay()

    @property
    def panel(self):
        return self.window.watch

    # --- which video ----------------------------------------------------------------------

    def follow_current(self) -> None:
        """Show the video of the recap in front (none when it has none)."""
        w = self.window
        tab = w.current_tab()
        buffer = w.session.buffer(tab.path) if tab is not None else None
        if buffer is None or w.series is None:
            self.panel.show_video(None)
            return
        from recapdesk.core.video import episode_video

        self.panel.show_video(episode_video(buffer.episode()), self.cache_dir())

    def cache_dir(self) -> Path | None:
        """Where the project remembers the shots of its videos."""
        from recapdesk.core.video import project_cache_dir

        series = self.window.series
        return project_cache_dir(series.root) if series is not None else None

    def open_video(self) -> None:
        """Choose the current recap's video file; remembered in its front matter."""
        w = self.window
        tab = w.current_tab()
        if tab is None:
            w.statusBar().showMessage("Open a recap first: its video is remembered in it.",
                                      8000)
            return
        start = str(self.panel.path.parent) if self.panel.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(w, "Open the Episode's Video", start,
                                              VIDEO_FILTER)
        if name:
            self.use_video(Path(name))

    def use_video(self, path: Path) -> None:
        """Make `path` the current recap's video (front matter `video:`) and show it."""
        w = self.window
        tab = w.current_tab()
        if tab is None:
            return
        w.watch_dock.show()
        w.watch_dock.raise_()
        if not self.panel.show_video(path, self.cache_dir()):
            return  # not a video: the panel says why; the recap is left as it was
        if tab.editor.isReadOnly():
            return
        value = _home_relative(path)
        try:
            tab.editor.set_front_values({"video": value})
        except FrontMatterError as exc:
            w.statusBar().showMessage(f"The video is shown but not remembered: {exc}", 12000)

    # --- grabs and notes ------------------------------------------------------------------

    def grab(self, seconds: float) -> None:
        """Save the frame shown at `seconds` as a still of the current recap (on a thread),
        then put its figure at the cursor."""
        w = self.window
        tab = w.current_tab()
        video = self.panel.path
        if tab is None or w.series is None or video is None:
            return
        if w.refuse_when_read_only("Grab Still") or self.grabbing:
            return
        buffer = w.session.buffer(tab.path)
        ep = buffer.episode() if buffer is not None else None
        if ep is None:
            return
        self.grabbing = True
        self.panel.grab_button.setEnabled(False)
        w.statusBar().showMessage("Grabbing the frame…")
        series, path = w.series, tab.path

        from recapdesk.core.video import VideoError, grab_still

        def work() -> None:
            name, error = "", ""
            try:
                name = grab_still(series, video, seconds, episode=ep)
            except (VideoError, OSError, ValueError) as exc:
                error = str(exc)
            to_ui_thread(self, self._grabbed.emit, path, name, error)

        threading.Thread(target=work, name="watch-grab", daemon=True).start()

    def _grab_done(self, path: Path, name: str, error: str) -> None:
        w = self.window
        self.grabbing = False
        self.panel.grab_button.setEnabled(self.panel.path is not None)
        if error:
            w.statusBar().showMessage(f"No still grabbed: {error}", 15000)
            return
        w.still_actions.changed()
        w.stills.refresh()
        tab = w.tab_for(path)
        if tab is not None and tab is w.current_tab():
            w.still_actions.insert(name)
        w.statusBar().showMessage(f"Grabbed {name}", 8000)
        w.still_actions.describe(name, return_to=tab.editor if tab is not None else None)

    def note(self, seconds: float) -> None:
        """Start a time note (`[12:34] `) on a line of its own at the cursor."""
        tab = self.window.current_tab()
        if tab is None or tab.editor.isReadOnly():
            return
        hours = bool(self.panel.facts and self.panel.facts.duration >= 3600)
        tab.editor.insert_note_line(time_note_line(seconds, hours=hours) + " ")
        tab.editor.setFocus()

    def jump_to(self, seconds: float) -> None:
        """A time in the recap was clicked: show the video there."""
        w = self.window
        if self.panel.path is None:
            self.follow_current()
        if self.panel.path is None:
            w.statusBar().showMessage("This recap has no video: open it in the Watch panel "
                                      "(Ctrl+Alt+V).", 8000)
            return
        w.watch_dock.show()
        w.watch_dock.raise_()
        self.panel.seek(seconds)


def _home_relative(path: Path) -> str:
    """`~/…` for a file under the home folder (the recap then travels between machines
    of the same writer), else the absolute path."""
    path = path.resolve()
    try:
        return "~/" + path.relative_to(Path.home().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
