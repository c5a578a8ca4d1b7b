"""Find and replace in all episodes (the find bar's "All episodes" mode)."""

from __future__ import annotations

from pathlib import Path

from recapdesk.core.search import Query, find_all, replace_all
from recapdesk.ui.controllers import Controller


class SearchAll(Controller):
    """Searches and replaces across every recap of the project, saved or not."""

    def find(self, query: Query) -> None:
        w = self.window
        texts = w.session.all_texts()
        try:
            matches = find_all({str(k): v for k, v in texts.items()}, query)
        except ValueError as exc:
            w.statusBar().showMessage(str(exc), 6000)
            return
        files = len({m.key for m in matches})
        w.statusBar().showMessage(f"{len(matches)} match(es) in {files} episode(s)", 8000)
        if matches:
            w.open_episode(Path(matches[0].key), line=matches[0].line)

    def replace(self, query: Query, replacement: str) -> None:
        """Replace in every recap; each changed one opens in its tab (one undo step)."""
        w = self.window
        if w.refuse_when_read_only("Replace in All Episodes"):
            return
        total = skipped = 0
        for path, text in w.session.all_texts().items():
            try:
                new_text, count = replace_all(text, query, replacement)
            except ValueError as exc:
                w.statusBar().showMessage(str(exc), 6000)
                return
            if count:
                w.open_episode(path, focus=False)
                tab = w.tab_for(path)
                buffer = w.session.buffer(path)
                if tab is None or buffer is None or buffer.readonly:
                    skipped += count  # a file that cannot be saved is not changed
                    continue
                total += count
                tab.editor.replace_all_text(new_text)
        note = f"; {skipped} in read-only files left as they are" if skipped else ""
        w.statusBar().showMessage(f"Replaced {total} occurrence(s){note}", 8000)

