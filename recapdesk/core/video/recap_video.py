"""A recap's video: its front matter's `video:` (never exported or published).

`video: ~/Videos/st1-e04.mkv` — `~` is the writer's home; a relative path is relative
to the recap's file, like its images; the file may be anywhere, in the project or not.
"""

from __future__ import annotations

import os
from pathlib import Path

from recapdesk.core.model import Episode, Series

__all__ = ["episode_for_video", "episode_video"]


def episode_video(episode: Episode | None) -> Path | None:
    """The video file named by the recap's `video:` (None without one)."""
    if episode is None:
        return None
    try:
        value = episode.front.get("video")
    except AttributeError:
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    path = Path(os.path.expanduser(value.strip()))
    if not path.is_absolute():
        path = Path(episode.path).parent / path
    return Path(os.path.normpath(path))


def episode_for_video(series: Series, video: Path) -> Episode | None:
    """The one recap whose `video:` is this file (None when none or several are)."""
    found = []
    for ep in series.episodes:
        named = episode_video(ep)
        if named is None:
            continue
        try:
            same = os.path.samefile(named, video)
        except OSError:
            same = False
        if same:
            found.append(ep)
    return found[0] if len(found) == 1 else None
