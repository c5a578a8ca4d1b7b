"""Still actions: put a still in the recap, bring images in, rename and remove stills.

The stills panel and the editor ask for them. Still files and `stills.yaml` change
through `core.stills`; recap texts whose figures change go through the session (open
ones as an undoable change in their tab).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from recapdesk.core.stills import (
    StillError,
    check_new_name,
    figure_markdown,
    remove_references,
    remove_still,
    rename_still,
    usages,
)
from recapdesk.ui.controllers import Controller


class StillActions(Controller):
    """Acts on the stills of the window's project."""

    def insert(self, name: str) -> None:
        """Insert a still's figure as its own paragraph at the cursor."""
        w = self.window
        tab = w.current_tab()
        if tab is None or w.series is None:
            return
        tab.editor.insert_block(figure_markdown(w.series, name, tab.path))
        tab.editor.setFocus()

    def import_into_editor(self, sources: list) -> None:
        """Pasted or dropped images: import them as stills, then insert their figures."""
        tab = self.window.current_tab()
        if tab is None or tab.editor.isReadOnly():
            return
        names = self.window.stills.import_sources(sources)
        for name in names:
            self.insert(name)
        if names:
            self.describe(names[-1], return_to=tab.editor)

    def describe(self, name: str, *, return_to: QWidget | None = None) -> None:
        """Bring the stills panel to the front with a new still's alt text field focused,
        so the writer describes it at once (Enter goes back to `return_to`)."""
        w = self.window
        w.stills_dock.show()
        w.stills_dock.raise_()
        w.stills.describe(name, return_to)

    def image_pasted(self, image: QImage) -> None:
        from recapdesk.ui.stills import png_bytes

        self.import_into_editor([png_bytes(image)])

    def files_dropped(self, files: list) -> None:
        self.import_into_editor([Path(f) for f in files])

    def changed(self) -> None:
        """stills.yaml or stills/ changed: read the metadata again, re-render, re-check."""
        w = self.window
        if w.series is None:
            return
        w.session.documents.reload_stills()
        w.live_preview.render(new_page=True)
        w.check_soon()

    def rename(self, name: str) -> None:
        w = self.window
        if w.series is None:
            return
        new = w.dialogs.ask_text(w, "Rename Still", "New file name:", name)
        if not new or new == name:
            return
        w.session.flush()
        try:
            final = check_new_name(name, new)
            texts = rename_still(w.series, name, new, texts=self._open_texts())
        except (StillError, OSError, ValueError) as exc:
            w.dialogs.warn(w, "Rename Still", str(exc))
            return
        w.session.apply_texts(texts)
        self.changed()
        w.stills.refresh()
        w.stills.select(final)

    def remove(self, name: str) -> None:
        w = self.window
        if w.series is None:
            return
        used = usages(w.series, self._open_texts()).get(name, [])
        if used:
            where = ", ".join(f"{Path(p).stem} line {line}" for p, line in used[:6])
            if not w.dialogs.confirm(
                    w, "Remove Still", f"{name} is used in {where}.\n\nMove it to the trash "
                    "and remove those figures from the recaps?", ok="Remove Still and Figures"):
                return
            texts = w.session.all_texts()
            w.session.apply_texts({path: remove_references(w.series, path, texts[path], name)
                                   for path in {Path(p) for p, _ in used} if path in texts})
        elif not w.dialogs.confirm(w, "Remove Still", f"Move {name} to the trash?",
                                   ok="Move to Trash"):
            return
        try:
            remove_still(w.series, name)
        except (StillError, OSError) as exc:
            w.dialogs.warn(w, "Remove Still", str(exc))
            return
        self.changed()
        w.stills.refresh()

    def _open_texts(self) -> dict[Path, str]:
        return {path: buffer.text for path, buffer in self.window.session.buffers.items()}
