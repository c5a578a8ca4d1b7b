#!/usr/bin/env python3
"""Regenerate the illustrated stills of the bundled sample series.

The sample series ("Last Ferry to Udo") is fictional, so its "stills" are
stylised film frames drawn with Pillow: gradient skies and seas, silhouettes,
soft light, a touch of grain, a vignette and a 2.39:1 letterbox. No text and
no real people. The output is deterministic (fixed seeds), so running the
script again gives the same images.

    .venv/bin/python scripts/make_sample_stills.py [OUT_DIR]

OUT_DIR defaults to resources/sample/stills/ next to this script's repo.
Only the *.jpg files are written; stills.yaml is maintained by hand.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 1920, 1080
QUALITY = 80
MAX_BYTES = 250_000
LETTERBOX = round((H - W / 2.39) / 2)  # ~138 px bars: a 2.39:1 "scope" frame

Color = tuple[int, int, int]
Stop = tuple[float, Color]


# --------------------------------------------------------------------------
# helpers


def lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def mix(c1: Color, c2: Color, t: float) -> Color:
    return tuple(round(lerp(a, b, t)) for a, b in zip(c1, c2, strict=True))  # type: ignore[return-value]


def ramp(stops: Sequence[Stop], n: int = 512) -> list[Color]:
    """n colours interpolated along (position 0..1, colour) stops."""
    out: list[Color] = []
    for i in range(n):
        t = i / (n - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                u = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
                u = u * u * (3 - 2 * u)  # smoothstep: no visible banding edges
                out.append(mix(c0, c1, u))
                break
        else:
            out.append(stops[0][1] if t < stops[0][0] else stops[-1][1])
    return out


def vgradient(size: tuple[int, int], stops: Sequence[Stop]) -> Image.Image:
    """A vertical gradient (top = position 0)."""
    colours = ramp(stops)
    strip = Image.new("RGB", (1, len(colours)))
    strip.putdata(colours)
    return strip.resize(size, Image.Resampling.BICUBIC)


def hgradient(size: tuple[int, int], stops: Sequence[Stop]) -> Image.Image:
    colours = ramp(stops)
    strip = Image.new("RGB", (len(colours), 1))
    strip.putdata(colours)
    return strip.resize(size, Image.Resampling.BICUBIC)


def glow(
    img: Image.Image,
    centre: tuple[float, float],
    radius: tuple[float, float] | float,
    colour: Color,
    strength: float = 1.0,
) -> None:
    """Add a soft radial light (screen blend) in place."""
    rx, ry = (radius, radius) if isinstance(radius, int | float) else radius
    mask = Image.radial_gradient("L")  # 256x256: 0 in the centre, 255 at the edge
    mask = mask.point(lambda v: max(0, 255 - v * 255 // 180))  # invert, fall off by r
    mask = mask.point(lambda v: round(255 * (v / 255) ** 2.2 * strength))
    mask = mask.resize((max(1, int(rx * 2)), max(1, int(ry * 2))), Image.Resampling.BICUBIC)
    layer = Image.new("RGB", img.size, (0, 0, 0))
    full_mask = Image.new("L", img.size, 0)
    full_mask.paste(mask, (int(centre[0] - rx), int(centre[1] - ry)))
    layer.paste(Image.new("RGB", img.size, colour), mask=full_mask)
    img.paste(ImageChops.screen(img, layer))


def shape_layer(
    img: Image.Image,
    draw_fn: Callable[[ImageDraw.ImageDraw], None],
    colour: Color,
    blur: float = 0.0,
    opacity: float = 1.0,
) -> None:
    """Draw white shapes on a mask, soften it, and paint `colour` through it."""
    mask = Image.new("L", img.size, 0)
    draw_fn(ImageDraw.Draw(mask))
    if blur:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    if opacity < 1:
        mask = mask.point(lambda v: round(v * opacity))
    img.paste(Image.new("RGB", img.size, colour), mask=mask)


def person(
    d: ImageDraw.ImageDraw,
    x: float,
    ground: float,
    height: float,
    *,
    coat: float = 1.0,
    hair: str = "short",
    lean: float = 0.0,
    fill: int = 255,
) -> None:
    """A stylised standing figure (feet on `ground`), about `height` px tall."""
    h = height
    head_r = h * 0.065
    top = ground - h
    hx = x + lean * h * 0.05
    # head and neck
    d.ellipse((hx - head_r, top, hx + head_r, top + head_r * 2.3), fill=fill)
    if hair == "long":
        d.polygon(
            [
                (hx - head_r * 1.05, top + head_r * 0.8),
                (hx + head_r * 1.05, top + head_r * 0.8),
                (hx + head_r * 1.25, top + head_r * 4.2),
                (hx - head_r * 1.25, top + head_r * 4.2),
            ],
            fill=fill,
        )
    elif hair == "bun":
        d.ellipse(
            (hx - head_r * 0.55, top - head_r * 0.75, hx + head_r * 0.55, top + head_r * 0.3),
            fill=fill,
        )
    neck_y = top + head_r * 2.1
    d.rectangle((hx - head_r * 0.45, neck_y - 4, hx + head_r * 0.45, neck_y + h * 0.04), fill=fill)
    # shoulders, torso and coat
    sh_y = neck_y + h * 0.035
    sw = h * 0.13
    hem_y = ground - h * (0.42 - 0.2 * (coat - 1))
    hem_w = sw * (0.85 + 0.35 * coat)
    d.polygon(
        [
            (hx - sw * 0.55, sh_y - h * 0.01),
            (hx + sw * 0.55, sh_y - h * 0.01),
            (hx + sw, sh_y + h * 0.03),
            (x + hem_w, hem_y),
            (x - hem_w, hem_y),
            (hx - sw, sh_y + h * 0.03),
        ],
        fill=fill,
    )
    # arms
    for side in (-1, 1):
        d.polygon(
            [
                (hx + side * sw * 0.98, sh_y + h * 0.03),
                (hx + side * sw * 1.12, sh_y + h * 0.07),
                (x + side * sw * 1.05, sh_y + h * 0.36),
                (x + side * sw * 0.78, sh_y + h * 0.36),
            ],
            fill=fill,
        )
    # legs
    leg_w = h * 0.04
    for side in (-1, 1):
        lx = x + side * h * 0.045
        d.polygon(
            [
                (lx - leg_w, hem_y - 2),
                (lx + leg_w, hem_y - 2),
                (lx + leg_w * 0.8, ground),
                (lx - leg_w * 0.8 + side * 3, ground),
            ],
            fill=fill,
        )
    d.ellipse((x - h * 0.1, ground - 4, x + h * 0.1, ground + 4), fill=fill)


def ferry(d: ImageDraw.ImageDraw, x: float, water: float, length: float, fill: int = 255) -> None:
    """A small car ferry in profile, bow to the right, sitting on `water`."""
    L = length
    hull_h = L * 0.09
    d.polygon(
        [
            (x, water - hull_h),
            (x + L, water - hull_h * 1.25),
            (x + L * 0.95, water),
            (x + L * 0.06, water + 2),
        ],
        fill=fill,
    )
    # deck house and bridge
    d.rectangle((x + L * 0.12, water - hull_h - L * 0.09, x + L * 0.78, water - hull_h), fill=fill)
    d.rectangle(
        (x + L * 0.48, water - hull_h - L * 0.16, x + L * 0.74, water - hull_h - L * 0.09),
        fill=fill,
    )
    # funnel and mast
    d.rectangle(
        (x + L * 0.3, water - hull_h - L * 0.17, x + L * 0.36, water - hull_h - L * 0.09), fill=fill
    )
    d.line(
        (x + L * 0.62, water - hull_h - L * 0.16, x + L * 0.62, water - hull_h - L * 0.27),
        fill=fill,
        width=max(2, int(L * 0.008)),
    )
    # the bow ramp, raised
    d.polygon(
        [
            (x + L * 0.93, water - hull_h * 1.2),
            (x + L * 1.0, water - hull_h * 1.25),
            (x + L * 1.02, water - hull_h * 2.6),
            (x + L * 0.97, water - hull_h * 2.55),
        ],
        fill=fill,
    )


def ferry_windows(
    img: Image.Image, x: float, water: float, length: float, colour: Color, rng: random.Random
) -> None:
    L = length
    hull_h = L * 0.09
    row_y = water - hull_h - L * 0.06
    d = ImageDraw.Draw(img)
    n = 11
    for i in range(n):
        wx = x + L * 0.15 + i * (L * 0.6 / n)
        if rng.random() < 0.8:
            d.rectangle((wx, row_y, wx + L * 0.025, row_y + L * 0.022), fill=colour)
    by = water - hull_h - L * 0.14
    d.rectangle(
        (x + L * 0.52, by, x + L * 0.71, by + L * 0.025), fill=mix(colour, (255, 255, 255), 0.3)
    )


def water_lines(
    img: Image.Image,
    top: int,
    bottom: int,
    colour: Color,
    rng: random.Random,
    n: int = 260,
    opacity: float = 0.35,
    centre_x: float | None = None,
    spread: float = 1.0,
) -> None:
    """Horizontal glints on water, denser and longer near the horizon's light."""

    def fn(d: ImageDraw.ImageDraw) -> None:
        for _ in range(n):
            t = rng.random() ** 1.6
            y = lerp(top, bottom, t)
            if centre_x is None:
                cx = rng.uniform(0, W)
            else:
                cx = rng.gauss(centre_x, W * 0.08 * spread * (0.4 + 2 * t))
            length = rng.uniform(20, 140) * (0.4 + 1.6 * t)
            th = max(1, int(1 + 3 * t))
            d.line((cx - length / 2, y, cx + length / 2, y), fill=255, width=th)

    shape_layer(img, fn, colour, blur=1.2, opacity=opacity)


def finish(
    img: Image.Image, rng: random.Random, grain: float = 5.0, vignette: float = 0.55
) -> Image.Image:
    """Vignette, grain, a slight bloom and the letterbox bars."""
    # bloom: a blurred, brightened copy screened on top
    bright = img.point(lambda v: max(0, v - 150) * 2)
    bright = bright.filter(ImageFilter.GaussianBlur(28))
    img = ImageChops.screen(img, bright)
    # vignette
    vig = Image.radial_gradient("L").resize(
        (int(W * 1.25), int(H * 1.45)), Image.Resampling.BICUBIC
    )
    vig = vig.crop(
        (
            (vig.width - W) // 2,
            (vig.height - H) // 2,
            (vig.width - W) // 2 + W,
            (vig.height - H) // 2 + H,
        )
    )
    vig = vig.point(lambda v: round(255 - vignette * 255 * (v / 255) ** 2.4))
    img = ImageChops.multiply(img, Image.merge("RGB", (vig, vig, vig)))
    # film grain: low-resolution noise, upscaled so JPEG keeps it cheap
    if grain:
        nw, nh = W // 3, H // 3
        noise = Image.frombytes("L", (nw, nh), rng.randbytes(nw * nh))
        noise = noise.filter(ImageFilter.GaussianBlur(0.6)).resize((W, H), Image.Resampling.BICUBIC)
        noise = noise.point(lambda v: 128 + round((v - 128) * grain / 55))
        noise_rgb = Image.merge("RGB", (noise, noise, noise))
        img = ImageChops.add(img, noise_rgb, scale=1.0, offset=-128)
    # letterbox
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, W, LETTERBOX), fill=(0, 0, 0))
    d.rectangle((0, H - LETTERBOX, W, H), fill=(0, 0, 0))
    return img


def stars(img: Image.Image, rng: random.Random, top: int, bottom: int, n: int = 120) -> None:
    d = ImageDraw.Draw(img)
    for _ in range(n):
        x, y = rng.uniform(0, W), rng.uniform(top, bottom)
        b = rng.randint(150, 255)
        r = rng.choice((1, 1, 1, 2))
        d.ellipse((x - r, y - r, x + r, y + r), fill=(b, b, min(255, b + 20)))


def island(
    d: ImageDraw.ImageDraw,
    x0: float,
    x1: float,
    horizon: float,
    height: float,
    rng: random.Random,
    fill: int = 255,
) -> None:
    pts = [(x0, horizon + 2)]
    steps = 40
    for i in range(steps + 1):
        t = i / steps
        bump = math.sin(math.pi * t) ** 0.7
        pts.append((lerp(x0, x1, t), horizon - height * bump * (0.85 + 0.15 * rng.random())))
    pts.append((x1, horizon + 2))
    d.polygon(pts, fill=fill)


def tuff_cone(
    d: ImageDraw.ImageDraw, x: float, horizon: float, w: float, h: float, fill: int = 255
) -> None:
    """A flat-topped crater cone like Jeju's Seongsan Ilchulbong, in silhouette."""
    pts = [
        (x - w * 0.75, horizon + 2),
        (x - w * 0.55, horizon - h * 0.2),
        (x - w * 0.36, horizon - h * 0.82),
        (x - w * 0.28, horizon - h * 0.97),
        (x - w * 0.1, horizon - h * 0.92),
        (x + w * 0.05, horizon - h),
        (x + w * 0.24, horizon - h * 0.94),
        (x + w * 0.33, horizon - h * 0.8),
        (x + w * 0.5, horizon - h * 0.35),
        (x + w * 0.9, horizon - h * 0.08),
        (x + w * 1.3, horizon + 2),
    ]
    d.polygon(pts, fill=fill)


# --------------------------------------------------------------------------
# the stills


def e01_ferry_at_dusk(rng: random.Random) -> Image.Image:
    """The last ferry pulling away from Seongsan port at dusk."""
    horizon = 640
    img = vgradient(
        (W, H),
        [
            (0.0, (38, 30, 72)),
            (0.3, (122, 62, 104)),
            (0.52, (236, 128, 92)),
            (0.59, (255, 196, 130)),
            (0.6, (70, 52, 80)),
            (1.0, (16, 18, 38)),
        ],
    )
    glow(img, (1240, horizon - 10), (520, 300), (255, 170, 110), 0.9)
    shape_layer(
        img,
        lambda d: d.ellipse((1185, horizon - 75, 1295, horizon + 35), fill=255),
        (255, 226, 170),
        blur=3,
    )
    # the sea below the sun: redraw to cut the sun disc at the horizon
    sea = vgradient(
        (W, H - horizon), [(0.0, (92, 62, 92)), (0.35, (38, 34, 66)), (1.0, (10, 12, 28))]
    )
    img.paste(sea, (0, horizon))
    water_lines(
        img, horizon + 4, H - LETTERBOX, (255, 184, 120), rng, n=420, opacity=0.55, centre_x=1240
    )
    shape_layer(img, lambda d: island(d, -40, 520, horizon, 70, rng), (48, 34, 60), blur=1.5)
    shape_layer(img, lambda d: ferry(d, 640, horizon + 18, 430), (14, 12, 24), blur=1.0)
    ferry_windows(img, 640, horizon + 18, 430, (255, 208, 140), rng)
    # wake
    water_lines(
        img,
        horizon + 22,
        horizon + 60,
        (230, 200, 200),
        rng,
        n=60,
        opacity=0.45,
        centre_x=560,
        spread=0.6,
    )

    # pier in the foreground, right
    def pier(d: ImageDraw.ImageDraw) -> None:
        d.polygon([(1480, 900), (W, 820), (W, H), (1380, H)], fill=255)
        for px in (1540, 1680, 1820):
            d.rectangle((px, 700, px + 16, 905), fill=255)
        d.rectangle((1610, 640, 1622, 860), fill=255)  # lamp post
        d.rectangle((1590, 632, 1660, 650), fill=255)

    shape_layer(img, pier, (8, 8, 16), blur=1.2)
    glow(img, (1650, 668), 90, (255, 200, 140), 0.9)
    shape_layer(img, lambda d: person(d, 1500, 905, 190, hair="long", coat=1.2), (6, 6, 12), blur=1)
    return finish(img, rng)


def e01_pier_lamp(rng: random.Random) -> Image.Image:
    """Seo-rin alone under a pier lamp after the ferry has gone."""
    img = vgradient(
        (W, H), [(0.0, (6, 10, 26)), (0.55, (16, 34, 62)), (0.62, (22, 40, 66)), (1.0, (8, 12, 22))]
    )
    stars(img, rng, LETTERBOX, 520, 90)
    horizon = 600
    water_lines(img, horizon, H - LETTERBOX, (90, 130, 190), rng, n=240, opacity=0.4)
    # distant ferry lights
    d = ImageDraw.Draw(img)
    for i in range(9):
        d.rectangle((300 + i * 9, horizon - 8, 305 + i * 9, horizon - 4), fill=(255, 214, 150))
    glow(img, (340, horizon - 6), 80, (255, 190, 120), 0.5)

    # the pier and lamp
    def pier(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(700, 860), (1500, 860), (1700, H), (560, H)], fill=255)
        dd.rectangle((1180, 330, 1196, 870), fill=255)
        dd.polygon([(1150, 320), (1240, 320), (1226, 345), (1164, 345)], fill=255)
        for bx in (760, 1420):
            dd.rounded_rectangle((bx, 820, bx + 46, 870), 10, fill=255)

    shape_layer(img, pier, (10, 12, 20), blur=1.0)

    # the cone of light
    def cone(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(1170, 348), (1220, 348), (1470, 880), (920, 880)], fill=255)

    shape_layer(img, cone, (255, 214, 160), blur=40, opacity=0.28)
    glow(img, (1195, 345), 120, (255, 220, 170), 1.0)
    glow(img, (1195, 880), (360, 60), (255, 200, 150), 0.5)
    # suitcase and Seo-rin
    shape_layer(
        img,
        lambda dd: dd.rounded_rectangle((1300, 760, 1370, 872), 8, fill=255),
        (12, 12, 20),
        blur=0.8,
    )
    shape_layer(img, lambda dd: dd.line((1335, 760, 1335, 700), fill=255, width=5), (12, 12, 20))
    shape_layer(
        img, lambda dd: person(dd, 1240, 872, 320, hair="long", coat=1.3), (12, 12, 20), blur=0.8
    )
    return finish(img, rng, vignette=0.65)


def e01_tape_room(rng: random.Random) -> Image.Image:
    """The guesthouse room at night: a moonlit window and a lamp on a box of tapes."""
    img = hgradient((W, H), [(0.0, (20, 16, 22)), (0.5, (46, 32, 30)), (1.0, (18, 14, 20))])
    # window with a blue night outside
    wx0, wy0, wx1, wy1 = 260, 250, 900, 820
    night = vgradient(
        (wx1 - wx0, wy1 - wy0), [(0.0, (20, 42, 86)), (0.7, (44, 80, 130)), (1.0, (22, 40, 70))]
    )
    img.paste(night, (wx0, wy0))
    glow(img, (700, 380), 70, (220, 236, 255), 1.0)
    glow(img, (700, 380), 260, (110, 150, 220), 0.5)
    d = ImageDraw.Draw(img)
    # mullions
    d.rectangle((wx0 + 310, wy0, wx0 + 330, wy1), fill=(26, 20, 22))
    d.rectangle((wx0, wy0 + 270, wx1, wy0 + 290), fill=(26, 20, 22))
    d.rectangle((wx0 - 20, wy0 - 20, wx1 + 20, wy0), fill=(26, 20, 22))
    d.rectangle((wx0 - 20, wy1, wx1 + 20, wy1 + 24), fill=(26, 20, 22))
    # moonlight patch on the floor
    shape_layer(
        img,
        lambda dd: dd.polygon([(300, 960), (940, 960), (1300, H), (380, H)], fill=255),
        (120, 150, 210),
        blur=30,
        opacity=0.35,
    )

    # the low table, lamp and box
    def furniture(dd: ImageDraw.ImageDraw) -> None:
        dd.rectangle((1040, 760, 1760, 790), fill=255)
        dd.rectangle((1080, 790, 1110, 930), fill=255)
        dd.rectangle((1690, 790, 1720, 930), fill=255)
        dd.polygon([(1560, 560), (1700, 560), (1740, 650), (1520, 650)], fill=255)  # shade
        dd.rectangle((1622, 650, 1636, 740), fill=255)
        dd.ellipse((1580, 735, 1680, 765), fill=255)
        dd.rectangle((1160, 680, 1420, 760), fill=255)  # the shoebox

    shape_layer(img, furniture, (14, 10, 12), blur=0.8)
    glow(img, (1630, 640), (360, 300), (255, 176, 96), 0.95)
    # cassettes on the table, caught by the lamp
    for i in range(5):
        x = 1180 + i * 52
        d.rectangle((x, 640 - (i % 2) * 8, x + 44, 680), fill=(70 + i * 8, 52, 40))
        d.rectangle((x + 8, 650 - (i % 2) * 8, x + 36, 662 - (i % 2) * 8), fill=(200, 170, 120))
    for i in range(3):
        x = 1450 + i * 70
        d.rounded_rectangle((x, 742, x + 64, 756), 3, fill=(96, 70, 52))
    # the dog asleep by the table
    shape_layer(
        img,
        lambda dd: (
            dd.ellipse((900, 880, 1100, 960), fill=255),
            dd.ellipse((1060, 860, 1130, 920), fill=255),
            dd.polygon([(1080, 870), (1095, 835), (1108, 872)], fill=255),
        ),
        (12, 8, 10),
        blur=1.2,
    )
    return finish(img, rng, vignette=0.6)


def e02_cafe(rng: random.Random) -> Image.Image:
    """Two friends at the window of a seaside café, backlit by a bright turquoise sea."""
    img = Image.new("RGB", (W, H), (26, 30, 34))
    # the big window: sky, turquoise sea, white sand
    view = vgradient(
        (1600, 620),
        [
            (0.0, (170, 214, 236)),
            (0.45, (214, 236, 244)),
            (0.47, (64, 186, 196)),
            (0.8, (110, 214, 206)),
            (0.82, (238, 232, 214)),
            (1.0, (226, 218, 196)),
        ],
    )
    img.paste(view, (160, 200))
    water_lines(img, 495, 690, (235, 255, 255), rng, n=180, opacity=0.5)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, W, 200), fill=(30, 32, 36))
    d.rectangle((0, 820, W, H), fill=(40, 36, 34))
    for mx in (160, 690, 1220, 1740):
        d.rectangle((mx - 14, 200, mx + 14, 820), fill=(34, 34, 38))
    glow(img, (960, 480), (900, 420), (210, 240, 250), 0.6)

    # table, two cups, two women facing each other
    def scene(dd: ImageDraw.ImageDraw) -> None:
        dd.rectangle((560, 760, 1360, 790), fill=255)
        dd.rectangle((930, 790, 990, 960), fill=255)
        dd.rounded_rectangle((760, 716, 816, 762), 8, fill=255)
        dd.rounded_rectangle((1100, 720, 1150, 762), 8, fill=255)
        person(dd, 470, 1000, 560, hair="long", coat=1.0, lean=0.4)
        person(dd, 1470, 1000, 540, hair="bun", coat=0.9, lean=-0.3)

    shape_layer(img, scene, (22, 26, 32), blur=2.0)
    # steam
    shape_layer(
        img,
        lambda dd: [
            dd.arc(
                (770 + k * 6, 620 - k * 40, 820 + k * 6, 700 - k * 40), 200, 340, fill=255, width=4
            )
            for k in range(3)
        ],
        (240, 240, 240),
        blur=4,
        opacity=0.5,
    )
    return finish(img, rng, grain=4.0, vignette=0.5)


def e02_dive(rng: random.Random) -> Image.Image:
    """Underwater: a haenyeo diver rising towards the light."""
    img = vgradient(
        (W, H),
        [(0.0, (120, 214, 220)), (0.25, (34, 140, 166)), (0.7, (10, 56, 86)), (1.0, (4, 20, 38))],
    )
    # surface ripples
    water_lines(img, LETTERBOX, LETTERBOX + 120, (230, 255, 250), rng, n=160, opacity=0.45)

    # god rays
    def rays(dd: ImageDraw.ImageDraw) -> None:
        for _ in range(9):
            x = rng.uniform(300, 1700)
            w0, w1 = rng.uniform(20, 60), rng.uniform(120, 260)
            slant = rng.uniform(-160, 80)
            dd.polygon(
                [(x - w0, 0), (x + w0, 0), (x + slant + w1, H), (x + slant - w1, H)], fill=255
            )

    shape_layer(img, rays, (190, 240, 240), blur=30, opacity=0.22)

    # rocks and kelp at the bottom
    def seabed(dd: ImageDraw.ImageDraw) -> None:
        pts = [(0, H)]
        for i in range(25):
            pts.append((i * W / 24, 860 + 70 * math.sin(i * 1.3) + rng.uniform(-30, 30)))
        pts.append((W, H))
        dd.polygon(pts, fill=255)
        for _ in range(14):
            x = rng.uniform(0, W)
            for k in range(3):
                dd.line(
                    [
                        (x + 20 * math.sin((y + k * 40) / 50), y)
                        for y in range(int(rng.uniform(640, 800)), 900, 12)
                    ],
                    fill=255,
                    width=9,
                )

    shape_layer(img, seabed, (4, 18, 30), blur=2)

    # the diver: swimming up towards the light, arms stretched ahead of her head
    def diver(dd: ImageDraw.ImageDraw) -> None:
        cx, cy, k = 860, 560, 0.9
        a = math.radians(-28)

        def rot(px: float, py: float) -> tuple[float, float]:
            px, py = px * k, py * k
            return (
                cx + px * math.cos(a) - py * math.sin(a),
                cy + px * math.sin(a) + py * math.cos(a),
            )

        dd.polygon(
            [
                rot(-110, -40),
                rot(10, -54),
                rot(100, -48),
                rot(116, 0),
                rot(100, 48),
                rot(10, 54),
                rot(-110, 40),
            ],
            fill=255,
        )  # torso
        hx, hy = rot(150, 0)
        r = 34 * k
        dd.ellipse((hx - r, hy - r, hx + r, hy + r), fill=255)  # head
        dd.polygon(
            [rot(90, -26), rot(320, -10), rot(334, 0), rot(320, 10), rot(90, 26)], fill=255
        )  # arms, together
        for s, kick in ((-1, -18), (1, 22)):  # legs, mid-kick
            dd.line(
                [rot(-90, s * 16), rot(-240, s * 20 + kick * 0.3), rot(-370, s * 18 + kick)],
                fill=255,
                width=int(24 * k),
                joint="curve",
            )
            dd.polygon(
                [
                    rot(-360, s * 18 + kick - 14),
                    rot(-360, s * 18 + kick + 14),
                    rot(-500, s * 18 + kick * 1.8 + 30),
                    rot(-505, s * 18 + kick * 1.8 - 30),
                ],
                fill=255,
            )  # fins
        # the float (tewak) on the surface, its line and the net bag (mangsari) below
        dd.ellipse((1330, LETTERBOX - 10, 1450, LETTERBOX + 60), fill=255)
        dd.line((1390, LETTERBOX + 60, 1400, 520), fill=255, width=3)
        dd.polygon([(1370, 520), (1430, 520), (1445, 610), (1400, 640), (1355, 610)], fill=255)

    shape_layer(img, diver, (6, 30, 48), blur=1.5)
    # bubbles
    d = ImageDraw.Draw(img)
    for _ in range(70):
        t = rng.random()
        x, y = rng.gauss(lerp(1000, 1090, t), 18 + 30 * t), lerp(440, LETTERBOX, t)
        r = rng.uniform(3, 11)
        d.ellipse((x - r, y - r, x + r, y + r), outline=(200, 245, 245), width=2)
    return finish(img, rng, grain=4.0, vignette=0.6)


def e03_storm(rng: random.Random) -> Image.Image:
    """Typhoon night: the lighthouse beam cutting through rain over a black sea."""
    img = vgradient(
        (W, H), [(0.0, (14, 18, 26)), (0.5, (40, 50, 62)), (0.6, (24, 30, 38)), (1.0, (6, 8, 12))]
    )
    glow(img, (500, 330), (700, 220), (90, 100, 120), 0.5)  # cloud-lit sky
    horizon = 640

    # heavy swell
    def swell(dd: ImageDraw.ImageDraw) -> None:
        for row in range(10):
            y0 = horizon + row * 32
            pts = [(0, H)]
            for i in range(0, W + 40, 40):
                pts.append((i, y0 + 14 * math.sin(i / (70 + row * 9) + row) + rng.uniform(-4, 4)))
            pts.append((W, H))
            dd.polygon(pts, fill=int(40 + row * 20))

    layer = Image.new("L", (W, H), 0)
    swell(ImageDraw.Draw(layer))
    layer = layer.filter(ImageFilter.GaussianBlur(2))
    sea = vgradient((W, H), [(0.0, (30, 40, 50)), (1.0, (6, 10, 14))])
    img.paste(sea, mask=layer.point(lambda v: 255 if v else 0))
    water_lines(img, horizon, H - LETTERBOX, (170, 190, 210), rng, n=200, opacity=0.35)

    # headland and lighthouse on the left
    def headland(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(0, 560), (200, 530), (420, 600), (560, 700), (620, H), (0, H)], fill=255)
        dd.polygon([(240, 540), (300, 540), (290, 300), (250, 300)], fill=255)
        dd.rectangle((236, 262, 304, 300), fill=255)
        dd.polygon([(230, 262), (310, 262), (270, 222)], fill=255)

    shape_layer(img, headland, (4, 6, 8), blur=1)

    def beam(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(272, 272), (272, 290), (1900, 430), (1900, 150)], fill=255)

    shape_layer(img, beam, (230, 236, 220), blur=24, opacity=0.4)
    glow(img, (272, 280), 120, (255, 250, 220), 1.0)

    # a small boat, heeled over, far out
    def boat(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(1330, 668), (1470, 656), (1450, 684), (1345, 690)], fill=255)
        dd.rectangle((1380, 636, 1420, 662), fill=255)
        dd.line((1405, 636, 1412, 596), fill=255, width=4)

    shape_layer(img, boat, (4, 6, 8), blur=1)
    glow(img, (1412, 600), 26, (255, 80, 60), 1.0)  # its red mast light

    # rain
    def rain(dd: ImageDraw.ImageDraw) -> None:
        for _ in range(1500):
            x, y = rng.uniform(-200, W), rng.uniform(0, H)
            ln = rng.uniform(30, 80)
            dd.line((x, y, x + ln * 0.3, y + ln), fill=255, width=1)

    shape_layer(img, rain, (190, 200, 214), blur=0.6, opacity=0.35)
    return finish(img, rng, grain=6.0, vignette=0.7)


def e03_harbour_speaker(rng: random.Random) -> Image.Image:
    """Seo-rin on the breakwater with the harbour loudspeaker, fog lit from behind."""
    img = vgradient(
        (W, H),
        [(0.0, (52, 62, 74)), (0.55, (120, 130, 138)), (0.62, (98, 108, 116)), (1.0, (22, 26, 32))],
    )
    glow(img, (1400, 520), (800, 380), (210, 206, 190), 0.8)  # the fog glowing

    def breakwater(dd: ImageDraw.ImageDraw) -> None:
        dd.polygon([(0, 760), (1200, 700), (1240, 730), (1240, H), (0, H)], fill=255)
        for i in range(9):  # tetrapods along the edge
            x = 1060 + i * 80
            y = 800 + (i % 3) * 26
            dd.polygon([(x, y), (x + 50, y - 60), (x + 100, y), (x + 50, y + 30)], fill=255)
        # loudspeaker pole with two horns
        dd.rectangle((470, 330, 486, 740), fill=255)
        dd.polygon([(486, 340), (590, 300), (590, 390), (486, 360)], fill=255)
        dd.polygon([(470, 340), (366, 300), (366, 390), (470, 360)], fill=255)
        # a cable running to a laptop case at her feet
        dd.rectangle((690, 690, 800, 748), fill=255)
        dd.line([(480, 740), (560, 752), (690, 730)], fill=255, width=4)

    shape_layer(img, breakwater, (12, 14, 18), blur=1.2)
    glow(img, (745, 700), 70, (150, 200, 255), 0.7)  # screen light
    shape_layer(
        img,
        lambda dd: person(dd, 860, 752, 380, hair="long", coat=1.25, lean=0.6),
        (10, 12, 16),
        blur=1.0,
    )

    # sound, drawn as faint rings expanding from the horns into the fog
    def rings(dd: ImageDraw.ImageDraw) -> None:
        for k in range(1, 7):
            r = 80 + k * 95
            dd.arc((590 - r * 0.3, 345 - r, 590 + r * 1.6, 345 + r), -55, 55, fill=255, width=5)

    shape_layer(img, rings, (240, 236, 220), blur=6, opacity=0.25)

    # drifting fog bands
    def fog(dd: ImageDraw.ImageDraw) -> None:
        for _ in range(12):
            y = rng.uniform(450, 900)
            x = rng.uniform(-400, W)
            dd.ellipse((x, y, x + rng.uniform(600, 1400), y + 80), fill=255)

    shape_layer(img, fog, (200, 200, 196), blur=60, opacity=0.3)
    return finish(img, rng, grain=5.0, vignette=0.6)


def e03_corridor(rng: random.Random) -> Image.Image:
    """A hospital corridor in Jeju City at 4 a.m.: one figure waiting on a bench."""
    img = Image.new("RGB", (W, H), (18, 26, 28))
    vx, vy = 1180, 560  # vanishing point
    d = ImageDraw.Draw(img)
    # floor, ceiling, walls in one-point perspective
    d.polygon([(0, H), (W, H), (vx + 90, vy + 60), (vx - 90, vy + 60)], fill=(40, 54, 56))
    d.polygon([(0, 0), (W, 0), (vx + 90, vy - 70), (vx - 90, vy - 70)], fill=(28, 38, 40))
    d.polygon([(0, 0), (vx - 90, vy - 70), (vx - 90, vy + 60), (0, H)], fill=(52, 70, 70))
    d.polygon([(W, 0), (vx + 90, vy - 70), (vx + 90, vy + 60), (W, H)], fill=(44, 60, 62))
    d.rectangle((vx - 90, vy - 70, vx + 90, vy + 60), fill=(150, 190, 180))  # end window
    # ceiling lights receding
    for k in range(8):
        t = 1 - 0.78**k
        y = lerp(40, vy - 70, t)
        hw = lerp(190, 14, t)
        x = lerp(vx - 60, vx, t)
        d.rectangle((x - hw, y, x + hw, y + lerp(18, 2, t)), fill=(230, 246, 236))
        glow(img, (x, y + 10), (hw * 2, lerp(110, 10, t)), (150, 210, 190), 0.6)
    # floor reflection stripe
    shape_layer(
        img,
        lambda dd: dd.polygon(
            [(vx - 10, vy + 60), (vx + 10, vy + 60), (900, H), (600, H)], fill=255
        ),
        (180, 220, 210),
        blur=30,
        opacity=0.25,
    )
    # doors along the left wall
    for k in range(4):
        t = 1 - 0.7 ** (k + 0.6)
        x = lerp(0, vx - 90, t)
        top, bot = lerp(0, vy - 50, t), lerp(H, vy + 60, t)
        w = lerp(180, 18, t)
        d.rectangle((x, top + (bot - top) * 0.18, x + w, bot), fill=(34, 46, 48))

    # bench and the waiting figure (seated: draw a shortened figure)
    def bench(dd: ImageDraw.ImageDraw) -> None:
        dd.rectangle((1330, 760, 1760, 790), fill=255)
        dd.rectangle((1350, 790, 1370, 880), fill=255)
        dd.rectangle((1720, 790, 1740, 880), fill=255)
        dd.ellipse((1480, 470, 1550, 555), fill=255)
        dd.polygon([(1460, 560), (1570, 560), (1600, 770), (1430, 770)], fill=255)
        dd.polygon([(1440, 700), (1600, 700), (1610, 800), (1420, 800)], fill=255)
        dd.rectangle((1440, 780, 1480, 880), fill=255)
        dd.rectangle((1560, 780, 1600, 880), fill=255)
        # the cassette player in her hands
        dd.rectangle((1490, 670, 1560, 705), fill=255)

    shape_layer(img, bench, (10, 16, 18), blur=1)
    glow(img, (vx, vy), (420, 300), (120, 170, 150), 0.45)
    return finish(img, rng, grain=5.0, vignette=0.65)


def e04_sunrise(rng: random.Random) -> Image.Image:
    """Sunrise behind the crater cone after the storm."""
    horizon = 690
    img = vgradient(
        (W, H),
        [
            (0.0, (70, 96, 150)),
            (0.3, (170, 150, 170)),
            (0.55, (252, 186, 140)),
            (0.64, (255, 222, 170)),
            (1.0, (255, 222, 170)),
        ],
    )
    glow(img, (620, horizon - 150), (640, 380), (255, 214, 150), 1.0)
    shape_layer(
        img,
        lambda d: d.ellipse((560, horizon - 210, 680, horizon - 90), fill=255),
        (255, 246, 214),
        blur=4,
    )

    # clouds
    def clouds(d: ImageDraw.ImageDraw) -> None:
        for _ in range(8):
            x, y = rng.uniform(-200, W), rng.uniform(LETTERBOX + 20, 420)
            d.ellipse((x, y, x + rng.uniform(400, 900), y + rng.uniform(24, 50)), fill=255)

    shape_layer(img, clouds, (255, 200, 180), blur=14, opacity=0.5)
    shape_layer(img, lambda d: tuff_cone(d, 470, horizon, 480, 260), (64, 48, 64), blur=1.5)
    sea = vgradient(
        (W, H - horizon), [(0.0, (220, 160, 140)), (0.4, (110, 96, 120)), (1.0, (34, 36, 58))]
    )
    img.paste(sea, (0, horizon))
    water_lines(
        img, horizon + 3, H - LETTERBOX, (255, 226, 170), rng, n=380, opacity=0.6, centre_x=620
    )

    # the stone wall (batdam) and a few reeds in the foreground
    def wall(d: ImageDraw.ImageDraw) -> None:
        x = -20
        while x < W:
            w = rng.uniform(60, 130)
            h = rng.uniform(50, 90)
            d.ellipse((x, 880 - h, x + w, 900 + rng.uniform(0, 20)), fill=255)
            x += w * 0.72
        d.rectangle((0, 890, W, H), fill=255)
        for _ in range(40):
            rx = rng.uniform(1200, W)
            d.line((rx, 860, rx + rng.uniform(-30, 30), rng.uniform(640, 800)), fill=255, width=3)

    shape_layer(img, wall, (30, 22, 30), blur=1.2)
    shape_layer(
        img, lambda d: person(d, 1460, 880, 250, hair="long", coat=1.2), (26, 18, 26), blur=1
    )
    return finish(img, rng, grain=4.0, vignette=0.45)


def e04_deck(rng: random.Random) -> Image.Image:
    """The final shot: two figures at the ferry rail, Udo low on the horizon, golden hour."""
    horizon = 600
    img = vgradient(
        (W, H),
        [
            (0.0, (96, 140, 190)),
            (0.4, (214, 190, 170)),
            (0.55, (255, 206, 150)),
            (0.556, (150, 120, 120)),
            (1.0, (40, 44, 70)),
        ],
    )
    glow(img, (1500, horizon - 40), (600, 300), (255, 200, 130), 0.9)
    water_lines(
        img, horizon + 2, H - LETTERBOX, (255, 216, 160), rng, n=320, opacity=0.5, centre_x=1500
    )
    shape_layer(img, lambda d: island(d, 820, 1400, horizon, 52, rng), (90, 80, 100), blur=2)

    # the deck: rail, stanchions, a life ring
    def deck(d: ImageDraw.ImageDraw) -> None:
        d.polygon([(0, 820), (W, 760), (W, H), (0, H)], fill=255)
        d.line([(0, 700), (W, 640)], fill=255, width=10)
        d.line([(0, 760), (W, 700)], fill=255, width=5)
        for i in range(0, W + 1, 160):
            y = 700 - 60 * i / W
            d.rectangle((i - 5, y, i + 5, y + 120), fill=255)
        d.ellipse((150, 560, 300, 710), fill=255)
        person(d, 1000, 800, 470, hair="long", coat=1.2, lean=0.3)
        person(d, 1140, 796, 520, hair="short", coat=1.0, lean=-0.3)

    shape_layer(img, deck, (24, 18, 28), blur=1.2)
    # the ring's hole, and rim light on the two figures
    d = ImageDraw.Draw(img)
    d.ellipse((195, 605, 255, 665), fill=(220, 176, 140))
    glow(img, (1070, 420), (300, 240), (255, 190, 120), 0.35)
    return finish(img, rng, grain=4.0, vignette=0.5)


STILLS: dict[str, Callable[[random.Random], Image.Image]] = {
    "s01e01-01.jpg": e01_ferry_at_dusk,
    "s01e01-02.jpg": e01_pier_lamp,
    "s01e01-03.jpg": e01_tape_room,
    "s01e02-01.jpg": e02_cafe,
    "s01e02-02.jpg": e02_dive,
    "s01e03-01.jpg": e03_storm,
    "s01e03-02.jpg": e03_harbour_speaker,
    "s01e03-03.jpg": e03_corridor,
    "s01e04-01.jpg": e04_sunrise,
    "s01e04-02.jpg": e04_deck,
}


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    out = Path(argv[1]) if len(argv) > 1 else root / "resources" / "sample" / "stills"
    out.mkdir(parents=True, exist_ok=True)
    for n, (name, fn) in enumerate(STILLS.items()):
        rng = random.Random(20240306 + n)
        img = fn(rng).convert("RGB")
        assert img.size == (W, H), (name, img.size)
        path = out / name
        img.save(path, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        size = path.stat().st_size
        flag = "" if size <= MAX_BYTES else "  (over budget!)"
        print(f"{path}  {size // 1024} KB{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
