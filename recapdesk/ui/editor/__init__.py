"""The Markdown editor pane: `MarkdownEditor` and its `FindBar`."""

from recapdesk.ui.editor.editor import MarkdownEditor
from recapdesk.ui.editor.find_bar import FindBar

__all__ = ["FindBar", "MarkdownEditor"]
