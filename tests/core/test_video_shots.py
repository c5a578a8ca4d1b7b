"""Shots of a video: cuts off the keyframes, a cut between shots of the same brightness
and colour, a fade as one boundary, motion inside a shot, other codecs and containers,
damaged and unusable files, progress, cancelling and the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import pytest
from PIL import ImageStat

from recapdesk.core.video import THUMB_SIZE, Shot, VideoError, probe, scan_shots, shots_for
from recapdesk.core.video.cache import video_key
from tests.core.video_fixtures import (
    EPISODE,
    EPISODE_SHOTS,
    FADE_FRAMES,
    FPS,
    VideoSpec,
    frame_image,
)


def starts(shots: list[Shot]) -> list[int]:
    """The first frame of every shot after the first."""
    return [round(s.start * FPS) for s in shots[1:]]


def assert_cuts(found: list[int], truth: list[int], slack: int = 0) -> None:
    assert len(found) == len(truth), (found, truth)
    for f, t in zip(found, truth, strict=True):
        assert abs(f - t) <= slack, (found, truth)


def test_keyframes_are_not_at_the_cuts(videos) -> None:
    with av.open(str(videos.episode)) as c:
        stream = c.streams.video[0]
        keys = {round(p.pts * stream.time_base * FPS) for p in c.demux(stream)
                if p.is_keyframe and p.size}
    assert keys == {0, 300}  # no cut falls on a keyframe
    assert not set(EPISODE.cut_frames()) & keys


def test_every_cut_exact_and_no_false_cut(videos) -> None:
    shots = shots_for(videos.episode, cache_dir=None)
    assert_cuts(starts(shots), EPISODE.cut_frames())


def test_shots_tile_the_video_and_frames_lie_inside(videos) -> None:
    shots = shots_for(videos.episode, cache_dir=None)
    assert shots[0].start == 0.0
    assert shots[-1].end == pytest.approx(EPISODE.frames / FPS)
    for a, b in zip(shots, shots[1:], strict=False):
        assert a.end == b.start
    for s in shots:
        assert s.start <= s.frame < s.end
        assert abs(s.frame - (s.start + s.end) / 2) <= 0.25  # near the middle


def test_similar_brightness_cut_is_found(videos) -> None:
    stripes, checker = frame_image(EPISODE, 100), frame_image(EPISODE, 130)
    lum = [ImageStat.Stat(im.convert("L").crop((200, 100, 640, 360))).mean[0]
           for im in (stripes, checker)]
    assert abs(lum[0] - lum[1]) < 1.0  # the same mean brightness, both grey
    cut = sum(s.frames for s in EPISODE_SHOTS[:3])
    assert cut in starts(shots_for(videos.episode, cache_dir=None))


def test_fade_is_one_boundary_and_motion_is_no_cut(videos) -> None:
    found = starts(shots_for(videos.episode, cache_dir=None))
    in_fade = [f for f in found if FADE_FRAMES[0] <= f < FADE_FRAMES[1]]
    assert len(in_fade) == 1
    # shots 2, 5 and 10 hold a racing object or a pan: nothing found inside them
    ends = [sum(s.frames for s in EPISODE_SHOTS[: i + 1]) for i in range(len(EPISODE_SHOTS))]
    for i in (1, 4, 9):
        inside = [f for f in found if ends[i] - EPISODE_SHOTS[i].frames < f < ends[i]]
        assert not inside, (i, inside)


def test_tagged_mkv_and_vp9_webm(videos) -> None:
    assert_cuts(starts(shots_for(videos.episode_709, cache_dir=None)), EPISODE.cut_frames())
    short = VideoSpec(EPISODE_SHOTS[:4])
    vp9 = shots_for(videos.vp9, cache_dir=None)
    assert probe(videos.vp9).codec == "vp9"
    assert_cuts(starts(vp9), short.cut_frames())
    assert vp9[-1].end == pytest.approx(short.frames / FPS)


def test_skipping_undecoded_frames_stays_within_two_frames(videos) -> None:
    shots = list(scan_shots(videos.episode, cache_dir=None, skip_nonref=True))
    assert_cuts(starts(shots), EPISODE.cut_frames(), slack=2)


def test_truncated_file_gives_the_shots_up_to_the_break(videos) -> None:
    shots = shots_for(videos.truncated, cache_dir=None)
    end = shots[-1].end
    assert 4.0 < end < probe(videos.truncated).duration - 1.0
    truth = [c for c in EPISODE.cut_frames() if c / FPS < end - 0.2]
    assert_cuts(starts(shots), truth)


@pytest.mark.parametrize("which", ["text", "audio", "missing", "folder", "empty"])
def test_unusable_files_raise_one_sentence(videos, tmp_path: Path, which: str) -> None:
    path = {"text": videos.text, "audio": videos.audio, "missing": tmp_path / "gone.mp4",
            "folder": tmp_path, "empty": tmp_path / "empty.mkv"}[which]
    if which == "empty":
        path.write_bytes(b"")
    with pytest.raises(VideoError) as info:
        list(scan_shots(path, cache_dir=tmp_path / "cache"))
    message = str(info.value)
    assert "\n" not in message and (path.name in message or str(path) in message)
    expected = {"text": "not a video", "audio": "no video stream", "missing": "no such file",
                "folder": "folder", "empty": "empty"}[which]
    assert expected in message
    assert not (tmp_path / "cache").exists()


def test_progress_and_thumbnails(videos, tmp_path: Path) -> None:
    seen: list[float] = []
    pairs = list(scan_shots(videos.episode, progress=seen.append, thumbnails=True,
                            cache_dir=tmp_path))
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 5
    assert len(pairs) == len(EPISODE.cut_frames()) + 1
    for shot, thumb in pairs:
        assert thumb.mode == "RGB"
        assert thumb.size == (160, 90) == THUMB_SIZE
        index = round(shot.frame * FPS)
        expected = frame_image(EPISODE, index).resize(thumb.size)
        diff = [abs(a - b) for a, b in zip(ImageStat.Stat(thumb).mean,
                                           ImageStat.Stat(expected).mean, strict=True)]
        assert max(diff) < 8, (shot, diff)


def test_results_come_progressively_and_cancel_stops(videos, tmp_path: Path) -> None:
    frames_seen = {"n": 0}

    def cancel() -> bool:
        frames_seen["n"] += 1
        return frames_seen["n"] > 120

    got = list(scan_shots(videos.episode, cancel=cancel, cache_dir=tmp_path))
    assert 1 <= len(got) < len(EPISODE.cut_frames())  # the first shots, before the end
    assert got[0].start == 0.0 and round(got[0].end * FPS) == EPISODE.cut_frames()[0]
    assert not list(tmp_path.glob("*.json"))  # a cancelled scan is not remembered


def test_second_open_comes_from_the_cache(videos, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = shots_for(videos.episode, cache)
    files = list(cache.glob("*.json"))
    assert len(files) == 1 and files[0].stem == video_key(videos.episode)
    # a copy under another name is the same video; the remembered answer is used
    copy = tmp_path / "renamed copy.mp4"
    shutil.copyfile(videos.episode, copy)
    data = json.loads(files[0].read_text("utf-8"))
    data["shots"] = data["shots"][:2]
    files[0].write_text(json.dumps(data), "utf-8")
    assert shots_for(copy, cache) == first[:2]
    # a changed file is scanned again
    copy.write_bytes(videos.vp9.read_bytes())
    assert len(shots_for(copy, cache)) == 4
    # a cache that cannot be read is ignored
    for f in cache.glob("*.json"):
        f.write_text("{not json", "utf-8")
    assert shots_for(videos.episode, cache) == first
