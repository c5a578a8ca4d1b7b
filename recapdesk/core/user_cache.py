"""The user's cache folder: what RecapDesk remembers across projects to save time.

`$XDG_CACHE_HOME/recapdesk/` (default `~/.cache/recapdesk/`): the shots of videos
scanned without a project, compiled page templates and drawn site icons. Nothing in it
is ever needed: a cache that cannot be read is ignored, one that cannot be written only
costs time.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir(*parts: str) -> Path:
    """`$XDG_CACHE_HOME/recapdesk/<parts>` (default `~/.cache/recapdesk/<parts>`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base, "recapdesk", *parts)
