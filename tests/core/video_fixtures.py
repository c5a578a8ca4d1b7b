"""Small test videos made with PyAV, with known cuts and each frame's number drawn large.

`episode_video` is the main one: H.264 at 25 fps whose keyframe interval is longer than
its shots, so every cut falls between keyframes. Its shots are listed in `EPISODE`:
colour shots, a cut between two shots of the same mean brightness and colour (stripes
to a checkerboard), an object moving fast inside a shot, a camera pan, and a fade through
black that counts as one boundary. The other makers give the odd inputs: a VP9 webm, a
copy cut short, text named `.mp4`, a file with sound and no picture.

The session fixture `videos` (tests/conftest.py) makes them all once with `video_set`.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

FPS = 25
SIZE = (640, 360)


@dataclass(frozen=True)
class ShotSpec:
    """One shot of a generated video: how many frames and what it shows."""

    frames: int
    kind: str  # bars | stripes | checker | rings | blocks | gradient | black
    motion: str = ""  # "" | pan | object
    fade_in: int = 0  # frames from black at the start
    fade_out: int = 0  # frames to black at the end
    hue: int = 0


@dataclass(frozen=True)
class VideoSpec:
    """A generated video: its shots and the frame indexes of its boundaries."""

    shots: tuple[ShotSpec, ...]
    fps: int = FPS
    size: tuple[int, int] = SIZE
    boundaries: tuple[int, ...] = field(default=())

    @property
    def frames(self) -> int:
        return sum(s.frames for s in self.shots)

    def cut_frames(self) -> list[int]:
        """The first frame of every shot after the first (a fade's boundary given apart)."""
        if self.boundaries:
            return list(self.boundaries)
        out, n = [], 0
        for shot in self.shots[:-1]:
            n += shot.frames
            out.append(n)
        return out

    def cut_times(self) -> list[float]:
        return [n / self.fps for n in self.cut_frames()]


# Shots of the main test video (16 s). The fade: shot 6 fades out to black over 10 frames,
# two black frames, shot 7 fades in over 10 frames; the boundary is the black stretch.
EPISODE_SHOTS = (
    ShotSpec(38, "bars", hue=0),
    ShotSpec(44, "rings", motion="object", hue=40),
    ShotSpec(41, "stripes"),                        # same mean luma and colour as the next
    ShotSpec(47, "checker"),
    ShotSpec(36, "blocks", motion="pan", hue=120),
    ShotSpec(52, "gradient", fade_out=10, hue=200),
    ShotSpec(2, "black"),
    ShotSpec(50, "bars", fade_in=10, hue=90),
    ShotSpec(39, "rings", hue=300),
    ShotSpec(51, "blocks", motion="object", hue=20),
)
_ends = [sum(s.frames for s in EPISODE_SHOTS[: i + 1]) for i in range(len(EPISODE_SHOTS))]
# the fade's one boundary is the first black frame (frames _ends[5], _ends[5] + 1 are black)
EPISODE = VideoSpec(EPISODE_SHOTS, boundaries=tuple(
    n for i, n in enumerate(_ends[:-1]) if i != 6))
FADE_FRAMES = (_ends[4] + EPISODE_SHOTS[5].frames - 10, _ends[6] + 10)  # first, last+1


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _hue_rgb(hue: int, light: float = 0.5) -> tuple[int, int, int]:
    """A saturated colour for a hue in degrees."""
    r = 0.5 + 0.5 * math.cos(math.radians(hue))
    g = 0.5 + 0.5 * math.cos(math.radians(hue - 120))
    b = 0.5 + 0.5 * math.cos(math.radians(hue + 120))
    return tuple(int(40 + 200 * c * light * 2) if c * light * 2 <= 1 else 240
                 for c in (r, g, b))  # type: ignore[return-value]


@cache
def _background(kind: str, hue: int, size: tuple[int, int]) -> Image.Image:
    """A shot's picture, twice as wide as the frame (a pan moves across it)."""
    w, h = size[0] * 2, size[1]
    im = Image.new("RGB", (w, h), (0, 0, 0))
    d = ImageDraw.Draw(im)
    if kind == "bars":
        step = w // 16
        for i in range(16):
            d.rectangle([i * step, 0, (i + 1) * step, h], fill=_hue_rgb(hue + i * 45))
    elif kind == "stripes":  # grey 96 / 160, 32 px wide
        for x in range(0, w, 64):
            d.rectangle([x, 0, x + 31, h], fill=(96, 96, 96))
            d.rectangle([x + 32, 0, x + 63, h], fill=(160, 160, 160))
    elif kind == "checker":  # the same two greys in 32 px squares: the same mean
        for y in range(0, h, 32):
            for x in range(0, w, 32):
                grey = 96 if (x // 32 + y // 32) % 2 == 0 else 160
                d.rectangle([x, y, x + 31, y + 31], fill=(grey, grey, grey))
    elif kind == "rings":
        d.rectangle([0, 0, w, h], fill=_hue_rgb(hue, 0.3))
        for r in range(h, 0, -24):
            d.ellipse([w // 4 - r, h // 2 - r, w // 4 + r, h // 2 + r],
                      fill=_hue_rgb(hue + r, 0.6 if r % 48 else 0.35))
    elif kind == "blocks":
        d.rectangle([0, 0, w, h], fill=_hue_rgb(hue, 0.4))
        for i in range(40):
            x, y = (i * 97) % w, (i * 53) % h
            d.rectangle([x, y, x + 60 + i % 5 * 10, y + 40], fill=_hue_rgb(hue + i * 23))
    elif kind == "gradient":
        for x in range(w):
            d.line([(x, 0), (x, h)], fill=_hue_rgb(hue + x * 90 // w, 0.3 + 0.4 * x / w))
    return im


def frame_image(spec: VideoSpec, index: int) -> Image.Image:
    """Frame `index` of the video as RGB: the shot's picture and the frame number."""
    w, h = spec.size
    start = 0
    for shot in spec.shots:
        if index < start + shot.frames:
            break
        start += shot.frames
    k = index - start  # frame within the shot
    bg = _background(shot.kind, shot.hue, spec.size)
    x = (k * 6) % (bg.width - w) if shot.motion == "pan" else 0
    im = bg.crop((x, 0, x + w, h))
    if shot.motion == "object":  # a big white square racing across the frame
        d = ImageDraw.Draw(im)
        ox = (k * 23) % (w + 80) - 80
        d.rectangle([ox, h // 3, ox + 80, h // 3 + 80], fill=(250, 250, 250))
    level = 1.0
    if shot.fade_in and k < shot.fade_in:
        level = (k + 1) / (shot.fade_in + 1)
    if shot.fade_out and k >= shot.frames - shot.fade_out:
        level = min(level, (shot.frames - k) / (shot.fade_out + 1))
    if level < 1.0:
        im = Image.eval(im, lambda v: int(v * level))
    if shot.kind != "black":
        d = ImageDraw.Draw(im)
        size = max(16, h // 6)
        d.rectangle([0, 0, size * 3, size + 8], fill=(255, 255, 255))
        d.text((6, 2), f"{index:03d}", fill=(0, 0, 0), font=_font(size))
    return im


def encode(path: Path, spec: VideoSpec, *, codec: str = "libx264", frames: int | None = None,
           options: dict[str, str] | None = None, pix_fmt: str = "yuv420p",
           bt709: bool = False, container_options: dict[str, str] | None = None
           ) -> Path:
    """Write `spec` as a video with PyAV. Long keyframe interval, no keyframes at cuts."""
    n = spec.frames if frames is None else frames
    with av.open(str(path), "w", options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=spec.fps)
        stream.width, stream.height = spec.size
        stream.pix_fmt = pix_fmt
        if codec == "libx264":
            stream.options = {"preset": "veryfast", "x264-params": "keyint=300:min-keyint=300:"
                              "scenecut=0", **(options or {})}
        elif codec == "libvpx-vp9":
            stream.options = {"deadline": "realtime", "cpu-used": "8", "g": "300",
                              "crf": "35", "b:v": "0", **(options or {})}
        else:
            stream.gop_size = 300
            stream.options = dict(options or {})
        if bt709:  # tagged BT.709 (colour space, primaries, transfer), limited range
            stream.codec_context.colorspace = 1
            stream.codec_context.color_primaries = 1
            stream.codec_context.color_trc = 1
            stream.codec_context.color_range = 1
        for i in range(n):
            frame = av.VideoFrame.from_image(frame_image(spec, i))
            if bt709:
                frame = frame.reformat(format=pix_fmt, dst_colorspace="itu709",
                                       dst_color_range=1)
            frame.pts = i
            frame.time_base = Fraction(1, spec.fps)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def audio_only(path: Path, seconds: float = 2.0) -> Path:
    """An .m4a file: one second of a tone, no video stream."""
    import array

    rate = 44100
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=rate)
        stream.layout = "mono"
        samples = int(rate * seconds)
        chunk = 1024
        for start in range(0, samples, chunk):
            n = min(chunk, samples - start)
            data = array.array("f", (0.3 * math.sin(2 * math.pi * 440 * (start + i) / rate)
                                     for i in range(n)))
            frame = av.AudioFrame(format="flt", layout="mono", samples=n)
            frame.planes[0].update(data.tobytes())
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def truncated_copy(source: Path, dest: Path, keep: float) -> Path:
    """The first `keep` fraction of a file's bytes (a download cut short)."""
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep)])
    return dest


@dataclass(frozen=True)
class VideoSet:
    """The session's test videos."""

    episode: Path  # H.264 mp4, EPISODE, moov at the front
    episode_709: Path  # the same in an mkv, tagged BT.709
    vp9: Path  # a short VP9 webm (the first four shots)
    truncated: Path  # the episode .mkv cut at 60 % of its bytes
    text: Path  # a text file named .mp4
    audio: Path  # sound only
    folder: Path


def video_set(folder: Path) -> VideoSet:
    """Make every test video once into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    episode = encode(folder / "episode.mp4", EPISODE,
                     container_options={"movflags": "+faststart"})
    mkv = encode(folder / "episode-709.mkv", EPISODE, bt709=True)
    vp9 = encode(folder / "short.webm", VideoSpec(EPISODE_SHOTS[:4]), codec="libvpx-vp9")
    truncated = truncated_copy(mkv, folder / "truncated.mkv", 0.6)
    text = folder / "notes.mp4"
    text.write_text("This is not a video, only text.\n" * 20, "utf-8")
    audio = audio_only(folder / "sound.m4a")
    return VideoSet(episode, mkv, vp9, truncated, text, audio, folder)


def copy_video(source: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest
