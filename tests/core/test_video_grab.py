"""Frame-exact grabs: the frame shown at a time (the last one whose presentation time is
at or before it), full resolution, colours from the video's own tags; stills saved and
registered in stills.yaml; times as written; a recap's `video:`."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from recapdesk.core.export.plan import ExportOptions
from recapdesk.core.export.write import export
from recapdesk.core.project import open_project
from recapdesk.core.video import (
    FrameReader,
    GrabError,
    VideoError,
    episode_video,
    format_time,
    grab_frame,
    grab_still,
    parse_time,
)
from recapdesk.core.video.decode import to_image
from tests.core.video_fixtures import FPS

MANIFEST = 'title: "Test Show"\nsite: {name: Test Recaps, language: en}\n'


def reference(path: Path) -> list[Image.Image]:
    """Every frame of a video, decoded one after another from the start."""
    with av.open(str(path)) as c:
        return [to_image(f) for f in c.decode(c.streams.video[0])]


@pytest.fixture(scope="module")
def frames(videos) -> list[Image.Image]:
    return reference(videos.episode)


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


# the frame n shows from n/25 to (n+1)/25: times on, just before and just after frame starts,
# mid-GOP, right at and around cuts, the first and the last frame
AWKWARD = [(Fraction(0), 0), (Fraction(1, 1000), 0), (Fraction(38, 25), 38),
           (Fraction(38, 25) - Fraction(1, 1000), 37), (Fraction(123, 25), 123),
           (Fraction(12345, 1000), 308), (Fraction(12, 1) + Fraction(39, 1000), 300),
           (Fraction(12, 1) - Fraction(1, 1_000_000), 299), (Fraction(3999, 250), 399),
           (Fraction(7, 1), 175), (Fraction(6999, 1000), 174)]


@pytest.mark.parametrize(("at", "index"), AWKWARD)
def test_grab_is_the_frame_shown_at_the_time(videos, frames, at: Fraction, index: int
                                             ) -> None:
    shown, image = grab_frame(videos.episode, at)
    assert shown == pytest.approx(index / FPS)
    assert image.size == (640, 360)
    assert same(image, frames[index])
    for other in (index - 1, index + 1):  # each frame carries its number: neighbours differ
        if 0 <= other < len(frames):
            assert not same(image, frames[other])


def test_float_times_a_hair_below_a_frame_start_still_pick_it(videos, frames) -> None:
    at = float(Fraction(313, 25))  # 12.52 as a float is 12.519999…
    assert same(grab_frame(videos.episode, at)[1], frames[313])


def test_reader_scrubs_back_and_forth(videos, frames) -> None:
    times = [5.0, 5.04, 5.2, 9.9, 3.0, 3.01, 15.99, 0.0, 12.0, 11.96]
    with FrameReader(videos.episode) as reader:
        for t in times:
            shown, image = reader.frame_at(t)
            index = int(Fraction(t).limit_denominator(1000) * FPS)
            assert same(image, frames[index]), t
            assert shown == pytest.approx(index / FPS)
        shown, small = reader.frame_at(7.0, max_size=(160, 160))
        assert small.size == (160, 90)


def test_past_the_end_and_before_the_start(videos) -> None:
    for at in (16.0, 16.5, 3600):
        with pytest.raises(VideoError, match="past the end"):
            grab_frame(videos.episode, at)
    with pytest.raises(VideoError, match="before the start"):
        grab_frame(videos.episode, -1)


def test_truncated_file_breaks_off(videos) -> None:
    frames_left = reference(videos.truncated)
    last = len(frames_left) - 1
    shown, image = grab_frame(videos.truncated, Fraction(last, FPS))
    assert same(image, frames_left[last])
    with pytest.raises(VideoError, match="breaks off"):
        grab_frame(videos.truncated, 14.0)


def test_other_codecs_are_frame_exact(videos) -> None:
    vp9 = reference(videos.vp9)
    for index in (0, 37, 38, 99, len(vp9) - 1):
        assert same(grab_frame(videos.vp9, Fraction(index, FPS) + Fraction(1, 50))[1],
                    vp9[index])


@pytest.mark.parametrize("which", ["episode", "episode_709"])
def test_colours_match_ffmpeg(videos, tmp_path: Path, which: str) -> None:
    """FFmpeg's own frame (Debian's ffmpeg) against our grab, tagged BT.709 and untagged."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "Debian's ffmpeg is needed (scripts/dev installs it)"
    path = getattr(videos, which)
    index = 290  # a saturated colour-bar frame: BT.601 and BT.709 differ by ~10 levels
    out = tmp_path / "ffmpeg.png"
    subprocess.run([ffmpeg, "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{index})",
                    "-frames:v", "1", str(out)], check=True)
    theirs = Image.open(out).convert("RGB")
    _, ours = grab_frame(path, Fraction(index, FPS))
    assert mean_diff(ours, theirs) < 0.5
    wrong = av.open(str(path))  # the other matrix drifts visibly: the test can tell
    for i, f in enumerate(wrong.decode(wrong.streams.video[0])):
        if i == index:
            other = "itu601" if which == "episode_709" else "itu709"
            drift = f.reformat(format="rgb24", src_colorspace=other,
                               dst_colorspace=other).to_image()
            break
    wrong.close()
    assert mean_diff(drift, theirs) > 3


# --- stills in the project ------------------------------------------------------------------

def make_project(root: Path, video_line: str = "") -> Path:
    (root / "episodes").mkdir(parents=True)
    (root / "stills").mkdir()
    (root / "recapdesk.yaml").write_text(MANIFEST, "utf-8")
    (root / "episodes" / "s01e04.md").write_text(
        f"---\ntitle: Four\nseason: 1\nepisode: 4\n{video_line}---\n\nText.\n", "utf-8")
    (root / "stills" / "stills.yaml").write_text(
        "# stills of the show\ns01e04-01.jpg:  # the first\n  alt: An old one\n", "utf-8")
    return root


def test_grab_still_saves_and_registers(videos, tmp_path: Path, frames) -> None:
    root = make_project(tmp_path / "p")
    series = open_project(root)
    name = grab_still(series, videos.episode, "00:12.345", episode="s01e04")
    assert name == "s01e04-02.jpg"  # after the one stills.yaml knows
    with Image.open(root / "stills" / name) as im:
        assert im.format == "JPEG" and im.size == (640, 360)
        grabbed = im.convert("RGB")
    assert mean_diff(grabbed, frames[308]) < 2.0  # JPEG of that very frame
    assert mean_diff(grabbed, frames[308]) < mean_diff(grabbed, frames[309])
    text = (root / "stills" / "stills.yaml").read_text("utf-8")
    assert text.startswith("# stills of the show\ns01e04-01.jpg:  # the first\n")
    assert ("s01e04-02.jpg:\n  caption: Still From Test Show Episode 4\n  episode: s01e04\n"
            "  source: episode.mp4\n  at: 00:00:12.345\n") in text
    again = open_project(root)
    assert again.stills[name].caption == "Still From Test Show Episode 4"
    assert grab_still(again, videos.episode, 1, episode="s01e04") == "s01e04-03.jpg"


def test_grab_still_finds_the_recap_by_its_video(videos, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", f"video: {videos.episode}\n")
    name = grab_still(open_project(root), videos.episode, 2.5)
    assert name.startswith("s01e04-")


def test_nothing_is_written_when_the_grab_fails(videos, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = {p.name: p.read_bytes() for p in (root / "stills").iterdir()}
    series = open_project(root)
    for video, at in ((videos.text, 1), (videos.audio, 1), (tmp_path / "nope.mp4", 1),
                      (videos.episode, 99), (videos.truncated, 14)):
        with pytest.raises(VideoError):
            grab_still(series, video, at, episode="s01e04")
    with pytest.raises(GrabError, match="no recap"):
        grab_still(series, videos.episode, 1, episode="s09e09")
    (root / "stills" / "stills.yaml").write_text("a: [unclosed\n", "utf-8")
    before["stills.yaml"] = (root / "stills" / "stills.yaml").read_bytes()
    with pytest.raises(GrabError, match="cannot be read"):
        grab_still(series, videos.episode, 1, episode="s01e04")
    assert {p.name: p.read_bytes() for p in (root / "stills").iterdir()} == before


# --- times and the recap's video ------------------------------------------------------------

@pytest.mark.parametrize(("text", "seconds"), [
    ("12.5", Fraction(25, 2)), ("12", 12), ("0", 0), ("01:02", 62), ("1:02.5", Fraction(125, 2)),
    ("01:02:03.004", 3723 + Fraction(4, 1000)), ("1:00:00", 3600), (".5", Fraction(1, 2)),
    ("90", 90)])
def test_parse_time(text: str, seconds: Fraction) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-1", "1:60", "1:60:00", "1::2", "12s", "1:2:3:4"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_time(text)


def test_format_time() -> None:
    assert format_time(0) == "00:00:00.000"
    assert format_time(12.3456) == "00:00:12.346"
    assert format_time(3723.004) == "01:02:03.004"
    assert format_time(Fraction(1, 3)) == "00:00:00.333"


def test_episode_video_and_export_leaves_it_out(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "video: ~/Videos/secret-e04.mkv\n")
    series = open_project(root)
    ep = series.episodes[0]
    assert episode_video(ep) == Path.home() / "Videos" / "secret-e04.mkv"
    (root / "episodes" / "s01e04.md").write_text(
        "---\ntitle: Four\nseason: 1\nepisode: 4\nvideo: ../media/e04.mp4\n"
        "excerpt: One line.\n---\n\nText.\n", "utf-8")
    series = open_project(root)
    assert episode_video(series.episodes[0]) == root / "media" / "e04.mp4"
    (root / "stills" / "stills.yaml").write_text("{}\n", "utf-8")
    out = tmp_path / "site"
    export(open_project(root), ExportOptions(out=out))
    written = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".css")]
    assert written
    for page in written:
        text = page.read_text("utf-8")
        assert "e04.mp4" not in text and "media/" not in text
