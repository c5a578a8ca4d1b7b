"""Generated recap-like projects for the benchmark: long episodes, stills, spoilers, lists.

Text is deterministic (seeded), so runs compare like with like.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

WORDS = (
    "the ferry island grandmother tape harbour captain guesthouse night lamp suitcase dog "
    "resort scout coffee tablet offer porch horn voice listens drama episode scene camera "
    "quiet premiere romance subtext business plot lead wonderful sound engineer podcast "
    "studio tangerine tree stone wall blue doors cafe friend warm cold morning evening "
    "decade careful pencil cassette player porch weather argument fishing boat slipway "
    "village diver sea wind storm letter secret promise memory music silence smile tear"
).split()
NAMES = ["Seo-rin", "Jun-ho", "Ga-eun", "Seok-jin", "Soon-ok", "Bori"]
MANIFEST = """title: "Bench Ferry"
original_title: "벤치 페리"
format: Korean drama
network: Example Plus
directors: [Park Eun-sol]
cast: [Ha Yoon-seul, Jin Seung-pyo]
characters:
  Seo-rin: Ha Yoon-seul
  Jun-ho: Jin Seung-pyo
episode_count: 24
author: Bench Writer
site:
  name: Bench Recaps
  language: en
  base_url: "https://example.com/bench/"
"""


def _sentence(rng: random.Random, words: int) -> str:
    out = [rng.choice(NAMES) if rng.random() < 0.08 else rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.15:
        i = rng.randrange(len(out))
        out[i] = f"*{out[i]}*"
    if rng.random() < 0.03:  # the sample series has about one per 500 words
        i = rng.randrange(len(out))
        out[i] = f"||{out[i]}||"
    if rng.random() < 0.05:
        i = rng.randrange(len(out))
        out[i] = f"**{out[i]}**"
    text = " ".join(out)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!", "?"])


def _paragraph(rng: random.Random) -> tuple[str, int]:
    n = rng.randint(50, 110)
    parts, count = [], 0
    while count < n:
        k = rng.randint(8, 22)
        parts.append(_sentence(rng, k))
        count += k
    return " ".join(parts), count


def episode_body(words: int, *, seed: int = 1, stills: list[str] | None = None) -> str:
    """A recap body of about `words` words: sections, paragraphs, stills, lists, spoilers."""
    rng = random.Random(seed)
    stills = stills or []
    blocks: list[str] = []
    count = 0
    section = 0
    while count < words:
        section += 1
        blocks.append(f"## Part {section}: {rng.choice(WORDS).title()} and "
                      f"{rng.choice(WORDS).title()}")
        for _ in range(rng.randint(3, 6)):
            text, n = _paragraph(rng)
            blocks.append(text)
            count += n
        kind = section % 4
        if kind == 1:
            items = [f"- {_sentence(rng, rng.randint(5, 12))}" for _ in range(rng.randint(3, 6))]
            blocks.append("\n".join(items))
            count += 8 * len(items)
        elif kind == 2:
            inner, n = _paragraph(rng)
            blocks.append(f"::: spoiler What happens to {rng.choice(NAMES)}\n\n{inner}\n\n:::")
            count += n
        else:
            blocks.append("> " + _sentence(rng, 20))
            count += 20
    if stills:  # every still once, spread over the recap, each after a paragraph
        paragraphs = [i for i, b in enumerate(blocks) if b[:1].isupper() and " " in b[:20]]
        for k, name in reversed(list(enumerate(stills))):
            share = (k + 1) * len(paragraphs) // (len(stills) + 1)
            at = paragraphs[min(len(paragraphs) - 1, share)]
            blocks.insert(at + 1, f"![{rng.choice(NAMES)} at the {rng.choice(WORDS)}]"
                                  f"(../stills/{name} \"Still {k + 1} of this episode\")")
    return "\n\n".join(blocks) + "\n"


def episode_text(number: int, words: int, *, stills: list[str] | None = None,
                 seed: int | None = None) -> str:
    front = (f"---\ntitle: \"Bench Ferry Episode {number} Recap\"\nseason: 1\n"
             f"episode: {number}\nruntime: 60\nspoilers: minor\nstatus: final\n"
             f"excerpt: \"Episode {number} of the bench series.\"\n"
             f"date: 2024-03-{(number % 28) + 1:02d}\n---\n\n")
    return front + episode_body(words, seed=seed if seed is not None else number,
                                stills=stills)


@functools.lru_cache(maxsize=4)
def _base_still(seed: int):
    """A full-HD picture with photo-like texture (noise, shapes, grain)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    offsets = [rng.randrange(-60, 60) for _ in range(3)]
    channels = [Image.effect_noise((480, 270), 40 + 10 * k).point(
        lambda v, o=offsets[k]: max(0, min(255, v + o))) for k in range(3)]
    small = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(small)
    for _ in range(30):
        x, y, r = rng.randrange(480), rng.randrange(270), rng.randrange(5, 40)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    im = small.filter(ImageFilter.GaussianBlur(1)).resize((1920, 1080),
                                                          Image.Resampling.BICUBIC)
    tile = Image.effect_noise((240, 216), 12 + seed % 5).convert("RGB")
    grain = Image.new("RGB", (1920, 1080))
    for x in range(0, 1920, 240):
        for y in range(0, 1080, 216):
            grain.paste(tile, (x, y))
    return Image.blend(im, grain, 0.08)


def make_still(path: Path, seed: int) -> None:
    """A unique full-HD JPEG (stills of one episode share a base picture, each with
    shapes of its own), so that resizing and encoding it costs what a real still costs."""
    from PIL import ImageDraw

    rng = random.Random(seed)
    im = _base_still(seed // 10).copy()
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y, r = rng.randrange(1920), rng.randrange(1080), rng.randrange(30, 200)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=90)


def make_project(root: Path, *, episodes: int, words: int, stills_per_episode: int,
                 still_cache: Path | None = None) -> Path:
    """Write a project folder; stills are copied from `still_cache` (made once) if given."""
    import shutil

    (root / "episodes").mkdir(parents=True, exist_ok=True)
    (root / "stills").mkdir(exist_ok=True)
    (root / "recapdesk.yaml").write_text(MANIFEST, "utf-8")
    for n in range(1, episodes + 1):
        names = [f"s01e{n:02d}-{k:02d}.jpg" for k in range(1, stills_per_episode + 1)]
        for k, name in enumerate(names):
            dest = root / "stills" / name
            seed = n * 100 + k
            if still_cache is not None:
                cached = still_cache / f"still-{seed}.jpg"
                if not cached.exists():
                    make_still(cached, seed)
                shutil.copyfile(cached, dest)
            else:
                make_still(dest, seed)
        (root / "episodes" / f"s01e{n:02d}.md").write_text(
            episode_text(n, words, stills=names), "utf-8")
    return root
