"""A corpus of broken and hostile project files, for the CLI and the window.

`hostile_project(base)` writes, under `base`, a folder `secret/` (outside the project:
nothing in it may ever be read or copied) and a project `hostile/` whose files are
broken or hostile in every way we know of; `broken_manifests(base)` writes small
projects whose `recapdesk.yaml` itself is broken. `OpenAudit` records every file the
process opens (Python's audit hook), resolved through symlinks.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

SECRET_WORDS = "SECRET-7f3a-never-leaves-its-folder"

MANIFEST = 'title: "Hostile Show"\nsite: {name: Hostile Recaps, language: en}\n'
FRONT = "---\ntitle: {title}\nseason: 1\nepisode: {n}\nstatus: final\n---\n"

SCRIPTS_MD = """\
Plain words first, then everything that must never run.

<script>document.title = "pwned"; window.pwned = 1;</script>

<img src="x" onerror="window.pwned = 2; document.title = 'pwned'">

<svg onload="window.pwned = 3"><script>window.pwned = 4</script></svg>

<iframe src="javascript:window.parent.pwned = 5"></iframe>

<a href="javascript:window.pwned = 6">a javascript: link</a>,
[a markdown one](javascript:alert(1)),
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==),
<a href="JaVaScRiPt&#58;x()">mixed case</a>

<div onclick="window.pwned = 7" style="background:url(javascript:x)">click</div>

<object data="x.swf"></object><embed src="x.swf"><form action="//evil"><input></form>

<meta http-equiv="refresh" content="0;url=javascript:x()"><base href="//evil/">

<style>body { display: none }</style><link rel="stylesheet" href="//evil/x.css">

||<span onmouseover="window.pwned = 8">a spoiler with a handler</span>||

::: spoiler <img src=x onerror=window.pwned=9>
<script>window.pwned = 10</script>
:::
"""

OUTSIDE_MD = """\
![outside by ..](../../secret/secret.jpg)

![absolute](/etc/passwd)

![file url](file:///etc/passwd)

![through a link](../stills/link.jpg)

![windows](C:\\Windows\\win.ini)

[[../../secret/secret]] and [[/etc/passwd]]

<img src="../../secret/secret.jpg"> <img src="file:///etc/passwd">
"""


def _deep_md() -> str:
    return "\n\n".join([
        "> " * 3000 + "deep quote",
        "\n".join("  " * i + "- item" for i in range(400)),
        "[" * 20000 + "x" + "]" * 20000,
        "*" * 50000,
        "||" * 20000,
        "".join(f"{':' * (60 - i)} spoiler\n" for i in range(57)) + "inner\n"
        + "".join(f"{':' * (3 + i)}\n" for i in range(57)),
        "`" * 10000,
        "![" * 5000,
        "<div>" * 5000,
        "&#" + "9" * 5000 + ";",
    ])


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def zip_bomb_png() -> bytes:
    """A PNG of a legal size (6000×6000, under the pixel cap) that is mostly zeros: a
    few hundred KB on disk, 108 MB decoded."""
    im = Image.new("L", (6000, 6000), 0)
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def _jpeg(size: tuple[int, int] = (320, 180), seed: int = 1) -> bytes:
    import hashlib

    raw = hashlib.shake_256(f"{seed}{size}".encode()).digest(size[0] * size[1] * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", size, raw).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _fifo(path: Path) -> None:
    if hasattr(os, "mkfifo"):
        os.mkfifo(path)


def hostile_project(base: Path) -> tuple[Path, Path]:
    """Write `base/secret/` and `base/hostile/`; returns (project, secret folder)."""
    secret = base / "secret"
    secret.mkdir(parents=True)
    (secret / "secret.md").write_text(FRONT.format(title="Secret", n=99) + SECRET_WORDS + "\n")
    (secret / "secret.jpg").write_bytes(_jpeg(seed=99))
    (secret / "secret.yaml").write_text(f"title: {SECRET_WORDS}\n")

    root = base / "hostile"
    episodes, stills = root / "episodes", root / "stills"
    episodes.mkdir(parents=True)
    stills.mkdir()
    (root / "recapdesk.yaml").write_text(MANIFEST, "utf-8")

    def ep(name: str, n: int, body: str, title: str | None = None) -> None:
        (episodes / name).write_text(FRONT.format(title=title or name, n=n) + body, "utf-8")

    ep("s01e01.md", 1, SCRIPTS_MD, "Scripts")
    (episodes / "s01e02.md").write_bytes(
        FRONT.format(title="Caf\xe9", n=2).encode("latin-1") + "Déjà vu\n".encode("latin-1"))
    (episodes / "s01e03.md").write_bytes(
        (FRONT.format(title="UTF-16", n=3) + "Wide\n").encode("utf-16"))
    (episodes / "s01e04.md").write_text("---\ntitle: [unclosed\nseason: 1\n---\nBody\n", "utf-8")
    (episodes / "s01e05.md").write_text("---\ntitle: No end\nseason: 1\nepisode: 5\n"
                                        "Body without a closing line\n", "utf-8")
    ep("s01e06.md", 6, "word " * 400_000 + "\n", "One huge line")
    (episodes / "s01e07.md").write_bytes(
        FRONT.format(title="Controls", n=7).encode() + b"NUL\x00 BEL\x07 ESC\x1b[31m "
        b"\xe2\x80\xae RLO \xef\xbf\xbf U+FFFF \xed\xa0\x80 surrogate\n")
    ep("s01e08.md", 8, _deep_md(), "Deep nesting")
    ep("s01e09.md", 9, OUTSIDE_MD, "Outside paths")
    (episodes / "s01e10.md").write_text("---\n" + _billion_laughs()
                                        + "title: Laughs\nseason: 1\nepisode: 10\n---\nBody\n")
    (episodes / "s01e11.md").write_text("---\n- a\n- list\n---\nBody\n", "utf-8")
    (episodes / "s01e12.md").write_bytes(b"")
    (episodes / "link.md").symlink_to(secret / "secret.md")
    (episodes / "dangling.md").symlink_to(base / "nowhere.md")
    (episodes / "folder.md").mkdir()
    _fifo(episodes / "fifo.md")
    (episodes / "pipe.md").symlink_to(episodes / "fifo.md")  # inside, but never readable

    (stills / "stills.yaml").write_text(
        'zero.jpg: {alt: "zero bytes"}\ntruncated.jpg: {alt: "half a file"}\n'
        'corrupt.png: {alt: "noise"}\nbomb.png: {alt: "huge header"}\n'
        'zipbomb.png: {alt: "mostly zeros"}\ntext.jpg: {alt: "a text file"}\n'
        'link.jpg: {alt: "outside"}\n"../../secret/secret.jpg": {alt: "climbing out"}\n'
        '"<script>x()</script>.jpg": {alt: "<script>alert(1)</script>"}\n', "utf-8")
    good = _jpeg((640, 360), seed=1)
    (stills / "good.jpg").write_bytes(good)
    (stills / "zero.jpg").write_bytes(b"")
    (stills / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (stills / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (stills / "bomb.png").write_bytes(png_claiming(200_000, 200_000))
    (stills / "zipbomb.png").write_bytes(zip_bomb_png())
    (stills / "text.jpg").write_text("just text pretending to be a jpeg\n", "utf-8")
    (stills / "link.jpg").symlink_to(secret / "secret.jpg")
    _fifo(stills / "fifo.jpg")
    return root, secret


def broken_manifests(base: Path, secret: Path) -> dict[str, Path]:
    """Small projects whose `recapdesk.yaml` is broken, by what is wrong with it."""
    cases: dict[str, bytes | None] = {
        "bad_yaml": b"title: [unclosed\n  site: {\n",
        "tabs": b"title: x\n\tsite: y\n",
        "not_utf8": "title: Caf\xe9\n".encode("latin-1"),
        "alias_bomb": _billion_laughs().encode(),
        "a_list": b"- title\n- site\n",
        "empty": b"",
        "nul": b"title: a\x00b\n",
        "huge": b"title: x\n" + b"# " + b"y" * (9 * 1024 * 1024) + b"\n",
        "link_outside": None,
    }
    out: dict[str, Path] = {}
    for name, data in cases.items():
        root = base / f"manifest-{name}"
        (root / "episodes").mkdir(parents=True)
        (root / "stills").mkdir()
        (root / "episodes" / "s01e01.md").write_text(
            FRONT.format(title="One", n=1) + "Body\n", "utf-8")
        if data is None:
            (root / "recapdesk.yaml").symlink_to(secret / "secret.yaml")
        else:
            (root / "recapdesk.yaml").write_bytes(data)
        out[name] = root
    return out


def big_episode_project(base: Path, megabytes: int = 5) -> Path:
    """A project with one ordinary episode and one of `megabytes` MB."""
    root = base / "big"
    (root / "episodes").mkdir(parents=True)
    (root / "stills").mkdir()
    (root / "recapdesk.yaml").write_text(MANIFEST, "utf-8")
    (root / "episodes" / "s01e01.md").write_text(FRONT.format(title="Small", n=1) + "Hi\n")
    para = ("Seo-rin waits at the pier while the last ferry pulls away; *nobody* tells her "
            "why, and ||the tape|| stays in her pocket. [[s01e01]]\n\n")
    count = megabytes * 1024 * 1024 // len(para.encode())
    body = "".join(f"## Part {i}\n\n{para}" if i % 200 == 0 else para for i in range(count))
    (root / "episodes" / "s01e02.md").write_text(FRONT.format(title="Big", n=2) + body)
    return root


def snapshot(root: Path, *, skip: tuple[str, ...] = (".recapdesk", "export")) -> dict:
    """Every file of a project (not following links out) with its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip:
            continue
        if path.is_symlink():
            found[rel.as_posix()] = ("link", os.readlink(path))
        elif path.is_file():
            found[rel.as_posix()] = path.read_bytes()
    return found


class OpenAudit:
    """Records every path this process opens (resolved), while active; with
    `main_thread_only`, only what the UI thread opens (not worker threads)."""

    _installed = False
    _active: list[OpenAudit] = []
    _guard = threading.local()

    def __init__(self, *, main_thread_only: bool = False) -> None:
        self.opened: list[str] = []
        self.main_thread_only = main_thread_only

    @classmethod
    def _hook(cls, event: str, args: tuple) -> None:
        if event != "open" or not cls._active or getattr(cls._guard, "busy", False):
            return
        path = args[0] if args else None
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        cls._guard.busy = True
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (OSError, ValueError, TypeError):
            real = os.fsdecode(path) if isinstance(path, (str, bytes)) else str(path)
        finally:
            cls._guard.busy = False
        on_main = threading.current_thread() is threading.main_thread()
        for audit in cls._active:
            if on_main or not audit.main_thread_only:
                audit.opened.append(real)

    @contextmanager
    def watching(self) -> Iterator[OpenAudit]:
        if not OpenAudit._installed:
            sys.addaudithook(OpenAudit._hook)
            OpenAudit._installed = True
        OpenAudit._active.append(self)
        try:
            yield self
        finally:
            OpenAudit._active.remove(self)

    def under(self, folder: Path) -> list[str]:
        prefix = os.path.realpath(folder) + os.sep
        return [p for p in self.opened if p.startswith(prefix)]
