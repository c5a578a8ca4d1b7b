"""Shared fixtures: a fresh copy of the sample series, small projects, test images."""

from __future__ import annotations

import os

# Set before anything can import Qt (other test folders use it).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import hashlib
import http.server
import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "resources" / "sample"

MINIMAL_MANIFEST = 'title: "Test Show"\nsite: {name: Test Recaps, language: en}\n'


def make_image(path: Path | str, size: tuple[int, int] = (1920, 1080), fmt: str = "JPEG",
               color: tuple[int, int, int] = (200, 120, 40), noise: bool = False) -> Path:
    """Write an image with Pillow (parent folders made) and return its path.

    With `noise` the pixels are pseudo-random, so the file is large and every byte counts
    (useful to make a truncated copy that still has a valid header).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if noise:
        raw = hashlib.shake_256(f"{path.name}{size}".encode()).digest(size[0] * size[1] * 3)
        im = Image.frombytes("RGB", size, raw)
    else:
        im = Image.new("RGB", size, color)
    if fmt.upper() in ("GIF",):
        im = im.convert("P")
    im.save(path, fmt)
    return path


def image_size(path: Path | str) -> tuple[int, int]:
    with Image.open(path) as im:
        return im.size


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A fresh, writable copy of the bundled sample series."""
    dest = tmp_path / "sample"
    shutil.copytree(SAMPLE, dest)
    return dest


ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """Factory: `make_project({"episodes/a.md": "...", "stills/x.jpg": b"..."}, name="p")`.

    Writes `recapdesk.yaml` (a minimal manifest unless given in `files`), an `episodes/`
    and a `stills/` folder, then every file: str is written as UTF-8 exactly (no newline
    translation), bytes as is. Returns the project folder.
    """
    counter = {"n": 0}

    def factory(files: Mapping[str, str | bytes] | None = None, *, name: str | None = None,
                manifest: str | None = MINIMAL_MANIFEST) -> Path:
        counter["n"] += 1
        root = tmp_path / (name or f"project{counter['n']}")
        root.mkdir(parents=True)
        (root / "episodes").mkdir()
        (root / "stills").mkdir()
        files = dict(files or {})
        if manifest is not None and "recapdesk.yaml" not in files:
            files["recapdesk.yaml"] = manifest
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return root

    return factory


@pytest.fixture(name="make_image")
def make_image_fixture() -> Callable[..., Path]:
    """The `make_image(path, size=(1920, 1080), fmt="JPEG", color=..., noise=False)` helper."""
    return make_image


@pytest.fixture(name="image_size")
def image_size_fixture() -> Callable[[Path | str], tuple[int, int]]:
    """`image_size(path)`: the (width, height) of an image file, read with Pillow."""
    return image_size


@pytest.fixture
def http_server():
    """A web server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory):
    """A real WordPress on 127.0.0.1 (Debian's packages), one for the whole session."""
    from tests.drivers.wordpress import start_wordpress

    site = start_wordpress(tmp_path_factory.mktemp("wordpress"))
    yield site
    site.stop()


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory):
    """Small test videos with known cuts, made once per session with PyAV (see
    tests/core/video_fixtures.py)."""
    from tests.core.video_fixtures import video_set

    return video_set(tmp_path_factory.mktemp("videos"))
