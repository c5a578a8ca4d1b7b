"""The stills core: import, names, figure Markdown, usages, details, rename, removal."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core import stills, storage
from recapdesk.core.images import ImageError
from recapdesk.core.markdown import build_markdown
from recapdesk.core.model import Still
from recapdesk.core.paths import still_name
from recapdesk.core.project import open_project

REPO = Path(__file__).resolve().parents[2]


def episode(season: int, number: int, body: str, *, extra: str = "") -> str:
    return (f'---\ntitle: "Test Show Episode {number} Recap: Things"\nseason: {season}\n'
            f"episode: {number}\n{extra}---\n{body}")


def png_bytes(size: tuple[int, int] = (64, 36), mode: str = "RGB",
              color: tuple[int, ...] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 36)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def bomb_header_png(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width`×`height` pixels."""
    data = png_bytes((1, 1), "1", (1,))
    ihdr = data.index(b"IHDR")
    body = struct.pack(">II", width, height) + data[ihdr + 12: ihdr + 17]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + body) & 0xFFFFFFFF)
    return data[: ihdr + 4] + body + crc + data[ihdr + 21:]


@pytest.fixture
def project(make_project, make_image) -> Path:
    root = make_project({
        "episodes/s01e01.md": episode(1, 1, "Intro.\n"),
        "episodes/s01e04.md": episode(1, 4, "Finale.\n"),
        "stills/stills.yaml": "# the show's stills\ns01e04-01.jpg:\n  alt: Old alt\n",
    })
    make_image(root / "stills" / "s01e04-01.jpg", (64, 36))
    make_image(root / "stills" / "s01e04-02.jpg", (64, 36))
    return root


def stills_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "stills").iterdir())


# --- import ---------------------------------------------------------------------------

def test_import_jpeg_into_the_episode(project: Path, tmp_path: Path, make_image) -> None:
    source = make_image(tmp_path / "Screenshot 2024-03-27.jpg", (320, 180))
    series = open_project(project)
    still = stills.import_image(series, source, episode=series.find_episode("s01e04"))
    assert still.name == "s01e04-03.jpg"
    assert (project / "stills" / "s01e04-03.jpg").read_bytes() == source.read_bytes()
    assert still.episode == "s01e04"
    assert still.caption == "Still From Test Show Episode 4"
    assert still.alt == ""
    reread = open_project(project)
    assert reread.stills["s01e04-03.jpg"] == Still("s01e04-03.jpg", caption=still.caption,
                                                   episode="s01e04")
    assert reread.stills["s01e04-01.jpg"].alt == "Old alt"
    assert (project / "stills" / "stills.yaml").read_text("utf-8").startswith("# the show's")


@pytest.mark.parametrize(("fmt", "suffix", "expected"), [
    ("PNG", ".png", ".png"), ("WEBP", ".webp", ".webp"), ("GIF", ".gif", ".gif"),
    ("JPEG", ".jpeg", ".jpeg"), ("PNG", ".jpg", ".png"),  # the real format wins
])
def test_import_keeps_the_real_format_extension(project: Path, tmp_path: Path, make_image,
                                                fmt: str, suffix: str, expected: str) -> None:
    source = tmp_path / f"grab{suffix}"
    make_image(tmp_path / f"made.{fmt.lower()}", (48, 27), fmt).rename(source)
    series = open_project(project)
    still = stills.import_image(series, source, episode=series.find_episode("s01e01"))
    assert still.name == f"s01e01-01{expected}"
    assert (project / "stills" / still.name).read_bytes() == source.read_bytes()


def test_import_clipboard_png_bytes_without_episode(project: Path) -> None:
    data = png_bytes()
    series = open_project(project)
    still = stills.import_image(series, data, episode=None, ext_hint="png")
    assert still.name == "still-01.png"
    assert still.episode == "" and still.caption == ""
    assert (project / "stills" / "still-01.png").read_bytes() == data
    assert stills.import_image(series, data, episode=None).name == "still-02.png"


def test_large_screenshot_is_kept_byte_for_byte(project: Path, tmp_path: Path,
                                                make_image) -> None:
    source = make_image(tmp_path / "4k.png", (3840, 2160), "PNG")
    series = open_project(project)
    still = stills.import_image(series, source, episode=series.find_episode("s01e04"))
    with Image.open(project / "stills" / still.name) as im:
        assert im.size == (3840, 2160)
    assert (project / "stills" / still.name).read_bytes() == source.read_bytes()


def test_unique_names_count_files_of_any_format_and_described_names(
        make_project, make_image) -> None:
    root = make_project({
        "episodes/s01e02.md": episode(1, 2, "x\n"),
        "stills/stills.yaml": "s01e02-09.jpg:\n  alt: described, file gone\n",
    })
    for name in ("s01e02-01.jpg", "s01e02-07.png", "S01E02-08.webp", "s01e02-x.jpg",
                 "s01e020-50.jpg", "other-12.jpg"):
        make_image(root / "stills" / name, (16, 9), {".png": "PNG", ".webp": "WEBP"}.get(
            Path(name).suffix, "JPEG"))
    series = open_project(root)
    still = stills.import_image(series, jpeg_bytes(), episode=series.find_episode("s01e02"),
                                ext_hint=".jpg")
    assert still.name == "s01e02-10.jpg"


def test_episode_without_code_uses_its_file_name(make_project) -> None:
    root = make_project({"episodes/Pilot Night.md": "---\ntitle: Pilot\n---\nText\n"})
    series = open_project(root)
    still = stills.import_image(series, png_bytes(), episode=series.episodes[0])
    assert still.name == "pilot-night-01.png"
    assert still.episode == "Pilot Night"


def test_caption_pattern_from_the_manifest(make_project) -> None:
    root = make_project({"episodes/s02e05.md": episode(2, 5, "x\n")},
                        manifest='title: "Show"\ncaption_pattern: "{series} {code}, ep. '
                                 '{episode} ({unknown})"\n')
    series = open_project(root)
    ep = series.find_episode("s02e05")
    assert stills.caption_for(series, ep) == "Show s02e05, ep. 5 ({unknown})"
    assert stills.import_image(series, png_bytes(), episode=ep).caption == \
        "Show s02e05, ep. 5 ({unknown})"
    assert stills.caption_for(series, None) == ""


REFUSED = [
    ("notes.jpg", b"These are my notes, not a picture.\n", "not a readable image"),
    ("empty.png", b"", "empty"),
    ("huge.png", bomb_header_png(100_000, 100_000), "too large in pixels"),
    ("vector.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
    ("photo.bmp", b"BM" + bytes(60), "not an image"),
    ("still.png.txt", png_bytes(), "not an image"),
    ("noext", png_bytes(), "without an image extension"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refuses_what_is_not_a_whole_image(project: Path, tmp_path: Path, name: str,
                                           data: bytes, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    before = stills_files(project)
    yaml_before = (project / "stills" / "stills.yaml").read_bytes()
    series = open_project(project)
    with pytest.raises(ImageError, match=message):
        stills.import_image(series, source, episode=series.find_episode("s01e04"))
    assert stills_files(project) == before
    assert (project / "stills" / "stills.yaml").read_bytes() == yaml_before
    assert "s01e04-03.jpg" not in series.stills


def test_refuses_a_truncated_jpeg(project: Path, tmp_path: Path, make_image) -> None:
    whole = make_image(tmp_path / "whole.jpg", (400, 300), noise=True).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 2])
    series = open_project(project)
    with pytest.raises(ImageError, match="truncated or corrupt"):
        stills.import_image(series, cut, episode=None)
    with pytest.raises(ImageError, match="truncated or corrupt"):
        stills.import_image(series, whole[: len(whole) // 2], episode=None)
    assert not list((project / "stills").glob("still-*"))


def test_refuses_decompression_bombs(project: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # 400 megapixels in a small file
    assert bomb.stat().st_size < 1024 * 1024
    over_limit = tmp_path / "big.png"
    Image.new("1", (8000, 8000)).save(over_limit, "PNG")  # 64 MP: above our 60 MP limit
    series = open_project(project)
    for source in (bomb, over_limit, bomb.read_bytes()):
        with pytest.raises(ImageError, match="too large in pixels"):
            stills.import_image(series, source, episode=None)
    assert not list((project / "stills").glob("still-*"))


def test_refuses_a_missing_file_and_a_folder(project: Path, tmp_path: Path) -> None:
    series = open_project(project)
    with pytest.raises(ImageError, match="cannot read gone.jpg"):
        stills.import_image(series, tmp_path / "gone.jpg", episode=None)
    (tmp_path / "folder.jpg").mkdir()
    with pytest.raises(ImageError, match="not a file"):
        stills.import_image(series, tmp_path / "folder.jpg", episode=None)


# --- figure Markdown ----------------------------------------------------------------------

def test_figure_markdown_is_relative_to_the_markdown_file(project: Path) -> None:
    series = open_project(project)
    series.stills["s01e04-01.jpg"] = Still("s01e04-01.jpg", alt='The [ferry] *leaves*',
                                           caption='Still From "Test" Episode 4')
    md_file = project / "episodes" / "s01e04.md"
    text = stills.figure_markdown(series, series.stills["s01e04-01.jpg"], md_file)
    assert text == ('![The \\[ferry\\] \\*leaves\\*](../stills/s01e04-01.jpg '
                    '"Still From \\"Test\\" Episode 4")')
    deeper = project / "episodes" / "season 1" / "e04.md"
    assert "(../../stills/s01e04-01.jpg " in stills.figure_markdown(series, "s01e04-01.jpg",
                                                                   deeper)
    assert stills.figure_markdown(series, "night shot (2).png", md_file) == \
        "![](../stills/night%20shot%20%282%29.png)"


def test_figure_markdown_renders_as_that_still(project: Path) -> None:
    series = open_project(project)
    still = Still("night shot #2.jpg", alt="Rain on the [pier]", caption='A "long" night')
    md_file = project / "episodes" / "s01e04.md"
    html = build_markdown().render(stills.figure_markdown(series, still, md_file) + "\n")
    assert html.startswith('<figure class="still"><img src="../stills/night%20shot%20%232.jpg"')
    assert 'alt="Rain on the [pier]"' in html
    assert "<figcaption>A &quot;long&quot; night</figcaption>" in html
    token = [t for t in build_markdown().parse(stills.figure_markdown(series, still, md_file))
             if t.type == "inline"][0].children[0]
    assert still_name(series.root, md_file, token.attrGet("src")) == "night shot #2.jpg"


# --- usages ---------------------------------------------------------------------------------

USAGE_BODY = """\
Opening line.

![A ferry](../stills/a.jpg "Caption")

Inline ![x](../stills/b.png) and ![remote](https://example.com/a.jpg) and
a second line with ![y](../stills/a.jpg).

- ![in a list](<../stills/a.jpg>)

> ![quoted](../stills/c%20d.jpg)

```
![code, not an image](../stills/a.jpg)
```

![elsewhere](../other/a.jpg)
"""


def test_usages_with_file_lines(make_project) -> None:
    root = make_project({
        "episodes/s01e01.md": episode(1, 1, USAGE_BODY, extra="cover: ../stills/b.png\n"),
        "episodes/s01e02.md": episode(1, 2, "\n\n![again](../stills/a.jpg)\n"),
    })
    series = open_project(root)
    e1, e2 = (root / "episodes" / "s01e01.md").resolve(), (root / "episodes" / "s01e02.md")
    e2 = e2.resolve()
    found = stills.usages(series)
    # s01e01's body starts on file line 7 (six front matter lines, cover included)
    assert found["a.jpg"] == [(e1, 9), (e1, 12), (e1, 14), (e2, 8)]
    assert found["b.png"] == [(e1, 5), (e1, 11)]
    assert found["c d.jpg"] == [(e1, 16)]
    assert set(found) == {"a.jpg", "b.png", "c d.jpg"}


def test_usages_prefer_unsaved_editor_texts(make_project) -> None:
    root = make_project({"episodes/s01e01.md": episode(1, 1, "![a](../stills/a.jpg)\n")})
    series = open_project(root)
    path = series.episodes[0].path
    unsaved = episode(1, 1, "Now\n\nmoved\n\n![a](../stills/b.jpg)\n")
    assert stills.usages(series, {path: unsaved}) == {"b.jpg": [(path, 10)]}
    assert stills.usages(series) == {"a.jpg": [(path, 6)]}


def test_still_episode_from_details_or_name(project: Path) -> None:
    series = open_project(project)
    series.stills["x.jpg"] = Still("x.jpg", episode="S01E01")
    assert stills.still_episode(series, "x.jpg") == "s01e01"
    assert stills.still_episode(series, "s01e04-02.jpg") == "s01e04"
    assert stills.still_episode(series, "s02e09-01.jpg") == "s02e09"
    assert stills.still_episode(series, "poster.jpg") == ""


# --- details ----------------------------------------------------------------------------------

def test_update_still_writes_stills_yaml_keeping_comments(project: Path) -> None:
    series = open_project(project)
    stills.update_still(series, "s01e04-01.jpg", alt="  The ferry\nleaves  ",
                        credit="Netflix")
    stills.update_still(series, "s01e04-02.jpg", caption="Night", episode="S01E01")
    text = (project / "stills" / "stills.yaml").read_text("utf-8")
    assert text.startswith("# the show's stills\n")
    reread = open_project(project).stills
    assert reread["s01e04-01.jpg"] == Still("s01e04-01.jpg", alt="The ferry leaves",
                                            credit="Netflix")
    assert reread["s01e04-02.jpg"] == Still("s01e04-02.jpg", caption="Night",
                                            episode="s01e01")
    stills.update_still(series, "s01e04-01.jpg", alt="")
    assert open_project(project).stills["s01e04-01.jpg"].alt == ""
    with pytest.raises(stills.StillError):
        stills.update_still(series, "../escape.jpg", alt="x")


# --- renaming -----------------------------------------------------------------------------------

RENAME_BODY = """\
![First](../stills/a.jpg "Still From Test Show Episode 1")

Mentions a.jpg and ../stills/a.jpg in prose, `![code](../stills/a.jpg)` in code.
Keep ![twin](../stills/aa.jpg) and ![other folder](../other/a.jpg) as they are.

- ![listed](<../stills/a.jpg> 'title') then ![again](../stills/a.jpg)

> ![quoted](../stills/a.jpg)

| still | note |
|---|---|
| ![cell](../stills/a.jpg) | a.jpg |

![by reference][shot]

```markdown
![fenced](../stills/a.jpg)
```

[shot]: ../stills/a.jpg "Ref title"
[keep]: ../stills/aa.jpg
"""


def test_rename_updates_only_references_to_that_still(make_project, make_image) -> None:
    root = make_project({
        "episodes/s01e01.md": episode(1, 1, RENAME_BODY, extra="cover: '../stills/a.jpg'\n"),
        "episodes/s01e02.md": episode(1, 2, "![twin](../stills/aa.jpg)\n"),
        "stills/stills.yaml": "# comment\naa.jpg:\n  alt: Twin\na.jpg:\n  alt: First alt\n"
                              "z.jpg:\n  alt: Last\n",
    })
    for name in ("a.jpg", "aa.jpg", "z.jpg"):
        make_image(root / "stills" / name, (16, 9))
    series = open_project(root)
    ep1 = series.find_episode("s01e01").path
    before = ep1.read_text("utf-8")
    changed = stills.rename_still(series, "a.jpg", "Ferry at dusk")
    assert list(changed) == [ep1]  # s01e02 only uses aa.jpg
    assert ep1.read_text("utf-8") == before  # the caller writes the texts
    new = changed[ep1]
    expected = before
    for old, repl in [
        ('(../stills/a.jpg "Still', '(../stills/Ferry%20at%20dusk.jpg "Still'),
        ("(<../stills/a.jpg> 'title')", "(<../stills/Ferry at dusk.jpg> 'title')"),
        ("![again](../stills/a.jpg)", "![again](../stills/Ferry%20at%20dusk.jpg)"),
        ("![quoted](../stills/a.jpg)", "![quoted](../stills/Ferry%20at%20dusk.jpg)"),
        ("![cell](../stills/a.jpg)", "![cell](../stills/Ferry%20at%20dusk.jpg)"),
        ('[shot]: ../stills/a.jpg "Ref', '[shot]: ../stills/Ferry%20at%20dusk.jpg "Ref'),
        ("cover: '../stills/a.jpg'", "cover: '../stills/Ferry%20at%20dusk.jpg'"),
    ]:
        assert expected.count(old) == 1, old
        expected = expected.replace(old, repl)
    assert new == expected
    # untouched: prose, code spans, fenced code, the twin, the other folder
    assert "Mentions a.jpg and ../stills/a.jpg in prose, `![code](../stills/a.jpg)`" in new
    assert "![fenced](../stills/a.jpg)" in new
    assert "![twin](../stills/aa.jpg)" in new and "[keep]: ../stills/aa.jpg" in new
    assert "![other folder](../other/a.jpg)" in new
    # the file and its stills.yaml entry (same place, same details) moved
    assert sorted(p.name for p in (root / "stills").glob("*.jpg")) == [
        "Ferry at dusk.jpg", "aa.jpg", "z.jpg"]
    yaml_text = (root / "stills" / "stills.yaml").read_text("utf-8")
    assert yaml_text.index("aa.jpg") < yaml_text.index("Ferry at dusk.jpg") \
        < yaml_text.index("z.jpg")
    assert open_project(root).stills["Ferry at dusk.jpg"].alt == "First alt"
    # written back, every use now points at the new name, on the same lines
    storage.atomic_write(ep1, new)
    reread = open_project(root)
    uses = stills.usages(reread)
    assert "a.jpg" not in uses
    # cover (line 5), then the body from line 7: figure, list (two), quote, table, reference
    assert [line for _, line in uses["Ferry at dusk.jpg"]] == [5, 7, 12, 12, 14, 18, 20]
    assert [line for _, line in uses["aa.jpg"]] == [10, 6]


def test_rename_refuses_to_overwrite_and_keeps_everything(make_project, make_image) -> None:
    root = make_project({"episodes/s01e01.md": episode(1, 1, "![a](../stills/a.jpg)\n")})
    for name in ("a.jpg", "b.jpg"):
        make_image(root / "stills" / name, (16, 9), color=(len(name), 0, 0))
    a_bytes = (root / "stills" / "a.jpg").read_bytes()
    b_bytes = (root / "stills" / "b.jpg").read_bytes()
    series = open_project(root)
    with pytest.raises(stills.StillError, match="b.jpg already exists"):
        stills.rename_still(series, "a.jpg", "b.jpg")
    with pytest.raises(stills.StillError, match="b.jpg already exists"):
        stills.rename_still(series, "a.jpg", "b")
    assert (root / "stills" / "a.jpg").read_bytes() == a_bytes
    assert (root / "stills" / "b.jpg").read_bytes() == b_bytes
    with pytest.raises(stills.StillError, match="keep the .jpg extension"):
        stills.rename_still(series, "a.jpg", "c.png")
    for bad in ("", "../c.jpg", "sub/c.jpg", ".hidden"):
        with pytest.raises(stills.StillError):
            stills.rename_still(series, "a.jpg", bad)
    with pytest.raises(stills.StillError, match="not in stills"):
        stills.rename_still(series, "gone.jpg", "c.jpg")
    assert sorted(p.name for p in (root / "stills").iterdir()) == ["a.jpg", "b.jpg"]


def test_rename_keeps_the_extension_and_uses_unsaved_texts(make_project, make_image) -> None:
    root = make_project({"episodes/s01e01.md": episode(1, 1, "Saved text only.\n")})
    make_image(root / "stills" / "a.jpeg", (16, 9))
    series = open_project(root)
    path = series.episodes[0].path
    unsaved = episode(1, 1, "Typed, not saved:\n\n![a](../stills/a.jpeg)\n")
    changed = stills.rename_still(series, "a.jpeg", "harbour", texts={path: unsaved})
    assert (root / "stills" / "harbour.jpeg").is_file()
    assert changed == {path: unsaved.replace("a.jpeg", "harbour.jpeg")}
    assert stills.rename_still(series, "harbour.jpeg", "dock.jpg") == {}
    assert (root / "stills" / "dock.jpg").is_file()


# --- removal --------------------------------------------------------------------------------------

def test_remove_still_goes_to_the_trash_and_drops_its_entry(project: Path,
                                                           tmp_path: Path) -> None:
    data_home = tmp_path / "xdg-data"
    data = (project / "stills" / "s01e04-01.jpg").read_bytes()
    code = textwrap.dedent(f"""
        from pathlib import Path
        from recapdesk.core import stills
        from recapdesk.core.project import open_project
        series = open_project(Path({str(project)!r}))
        stills.remove_still(series, "s01e04-01.jpg")
        stills.remove_still(series, "s01e04-02.jpg")
    """)
    (tmp_path / "home").mkdir()
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stills_files(project) == ["stills.yaml"]
    trash = data_home / "Trash"
    assert (trash / "files" / "s01e04-01.jpg").read_bytes() == data
    info = (trash / "info" / "s01e04-01.jpg.trashinfo").read_text("utf-8")
    assert "Path=" in info and "s01e04-01.jpg" in info
    assert (trash / "files" / "s01e04-02.jpg").is_file()
    assert open_project(project).stills == {}
    assert (project / "stills" / "stills.yaml").read_text("utf-8").startswith("# the show's")


def test_remove_refuses_names_outside_stills(project: Path) -> None:
    series = open_project(project)
    for bad in ("../recapdesk.yaml", "stills.yaml", ""):
        with pytest.raises(stills.StillError):
            stills.remove_still(series, bad)
    assert (project / "recapdesk.yaml").is_file()


def test_remove_references_drops_figures_and_cover(project: Path) -> None:
    series = open_project(project)
    path = project / "episodes" / "s01e01.md"
    text = episode(1, 1, textwrap.dedent("""\
        Before.

        ![Gone](../stills/a.jpg "Caption")

        Middle, mentioning ![inline](../stills/a.jpg) stays.

        ![Twin](../stills/aa.jpg)

        > ![quoted](../stills/a.jpg)

        After.
        """), extra="cover: ../stills/a.jpg\nrating: 4\n")
    out = stills.remove_references(series, path, text, "a.jpg")
    assert out == episode(1, 1, textwrap.dedent("""\
        Before.

        Middle, mentioning ![inline](../stills/a.jpg) stays.

        ![Twin](../stills/aa.jpg)

        After.
        """), extra="rating: 4\n")
    assert stills.remove_references(series, path, out, "nothing.jpg") == out


def test_remove_references_keeps_other_images_of_the_same_file_name(project: Path) -> None:
    """Only figures of the still itself go: an image on the web or in another folder
    that happens to have the same file name is another picture."""
    series = open_project(project)
    path = project / "episodes" / "s01e01.md"
    body = textwrap.dedent("""\
        ![Ours](../stills/a.jpg)

        ![On the web](https://example.com/img/a.jpg)

        ![Elsewhere](../other/a.jpg)

        ![Protocol-relative](//cdn.example.com/a.jpg)

        ![Escaped](../stills/%61.jpg)
        """)
    text = episode(1, 1, body, extra="cover: https://example.com/img/a.jpg\n")
    out = stills.remove_references(series, path, text, "a.jpg")
    assert out == episode(1, 1, textwrap.dedent("""\
        ![On the web](https://example.com/img/a.jpg)

        ![Elsewhere](../other/a.jpg)

        ![Protocol-relative](//cdn.example.com/a.jpg)
        """), extra="cover: https://example.com/img/a.jpg\n")


def test_still_name_is_the_still_a_source_points_at(tmp_path: Path) -> None:
    root = tmp_path / "show"
    recap = root / "episodes" / "s01e01.md"
    nested = root / "episodes" / "season 1" / "e01.md"
    assert still_name(root, recap, "../stills/a.jpg") == "a.jpg"
    assert still_name(root, recap, "../stills/a%20b.jpg?v=2#top") == "a b.jpg"
    assert still_name(root, recap, "..\\stills\\a.jpg") == "a.jpg"
    assert still_name(root, recap, "./../stills/../stills/a.jpg") == "a.jpg"
    assert still_name(root, nested, "../../stills/a.jpg") == "a.jpg"
    for other in ("https://example.com/img/a.jpg", "//cdn.example.com/stills/a.jpg",
                  "../other/a.jpg", "a.jpg", "../stills/sub/a.jpg", "/stills/a.jpg",
                  "../../show/stills/../x/a.jpg", "data:image/png;base64,AAAA", "",
                  "../stills/", "C:/stills/a.jpg", "file:///stills/a.jpg"):
        assert still_name(root, recap, other) is None, other
