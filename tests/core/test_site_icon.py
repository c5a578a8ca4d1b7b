"""The site icon: from `site.icon`, or drawn from the series' initials; remembered in
the user's cache folder, which is never needed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core import site_icon
from recapdesk.core.checks import check
from recapdesk.core.export.plan import ExportOptions
from recapdesk.core.export.write import export
from recapdesk.core.project import open_project

EPISODE = '---\ntitle: "Episode 1"\nseason: 1\nepisode: 1\n---\n\nText.\n'


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch) -> Path:
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def png(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    assert im.format == "PNG"
    return im.convert("RGB")


def project(make_project, icon: str | None = None) -> Path:
    site = "site: {name: Test Recaps, language: en" + (f", icon: {icon}" if icon else "") + "}"
    return make_project({"episodes/s01e01.md": EPISODE},
                        manifest=f'title: "Last Ferry"\n{site}\n')


def test_the_default_icon_is_the_initials_on_the_accent_colour(make_project,
                                                               tmp_path: Path) -> None:
    root = project(make_project)
    made = site_icon.icons(open_project(root))
    assert set(made) == {"icon.png", "apple-touch-icon.png"}
    icon, touch = png(made["icon.png"]), png(made["apple-touch-icon.png"])
    assert icon.size == (192, 192) and touch.size == (180, 180)
    assert icon.getpixel((3, 3)) == site_icon.ACCENT
    assert site_icon.initials("Last Ferry to Udo") == "LF"
    # every page links both; the files are in the export
    out = tmp_path / "site"
    export(open_project(root), ExportOptions(out=out))
    assert (out / "icon.png").read_bytes() == made["icon.png"]
    for page in ("index.html", "s01e01.html"):
        html = (out / page).read_text("utf-8")
        assert '<link rel="icon" href="icon.png" sizes="192x192" type="image/png">' in html
        assert '<link rel="apple-touch-icon" href="apple-touch-icon.png">' in html


def test_site_icon_is_made_from_the_projects_image(make_project, make_image) -> None:
    root = project(make_project, "stills/logo.png")
    make_image(root / "stills" / "logo.png", (400, 300), fmt="PNG", color=(10, 200, 30))
    made = site_icon.icons(open_project(root))
    assert png(made["icon.png"]).getpixel((96, 96)) == (10, 200, 30)
    assert not [p for p in check(open_project(root)) if "site.icon" in p.message]


def test_an_icon_that_cannot_be_used_is_a_warning_and_the_initials_stand_in(
        make_project) -> None:
    root = project(make_project, "stills/missing.png")
    warnings = [p for p in check(open_project(root)) if "site.icon" in p.message]
    assert len(warnings) == 1 and warnings[0].level == "warning"
    assert "does not exist" in warnings[0].message
    made = site_icon.icons(open_project(root))
    assert png(made["icon.png"]).getpixel((3, 3)) == site_icon.ACCENT


def test_icons_are_drawn_once_and_made_again_when_their_source_changes(
        make_project, make_image, monkeypatch, own_cache: Path) -> None:
    root = project(make_project, "stills/logo.png")
    logo = make_image(root / "stills" / "logo.png", (300, 300), fmt="PNG", color=(10, 200, 30))
    first = site_icon.icons(open_project(root))
    assert len(list((own_cache / "recapdesk" / "icons").iterdir())) == 2

    def never(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(Image.Image, "resize", never)
    assert site_icon.icons(open_project(root)) == first
    monkeypatch.undo()
    make_image(logo, (300, 300), fmt="PNG", color=(200, 20, 30))
    again = site_icon.icons(open_project(root))
    assert png(again["icon.png"]).getpixel((96, 96)) == (200, 20, 30)


def test_a_cache_folder_that_cannot_be_written_only_costs_time(make_project, tmp_path: Path,
                                                                monkeypatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    made = site_icon.icons(open_project(project(make_project)))
    assert png(made["icon.png"]).size == (192, 192)
