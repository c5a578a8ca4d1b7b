"""Crash recovery: putting back the unsaved text a RecapDesk that did not close left
in the journal, when a project is opened.

When the recap file is as the text was based on, the text is restored at once (one
undoable change: Undo returns to the file); when the file changed or was deleted
since, the writer is asked (restore, discard, compare).
"""

from __future__ import annotations

import os
import time

from recapdesk.core.journal import Recovery, compare_texts
from recapdesk.ui.controllers import Controller, decide


class JournalRecovery(Controller):
    """Offers back what the journal kept."""

    def recover(self) -> None:
        """Restore or offer every recoverable text of the project just opened."""
        w = self.window
        restored: list[str] = []
        for recovery in w.session.recoverable():
            name = recovery.path.name
            choice = "restore" if recovery.state == "unchanged" else self._ask(recovery)
            if choice == "restore" and self._restore(recovery):
                restored.append(name)
            elif choice == "discard":
                w.session.discard_recovery(recovery)
        if restored:
            w.statusBar().showMessage(
                f"Recovered unsaved changes in {', '.join(restored)} — RecapDesk did not "
                "close properly last time.", 20000)

    def _ask(self, recovery: Recovery) -> str:
        w = self.window
        name = recovery.path.name
        disk = recovery.disk_text or ""

        def compare() -> bool:
            w.dialogs.show_diff(
                w, f"Compare {name}", "Lines starting with - are in the file on disk; "
                "lines starting with + are the unsaved text that was recovered.",
                compare_texts(disk, recovery.text, f"{name} (on disk)",
                              f"{name} (recovered)"))
            return True

        answer = decide(lambda: w.dialogs.recover(w, name, recovery.text, disk), compare)
        return "later" if answer == "compare" else answer  # later: the journal keeps it

    def _restore(self, recovery: Recovery) -> bool:
        w = self.window
        missing = recovery.state == "missing"
        if w.session.documents.open_for_recovery(recovery) is None:
            return False
        w.open_episode(recovery.path, focus=False, allow_missing=missing)
        tab = w.tab_for(recovery.path)
        if tab is None:
            return False
        before = tab.editor.document_text()
        tab.replace_text(recovery.text)  # one undoable change: Undo returns to the file
        # show the writer where the recovered words are
        same = len(os.path.commonprefix([before, recovery.text]))
        tab.editor.goto_line(recovery.text.count("\n", 0, same))
        if missing:
            w.session.save(recovery.path, force=True)
            w.watcher.add(recovery.path)
        w.session.recovered(recovery)
        tab.show_notice(f"Recovered unsaved changes from {_when(recovery.entry.time)}: "
                        "RecapDesk did not close properly. Undo (Ctrl+Z) goes back to the "
                        "saved file.", "info")
        w.tabs.setCurrentWidget(tab)
        return True


def _when(stamp: float) -> str:
    if not stamp:
        return "the last session"
    local = time.localtime(stamp)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M", local)
    return time.strftime("%Y-%m-%d %H:%M", local)
