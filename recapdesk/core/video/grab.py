"""A still grabbed from the episode's video: the frame shown at a time, at full
resolution, saved into `stills/` as `s01e04-07.jpg` and registered in `stills.yaml`
with the caption pattern, the episode, `source` (the video's file name) and `at`
(`HH:MM:SS.mmm`).

Nothing is written unless the frame was decoded and `stills.yaml` could be read; when
`stills.yaml` cannot be written the new image is removed again.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from recapdesk.core import storage
from recapdesk.core.model import Episode, Series, Still
from recapdesk.core.project import STILLS_YAML, reload_stills, save_stills
from recapdesk.core.stills.catalogue import StillError, caption_for
from recapdesk.core.stills.importing import name_prefix, save_new_file
from recapdesk.core.video.frames import grab_frame
from recapdesk.core.video.recap_video import episode_for_video
from recapdesk.core.video.timecode import format_time, parse_time

__all__ = ["GrabError", "grab_still"]

JPEG_QUALITY = 92


class GrabError(ValueError):
    """The still cannot be saved in the project; nothing was changed."""


def _episode(series: Series, episode: Episode | str | None, video: Path) -> Episode | None:
    if isinstance(episode, Episode):
        return episode
    if isinstance(episode, str) and episode.strip():
        found = series.find_episode(episode)
        if found is None:
            raise GrabError(f"no recap {episode.strip()!r} in {series.root.name}")
        return found
    return episode_for_video(series, video)


def _fresh_stills(series: Series) -> None:
    """Read stills.yaml again (it may have changed); refuse when it cannot be read."""
    path = series.stills_dir / STILLS_YAML
    probe = Series(root=series.root, manifest=series.manifest)
    reload_stills(probe)
    if path.exists() and not isinstance(probe.stills_doc, dict):
        raise GrabError("stills/stills.yaml cannot be read; fix it first (nothing was saved)")
    series.stills, series.stills_doc = probe.stills, probe.stills_doc


def grab_still(series: Series, video: Path | str, at: float | Fraction | str, *,
               episode: Episode | str | None = None) -> str:
    """Save the frame of `video` shown at `at` (seconds, or a time as written) as a new
    still of `episode` (an Episode, an id, or None: the recap whose `video:` is this
    file, if one) and return its file name.

    Raises VideoError (the video, the time) or GrabError (the project), both ValueErrors
    with one sentence; nothing is left half written.
    """
    video = Path(video).expanduser()
    seconds = parse_time(at) if isinstance(at, str) else Fraction(at)
    ep = _episode(series, episode, video)
    _, image = grab_frame(video, seconds)  # decoded before anything is written
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
    data = buf.getvalue()
    _fresh_stills(series)
    try:
        name = save_new_file(series, name_prefix(ep), ".jpg", data)
    except StillError as exc:
        raise GrabError(str(exc)) from None
    still = Still(name=name, caption=caption_for(series, ep),
                  episode=ep.id if ep is not None else "")
    previous_doc = series.stills_doc
    doc = previous_doc if isinstance(previous_doc, dict) else CommentedMap()
    entry = CommentedMap()
    if still.caption:
        entry["caption"] = still.caption
    if still.episode:
        entry["episode"] = still.episode
    entry["source"] = video.name
    entry["at"] = format_time(seconds)
    doc[name] = entry
    series.stills_doc = doc
    series.stills[name] = still
    try:
        save_stills(series)
    except OSError as exc:
        del series.stills[name]
        doc.pop(name, None)
        storage.remove(series.stills_dir / name, quiet=True)
        raise GrabError(f"stills.yaml could not be written ({storage.reason(exc)}); "
                        "nothing was saved") from None
    return name

