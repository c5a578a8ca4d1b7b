"""Export from the window: the Export dialog, and Copy HTML for CMS."""

from __future__ import annotations

from recapdesk.core.export.plan import ExportError
from recapdesk.ui.controllers import Controller


class ExportActions(Controller):
    """Publishes the window's project as HTML."""

    def export_dialog(self) -> None:
        """The export dialog (saves first; runs the export off the UI thread)."""
        from recapdesk.ui.export_dialog import ExportDialog

        w = self.window
        if w.series is None:
            return
        tab = w.current_tab()
        dialog = ExportDialog(w.series, w.settings, current=tab.path if tab else None,
                              before_export=w.session.flush, parent=w)
        dialog.exec()

    def copy_html_for_cms(self) -> None:
        """Put the current recap's article HTML on the clipboard (HTML and plain text)."""
        from recapdesk.ui.cms_copy import copy_fragment_to_clipboard

        w = self.window
        tab = w.current_tab()
        if tab is None or w.series is None:
            return
        try:
            size = copy_fragment_to_clipboard(w.series, tab.path, tab.editor.document_text())
        except ExportError as exc:
            w.dialogs.warn(w, "Copy HTML for CMS", str(exc))
            return
        w.statusBar().showMessage(f"Copied the recap's HTML ({size:,} characters) for "
                                  "your CMS", 6000)
