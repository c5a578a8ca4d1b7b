"""The episode outline: series → episodes → headings, with a filter box."""

from recapdesk.ui.outline.delegate import DRAFT_COLOR, FINAL_COLOR, OutlineDelegate
from recapdesk.ui.outline.model import (
    CODE_ROLE,
    EPISODE,
    FULL_TITLE_ROLE,
    HEADING,
    KIND_ROLE,
    LEVEL_ROLE,
    LINE_ROLE,
    MIME_TYPE,
    PATH_ROLE,
    SEASON_ROLE,
    SERIES,
    STATUS_ROLE,
    TARGET_ROLE,
    TITLE_ROLE,
    WORDS_ROLE,
    OutlineModel,
)
from recapdesk.ui.outline.tree import OutlineTree
from recapdesk.ui.outline.view import OutlineView, short_title

__all__ = ["CODE_ROLE", "DRAFT_COLOR", "EPISODE", "FINAL_COLOR", "FULL_TITLE_ROLE", "HEADING",
           "KIND_ROLE", "LEVEL_ROLE", "LINE_ROLE", "MIME_TYPE", "PATH_ROLE", "SEASON_ROLE",
           "SERIES", "STATUS_ROLE", "TARGET_ROLE", "TITLE_ROLE", "WORDS_ROLE", "OutlineDelegate",
           "OutlineModel", "OutlineTree", "OutlineView", "short_title"]
