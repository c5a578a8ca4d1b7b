"""The stills manager: thumbnail grid, filters, import, details, placing stills."""

from recapdesk.ui.stills.details import StillDetails
from recapdesk.ui.stills.model import STILL_MIME, StillsFilter, StillsModel
from recapdesk.ui.stills.panel import StillsPanel
from recapdesk.ui.stills.thumbs import ThumbnailLoader
from recapdesk.ui.stills.transfer import has_importable, image_sources, png_bytes

__all__ = ["STILL_MIME", "StillDetails", "StillsFilter", "StillsModel", "StillsPanel",
           "ThumbnailLoader", "has_importable", "image_sources", "png_bytes"]
