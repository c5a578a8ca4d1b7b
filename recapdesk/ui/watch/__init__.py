"""The Watch panel: the episode's video beside the recap, its shot sheet, grabs and notes."""

from recapdesk.ui.watch.panel import WatchPanel

__all__ = ["WatchPanel"]
