"""Thumbnails: small, upright, cached on disk by file content; bad images fail fast."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core.images import ImageError
from recapdesk.core.project import open_project
from recapdesk.core.thumbnails import cache_dir_for, render, thumbnail


def test_jpeg_thumbnail_fits_the_size(tmp_path: Path, make_image) -> None:
    source = make_image(tmp_path / "wide.jpg", (1920, 1080), noise=True)
    thumb = thumbnail(source, tmp_path / "thumbs")
    assert thumb.parent == tmp_path / "thumbs"
    with Image.open(thumb) as im:
        assert im.format == "JPEG"
        assert im.size == (256, 144)
    with Image.open(thumbnail(source, tmp_path / "thumbs", size=64)) as im:
        assert im.size == (64, 36)


def test_small_images_are_not_enlarged(tmp_path: Path, make_image) -> None:
    source = make_image(tmp_path / "tiny.png", (40, 20), "PNG")
    with Image.open(thumbnail(source, tmp_path / "thumbs")) as im:
        assert im.size == (40, 20)


def test_transparency_gives_a_png_thumbnail(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    Image.new("RGBA", (600, 300), (255, 0, 0, 80)).save(source)
    thumb = thumbnail(source, tmp_path / "thumbs")
    assert thumb.suffix == ".png"
    with Image.open(thumb) as im:
        assert im.mode == "RGBA" and im.size == (256, 128)
        assert im.getpixel((10, 10))[3] == 80


@pytest.mark.parametrize("fmt", ["WEBP", "GIF"])
def test_webp_and_gif(tmp_path: Path, make_image, fmt: str) -> None:
    source = make_image(tmp_path / f"still.{fmt.lower()}", (512, 288), fmt)
    with Image.open(thumbnail(source, tmp_path / "thumbs")) as im:
        assert im.size == (256, 144)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    source = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to show
    im = Image.new("RGB", (800, 400), (0, 0, 0))
    im.paste((255, 255, 255), (0, 0, 400, 400))  # the left half is white
    im.save(source, "JPEG", exif=exif.tobytes())
    with Image.open(thumbnail(source, tmp_path / "thumbs")) as thumb:
        assert thumb.size == (128, 256)  # upright: portrait
        top = thumb.getpixel((64, 20))
        bottom = thumb.getpixel((64, 236))
        assert sum(top) > 600 and sum(bottom) < 100  # the white half is now on top


def test_cache_is_keyed_by_content(tmp_path: Path, make_image) -> None:
    cache = tmp_path / "thumbs"
    first = make_image(tmp_path / "a.jpg", (640, 360), color=(10, 20, 30))
    thumb = thumbnail(first, cache)
    stamp = thumb.stat().st_mtime_ns, thumb.stat().st_ino
    copy = tmp_path / "renamed copy.jpg"
    shutil.copyfile(first, copy)
    assert thumbnail(copy, cache) == thumb  # same bytes under another name: same thumbnail
    assert (thumb.stat().st_mtime_ns, thumb.stat().st_ino) == stamp  # reused, not rewritten
    make_image(first, (640, 360), color=(200, 20, 30))  # edited in place
    changed = thumbnail(first, cache)
    assert changed != thumb
    with Image.open(changed) as im:
        assert im.getpixel((5, 5))[0] > 150
    assert sorted(p.name for p in cache.iterdir()) == sorted([thumb.name, changed.name])
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_project_cache_lives_in_the_state_folder(sample_project: Path) -> None:
    series = open_project(sample_project)
    thumb = thumbnail(series.stills_dir / "s01e01-01.jpg", cache_dir_for(series))
    assert thumb.parent == sample_project.resolve() / ".recapdesk" / "thumbs"


def broken_files(tmp_path: Path, make_image) -> dict[str, tuple[Path, str]]:
    whole = make_image(tmp_path / "whole.jpg", (400, 300), noise=True).read_bytes()
    files = {
        "empty.jpg": (b"", "empty"),
        "text.jpg": (b"just some words\n" * 20, "not a readable image"),
        "truncated.jpg": (whole[: len(whole) // 2], "truncated or corrupt"),
    }
    out = {}
    for name, (data, message) in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = (tmp_path / name, message)
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    out["bomb.png"] = (bomb, "too large in pixels")
    return out


def test_bad_images_raise_image_error(tmp_path: Path, make_image) -> None:
    cache = tmp_path / "thumbs"
    for name, (path, message) in broken_files(tmp_path, make_image).items():
        with pytest.raises(ImageError, match=message):
            thumbnail(path, cache)
        if name != "empty.jpg":  # the failure is remembered by content, too
            with pytest.raises(ImageError, match=message):
                thumbnail(path, cache)
    assert not [p for p in cache.iterdir() if p.suffix in (".jpg", ".png")]


def test_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    with pytest.raises(ImageError, match="too large in pixels"):
        render(bomb.read_bytes())


def test_unwritable_cache_still_gives_a_thumbnail(tmp_path: Path, make_image) -> None:
    source = make_image(tmp_path / "a.jpg", (320, 180))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    thumb = thumbnail(source, blocked / "thumbs")
    assert thumb.is_file() and os.path.commonpath([thumb, blocked]) != str(blocked)
