"""Helpers shared by the core tests: line diffs, and export runs read back as parsed pages."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from recapdesk.core.export.plan import ExportOptions
from recapdesk.core.export.write import export
from recapdesk.core.project import open_project


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The (before, after) pairs of the lines that differ; both texts have as many lines."""
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


# --- exports of the sample, read back ---------------------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"
FINAL_PAGES = ["s01e01.html", "s01e02.html", "s01e03.html"]


class Page(HTMLParser):
    """A parsed page: every start tag with its attributes, scripts, styles, h1 texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self._stack: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag in ("script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span",
                   "p", "summary", "figcaption"):
            self._stack.append((tag, attributes, []))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_data(self, data):
        for _, _, parts in self._stack:
            parts.append(data)

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                _, attrs, parts = self._stack.pop(i)
                text = "".join(parts)
                if tag == "script":
                    self.scripts.append((attrs.get("type", ""), text))
                elif tag == "style":
                    self.styles.append(text)
                elif tag.startswith("h") and len(tag) == 2:
                    self.headings.setdefault(tag, []).append(text.strip())
                break

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        out = []
        for name, a in self.tags:
            if name == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v
                                   for k, v in attrs.items()):
                out.append(a)
        return out

    def meta(self, *, name: str | None = None, prop: str | None = None) -> str | None:
        for tag, a in self.tags:
            if tag != "meta":
                continue
            if name is not None and a.get("name") == name:
                return a.get("content")
            if prop is not None and a.get("property") == prop:
                return a.get("content")
        return None

    def json_ld(self) -> dict:
        found = [text for kind, text in self.scripts if kind == "application/ld+json"]
        assert len(found) == 1
        return json.loads(found[0])

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def read_page(path: Path) -> Page:
    return Page(path.read_text("utf-8"))


def tree_hashes(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip:
            continue
        if path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def html_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.html"))


def copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest)
    return dest


def append_body(root: Path, ident: str, text: str) -> None:
    path = root / "episodes" / f"{ident}.md"
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


def run_export(root: Path, out: Path, **options: object) -> Path:
    export(open_project(root), ExportOptions(out=out, **options))
    return out


def data_uri_images(html: str) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for mime, data in re.findall(r'data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)', html):
        with Image.open(io.BytesIO(base64.b64decode(data))) as im:
            found.append((mime, im.size))
    return found


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def episode(title: str, number: int, *, status: str = "final", extra: str = "",
            body: str = "Body text.\n") -> str:
    """A recap file's text whose front matter keeps comments after its values."""
    return (f'---\ntitle: "{title}"   # the headline\nseason: 1\nepisode: {number}\n'
            f"status: {status}             # draft | final\n{extra}---\n{body}")
