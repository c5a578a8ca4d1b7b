"""The live preview: the export page in a locked-down QWebEngineView."""

from recapdesk.ui.preview.sync import ScrollSync
from recapdesk.ui.preview.view import PreviewView, register_scheme

__all__ = ["PreviewView", "ScrollSync", "register_scheme"]
