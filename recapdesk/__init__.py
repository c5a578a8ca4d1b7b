"""RecapDesk: write TV-episode recaps offline and publish them as HTML."""

__version__ = "0.1.0"
