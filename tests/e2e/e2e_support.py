"""Shared data and helpers for the browser end-to-end tests (see conftest.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import yaml

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: The export variants checked by the Nu checker and axe, by name -> CLI flags.
VARIANTS = {
    "site": ("--drafts",),
    "single": ("--drafts", "--single-file"),
    "spoiler_free": ("--drafts", "--spoiler-free"),
}


# --- the sample series, read independently of recapdesk's own model -----------------

def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text("utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.S)
    assert match, f"{path}: no YAML front matter"
    return yaml.safe_load(match.group(1)), match.group(2)


@dataclass(frozen=True)
class SampleEpisode:
    code: str  # s01e03
    page: str  # s01e03.html
    meta: dict = field(hash=False, compare=False)
    body: str = field(hash=False, compare=False, repr=False)

    @property
    def rating(self):
        return self.meta.get("rating")

    @property
    def spoilers(self) -> str:
        return str(self.meta.get("spoilers", "none"))

    @property
    def is_draft(self) -> bool:
        return self.meta.get("status") == "draft"


def _sample_series() -> tuple[dict, list[SampleEpisode]]:
    manifest = yaml.safe_load((SAMPLE / "recapdesk.yaml").read_text("utf-8"))
    episodes = []
    for path in sorted((SAMPLE / "episodes").glob("*.md")):
        meta, body = _front_matter(path)
        code = f"s{int(meta['season']):02d}e{int(meta['episode']):02d}"
        episodes.append(SampleEpisode(code, f"{code}.html", meta, body))
    episodes.sort(key=lambda e: (e.meta["season"], e.meta["episode"]))
    return manifest, episodes


MANIFEST, EPISODES = _sample_series()
EPISODE_PAGES = [e.page for e in EPISODES]
ALL_PAGES = ["index.html", *EPISODE_PAGES]


# --- exports ------------------------------------------------------------------------

def _recapdesk_cmd() -> list[str]:
    script = Path(sys.executable).with_name("recapdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "recapdesk"]


@dataclass
class Export:
    name: str
    out: Path
    flags: tuple[str, ...]

    @property
    def single_file(self) -> bool:
        return "--single-file" in self.flags

    @property
    def spoiler_free(self) -> bool:
        return "--spoiler-free" in self.flags

    @property
    def pages(self) -> list[Path]:
        return sorted(self.out.glob("*.html"))

    def html(self, name: str) -> str:
        return (self.out / name).read_text("utf-8")

    def doc(self, name: str):
        """The page parsed as a browser would (html5lib), as an ElementTree root."""
        return _parse(self.out / name)

    def uri(self, name: str) -> str:
        return (self.out / name).as_uri()

    def local_file(self, url: str) -> Path | None:
        """The file a file:// URL points to, if it is inside this export."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.is_relative_to(self.out.resolve()) else None


_DOCS: dict[Path, object] = {}


def _parse(path: Path):
    if path not in _DOCS:
        _DOCS[path] = html5lib.parse(path.read_bytes(), treebuilder="etree",
                                     namespaceHTMLElements=False)
    return _DOCS[path]


def run_export(project: Path, out: Path, *flags: str) -> Export:
    proc = subprocess.run([*_recapdesk_cmd(), "export", str(project), "-o", str(out), *flags],
                          capture_output=True, text=True, timeout=120, cwd=out.parent)
    assert proc.returncode == 0, (f"recapdesk export {' '.join(flags)} exited "
                                  f"{proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    assert (out / "index.html").is_file(), f"no index.html in {out}"
    return Export(out.name, out, tuple(flags))


CANARY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>canary</title></head>
<body><p><div>a div inside a p, and</div> an <span>unclosed span</p>
<img src="x.png"></body></html>
"""


@dataclass
class NuReport:
    messages: list[dict]
    checked: list[Path]

    def for_folder(self, folder: Path) -> list[dict]:
        # The checker writes URLs as file:/path (one slash); compare paths instead.
        folder = folder.resolve()
        return [m for m in self.messages
                if Path(unquote(urlsplit(m.get("url", "")).path)).is_relative_to(folder)]

    def errors(self, folder: Path) -> list[dict]:
        # "non-document-error" (e.g. an unreadable file) counts as an error too.
        return [m for m in self.for_folder(folder)
                if m.get("type") in ("error", "non-document-error")]


def format_nu(messages: list[dict]) -> str:
    lines = []
    for m in messages:
        name = unquote(m.get("url", "")).rsplit("/", 1)[-1]
        kind = m.get("type") + (f"/{m['subType']}" if m.get("subType") else "")
        extract = " ".join(m.get("extract", "").split())[:90]
        lines.append(f"  {name}:{m.get('lastLine', '?')}: {kind}: {m.get('message')}"
                     + (f"  [{extract}]" if extract else ""))
    return "\n".join(lines)


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())
