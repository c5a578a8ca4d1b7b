"""Editorial checks of a recap: its focus keyphrase (SEO), its readability (with the
Flesch reading ease) and how it spells the cast's and characters' names; pure
functions over the tokens of the shared parse (Qt-free, nothing is written)."""

from recapdesk.core.editorial.analysis import (
    CHECK_IDS,
    analyse,
    analyse_series,
    analyse_text,
    episode_keyphrase,
)
from recapdesk.core.editorial.names import NameDrift, find_drifts, series_names
from recapdesk.core.editorial.prose import Span
from recapdesk.core.editorial.results import GOOD, OK, PROBLEM, Check, Editorial, NameFix

__all__ = ["CHECK_IDS", "GOOD", "OK", "PROBLEM", "Check", "Editorial", "NameDrift", "NameFix",
           "Span",
           "analyse", "analyse_series", "analyse_text", "episode_keyphrase", "find_drifts",
           "series_names"]
