"""Video figures: the shot scan against a bare decode, a frame-exact grab, and how well
cuts are found.

The episode is generated once with PyAV under the bench's work folder: 60 s of 1080p
H.264 at 25 fps (x264 `faster`, B-frames, a keyframe every 10 s and none at cuts), 26
shots of textured, moving pictures with film grain, the cuts off the keyframes, one of
them between two shots of the same mean brightness and colour, one fade through black.

- scan: `scan_shots` (no cache) against a plain PyAV decode of every frame of the same
  file with the same threads (frame threading, all cores); the best of a few interleaved
  rounds each. Also `ffmpeg -f null` when Debian's ffmpeg is installed.
- grab: `grab_frame` at awkward times (mid-GOP, just before a cut, the last frame).
- precision/recall: found boundaries within two frames of a true one.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

FPS = 25
SIZE = (1920, 1080)
SECONDS = 60
VERSION = "2"  # of the generated episode


def _plan(seed: int = 7) -> tuple[list[tuple[int, str, int]], list[int]]:
    """(frames, kind, hue) per shot, and the boundary frames (a fade's is its black)."""
    rng = random.Random(seed)
    total = FPS * SECONDS
    kinds = ["bars", "rings", "blocks", "gradient", "stripes", "checker"]
    shots: list[tuple[int, str, int]] = []
    left = total
    while left > 0:
        n = min(left, rng.randint(30, 100))
        if 0 < left - n < 30:
            n = left
        kind = rng.choice(kinds[:4])
        shots.append((n, kind, rng.randrange(360)))
        left -= n
    shots[8] = (shots[8][0], "stripes", 0)  # the same mean luma and colour:
    shots[9] = (shots[9][0], "checker", 0)  # stripes then a checkerboard
    cuts, n = [], 0
    for frames, _, _ in shots[:-1]:
        n += frames
        cuts.append(n)
    return shots, cuts


def _hue(h: float, light: float = 0.5) -> tuple[int, int, int]:
    out = []
    for shift in (0, -120, 120):
        c = 0.5 + 0.5 * math.cos(math.radians(h + shift))
        out.append(max(0, min(255, int(30 + 190 * c * light * 2))))
    return tuple(out)  # type: ignore[return-value]


def _background(kind: str, hue: int):
    from PIL import Image, ImageDraw

    w, h = SIZE[0] + 600, SIZE[1]
    im = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(im)
    if kind == "bars":
        for i in range(24):
            d.rectangle([i * w // 24, 0, (i + 1) * w // 24, h], fill=_hue(hue + i * 37))
    elif kind == "rings":
        d.rectangle([0, 0, w, h], fill=_hue(hue, 0.3))
        for r in range(h, 0, -60):
            d.ellipse([w // 3 - r, h // 2 - r, w // 3 + r, h // 2 + r],
                      fill=_hue(hue + r // 3, 0.6 if r % 120 else 0.35))
    elif kind == "blocks":
        d.rectangle([0, 0, w, h], fill=_hue(hue, 0.4))
        for i in range(90):
            x, y = (i * 211) % w, (i * 127) % h
            d.rectangle([x, y, x + 150 + i % 7 * 20, y + 100], fill=_hue(hue + i * 23))
    elif kind == "gradient":
        for x in range(0, w, 4):
            d.rectangle([x, 0, x + 3, h], fill=_hue(hue + x * 90 // w, 0.3 + 0.4 * x / w))
    elif kind in ("stripes", "checker"):
        for y in range(0, h, 60):
            for x in range(0, w, 60):
                on = (x // 60) % 2 == 0 if kind == "stripes" else (x // 60 + y // 60) % 2 == 0
                grey = 96 if on else 160
                d.rectangle([x, y, x + 59, y + 59], fill=(grey, grey, grey))
    return im


def make_episode(path: Path, log: Callable[[str], None]) -> dict:
    """Generate the 1080p episode once (kept beside a JSON of its true boundaries)."""
    meta_path = path.with_suffix(".json")
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta.get("version") == VERSION:
            return meta
    import av
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    shots, cuts = _plan()
    fade_shot = 16  # fades out over 12 frames; the next shot starts on 3 black frames
    log(f"generating the 1080p episode ({len(shots)} shots, {SECONDS} s; once)")
    grain = [Image.effect_noise(SIZE, 5).convert("RGB") for _ in range(6)]
    font = ImageFont.load_default(size=96)
    tmp = path.with_name(path.name + ".part.mp4")
    with av.open(str(tmp), "w", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "faster", "crf": "23",
                          "x264-params": "keyint=250:min-keyint=250:scenecut=0"}
        index = 0
        for s, (frames, kind, hue) in enumerate(shots):
            bg = _background(kind, hue)
            for k in range(frames):
                x = (k * 7) % 1200
                x = 1200 - x if x > 600 else x  # a pan to and fro
                im = bg.crop((x, 0, x + SIZE[0], SIZE[1]))
                d = ImageDraw.Draw(im)
                ox = (k * 41) % (SIZE[0] + 300) - 300
                d.ellipse([ox, 300, ox + 260, 560], fill=_hue(hue + 180, 0.7))
                d.text((20, 10), f"{index:04d}", fill=(255, 255, 255), font=font)
                im = ImageChops.add(im, grain[index % len(grain)], 1.0, -128)  # film grain
                level = 1.0
                if s == fade_shot and k >= frames - 12:
                    level = (frames - k) / 13
                if s == fade_shot + 1 and k < 3:
                    level = 0.0
                if s == fade_shot + 1 and 3 <= k < 15:
                    level = (k - 2) / 13
                if level < 1.0:  # everything fades, the frame number too
                    im = Image.eval(im, lambda v, a=level: int(v * a))
                frame = av.VideoFrame.from_image(im)
                frame.pts, frame.time_base = index, Fraction(1, FPS)
                for packet in stream.encode(frame):
                    out.mux(packet)
                index += 1
        for packet in stream.encode():
            out.mux(packet)
    tmp.replace(path)
    meta = {"version": VERSION, "frames": FPS * SECONDS, "fps": FPS, "cuts": cuts,
            "fade": {"boundary": cuts[fade_shot], "first": cuts[fade_shot] - 12,
                     "last": cuts[fade_shot] + 15}}
    meta_path.write_text(json.dumps(meta), "utf-8")
    return meta


def bare_decode(path: Path, threads: int) -> int:
    """Decode every frame with PyAV, frame threading on `threads` threads; frames."""
    import av

    n = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = threads
        for _frame in container.decode(stream):
            n += 1
    return n


def precision_recall(found: list[float], truth: list[int], fps: int,
                     tolerance: int = 2) -> dict:
    """Found boundary times against the true boundary frames (within `tolerance` frames)."""
    frames = [round(t * fps) for t in found]
    unmatched = list(truth)
    hits = 0
    for f in frames:
        best = min(unmatched, key=lambda c: abs(c - f), default=None)
        if best is not None and abs(best - f) <= tolerance:
            unmatched.remove(best)
            hits += 1
    return {"found": len(frames), "true": len(truth), "matched": hits,
            "precision": hits / len(frames) if frames else 1.0,
            "recall": hits / len(truth) if truth else 1.0,
            "missed_frames": unmatched,
            "false_frames": [f for f in frames
                             if all(abs(f - c) > tolerance for c in truth)]}


def video_speed(work: Path, rounds: int, log: Callable[[str], None]) -> dict:
    """Scan vs bare decode, grab times, cut precision/recall on the generated episode."""
    import os

    from recapdesk.core.video import grab_frame, probe, scan_shots

    path = work / "episode-1080p.mp4"
    meta = make_episode(path, log)
    threads = os.cpu_count() or 1
    info = probe(path)
    scans, bares, ffmpegs, skips = [], [], [], []
    shots: list = []
    skipped: list = []
    ffmpeg = shutil.which("ffmpeg")
    for r in range(rounds):
        log(f"video: scan vs bare decode ({r + 1}/{rounds})")
        order = ["scan", "bare", "ffmpeg", "skip"] if r % 2 == 0 else \
            ["bare", "skip", "ffmpeg", "scan"]
        for what in order:
            started = time.perf_counter()
            if what == "scan":
                shots = list(scan_shots(path, cache_dir=None, threads=threads))
                scans.append(time.perf_counter() - started)
            elif what == "skip":
                skipped = list(scan_shots(path, cache_dir=None, threads=threads,
                                          skip_nonref=True))
                skips.append(time.perf_counter() - started)
            elif what == "bare":
                frames = bare_decode(path, threads)
                bares.append(time.perf_counter() - started)
            elif ffmpeg:
                subprocess.run([ffmpeg, "-v", "error", "-threads", str(threads), "-i",
                                str(path), "-map", "0:v:0", "-f", "null", "-"], check=True)
                ffmpegs.append(time.perf_counter() - started)
    found = [s.start for s in shots[1:]]
    truth = list(meta["cuts"])
    quality = precision_recall(found, truth, FPS)
    log("video: grabs")
    last = (meta["frames"] - 1) / FPS
    grab_times = [12.34, truth[3] / FPS - 0.001, 37.71, 9.99, last]
    grabs = []
    for at in grab_times:
        started = time.perf_counter()
        shown, image = grab_frame(path, at)
        grabs.append(time.perf_counter() - started)
        assert image.size == SIZE
    scan_s, bare_s = min(scans), min(bares)
    result = {
        "video": {"file": path.name, "size": list(SIZE), "fps": FPS,
                  "seconds": round(info.duration, 2), "codec": info.codec,
                  "frames": frames, "threads": threads, "cuts": len(truth)},
        "scan_s": round(scan_s, 3), "bare_decode_s": round(bare_s, 3),
        "ratio": round(scan_s / bare_s, 3),
        "ratio_of_medians": round(statistics.median(scans) / statistics.median(bares), 3),
        "scan_runs": [round(x, 3) for x in scans], "bare_runs": [round(x, 3) for x in bares],
        "grab_s": {"median": round(statistics.median(grabs), 3), "max": round(max(grabs), 3),
                   "runs": [round(x, 3) for x in grabs]},
        "cuts": quality,
        "skip_nonref": {"scan_s": round(min(skips), 3),
                        "ratio": round(min(skips) / bare_s, 3),
                        "cuts": precision_recall([s.start for s in skipped[1:]], truth, FPS)},
    }
    if ffmpegs:
        result["ffmpeg_null_s"] = round(min(ffmpegs), 3)
        result["ratio_vs_ffmpeg"] = round(scan_s / min(ffmpegs), 3)
    return result


def print_video(v: dict) -> None:
    c = v["cuts"]
    info = v["video"]
    print(f"\nvideo, {info['size'][0]}x{info['size'][1]} {info['codec']} {info['seconds']:.0f} s, "
          f"{info['cuts']} cuts off keyframes, {info['threads']} threads:")
    print(f"  shot scan {v['scan_s']:.2f} s vs bare PyAV decode {v['bare_decode_s']:.2f} s "
          f"= {v['ratio']:.2f}× (target ≤ 1.3×)")
    if "ffmpeg_null_s" in v:
        print(f"  ffmpeg -f null {v['ffmpeg_null_s']:.2f} s: scan = {v['ratio_vs_ffmpeg']:.2f}×")
    k = v["skip_nonref"]
    print(f"  scan leaving non-reference frames undecoded: {k['scan_s']:.2f} s = "
          f"{k['ratio']:.2f}× (cuts within 2 frames: precision {k['cuts']['precision']:.2f}, "
          f"recall {k['cuts']['recall']:.2f})")
    print(f"  grab (full-res frame at a time): median {v['grab_s']['median'] * 1000:.0f} ms, "
          f"max {v['grab_s']['max'] * 1000:.0f} ms")
    print(f"  cuts within 2 frames: precision {c['precision']:.2f}, recall {c['recall']:.2f} "
          f"({c['matched']}/{c['true']} found, {c['found'] - c['matched']} false)")
    panel = v.get("panel")
    if panel:
        print(f"  Watch panel, first open: first frame {panel['first_frame_s']:.2f} s, first "
              f"shot thumbnail {panel['first_thumb_s']:.2f} s, whole sheet "
              f"{panel['sheet_s']:.2f} s ({panel['shots']} shots)")
