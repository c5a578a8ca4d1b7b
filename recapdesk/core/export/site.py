"""Export as plan -> write: pages, index, images and stylesheet, with progress steps.

`plan()` reads and checks everything and decides every output file; `write()` is a
generator that yields Progress while it builds the output in a folder beside the
target and swaps it in only when complete (stop iterating to cancel: nothing changes).

Exporting again after a change rebuilds only what changed: each page is remembered
(in the project's `.recapdesk/cache/pages/`) under a key made of everything it is made
from, images are remembered by content (`images.export_image`), and a file of the
previous export that is still right is hard-linked into the new one rather than written
and flushed to disk again (a record of what the last export to each folder holds is
kept in `.recapdesk/cache/exports/`).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recapdesk import __version__
from recapdesk.core import storage
from recapdesk.core.checks import check, check_episode, walk
from recapdesk.core.export import images as imgs
from recapdesk.core.export import page as pg
from recapdesk.core.markdown import ImageRef, LinkTarget, build_markdown
from recapdesk.core.model import Episode, Problem, Series
from recapdesk.core.paths import resolve_image, still_name
from recapdesk.core.resources import resource_path, stylesheet, template_env

MARKER = ".recapdesk-export"
CACHE_VERSION = "1"  # of the export caches (pages, facts, records of earlier exports)
STYLESHEET = "style.css"
DEFAULT_CARD = "card.png"
MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}


class ExportError(Exception):
    """Export cannot start or finish; the message is one clear line."""


@dataclass
class ExportOptions:
    """The SPEC options of `recapdesk export`."""

    out: Path | None = None
    episodes: list[str] = field(default_factory=list)
    fragment: bool = False
    single_file: bool = False
    spoiler_free: bool = False
    drafts: bool = False
    force: bool = False


@dataclass
class Progress:
    done: int
    total: int
    message: str


@dataclass
class PlannedImage:
    source: Path
    name: str  # file name under images/
    width: int
    height: int


@dataclass
class ExportPlan:
    series: Series
    options: ExportOptions
    out: Path
    targets: list[Episode]
    published: list[Episode]
    images: dict[Path, PlannedImage]
    problems: list[Problem]
    write_index: bool
    # image sources as written, per episode, to the files they resolved to when planned
    resolved: dict[tuple[Path, str], Path | None] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """True when errors stop the export (and --force was not given)."""
        return any(p.is_error for p in self.problems) and not self.options.force

    @property
    def total_steps(self) -> int:
        return len(self.images) + len(self.targets) + int(self.write_index) + 2


@dataclass
class ExportResult:
    out: Path
    pages: list[str]
    images: int


# --- planning ---------------------------------------------------------------------

def default_out(series: Series) -> Path:
    return series.root / "export"


def _check_out(series: Series, out: Path, merge: bool) -> None:
    out_r = out.resolve()
    root = series.root.resolve()
    if out_r == root or root.is_relative_to(out_r):
        raise ExportError(f"{out}: the output folder cannot be the project folder or hold it")
    for inner in ("episodes", "stills", ".recapdesk"):
        if out_r.is_relative_to(root / inner):
            raise ExportError(f"{out}: the output folder cannot be inside {inner}/")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ExportError(f"{out}: the folder is not empty and is not a RecapDesk export; "
                          "choose an empty or new folder")
    parent = out.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"{out}: cannot create the folder: {exc.strerror}") from None
    if not os.access(parent, os.W_OK) or (merge and out.exists() and not os.access(out, os.W_OK)):
        raise ExportError(f"{out}: the folder is not writable")


@dataclass(frozen=True)
class BodyFacts:
    """What export needs to know of a body before rendering it (one parse, remembered)."""

    images: tuple[str, ...]  # image sources as written, in page order
    has_h1: bool  # a level-1 heading: the page's headings move down one level


_FACTS: dict[str, BodyFacts] = {}  # by body hash; loaded from the project's cache by plan()
_FACTS_BY_BODY: dict[str, BodyFacts] = {}  # the same by body text (no hashing of the text)
_FACTS_MAX = 4096
_FACTS_BY_BODY_MAX = 256


def _body_key(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def forget_facts() -> None:
    """Forget what was learnt of bodies in this process (the benchmark's cold renders)."""
    _FACTS.clear()
    _FACTS_BY_BODY.clear()


def body_facts(body: str) -> BodyFacts:
    """The images and level-1 headings of a body, from one parse (remembered)."""
    facts = _FACTS_BY_BODY.get(body)
    if facts is not None:
        return facts
    key = _body_key(body)
    facts = _FACTS.get(key)
    if facts is None:
        tokens = build_markdown().parse(body)
        images = tuple(str(loc.token.attrGet("src") or "") for loc in walk(tokens)
                       if loc.token.type == "image")
        facts = BodyFacts(images,
                          any(t.type == "heading_open" and t.tag == "h1" for t in tokens))
        if len(_FACTS) >= _FACTS_MAX:
            _FACTS.clear()
        _FACTS[key] = facts
    if len(_FACTS_BY_BODY) >= _FACTS_BY_BODY_MAX:
        _FACTS_BY_BODY.clear()
    _FACTS_BY_BODY[body] = facts
    return facts


def _facts_file(series: Series) -> Path:
    return series.state_dir / "cache" / "export" / "facts.json"


def _load_facts(series: Series) -> None:
    try:
        data = json.loads(_facts_file(series).read_text("utf-8"))
        for key, (images, has_h1) in data.get(CACHE_VERSION, {}).items():
            _FACTS.setdefault(key, BodyFacts(tuple(map(str, images)), bool(has_h1)))
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # no cache, or an unreadable one: everything is parsed


def _save_facts(series: Series) -> None:
    facts = {}
    for ep in series.episodes:
        found = _FACTS.get(_body_key(ep.body))
        if found is not None:
            facts[_body_key(ep.body)] = [list(found.images), found.has_h1]
    _write_cache(_facts_file(series), json.dumps({CACHE_VERSION: facts}))


def _write_cache(path: Path, text: str) -> None:
    """Write a cache file (atomically; a cache that cannot be written only costs time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


_UNKNOWN = object()


def _episode_images(series: Series, ep: Episode,
                    memo: dict[tuple[Path, str], Path | None] | None = None) -> list[Path]:
    found: list[Path] = []
    for src in body_facts(ep.body).images:
        resolved = resolve_image(series.root, ep.path, src)
        if memo is not None:
            memo[(ep.path, src)] = resolved.path
        if resolved.path is not None:
            found.append(resolved.path)
    if ep.cover:
        resolved = resolve_image(series.root, ep.path, ep.cover)
        if resolved.path is not None:
            found.append(resolved.path)
    return found


class _RememberedChecks:
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
            if isinstance(loaded, dict) and loaded.get("version") == _checks_version():
                data = loaded
        except (OSError, ValueError):
            pass
        self.episodes: dict[str, list] = data.get("episodes", {})
        self.decodes: dict[str, str] = data.get("decodes", {})
        self.used_episodes: dict[str, list] = {}
        self.used_decodes: dict[str, str] = {}
        self.project = hashlib.sha256(repr([
            str(series.root), repr(sorted(series.stills.items())),
            [(series.rel(e.path), e.readable, e.front_text) for e in series.episodes],
        ]).encode("utf-8", "surrogatepass")).hexdigest()

    def error_for(self, path: Path) -> str:
        """The full decode of an image (what checks.py's image check does), once per
        file version."""
        try:
            key = repr([str(path), _stat_key(path)])
        except OSError:
            key = None
        if key is not None and key in self.decodes:
            self.used_decodes[key] = self.decodes[key]
            return self.decodes[key]
        try:
            imgs.probe(path, full=True)
            error = ""
        except imgs.ImageError as exc:
            error = str(exc)
        if key is not None:
            self.used_decodes[key] = error
        return error

    def _episode_key(self, ep: Episode) -> str:
        parts: list = [self.project, self.series.rel(ep.path), ep.readable, ep.front_ok,
                       ep.front_text, ep.body, ep.body_line]
        sources = list(body_facts(ep.body).images) if ep.readable else []
        if ep.cover:
            sources.append(ep.cover)
        for src in sources:
            resolved = resolve_image(self.series.root, ep.path, src)
            version = None
            if resolved.path is not None:
                try:
                    version = _stat_key(resolved.path)
                except OSError:
                    version = "missing"
            parts.append([src, str(resolved.path), resolved.remote, resolved.error, version])
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def episode(self, ep: Episode) -> list[Problem]:
        key = self._episode_key(ep)
        found = self.episodes.get(key)
        if found is not None:
            problems = [Problem(*p) for p in found]
        else:
            problems = check_episode(self.series, ep, self)  # type: ignore[arg-type]
        self.used_episodes[key] = [[p.path, p.line, p.level, p.message] for p in problems]
        return problems

    def save(self) -> None:
        _write_cache(self.file, json.dumps({"version": _checks_version(),
                                            "episodes": self.used_episodes,
                                            "decodes": self.used_decodes}))


@functools.cache
def _checks_version() -> str:
    """Changes with RecapDesk and with the checks' code (remembered problems are the
    checks' answers)."""
    import recapdesk.core.checks as checks_module
    import recapdesk.core.paths as paths_module

    digest = hashlib.sha256(f"{CACHE_VERSION} {__version__}".encode())
    for module in (checks_module, paths_module, imgs):
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):
            digest.update(b"?")
    return digest.hexdigest()


def _check(series: Series) -> list[Problem]:
    """Every problem of the project, exactly as `checks.check(series)` lists them."""
    remembered = _RememberedChecks(series)
    problems = check(dataclasses.replace(series, episodes=[]))  # reading, stills metadata
    for ep in series.episodes:
        problems.extend(remembered.episode(ep))
    problems.sort(key=lambda p: (p.path, p.line, p.level != "error"))
    remembered.save()
    return problems


def plan(series: Series, options: ExportOptions) -> ExportPlan:
    """Decide what to write. Raises ExportError for bad options or output folders."""
    _load_facts(series)
    out = Path(options.out).expanduser() if options.out else default_out(series)
    published = [e for e in series.episodes if e.usable and (options.drafts or not e.is_draft)]
    if options.episodes:
        targets = []
        for ident in options.episodes:
            ep = series.find_episode(ident)
            if ep is None:
                raise ExportError(f"no episode {ident!r} in {series.root.name}")
            if ep not in targets:
                targets.append(ep)
        for ep in targets:
            if ep not in published and ep.usable:
                published.append(ep)
        published.sort(key=Episode.sort_key)
    else:
        targets = list(published)
    merge = bool(options.episodes)
    _check_out(series, out, merge)
    write_index = not options.episodes and not options.fragment
    files = {series.rel(e.path) for e in targets}
    if not options.episodes:  # a recap that cannot be read would silently go missing
        files |= {series.rel(e.path) for e in series.episodes if not e.usable}
    problems = [p for p in _check(series)
                if p.path in files or not p.path.startswith("episodes/")]
    planned: dict[Path, PlannedImage] = {}
    used_names: set[str] = {DEFAULT_CARD}
    resolved: dict[tuple[Path, str], Path | None] = {}
    wanted = [img for ep in (published if write_index else targets)
              for img in _episode_images(series, ep, resolved)]
    for source in wanted:
        if source in planned:
            continue
        try:
            info = imgs.probe(source)
        except imgs.ImageError:
            continue  # reported by check; left out when forced
        stem = source.stem
        name = f"{stem}{imgs.output_suffix(info)}"
        n = 1
        while name in used_names:
            n += 1
            name = f"{stem}-{n}{imgs.output_suffix(info)}"
        used_names.add(name)
        width, height = imgs.export_size(info)
        planned[source] = PlannedImage(source, name, width, height)
    _save_facts(series)
    return ExportPlan(series, options, out, targets, published, planned, problems, write_index,
                      resolved)


# --- rendering --------------------------------------------------------------------

def heading_shift(body: str) -> int:
    """1 when the body uses level-1 headings (the page's title is its one <h1>), else 0."""
    return int(body_facts(body).has_h1)


class PageRenderer:
    """Renders pages for one plan; image URLs are `images/<name>` until inlined."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.series = plan.series
        self.opts = plan.options
        self.base = self.series.base_url
        self.pages = {id(e): pg.page_name(e) for e in plan.published}
        self.inline_css = plan.options.single_file

    def link_resolver(self, target: str) -> LinkTarget | None:
        ep = self.series.find_episode(target)
        if ep is None:
            return None
        href = self.pages.get(id(ep))
        return LinkTarget(href, ep.title)

    def image_resolver(self, ep: Episode):  # noqa: ANN201
        def resolve(src: str) -> ImageRef | None:
            path = self.plan.resolved.get((ep.path, src), _UNKNOWN)
            if path is _UNKNOWN:
                path = resolve_image(self.series.root, ep.path, src).path
            planned = self.plan.images.get(path) if path else None
            if planned is None:
                return None
            return ImageRef(f"images/{planned.name}", planned.width, planned.height)
        return resolve

    def body_html(self, ep: Episode, *, source_lines: bool = False) -> str:
        """The article HTML of an episode. Parsed once: whether its headings move down a
        level (a level-1 heading in it) is known from plan(), or read off this parse."""
        known = _FACTS_BY_BODY.get(ep.body)
        if known is None and self.opts.spoiler_free:  # its parse drops spoilers: ask again
            known = body_facts(ep.body)
        md = build_markdown(episodes=self.link_resolver, stills=self.series.stills,
                            still_of=functools.partial(still_name, self.series.root, ep.path),
                            images=None if source_lines else self.image_resolver(ep),
                            spoiler_free=self.opts.spoiler_free,
                            heading_shift=int(known.has_h1) if known else 0,
                            source_lines=source_lines, line_offset=ep.body_line - 1)
        env: dict = {}
        tokens = md.parse(ep.body, env)
        if known is None and any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
            for token in tokens:  # what heading_ids_plugin(shift=1) does
                if token.type in ("heading_open", "heading_close"):
                    token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
        return md.renderer.render(tokens, md.options, env)

    def cover(self, ep: Episode) -> PlannedImage | None:
        for source in _episode_images(self.series, ep)[::-1] if ep.cover else []:
            if source in self.plan.images:
                return self.plan.images[source]
        for source in _episode_images(self.series, ep):
            if source in self.plan.images:
                return self.plan.images[source]
        return None

    def image_url(self, image: PlannedImage | None) -> str:
        name = f"images/{image.name}" if image else f"images/{DEFAULT_CARD}"
        return self.base + name if self.base else name

    def common(self, ep_or_none: Episode | None) -> dict:
        return {
            "lang": self.series.language,
            "site_name": self.series.site_name,
            "series_title": self.series.title,
            "author": self.series.author,
            "streaming": pg.streaming_line(self.series),
            "inline_css": stylesheet() if self.inline_css else None,
            "stylesheet_href": None if self.inline_css else STYLESHEET,
        }

    def episode_page(self, ep: Episode, body: str) -> str:
        series = self.series
        name = pg.page_name(ep)
        cover = self.cover(ep)
        url = self.base + name if self.base else ""
        image = self.image_url(cover)
        published = self.plan.published
        idx = published.index(ep) if ep in published else -1
        prev_ep = published[idx - 1] if idx > 0 else None
        next_ep = published[idx + 1] if 0 <= idx < len(published) - 1 else None

        def link(e: Episode) -> pg.RecapLink:
            return pg.RecapLink(pg.page_name(e), e.title, (e.code or "").upper(), e is ep)

        ctx = pg.PageContext(
            title=f"{ep.title} | {series.site_name}" if series.site_name not in ep.title
            else ep.title,
            heading=ep.title,
            description=pg.description(series, ep),
            og_type="article",
            og_image=image,
            canonical=url,
            json_ld=pg.json_script(pg.episode_ld(series, ep, image=image, url=url)),
            kicker=pg.kicker(ep),
            date_iso=ep.date.isoformat() if ep.date else "",
            date_text=pg.date_text(ep),
            runtime=f"{ep.runtime} min" if ep.runtime else "",
            rating=ep.rating,
            stars=pg.stars(ep.rating) if ep.rating is not None else "",
            excerpt=ep.excerpt,
            spoiler_warning=pg.SPOILER_WARNINGS.get(ep.spoilers, ""),
            spoiler_level=ep.spoilers,
            spoiler_free=self.opts.spoiler_free,
            body_html=body,
            prev=link(prev_ep) if prev_ep else None,
            next=link(next_ep) if next_ep else None,
            recaps=[link(e) for e in published],
            extra={"rating_text": pg.format_rating(ep.rating) if ep.rating is not None else ""},
            **self.common(ep),
        )
        return template_env().get_template("episode.html").render(page=ctx, series=series)

    def fragment(self, ep: Episode, body: str) -> str:
        parts = []
        warning = pg.SPOILER_WARNINGS.get(ep.spoilers, "")
        if warning:
            parts.append(f'<p class="spoiler-warning spoiler-warning-{ep.spoilers}">'
                         f"{warning}</p>\n")
        parts.append(body)
        return "".join(parts)

    def index_page(self) -> str:
        series = self.series
        cards = []
        first_image: PlannedImage | None = None
        for ep in self.plan.published:
            cover = self.cover(ep)
            first_image = first_image or cover
            cards.append({
                "href": pg.page_name(ep), "title": ep.title, "excerpt": ep.excerpt,
                "kicker": pg.kicker(ep),
                "image": {"src": f"images/{cover.name}", "width": cover.width,
                          "height": cover.height} if cover else None,
            })
        facts = []
        if series.original_title:
            facts.append(("Original title", series.original_title))
        if series.format:
            facts.append(("Format", series.format))
        if series.directors:
            label = "Director" if len(series.directors) == 1 else "Directors"
            facts.append((label, ", ".join(series.directors)))
        if series.episode_count:
            facts.append(("Episodes", str(series.episode_count)))
        if series.network:
            facts.append(("Streaming on", series.network))
        by_actor = {actor: char for char, actor in series.characters.items() if actor}
        cast = [(actor, by_actor.get(actor, "")) for actor in series.cast]
        image = self.image_url(first_image)
        url = self.base
        description = (f"Episode recaps of {series.title}"
                       + (f" ({series.original_title})" if series.original_title else "")
                       + (f", streaming on {series.network}" if series.network else "") + ".")
        ctx = pg.PageContext(
            title=f"{series.title} Recaps | {series.site_name}"
            if series.site_name != series.title else f"{series.title} Recaps",
            heading=series.title,
            description=description,
            og_type="website",
            og_image=image,
            canonical=url,
            json_ld=pg.json_script(pg.index_ld(series, image=image)),
            extra={"facts": facts, "cast": cast, "cards": cards,
                   "original_lang": _guess_lang(series.original_title)},
            **self.common(None),
        )
        return template_env().get_template("index.html").render(page=ctx, series=series)


def _guess_lang(text: str) -> str:
    """A language tag for an original title by its script (ko, ja, zh), else ''."""
    for ch in text:
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF:
            return "ko"
        if 0x3040 <= code <= 0x30FF:
            return "ja"
    if any(0x4E00 <= ord(ch) <= 0x9FFF for ch in text):
        return "zh"
    return ""


# --- writing ----------------------------------------------------------------------

def _inline_images(html: str, images_dir: Path, names: list[str]) -> str:
    """Replace every quoted `images/<name>` (src, og:image, JSON-LD) with a data URI."""
    for name in names:
        needle = f'"images/{name}"'
        if needle in html and (images_dir / name).is_file():
            data = base64.b64encode((images_dir / name).read_bytes()).decode("ascii")
            mime = MIME.get(Path(name).suffix, "application/octet-stream")
            html = html.replace(needle, f'"data:{mime};base64,{data}"')
    return html


@functools.cache
def _resources_key() -> str:
    """Changes with RecapDesk's version and with its templates and theme."""
    digest = hashlib.sha256(__version__.encode())
    for folder in ("templates", "theme"):
        for path in sorted(resource_path(folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stat_key(path: Path) -> list[int]:
    """A source file's version: any change to it changes this."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _file_id(path: Path) -> list[int]:
    """An output file as written (kept by renames and links, changed by any write)."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class _Reuse:
    """What an earlier export made that is still right: pages remembered by a key of
    everything they are made from, and files of the last export to the same folder
    (hard-linked into the new one: no writing, no flushing to disk again)."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.series = plan.series
        cache = self.series.state_dir / "cache"
        self.pages_dir = cache / "pages"
        self.records_dir = cache / "exports"
        folder = os.path.normcase(os.path.abspath(plan.out)).encode("utf-8", "surrogatepass")
        self.record_file = self.records_dir / f"{hashlib.sha256(folder).hexdigest()[:32]}.json"
        self.previous = self._load(self.record_file)
        self.current: dict[str, dict] = {}
        self.linked: set[str] = set()
        self.site = self._site_key()

    @staticmethod
    def _load(path: Path) -> dict[str, dict]:
        try:
            data = json.loads(path.read_text("utf-8"))
            return data["files"] if data.get("version") == CACHE_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _site_key(self) -> str:
        """Everything a page is made of besides its own episode."""
        plan, series = self.plan, self.series
        opts = plan.options
        parts: list = [CACHE_VERSION, _resources_key(), series.root.name, repr(series.manifest),
                       repr(sorted(series.stills.items())),
                       [opts.fragment, opts.single_file, opts.spoiler_free, opts.drafts],
                       [(series.rel(e.path), e.title, e.code, e.usable, e.is_draft,
                         pg.page_name(e)) for e in series.episodes],
                       [series.rel(e.path) for e in plan.published],
                       sorted((series.rel(src), i.name, i.width, i.height)
                              for src, i in plan.images.items())]
        if opts.single_file:  # the images' bytes are in the pages
            parts.append(sorted((i.name, _stat_key(src)[:3]) for src, i in plan.images.items()
                                if src.exists()))
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def page_key(self, ep: Episode) -> str:
        digest = hashlib.sha256(self.site.encode())
        for part in (self.series.rel(ep.path), ep.front_text, ep.body):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    def image_key(self, image: PlannedImage) -> str:
        try:
            stat = _stat_key(image.source)
        except OSError:
            stat = []
        return repr([CACHE_VERSION, imgs.CACHE_VERSION, imgs.MAX_WIDTH, image.name, stat])

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
            os.link(old, dest)
        except OSError:
            return False
        self.current[rel] = entry
        self.linked.add(rel)
        return True

    def wrote(self, rel: str, key: str, path: Path) -> None:
        self.current[rel] = {"key": key, "file": _file_id(path)}

    def cached_page(self, key: str) -> str | None:
        try:
            return (self.pages_dir / f"{key}.html").read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def store_page(self, key: str, html: str) -> None:
        _write_cache(self.pages_dir / f"{key}.html", html)

    def save(self, merged: bool) -> None:
        """The export is in place: remember what it holds; forget pages no export holds."""
        files = {**self.previous, **self.current} if merged else self.current
        _write_cache(self.record_file, json.dumps({"version": CACHE_VERSION, "files": files}))
        keep = set()
        for record in self.records_dir.glob("*.json"):
            keep |= {entry.get("key") for entry in self._load(record).values()}
        try:
            for page in self.pages_dir.glob("*.html"):
                if page.stem not in keep:
                    page.unlink(missing_ok=True)
        except OSError:
            pass


def write(plan: ExportPlan) -> Iterator[Progress]:
    """Build the export beside its target and swap it in; yields Progress steps.

    Raises ExportError when the plan is blocked by errors or writing fails.
    """
    if plan.blocked:
        raise ExportError("the project has errors; nothing was written (use --force to "
                          "export anyway)")
    series, opts = plan.series, plan.options
    out = plan.out
    total = plan.total_steps
    done = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes 0700; a site must be readable
    try:
        images_dir = stage / "images"
        images_dir.mkdir()
        cache = series.state_dir / "cache" / "images"
        reuse = _Reuse(plan)
        for image in plan.images.values():
            yield Progress(done, total, f"Image {image.name}")
            rel, key = f"images/{image.name}", reuse.image_key(image)
            if opts.single_file or not reuse.link_previous(rel, key, images_dir / image.name):
                try:
                    imgs.export_image(image.source, images_dir / image.name, cache)
                    reuse.wrote(rel, key, images_dir / image.name)
                except (imgs.ImageError, OSError) as exc:
                    if not opts.force:
                        raise ExportError(f"{series.rel(image.source)}: {exc}") from None
            done += 1
        renderer = PageRenderer(plan)
        needs_card = False
        written: list[str] = []
        inline_names = [i.name for i in plan.images.values()] + [DEFAULT_CARD]
        if opts.single_file:
            shutil.copyfile(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)
        for ep in plan.targets:
            name = pg.page_name(ep)
            yield Progress(done, total, f"Page {name}")
            key = reuse.page_key(ep)
            if not reuse.link_previous(name, key, stage / name):
                html = reuse.cached_page(key)
                if html is None:
                    body = renderer.body_html(ep)
                    if opts.fragment:
                        html = renderer.fragment(ep, body)
                    else:
                        html = renderer.episode_page(ep, body)
                    if opts.single_file:
                        html = _inline_images(html, images_dir, inline_names)
                    reuse.store_page(key, html)
                (stage / name).write_text(html, "utf-8")
                reuse.wrote(name, key, stage / name)
            if not opts.fragment:
                needs_card = needs_card or renderer.cover(ep) is None
            written.append(name)
            done += 1
        if plan.write_index:
            yield Progress(done, total, "Series page index.html")
            html = renderer.index_page()
            needs_card = needs_card or not plan.images
            if opts.single_file:
                html = _inline_images(html, images_dir, inline_names)
            (stage / "index.html").write_text(html, "utf-8")
            written.append("index.html")
            done += 1
        yield Progress(done, total, "Stylesheet")
        if opts.single_file:
            shutil.rmtree(images_dir)
        else:
            if not opts.fragment:
                (stage / STYLESHEET).write_text(stylesheet(), "utf-8")
            if needs_card and not opts.fragment:
                shutil.copyfile(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)
            if not any(images_dir.iterdir()):
                images_dir.rmdir()
        (stage / MARKER).write_text("This folder was written by RecapDesk export.\n", "utf-8")
        done += 1
        yield Progress(done, total, "Putting the export in place")
        for path in stage.rglob("*"):  # linked files are the last export's, on disk already
            if path.is_file() and path.relative_to(stage).as_posix() not in reuse.linked:
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        for folder in (images_dir, stage):
            if folder.is_dir():
                storage.fsync_dir(folder)
        merged = bool(opts.episodes and out.exists())
        if merged:
            _merge(stage, out)
        else:
            storage.swap_in_folder(stage, out)
        reuse.save(merged)
        done += 1
        yield Progress(done, total, f"Exported {len(written)} page(s) to {out}")
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export: {exc.strerror or exc}") from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _merge(stage: Path, out: Path) -> None:
    """Move each staged file into an existing export (one atomic replace per file)."""
    for path in sorted(stage.rglob("*")):
        rel = path.relative_to(stage)
        target = out / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    storage.fsync_dir(out)


def export(series: Series, options: ExportOptions) -> ExportResult:
    """Plan and write in one go (no progress); raises ExportError."""
    the_plan = plan(series, options)
    for _ in write(the_plan):
        pass
    pages = [pg.page_name(e) for e in the_plan.targets]
    if the_plan.write_index:
        pages.append("index.html")
    return ExportResult(the_plan.out, pages, len(the_plan.images))
