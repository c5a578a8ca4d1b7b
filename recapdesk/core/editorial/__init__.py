"""Editorial checks of a recap: its focus keyphrase (SEO), its readability (with the
Flesch reading ease) and how it spells the cast's and characters' names; pure
functions over the tokens of the shared parse (Qt-free, nothing is written).

The names below are imported on first use: `check` needs only `drift_check`, and
loading the whole analysis would slow every command that checks a project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recapdesk.core.lazy_names import lazy_getattr

if TYPE_CHECKING:
    from recapdesk.core.editorial.analysis import (
        CHECK_IDS,
        analyse,
        analyse_series,
        analyse_text,
        episode_keyphrase,
    )
    from recapdesk.core.editorial.names import NameDrift, find_drifts, series_names
    from recapdesk.core.editorial.prose import Span
    from recapdesk.core.editorial.results import (
        GOOD,
        OK,
        PROBLEM,
        Check,
        Editorial,
        NameFix,
    )

_HOMES = {
    "analysis": ("CHECK_IDS", "analyse", "analyse_series", "analyse_text",
                 "episode_keyphrase"),
    "names": ("NameDrift", "find_drifts", "series_names"),
    "prose": ("Span",),
    "results": ("GOOD", "OK", "PROBLEM", "Check", "Editorial", "NameFix"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = ["CHECK_IDS", "GOOD", "OK", "PROBLEM", "Check", "Editorial", "NameDrift", "NameFix",
           "Span", "analyse", "analyse_series", "analyse_text", "episode_keyphrase",
           "find_drifts", "series_names"]


__getattr__ = lazy_getattr(__name__, _HOME)
