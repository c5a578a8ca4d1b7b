"""The editorial checks in the window: the Editorial panel follows the recap in front,
the outline shows every recap's light, a check's place is selected in its recap, and a
misspelt name is replaced in one recap or in all of them (one undo step per recap).

The analysis itself is the inspection's (`core.editorial`, in the worker process).
"""

from __future__ import annotations

from pathlib import Path

from recapdesk.core.inspection import InspectionResult
from recapdesk.core.search import Query
from recapdesk.ui.controllers import Controller


class EditorialActions(Controller):
    """Presents the editorial analysis and acts on the Editorial panel's requests."""

    def inspected(self, result: InspectionResult) -> None:
        """An inspection came back: the lights of the recaps it analysed."""
        w = self.window
        scores = {str(path): inspection.editorial.score
                  for path, inspection in result.texts.items()
                  if inspection.editorial is not None and path in w.session.buffers}
        if result.scores is not None:
            scores = {**{str(p): s for p, s in result.scores.items()}, **scores}
        w.outline.set_editorial_scores(scores)
        self.show_current()

    def show_current(self) -> None:
        """Show the analysis of the recap in front."""
        w = self.window
        tab = w.current_tab()
        inspection = w.inspection_of(tab.path) if tab is not None else None
        w.editorial.show_result(tab.path if tab is not None else None,
                                inspection.editorial if inspection is not None else None)

    def select_place(self, path: str, start: int, end: int) -> None:
        """Select [start, end) of the recap's text (what a check is about)."""
        w = self.window
        w.open_episode(Path(path))
        tab = w.tab_for(Path(path))
        buffer = w.session.buffer(Path(path))
        if tab is not None:
            tab.editor.select_range(start, end, source=buffer.text if buffer else None)
            tab.editor.setFocus()

    def fix_name(self, path: str, wrong: str, right: str, everywhere: bool) -> None:
        """Replace a misspelt name (whole words, this exact spelling) with the listed one."""
        w = self.window
        query = Query(wrong, whole_word=True, case_sensitive=True)
        if everywhere:
            w.search_all.replace(query, right)
            return
        w.open_episode(Path(path))
        tab = w.tab_for(Path(path))
        if tab is None or tab.editor.isReadOnly():
            return
        count = tab.editor.replace_all_matches(query, right)
        w.statusBar().showMessage(f"Replaced {count} “{wrong}” with “{right}”", 8000)
