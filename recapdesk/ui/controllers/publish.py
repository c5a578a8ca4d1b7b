"""Publishing from the window: the Publish dialog, and the outline's marks of what is
on the site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recapdesk.core.publish.state import publish_marks
from recapdesk.ui.controllers import Controller

if TYPE_CHECKING:
    from recapdesk.ui.main_window import MainWindow


class PublishActions(Controller):
    """Publishes the window's project to its WordPress site."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        # application passwords the system keyring could not keep, until RecapDesk closes
        self.passwords: dict[str, str] = {}

    def publish_dialog(self) -> None:
        """The Publish dialog (saves first; talks to the site off the UI thread)."""
        from recapdesk.ui.publish_dialog import PublishDialog

        w = self.window
        if w.series is None or w.refuse_when_read_only("Publish"):
            return
        tab = w.current_tab()
        dialog = PublishDialog(w.series, w.settings, current=tab.path if tab else None,
                               passwords=self.passwords, before_publish=w.session.flush,
                               parent=w)
        dialog.reportShown.connect(lambda _report: self.refresh_marks())
        dialog.exec()
        dialog.deleteLater()

    def refresh_marks(self) -> None:
        """Show in the outline which recaps are on the site, and which changed since."""
        series = self.window.series
        marks = publish_marks(series) if series is not None else {}
        self.window.outline.set_publish_marks({str(p): m for p, m in marks.items()})
