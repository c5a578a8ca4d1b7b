"""Planning an export: what `recapdesk export` will write, decided before anything is.

`plan()` reads and checks the project and decides every output file: the recaps that
get a page, the recaps the pages list, each image's name under `images/` and its size
(`place_images`, the one naming plan, which the CMS fragment uses too), and the
problems that stop the export. Writing is `export.write`. With `make_pages`, a site's
pages are made while their recaps are checked, into the export's stage (a hidden folder
beside the target that `write` puts in place, and that is removed with a plan that is
not written or is stopped by errors).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from recapdesk.core import images, site_icon, storage, web_images
from recapdesk.core.export import caches
from recapdesk.core.model import Episode, Problem, Series
from recapdesk.core.pages.renderer import (
    DEFAULT_CARD,
    STYLESHEET,
    PageSet,
    PlacedImage,
    episode_images,
)
from recapdesk.core.resources import stylesheet

MARKER = ".recapdesk-export"  # in every export folder: one RecapDesk may replace
MARKER_TEXT = "This folder was written by RecapDesk export.\n"


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
class ExportPlan:
    """Everything an export will write: the pages (`pages`: what they list and show),
    the recaps that get one (`targets`), and what stops it (`problems`)."""

    options: ExportOptions
    out: Path
    targets: list[Episode]
    pages: PageSet
    problems: list[Problem]
    write_index: bool
    # recaps' article bodies rendered while they were checked (`caches.Ahead`)
    bodies: dict[Path, tuple] = field(default_factory=dict)
    # the folder the export is built in, with the pages made ahead (recap → file name)
    # and the other files made ahead (names), all flushed to disk
    stage: Path | None = None
    staged: dict[Path, str] = field(default_factory=dict)
    staged_files: set[str] = field(default_factory=set)
    _drop: weakref.finalize | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:  # (sent to workers started by a fork server)
        return {**self.__dict__, "_drop": None}

    def keep_stage(self, stage: Path, staged: dict[Path, str], files: set[str]) -> None:
        """Hold the stage with the pages and files made ahead (removed with this plan
        unless `take_stage` hands it on)."""
        self.stage, self.staged, self.staged_files = stage, staged, files
        self._drop = weakref.finalize(self, storage.remove_tree, stage)

    def take_stage(self) -> Path | None:
        """The stage with the pages made ahead, for `write` to finish (once), or None."""
        stage = self.stage
        if stage is None or self._drop is None or not self._drop.detach():
            return None
        self.stage = None
        if not stage.is_dir():
            self.staged, self.staged_files = {}, set()
            return None
        return stage

    def discard(self) -> None:
        """Remove the pages made ahead (a plan that will not be written)."""
        if self._drop is not None:
            self._drop()
        self.stage, self.staged, self.staged_files = None, {}, set()

    @property
    def series(self) -> Series:
        return self.pages.series

    @property
    def published(self) -> list[Episode]:
        return self.pages.published

    @property
    def images(self) -> dict[Path, PlacedImage]:
        return self.pages.images

    @property
    def blocked(self) -> bool:
        """True when errors stop the export (and --force was not given)."""
        return any(p.is_error for p in self.problems) and not self.options.force

    @property
    def total_steps(self) -> int:
        return len(self.images) + len(self.targets) + int(self.write_index) + 2


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
            storage.make_dirs(parent)
        except OSError as exc:
            raise ExportError(f"{out}: cannot create the folder: "
                              f"{storage.reason(exc.__cause__ or exc)}") from None
    if not os.access(parent, os.W_OK) or (merge and out.exists() and not os.access(out, os.W_OK)):
        raise ExportError(f"{out}: the folder is not writable")


def place_images(series: Series, episodes: list[Episode],
                 memo: dict[tuple[Path, str], Path | None] | None = None, *,
                 single_file: bool = False, full_only: bool = False
                 ) -> dict[Path, PlacedImage]:
    """The files under `images/` and the size of every image these episodes show.

    An image is exported in a few widths and formats (`web_images.plan_renditions`);
    its names start with the source's stem, the main one (`<stem>.jpg`, at most 1200 px)
    being the one `<img src>` and og:image name. When another image's names would clash,
    the stem gets `-2`, and so on, in page order. `single_file`: one file that fits the
    column; `full_only`: one file at most 1600 px (Hugo). Images that cannot be read are
    left out (check reports them).
    `memo` records what each source resolved to.
    """
    placed: dict[Path, PlacedImage] = {}
    used_names: set[str] = {DEFAULT_CARD}
    for ep in episodes:
        for source in episode_images(series, ep, memo):
            if source in placed:
                continue
            try:
                info = images.probe(source)
            except images.ImageError:
                continue  # reported by check; left out when forced
            stem, n = source.stem, 1
            while True:
                renditions = web_images.plan_renditions(info, stem, single=single_file,
                                                        full_only=full_only)
                names = {r.name for r in renditions}
                if not names & used_names and len(names) == len(renditions):
                    break
                n += 1
                stem = f"{source.stem}-{n}"
            used_names |= names
            main = renditions[0]
            placed[source] = PlacedImage(source, main.name, main.width, main.height,
                                         tuple(renditions))
    return placed


def choose_recaps(series: Series, options: ExportOptions) -> tuple[list[Episode],
                                                                   list[Episode]]:
    """(the recaps that get a page, the recaps the pages list): final ones (drafts with
    `drafts`), or the episodes named (which are then listed too, drafts or not)."""
    published = [e for e in series.episodes if e.usable and (options.drafts or not e.is_draft)]
    if not options.episodes:
        return list(published), published
    targets: list[Episode] = []
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
    return targets, published


def gate(series: Series, options: ExportOptions, targets: list[Episode],
         ahead: caches.Ahead | None = None,
         meanwhile: Callable[[], None] | None = None) -> list[Problem]:
    """The problems that concern these recaps (and the project's other files): errors
    among them stop an export unless forced. (`ahead`: bodies to render while checking;
    `meanwhile`: done while the workers check.)"""
    files = {series.rel(e.path) for e in targets}
    if not options.episodes:  # a recap that cannot be read would silently go missing
        files |= {series.rel(e.path) for e in series.episodes if not e.usable}
    return [p for p in caches.checked(series, ahead, meanwhile)
            if p.path in files or not p.path.startswith("episodes/")]


def _ahead(series: Series, options: ExportOptions, targets: list[Episode],
           published: list[Episode]) -> caches.Ahead | None:
    """What of the pages can be rendered while checking: the article bodies of a site's
    pages (a fragment, a single file or a spoiler-free page is rendered as before)."""
    if options.fragment or options.single_file or options.spoiler_free:
        return None
    return caches.Ahead(PageSet(series, published), frozenset(e.path for e in targets))


def plan(series: Series, options: ExportOptions, *, make_pages: bool = False) -> ExportPlan:
    """Decide what to write. Raises ExportError for bad options or output folders.

    `make_pages`: make a site's pages while checking their recaps, into the export's
    stage (for a plan that is written at once; `ExportPlan.discard` drops them)."""
    caches.load_facts(series)
    out = Path(options.out).expanduser() if options.out else default_out(series)
    targets, published = choose_recaps(series, options)
    merge = bool(options.episodes)
    _check_out(series, out, merge)
    write_index = not options.episodes and not options.fragment
    ahead = _ahead(series, options, targets, published)
    made: set[str] = set()
    if ahead is not None and make_pages:
        ahead.stage = new_stage(out)
    try:
        problems = gate(series, options, targets, ahead,
                        _file_maker(series, ahead.stage, made)
                        if ahead is not None and ahead.stage is not None else None)
        resolved: dict[tuple[Path, str], Path | None] = {}
        placed = place_images(series, published if write_index else targets, resolved,
                              single_file=options.single_file)
        caches.save_facts(series)
    except BaseException:
        if ahead is not None and ahead.stage is not None:
            storage.remove_tree(ahead.stage)
        raise
    pages = PageSet(series, published, placed, spoiler_free=options.spoiler_free,
                    inline_css=options.single_file, resolved=resolved,
                    pictures=not options.fragment)
    the_plan = ExportPlan(options, out, targets, pages, problems, write_index,
                          ahead.bodies if ahead is not None else {})
    if ahead is not None and ahead.stage is not None:
        if the_plan.blocked:  # (forced later, it is made again)
            storage.remove_tree(ahead.stage)
        else:
            the_plan.keep_stage(ahead.stage, _staged_pages(ahead, placed, resolved), made)
    return the_plan


SITE_FILES = frozenset({STYLESHEET, *site_icon.SIZES})  # the names `site_files` makes


def site_files(series: Series) -> dict[str, bytes | str]:
    """The files of a site besides its pages and images: the stylesheet and icons."""
    return {STYLESHEET: stylesheet(), **site_icon.icons(series)}


def new_stage(out: Path) -> Path:
    """A new folder beside `out` to build its export in; ExportError when it cannot be
    made."""
    try:
        return storage.make_stage(out)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export: {exc.strerror or exc}") from None


def _file_maker(series: Series, stage: Path, made: set[str]) -> Callable[[], None]:
    """Make a site's other files and the export's marker into `stage`, flushed (what is
    made is added to `made`; what cannot be is left for `write`)."""
    def make() -> None:
        try:
            for name, data in {**site_files(series), MARKER: MARKER_TEXT}.items():
                storage.write_staged(stage / name, data)
                storage.flush_file(stage / name)
                made.add(name)
        except OSError:
            pass
    return make


def _staged_pages(ahead: caches.Ahead, placed: dict[Path, PlacedImage],
                  resolved: dict[tuple[Path, str], Path | None]) -> dict[Path, str]:
    """The pages made ahead that are the export's (their images placed and resolved as
    they assumed); the others are removed from the stage, to be made again."""
    assert ahead.stage is not None
    kept: dict[Path, str] = {}
    for path, page in ahead.staged.items():
        if page.holds(placed, resolved):
            kept[path] = page.name
        else:
            storage.remove(ahead.stage / page.name, quiet=True)
    return kept
