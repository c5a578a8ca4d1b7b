"""Episode videos (Qt-free; PyAV only): what a file is (`probe`), its shots (`shots`:
cut detection, progressive and cached), the frame shown at a time (`frames`), stills
grabbed from it (`grab`), and a recap's `video:` (`recap_video`).

Every failure is a VideoError (a ValueError) with one sentence; decoding releases the
GIL and belongs on a worker thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recapdesk.core.lazy_names import lazy_getattr

# name -> the module that has it; imported on first use, so that importing one module of
# the package (the window's `timecode`) does not load PyAV and FFmpeg's libraries
_WHERE = {
    "project_cache_dir": "cache", "user_cache_dir": "cache",
    "FrameReader": "frames", "grab_frame": "frames",
    "GrabError": "grab", "grab_still": "grab",
    "VideoError": "probing", "VideoInfo": "probing", "probe": "probing",
    "episode_for_video": "recap_video", "episode_video": "recap_video",
    "THUMB_SIZE": "shots", "USER_CACHE": "shots", "Shot": "shots", "scan_shots": "shots",
    "shots_for": "shots",
    "format_time": "timecode", "parse_time": "timecode",
}

__all__ = [
    "THUMB_SIZE", "USER_CACHE", "FrameReader", "GrabError", "Shot", "VideoError", "VideoInfo",
    "episode_for_video", "episode_video", "format_time", "grab_frame", "grab_still",
    "parse_time", "probe", "project_cache_dir", "scan_shots", "shots_for", "user_cache_dir",
]

if TYPE_CHECKING:
    from recapdesk.core.video.cache import project_cache_dir, user_cache_dir
    from recapdesk.core.video.frames import FrameReader, grab_frame
    from recapdesk.core.video.grab import GrabError, grab_still
    from recapdesk.core.video.probing import VideoError, VideoInfo, probe
    from recapdesk.core.video.recap_video import episode_for_video, episode_video
    from recapdesk.core.video.shots import (
        THUMB_SIZE,
        USER_CACHE,
        Shot,
        scan_shots,
        shots_for,
    )
    from recapdesk.core.video.timecode import format_time, parse_time


__getattr__ = lazy_getattr(__name__, _WHERE)
