"""What an export remembers so that exporting again does only what changed.

All of it lives in the project's `.recapdesk/cache/` and is only ever a saving of time:
a cache that cannot be read is ignored, one that cannot be written is skipped.

- the facts of each body (its images, its level-1 headings), so planning need not
  parse every recap (`load_facts`, `save_facts`);
- each episode's problems and each still's full decode (`RememberedChecks`, `checked`);
- a record of the files of the last export to each folder, each under a key of
  everything it is made of: those still right are hard-linked into the next export to
  that folder, or copied into an export to another (`Reuse`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from recapdesk import __version__
from recapdesk.core import images, storage, web_images
from recapdesk.core.checks import check, check_episode
from recapdesk.core.markdown import facts
from recapdesk.core.markdown.figures import ImageSlot
from recapdesk.core.model import Episode, Problem, Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.pages.renderer import PageSet, PlacedImage
from recapdesk.core.paths import resolve_image
from recapdesk.core.resources import resource_path

if TYPE_CHECKING:
    from recapdesk.core.export.plan import ExportPlan

CACHE_VERSION = "1"  # of the export caches (facts, records of earlier exports)


def write_cache(path: Path, text: str) -> None:
    """Write a cache file (atomically; a cache that cannot be written only costs time)."""
    try:
        storage.make_dirs(path.parent)
        storage.atomic_write(path, text, durable=False)
    except OSError:
        pass


# --- body facts -------------------------------------------------------------------------

def _facts_file(series: Series) -> Path:
    return series.state_dir / "cache" / "export" / "facts.json"


def load_facts(series: Series) -> None:
    """Learn the body facts an earlier export of this project found."""
    try:
        data = json.loads(_facts_file(series).read_text("utf-8"))
        for key, (sources, has_h1) in data.get(CACHE_VERSION, {}).items():
            facts.learn(key, facts.BodyFacts(tuple(map(str, sources)), bool(has_h1)))
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # no cache, or an unreadable one: everything is parsed


def save_facts(series: Series) -> None:
    """Keep the body facts of this project's recaps for the next export."""
    found = {}
    for ep in series.episodes:
        key = facts.body_key(ep.body)
        known = facts.known(key)
        if known is not None:
            found[key] = [list(known.images), known.has_h1]
    write_cache(_facts_file(series), json.dumps({CACHE_VERSION: found}))


# --- checks -----------------------------------------------------------------------------

@dataclass
class StagedPage:
    """A recap's page made while it was checked, and what it took for granted: the
    places of its images as if no other recap had any (`images`, None for one that
    cannot be read) and what its image sources resolved to (`resolved`). It is the
    export's page when the export placed and resolved them the same way."""

    name: str
    images: dict[Path, PlacedImage | None]
    resolved: dict[tuple[Path, str], Path | None]

    def holds(self, placed: dict[Path, PlacedImage],
              resolved: dict[tuple[Path, str], Path | None]) -> bool:
        """Whether the export placed and resolved this page's images as assumed."""
        return all(placed.get(source) == image for source, image in self.images.items()) \
            and all(resolved.get(key, key) == path for key, path in self.resolved.items())


@dataclass
class Ahead:
    """Article bodies rendered while their recaps are checked, from the same parse:
    what the pages link to (`pages`, with no images placed yet), which recaps get a
    page, and each body rendered with its images left as slots (`figures.fill_images`
    completes them once the export has placed its images). With a `stage`, each page
    is made whole there at once (`staged`), its images placed as if alone, and its body
    is not kept."""

    pages: PageSet
    paths: frozenset[Path]
    bodies: dict[Path, tuple[str, tuple[ImageSlot, ...]]] = field(default_factory=dict)
    stage: Path | None = None
    staged: dict[Path, StagedPage] = field(default_factory=dict)


class RememberedChecks:
    """`check(series)` as export needs it, without doing again what did not change: an
    episode's problems are remembered under a key of everything they come from (its
    text, every episode's front matter, the stills metadata, and the version of each
    image it shows), and a still's full decode under its file's version. A re-export
    otherwise parses every recap and decodes every still again."""

    def __init__(self, series: Series) -> None:
        self.series = series
        self.file = series.state_dir / "cache" / "export" / "checks.json"
        data: dict = {}
        try:
            loaded = json.loads(self.file.read_text("utf-8"))
            if isinstance(loaded, dict) and loaded.get("version") == checks_version():
                data = loaded
        except (OSError, ValueError):
            pass
        self.episodes: dict[str, list] = data.get("episodes", {})
        self.decodes: dict[str, str] = data.get("decodes", {})
        self.used_episodes: dict[str, list] = {}
        self.used_decodes: dict[str, str] = {}
        self.keys: dict[Path, str] = {}  # each episode's key, once worked out
        self.project = hashlib.sha256(repr([
            str(series.root), repr(sorted(series.stills.items())),
            [(series.rel(e.path), e.readable, e.front_text) for e in series.episodes],
        ]).encode("utf-8", "surrogatepass")).hexdigest()

    def error_for(self, path: Path) -> str:
        """The full decode of an image (what checks.py's image check does), once per
        file version."""
        try:
            key = repr([str(path), stat_key(path)])
        except OSError:
            key = None
        if key is not None and key in self.decodes:
            self.used_decodes[key] = self.decodes[key]
            return self.decodes[key]
        try:
            images.probe(path, full=True)
            error = ""
        except images.ImageError as exc:
            error = str(exc)
        if key is not None:
            self.used_decodes[key] = error
        return error

    def _episode_key(self, ep: Episode) -> str:
        key = self.keys.get(ep.path)
        if key is None:
            key = self.keys[ep.path] = self._work_out_key(ep)
        return key

    def _work_out_key(self, ep: Episode) -> str:
        digest = hashlib.sha256()
        for text in (self.project, self.series.rel(ep.path), ep.front_text, ep.body):
            raw = text.encode("utf-8", "surrogatepass")  # (each part with its length)
            digest.update(len(raw).to_bytes(8, "little") + raw)
        parts: list = [ep.readable, ep.front_ok, ep.body_line]
        sources = list(facts.body_facts(ep.body).images) if ep.readable else []
        if ep.cover:
            sources.append(ep.cover)
        for src in sources:
            resolved = resolve_image(self.series.root, ep.path, src)
            version = None
            if resolved.path is not None:
                try:
                    version = stat_key(resolved.path)
                except OSError:
                    version = "missing"
            parts.append([src, str(resolved.path), resolved.remote, resolved.error, version])
        digest.update(repr(parts).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def knows(self, ep: Episode) -> bool:
        """Whether this episode's problems are remembered (False when finding out needs
        a parse of its body)."""
        if not ep.readable:
            return True
        if not self.episodes:  # (nothing remembered: no need to work out keys)
            return False
        if facts.cached(ep.body) is None and facts.known(facts.body_key(ep.body)) is None:
            return False
        return self._episode_key(ep) in self.episodes

    def learn(self, episodes: dict[str, list], decodes: dict[str, str],
              keys: dict[Path, str]) -> None:
        """Take in what another process checked of the same project (`used_episodes`,
        `used_decodes`, `keys`)."""
        self.episodes.update(episodes)
        self.decodes.update(decodes)
        self.keys.update(keys)

    def episode(self, ep: Episode, tokens: list | None = None) -> list[Problem]:
        """The problems of a recap (`tokens`: its body's, when parsed already, and its
        facts learned from them)."""
        if tokens is None and ep.readable and facts.cached(ep.body) is None \
                and facts.known(facts.body_key(ep.body)) is None:
            tokens = facts.parse_with_facts(ep.body)  # one parse for its facts and checks
        key = self._episode_key(ep)
        found = self.episodes.get(key)
        if found is not None:
            problems = [Problem(*p) for p in found]
        else:
            problems = check_episode(self.series, ep, self,  # type: ignore[arg-type]
                                     tokens=tokens)
        self.used_episodes[key] = [[p.path, p.line, p.level, p.message] for p in problems]
        return problems

    def save(self) -> None:
        write_cache(self.file, json.dumps({"version": checks_version(),
                                            "episodes": self.used_episodes,
                                            "decodes": self.used_decodes}))


@functools.cache
def checks_version() -> str:
    """Changes with RecapDesk and with the checks' code (remembered problems are the
    checks' answers)."""
    import recapdesk.core.checks as checks_module
    import recapdesk.core.paths as paths_module

    digest = hashlib.sha256(f"{CACHE_VERSION} {__version__}".encode())
    for module in (checks_module, paths_module, images):
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):
            digest.update(b"?")
    return digest.hexdigest()


def checked(series: Series, ahead: Ahead | None = None,
            meanwhile: Callable[[], None] | None = None) -> list[Problem]:
    """Every problem of the project, exactly as `checks.check(series)` lists them; the
    recaps not checked before are checked on every core when there are enough (and
    the bodies of `ahead`'s pages rendered from the same parse). `meanwhile` is done
    while the workers check."""
    from recapdesk.core.export import workers  # it imports this module

    remembered = RememberedChecks(series)
    problems: list[Problem] = []

    def alongside() -> None:
        problems.extend(check(dataclasses.replace(series, episodes=[])))  # reading, stills
        if meanwhile is not None:
            meanwhile()

    todo = [i for i, ep in enumerate(series.episodes) if not remembered.knows(ep)]
    workers.check_in_parallel(series, todo, remembered, ahead, alongside)
    for ep in series.episodes:
        problems.extend(remembered.episode(ep))
    problems.sort(key=lambda p: (p.path, p.line, p.level != "error"))
    remembered.save()
    return problems


# --- pages and files of earlier exports ---------------------------------------------

@functools.cache
def resources_key() -> str:
    """Changes with RecapDesk's version and with its templates and theme."""
    digest = hashlib.sha256(__version__.encode())
    for folder in ("templates", "theme"):
        for path in sorted(resource_path(folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stat_key(path: Path) -> list[int]:
    """A source file's version: any change to it changes this."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _file_id(path: Path) -> list[int]:
    """An output file as written (kept by renames and links, changed by any write)."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class Reuse:
    """What an earlier export made that is still right: the files of the last export to
    each folder, recorded with a key of everything they are made from. Those of the
    same folder are hard-linked into the new export (no writing, no flushing to disk
    again); a page another folder holds is copied from there. A file changed since it
    was exported is never taken: its page is made again."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.series = plan.series
        cache = self.series.state_dir / "cache"
        self.old_pages = cache / "pages"  # where earlier versions kept pages
        self.records_dir = cache / "exports"
        self.folder = os.path.normcase(os.path.abspath(plan.out))
        folder = self.folder.encode("utf-8", "surrogatepass")
        self.record_file = self.records_dir / f"{hashlib.sha256(folder).hexdigest()[:32]}.json"
        self.previous = self._load(self.record_file)[1]
        self.current: dict[str, dict] = {}
        self.linked: set[str] = set()
        self._elsewhere: dict[str, list[tuple[Path, list]]] | None = None
        self.site = self._site_key()

    @staticmethod
    def _load(path: Path) -> tuple[str, dict[str, dict]]:
        """(the folder, its files) of an export record; nothing when it cannot be read."""
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") == CACHE_VERSION and isinstance(data["files"], dict):
                folder = data.get("folder")
                return folder if isinstance(folder, str) else "", data["files"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return "", {}

    def _site_key(self) -> str:
        """Everything a page is made of besides its own episode."""
        plan, series = self.plan, self.series
        opts = plan.options
        parts: list = [CACHE_VERSION, resources_key(), series.root.name, repr(series.manifest),
                       repr(sorted(series.stills.items())),
                       [opts.fragment, opts.single_file, opts.spoiler_free, opts.drafts],
                       [(series.rel(e.path), e.title, e.code, e.usable, e.is_draft,
                         page_name(e)) for e in series.episodes],
                       [series.rel(e.path) for e in plan.published],
                       sorted((series.rel(src), i.name, i.width, i.height, i.renditions)
                              for src, i in plan.images.items())]
        if opts.single_file:  # the images' bytes are in the pages
            parts.append(sorted((i.name, stat_key(src)[:3]) for src, i in plan.images.items()
                                if src.exists()))
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def page_key(self, ep: Episode) -> str:
        """A key of everything a recap's page is made of (its body by its key, which the
        export worked out already)."""
        digest = hashlib.sha256(self.site.encode())
        for part in (self.series.rel(ep.path), ep.front_text, facts.body_key(ep.body)):
            raw = part.encode("utf-8", "surrogatepass")
            digest.update(len(raw).to_bytes(8, "little") + raw)
        return digest.hexdigest()

    def image_key(self, image: PlacedImage, rendition: web_images.Rendition) -> str:
        try:
            stat = stat_key(image.source)
        except OSError:
            stat = []
        return repr([CACHE_VERSION, web_images.RENDITIONS_VERSION, rendition.name,
                     rendition.width, rendition.format, stat])

    def link_previous(self, rel: str, key: str, dest: Path) -> bool:
        """Hard-link the last export's `rel` to `dest` if it was made from `key` and has
        not been touched since."""
        entry = self.previous.get(rel)
        if not entry or entry.get("key") != key:
            return False
        old = self.plan.out / rel
        try:
            if old.is_symlink() or _file_id(old) != entry.get("file"):
                return False
        except OSError:
            return False
        if not storage.hard_link(old, dest):
            return False
        self.current[rel] = entry
        self.linked.add(rel)
        return True

    def wrote(self, rel: str, key: str, path: Path) -> None:
        self.current[rel] = {"key": key, "file": _file_id(path)}

    def _exported_pages(self) -> dict[str, list[tuple[Path, list]]]:
        """Where the exports on record put each page: (file, file id) by page key."""
        if self._elsewhere is None:
            self._elsewhere = {}
            try:
                records = sorted(self.records_dir.glob("*.json"))
            except OSError:
                records = []
            for record in records:
                folder, files = self._load(record)
                if not folder:
                    continue
                for rel, entry in files.items():
                    if isinstance(entry, dict) and isinstance(entry.get("key"), str) \
                            and not rel.startswith("images/"):
                        self._elsewhere.setdefault(entry["key"], []).append(
                            (Path(folder) / rel, entry.get("file")))
        return self._elsewhere

    def cached_page(self, key: str) -> bytes | None:
        """The page an earlier export made under `key`, read from the folder it went to
        if that file is still as exported; else None."""
        for path, file_id in self._exported_pages().get(key, []):
            try:
                if path.is_symlink() or _file_id(path) != file_id:
                    continue
                raw = path.read_bytes()
                if _file_id(path) == file_id:  # (not written to while read)
                    return raw
            except OSError:
                continue
        return None

    def save(self, merged: bool) -> None:
        """The export is in place: remember what it holds (the record of its folder)."""
        files = {**self.previous, **self.current} if merged else self.current
        write_cache(self.record_file, json.dumps({"version": CACHE_VERSION,
                                                  "folder": self.folder, "files": files}))
        if self.old_pages.is_dir():
            storage.remove_tree(self.old_pages)
