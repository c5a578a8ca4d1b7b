"""The stills manager: thumbnail grid, filters, import, details, placing stills."""

from recapdesk.ui.stills.details import StillDetails
from recapdesk.ui.stills.model import STILL_MIME, StillsFilter, StillsModel
from recapdesk.ui.stills.panel import StillsPanel, has_importable, image_sources, png_bytes
from recapdesk.ui.stills.thumbs import ThumbnailLoader

__all__ = ["STILL_MIME", "StillDetails", "StillsFilter", "StillsModel", "StillsPanel",
           "ThumbnailLoader", "has_importable", "image_sources", "png_bytes"]
