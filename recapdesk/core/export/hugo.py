"""Hugo page bundles: `recapdesk export PROJECT --format hugo -o SITE/content/recaps`.

Each recap becomes a leaf bundle, a folder named like its page (`s01e04/`) holding
`index.md` (Hugo front matter + the body as Hugo Markdown, see `hugo_body`) and its
stills, resized like export does. The two shortcodes the bodies use are written to the
site's `layouts/shortcodes/`. Bundles are built in a staging folder of the site and
put in place only when all are complete (they link to each other).

The output folder must be inside a Hugo site (a `hugo.toml`, `config.toml`, … above
it). RecapDesk replaces only what it wrote: a bundle is its own when the front matter
of its `index.md` says so (`recapdesk: {series: …}`), a shortcode when its first line
does. A full export (no
`--episode`) removes its own bundles of recaps no longer exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from recapdesk.core import frontmatter, storage, web_images
from recapdesk.core.export.hugo_body import BundleLinks, HugoBody
from recapdesk.core.export.plan import ExportError, ExportOptions, choose_recaps, gate, place_images
from recapdesk.core.export.write import Progress
from recapdesk.core.images import ImageError
from recapdesk.core.model import Episode, Problem, Series
from recapdesk.core.pages import context as pg
from recapdesk.core.pages.renderer import PageRenderer, PageSet, PlacedImage
from recapdesk.core.resources import resource_path

CONFIG_NAMES = tuple(f"{stem}.{ext}" for stem in ("hugo", "config")
                     for ext in ("toml", "yaml", "yml", "json"))
SHORTCODES = ("recapdesk-spoiler.html", "recapdesk-html.html")
SHORTCODE_MARK = "Written by RecapDesk"
OWNER_KEY = "recapdesk"


@dataclass
class Bundle:
    """One recap's page bundle: where it goes, its stills, and how others link to it."""

    ep: Episode
    folder: Path
    images: dict[Path, PlacedImage]


@dataclass
class HugoPlan:
    """Everything a Hugo export will write."""

    options: ExportOptions
    series: Series
    site: Path
    out: Path
    bundles: list[Bundle]
    pages: PageSet
    links: BundleLinks
    stale: list[Path]
    problems: list[Problem]

    @property
    def blocked(self) -> bool:
        return any(p.is_error for p in self.problems) and not self.options.force

    @property
    def total_steps(self) -> int:
        return sum(len(b.images) + 1 for b in self.bundles) + 1


def find_site(folder: Path) -> Path | None:
    """The Hugo site a folder is in: the nearest folder above it with a Hugo config."""
    for parent in Path(folder).resolve().parents:
        if any((parent / name).is_file() for name in CONFIG_NAMES):
            return parent
    return None


def bundle_name(ep: Episode) -> str:
    return Path(pg.page_name(ep)).stem


def _owner(folder: Path) -> dict[str, Any] | None:
    """What RecapDesk noted in a bundle it wrote ({"series", "id"}), None when it did not
    write it (or the page cannot be read)."""
    try:
        text = (folder / "index.md").read_text("utf-8")
        data = frontmatter.parse(frontmatter.split(text).front_text)
    except (OSError, UnicodeDecodeError, ValueError, frontmatter.FrontMatterError):
        return None
    owner = data.get(OWNER_KEY)
    return dict(owner) if isinstance(owner, dict) and owner.get("series") else None


def _check_options(options: ExportOptions) -> None:
    for flag, given in (("--fragment", options.fragment), ("--single-file",
                        options.single_file), ("--spoiler-free", options.spoiler_free)):
        if given:
            raise ExportError(f"{flag} cannot be used with --format hugo")
    if options.out is None:
        raise ExportError("--format hugo needs -o: a folder in the content of a Hugo site, "
                          "such as SITE/content/recaps")


def _check_out(series: Series, out: Path) -> Path:
    """The Hugo site `out` is in (ExportError when it is not a place for bundles)."""
    root = series.root.resolve()
    out_r = out.resolve()
    if out_r == root or out_r.is_relative_to(root) or root.is_relative_to(out_r):
        raise ExportError(f"{out}: Hugo bundles cannot go in the project folder")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    site = find_site(out)
    if site is None:
        raise ExportError(f"{out}: not inside a Hugo site (no {' or '.join(CONFIG_NAMES[:2])} "
                          "in a folder above it); give the site's content folder")
    for name in SHORTCODES:
        path = site / "layouts" / "shortcodes" / name
        if path.exists() and SHORTCODE_MARK not in _first_line(path):
            raise ExportError(f"{path}: a shortcode of that name is there already and "
                              "RecapDesk did not write it; rename it first")
    return site


def _first_line(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.readline()
    except OSError:
        return ""


def _ref_path(site: Path, folder: Path) -> str:
    """How Hugo's `relref` names a bundle: from the content folder, else by its name."""
    content = (site / "content").resolve()
    folder = folder.resolve()
    if folder.is_relative_to(content):
        return "/" + folder.relative_to(content).as_posix()
    return folder.name


def plan_hugo(series: Series, options: ExportOptions) -> HugoPlan:
    """Decide the bundles to write. Raises ExportError for bad options or folders."""
    _check_options(options)
    out = Path(options.out).expanduser()
    site = _check_out(series, out)
    targets, published = choose_recaps(series, options)
    problems = gate(series, options, targets)
    bundles = []
    for ep in targets:
        folder = out / bundle_name(ep)
        if folder.exists():
            owner = _owner(folder)
            if owner is None or owner.get("series") != series.slug:
                raise ExportError(f"{folder}: a page of that name is there already and "
                                  "RecapDesk did not write it for this series; move it or "
                                  "export to another folder")
        bundles.append(Bundle(ep, folder, place_images(series, [ep], full_only=True)))
    names = {b.folder.name for b in bundles}
    mine = {}
    if out.is_dir():
        for folder in sorted(out.iterdir()):
            owner = _owner(folder) if folder.is_dir() else None
            if owner is not None and owner.get("series") == series.slug:
                mine[folder.name] = str(owner.get("id") or "")
    stale = [] if options.episodes else [out / n for n in mine if n not in names]
    refs = {b.ep.id: _ref_path(site, b.folder) for b in bundles if not b.ep.is_draft}
    if options.episodes:  # recaps exported before are linked to where they are
        for name, ep_id in mine.items():
            other = series.find_episode(ep_id) if ep_id else None
            if other is not None and other.id not in refs and not other.is_draft:
                refs[other.id] = _ref_path(site, out / name)
    pages = PageSet(series, published)
    return HugoPlan(options, series, site, out, bundles, pages, BundleLinks(refs), stale,
                    problems)


def front_matter(plan: HugoPlan, bundle: Bundle) -> str:
    """The YAML front matter of a bundle's `index.md`."""
    series, ep = plan.series, bundle.ep
    data = CommentedMap()
    data["title"] = ep.title
    if ep.date:
        data["date"] = ep.date
    if ep.is_draft:
        data["draft"] = True
    data["description"] = pg.description(series, ep)
    data["categories"] = [series.title]
    if ep.season is not None and ep.number is not None:
        data["weight"] = ep.season * 1000 + ep.number
    cover = PageRenderer(PageSet(series, [ep], bundle.images)).cover(ep)
    if cover is not None:  # Hugo's own social-card templates look for "*cover*"
        data["resources"] = [CommentedMap(src=cover.name, name="cover")]
    owner = CommentedMap(series=series.slug, id=ep.id, spoilers=ep.spoilers)
    if ep.rating is not None:
        owner["rating"] = ep.rating
    if ep.runtime:
        owner["runtime"] = ep.runtime
    data[OWNER_KEY] = owner
    return frontmatter.join(frontmatter.dump(data), "")


def shortcode_text(name: str) -> str:
    return resource_path("hugo", "shortcodes", name).read_text("utf-8")


def write_hugo(plan: HugoPlan) -> Iterator[Progress]:
    """Build every bundle in a staging folder of the site, then put them in place and
    write the shortcodes; yields Progress. Stop iterating to cancel: nothing changes."""
    if plan.blocked:
        raise ExportError("the project has errors; nothing was written (use --force to "
                          "export anyway)")
    series = plan.series
    cache = series.state_dir / "cache" / "images"
    body = HugoBody(plan.pages, plan.links)
    total, done = plan.total_steps, 0
    try:
        stage = storage.make_stage(plan.site / "recapdesk-bundles")
    except OSError as exc:
        raise ExportError(f"{plan.site}: cannot write: {storage.reason(exc)}") from None
    try:
        for bundle in plan.bundles:
            folder = stage / bundle.folder.name
            storage.make_dirs(folder)
            for image in bundle.images.values():
                yield Progress(done, total, f"{bundle.folder.name}/{image.name}")
                try:
                    web_images.write_web_image(image.source, folder / image.name, cache)
                except (ImageError, OSError) as exc:
                    if not plan.options.force:
                        raise ExportError(f"{series.rel(image.source)}: {exc}") from None
                done += 1
            yield Progress(done, total, f"{bundle.folder.name}/index.md")
            text = front_matter(plan, bundle) + "\n" + body.body(bundle.ep, bundle.images)
            storage.write_staged(folder / "index.md", text)
            done += 1
        yield Progress(done, total, "Putting the bundles in place")
        storage.flush_tree(stage)
        _write_shortcodes(plan.site)
        storage.make_dirs(plan.out)
        for bundle in plan.bundles:
            storage.swap_in_folder(stage / bundle.folder.name, bundle.folder)
        for folder in plan.stale:
            storage.remove_tree(folder)
    except OSError as exc:
        raise ExportError(f"{plan.out}: cannot write: {storage.reason(exc)}") from None
    finally:
        storage.remove_tree(stage)
    yield Progress(total, total, "Done")


def _write_shortcodes(site: Path) -> None:
    folder = site / "layouts" / "shortcodes"
    storage.make_dirs(folder)
    for name in SHORTCODES:
        text = shortcode_text(name)
        path = folder / name
        try:
            same = path.read_text("utf-8") == text
        except OSError:
            same = False
        if not same:
            storage.atomic_write(path, text)
