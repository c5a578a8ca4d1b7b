"""Export work on every core: stills and pages made in worker processes.

`Jobs` runs the jobs of one export, in worker processes when there is enough work
(`worth_a_pool`) and in this process otherwise, and yields each result as it is done.
Either way a file is made by the same function (`make_image`, `make_page`), so a
parallel export writes exactly the bytes a serial one does. Workers get the plan once
when they start, write their files into the export's stage through storage, and import
nothing but the Qt-free core.

A process that runs one thread (the command line) forks its workers; one that runs
more (the window's export thread) starts them from a fork server, since forking a
threaded process is unsafe.
"""

from __future__ import annotations

import base64
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    as_completed,
    wait,
)
from dataclasses import dataclass, field
from pathlib import Path

from recapdesk.core import resources, storage, web_images
from recapdesk.core.export import caches
from recapdesk.core.export.plan import ExportPlan, place_images
from recapdesk.core.markdown import facts
from recapdesk.core.markdown.figures import SLOTS_KEY, ImageSlot, fill_images
from recapdesk.core.model import Episode, Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.pages.renderer import (
    PageRenderer,
    PlacedImage,
    episode_images,
    shift_headings,
)
from recapdesk.core.web_images import Rendition

# Rough costs on one core, to decide whether a pool pays for its start.
_SECONDS_PER_CHAR = 1 / 1_500_000  # a page, per character of its recap
_SECONDS_PER_FINISH = 0.001  # a page whose body is rendered: template, writes
_SECONDS_PER_RENDITION = 0.03  # a still's file, resized and encoded
POOL_START_SECONDS = 0.05  # forking the workers
MIN_POOL_WORK_SECONDS = 0.1  # less work than this is done in this process


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def estimate(images: list[tuple[PlacedImage, list[Rendition]]], pages: list[Episode],
             bodies: Collection[Path] = ()) -> float:
    """Roughly how many seconds of one core this work takes (`bodies`: the recaps whose
    bodies are rendered already)."""
    return (sum(len(missing) for _, missing in images) * _SECONDS_PER_RENDITION
            + sum(_SECONDS_PER_FINISH if ep.path in bodies else len(ep.body) * _SECONDS_PER_CHAR
                  for ep in pages))


def worth_a_pool(seconds: float, jobs: int) -> bool:
    return cores() > 1 and jobs > 1 and seconds >= MIN_POOL_WORK_SECONDS


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 2  # not known: assume threads


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and _threads() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


_FROZE = False  # whether `_pool` froze this process' objects (and so may thaw them)


def _pool(workers: int, initializer, initargs: tuple) -> ProcessPoolExecutor:
    """Worker processes. Forked ones start with this process' objects out of the
    garbage collector's sight (`gc.freeze`): its first pass in a worker would otherwise
    touch, and so copy, every object the worker shares with this process."""
    global _FROZE
    ctx = _context()
    if ctx.get_start_method() == "fork" and gc.get_freeze_count() == 0:
        gc.freeze()
        _FROZE = True
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=initializer,
                               initargs=initargs)


def _thaw() -> None:
    """Give back to the garbage collector what `_pool` froze (never what the process
    froze itself, as the window does once it is up)."""
    global _FROZE
    if _FROZE:
        gc.unfreeze()
        _FROZE = False


CHUNKS_PER_WORKER = 4  # enough that no core waits long for the last one; few enough
# that the workers seldom wait for the next (each hand-over costs a few milliseconds)


def _chunks(indexes: list[int], sizes: list[int], workers: int) -> list[list[int]]:
    """The jobs' indexes in chunks of about equal size, the largest first."""
    ordered = sorted(indexes, key=lambda i: -sizes[i])
    count = min(len(ordered), workers * CHUNKS_PER_WORKER)
    chunks: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for i in ordered:  # each to the lightest chunk so far
        k = loads.index(min(loads))
        chunks[k].append(i)
        loads[k] += sizes[i] + 1
    return [chunks[k] for k in sorted(range(count), key=lambda k: -loads[k])]


# --- the work itself (in a worker or in this process) -----------------------------------

@dataclass
class Shared:
    """What every job of an export needs: the plan and where its files go."""

    plan: ExportPlan
    stage: Path
    cache: Path  # the web versions of stills, by content
    inline_names: list[str] = field(default_factory=list)
    renderer: PageRenderer | None = None

    @property
    def images_dir(self) -> Path:
        return self.stage / "images"

    def page_renderer(self) -> PageRenderer:
        if self.renderer is None:
            self.renderer = PageRenderer(self.plan.pages)
        return self.renderer


MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}


def inline_images(html: str, images_dir: Path, names: list[str]) -> str:
    """Replace every quoted `images/<name>` (src, og:image, JSON-LD) with a data URI."""
    for name in names:
        needle = f'"images/{name}"'
        if needle in html and (images_dir / name).is_file():
            data = base64.b64encode((images_dir / name).read_bytes()).decode("ascii")
            mime = MIME.get(Path(name).suffix, "application/octet-stream")
            html = html.replace(needle, f'"data:{mime};base64,{data}"')
    return html


def make_image(shared: Shared, source: Path, names: list[str]) -> list[str]:
    """Write the named renditions of the image from `source` into the stage."""
    image = shared.plan.images[source]
    missing = [r for r in image.renditions if r.name in names]
    made = web_images.render_renditions(image.source, missing, shared.cache)
    for r in missing:
        storage.write_staged(shared.images_dir / r.name, made[r.name])
    return names


def page_html(shared: Shared, ep: Episode) -> str:
    """The page (or fragment) of a recap, as this export writes it."""
    renderer = shared.page_renderer()
    opts = shared.plan.options
    body = renderer.body_html(ep)
    html = renderer.fragment(ep, body) if opts.fragment else renderer.episode_page(ep, body)
    if opts.single_file:
        html = inline_images(html, shared.images_dir, shared.inline_names)
    return html


def make_page(shared: Shared, index: int) -> str:
    """Render the plan's `index`th recap (finish it, when its body was rendered while it
    was checked) and write it into the stage; returns its file name."""
    ep = shared.plan.targets[index]
    body = shared.plan.bodies.get(ep.path)
    html = page_html(shared, ep) if body is None else finish_page(shared, ep, body)
    name = page_name(ep)
    storage.write_staged(shared.stage / name, html)
    return name


# --- checks of recaps not checked before -------------------------------------------

_SERIES: Series | None = None
_CHECKS: caches.RememberedChecks | None = None
_AHEAD: caches.Ahead | None = None
_AHEAD_RENDERER: PageRenderer | None = None

Body = tuple[str, tuple[ImageSlot, ...]]  # a body rendered with its images as slots


def _start_checker(series: Series, ahead: caches.Ahead | None) -> None:
    global _SERIES, _CHECKS, _AHEAD, _AHEAD_RENDERER
    _SERIES, _CHECKS, _AHEAD, _AHEAD_RENDERER = series, None, ahead, None


def check_and_render(checks: caches.RememberedChecks, renderer: PageRenderer,
                     ep: Episode) -> Body:
    """Check a recap and render its article body from one parse (its images as slots);
    its body facts are learned from the same parse."""
    md = renderer.slots_markdown()
    env = renderer.slots_env(ep)
    tokens = md.parse(ep.body, env)
    facts.learn_tokens(ep.body, tokens)
    checks.episode(ep, tokens)
    shift_headings(tokens)
    return md.renderer.render(tokens, md.options, env), tuple(env[SLOTS_KEY])


def stage_page(ahead: caches.Ahead, renderer: PageRenderer, ep: Episode,
               body: Body) -> caches.StagedPage:
    """Make a recap's whole page into `ahead.stage` from its body rendered ahead, its
    images placed as if no other recap had any (`renderer`: over `ahead`'s pages; this
    recap's assumed places are added to them)."""
    series = renderer.series
    resolved: dict[tuple[Path, str], Path | None] = {}
    placed = place_images(series, [ep], resolved)
    assumed = {source: placed.get(source) for source in episode_images(series, ep)}
    renderer.pages.images.update(placed)
    renderer.pages.resolved.update(resolved)
    html, slots = body
    page = renderer.episode_page(ep, fill_images(html, slots, renderer.image_resolver(ep)))
    name = page_name(ep)
    assert ahead.stage is not None
    storage.write_staged(ahead.stage / name, page)
    return caches.StagedPage(name, assumed, resolved)


def _check_job(indexes: list[int]) -> tuple[list[tuple[int, str, facts.BodyFacts]],
                                             dict[str, list], dict[str, str],
                                             dict[Path, str], list[tuple[Path, Body]],
                                             list[tuple[Path, caches.StagedPage]]]:
    """Check these episodes of the series: (each one's index, body key and body facts,
    the problems, decodes and episode keys found, as RememberedChecks records them, the
    bodies rendered ahead, and the pages made ahead, flushed to disk)."""
    global _CHECKS, _AHEAD_RENDERER
    assert _SERIES is not None
    if _CHECKS is None:
        _CHECKS = caches.RememberedChecks(_SERIES)
    found, bodies, staged = [], [], []
    for index in indexes:
        ep = _SERIES.episodes[index]
        if _AHEAD is not None and ep.path in _AHEAD.paths and ep.readable:
            if _AHEAD_RENDERER is None:
                _AHEAD_RENDERER = PageRenderer(_AHEAD.pages)
            body = check_and_render(_CHECKS, _AHEAD_RENDERER, ep)
            page = None
            if _AHEAD.stage is not None:
                try:  # (the images this worker placed are only ever looked up by their own
                    # recap's page)
                    page = stage_page(_AHEAD, _AHEAD_RENDERER, ep, body)
                except Exception:
                    page = None  # made again when the export writes (and fails there)
            if page is None:
                bodies.append((ep.path, body))
            else:
                staged.append((ep.path, page))
        else:
            _CHECKS.episode(ep)
        found.append((index, facts.body_key(ep.body), facts.body_facts(ep.body)))
    if staged:
        assert _AHEAD is not None and _AHEAD.stage is not None
        _flush(_AHEAD.stage, [page.name for _, page in staged])
    episodes, decodes = dict(_CHECKS.used_episodes), dict(_CHECKS.used_decodes)
    _CHECKS.used_episodes.clear()
    _CHECKS.used_decodes.clear()
    paths = {_SERIES.episodes[i].path for i in indexes}
    keys = {path: key for path, key in _CHECKS.keys.items() if path in paths}
    return found, episodes, decodes, keys, bodies, staged


def check_in_parallel(series: Series, indexes: list[int],
                      remembered: caches.RememberedChecks,
                      ahead: caches.Ahead | None = None,
                      meanwhile: Callable[[], None] = lambda: None) -> None:
    """Check these episodes on every core, when there are enough of them, and hand what
    was found to `remembered` (and their body facts to this process); the bodies of
    `ahead`'s recaps are rendered from the same parse, into `ahead.bodies`, or their
    whole pages made into `ahead.stage` (`ahead.staged`). `meanwhile` is done in this
    process while the workers check (or at once, without workers)."""
    seconds = sum(len(series.episodes[i].body) for i in indexes) * _SECONDS_PER_CHAR / 2
    if not worth_a_pool(seconds, len(indexes)):
        meanwhile()
        return
    n = min(cores(), len(indexes))
    sizes = [len(ep.body) for ep in series.episodes]
    staging = ahead is not None and ahead.stage is not None
    if staging:  # loaded once here rather than by each worker
        resources.load_page_templates()
    try:
        with _pool(n, _start_checker, (series, ahead)) as pool:
            futures = [pool.submit(_check_job, chunk) for chunk in _chunks(indexes, sizes, n)]
            if ahead is not None and not staging:  # meanwhile, what making pages needs
                resources.load_page_templates()
            meanwhile()
            for future in as_completed(futures):
                found, episodes, decodes, keys, bodies, staged = future.result()
                for index, key, body_facts in found:
                    facts.learn(key, body_facts, series.episodes[index].body)
                remembered.learn(episodes, decodes, keys)
                if ahead is not None:
                    ahead.bodies.update(bodies)
                    ahead.staged.update(staged)
    finally:
        _thaw()


def finish_page(shared: Shared, ep: Episode, body: Body) -> str:
    """The page of a recap whose body was rendered ahead: its images filled in now that
    they are placed (the very page `page_html` makes)."""
    renderer = shared.page_renderer()
    html, slots = body
    return renderer.episode_page(ep, fill_images(html, slots, renderer.image_resolver(ep)))


# --- in worker processes ------------------------------------------------------------

_SHARED: Shared | None = None


def _start_worker(shared: Shared) -> None:
    global _SHARED
    _SHARED = shared


def _image_job(source: Path, names: list[str]) -> list[str]:
    assert _SHARED is not None
    return make_image(_SHARED, source, names)


def _pages_job(indexes: list[int]) -> list[tuple[int, str | Exception]]:
    """Make these pages and flush them to disk (`_flush`): (index, file name or the
    error) of each."""
    assert _SHARED is not None
    done: list[tuple[int, str | Exception]] = []
    for index in indexes:
        try:
            done.append((index, make_page(_SHARED, index)))
        except Exception as exc:
            done.append((index, exc))
    _flush(_SHARED.stage, [result for _, result in done if not isinstance(result, Exception)])
    return done


def _flush(stage: Path, names: list[str]) -> None:
    """Flush these files of the stage, together once they are all written (the first
    flush commits the journal for all of them, while the other workers go on)."""
    for name in names:
        storage.flush_file(stage / name)


class Jobs:
    """The stills and pages one export makes, on every core when it pays."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.workers = 1
        self.flushed: set[str] = set()  # files the workers flushed to disk already
        self.pool: ProcessPoolExecutor | None = None

    def start_pool(self, seconds: float, jobs: int) -> bool:
        """Start the worker processes if this much work is worth it."""
        if self.pool is None and worth_a_pool(seconds, jobs):
            self.workers = min(cores(), jobs)
            self.pool = _pool(self.workers, _start_worker, (self.shared,))
        return self.pool is not None

    def images(self, work: list[tuple[PlacedImage, list[Rendition]]]
               ) -> Iterator[tuple[PlacedImage, list[str] | BaseException]]:
        """Make the missing renditions of each image; yields (image, names or the error)
        as each is done."""
        jobs = [(image, [r.name for r in missing]) for image, missing in work]
        if self.pool is None:
            for image, names in jobs:
                try:
                    yield image, make_image(self.shared, image.source, names)
                except Exception as exc:
                    yield image, exc
            return
        # the largest first, so that no core waits for one big still at the end
        jobs.sort(key=lambda job: -job[0].width * job[0].height * len(job[1]))
        futures = {self.pool.submit(_image_job, image.source, names): image
                   for image, names in jobs}
        yield from self._as_done(futures)

    def pages(self, work: list[int]) -> Iterator[tuple[int, str | BaseException]]:
        """Render and write the plan's recaps at these indexes; yields (index, file name
        or the error) as each is done. A few pages are made in this process,
        even when the stills needed the pool."""
        targets = self.shared.plan.targets
        few = not worth_a_pool(estimate([], [targets[i] for i in work],
                                        self.shared.plan.bodies), len(work))
        if self.pool is None or few:
            for index in work:
                try:
                    yield index, make_page(self.shared, index)
                except Exception as exc:
                    yield index, exc
            return
        # in chunks: one page is too little work to send to a process on its own
        bodies = self.shared.plan.bodies
        costs = {i: 1 if targets[i].path in bodies else 1 + len(targets[i].body) // 1000
                 for i in work}
        sizes = [costs.get(i, 0) for i in range(len(targets))]
        chunks = _chunks(work, sizes, self.workers)
        futures = [self.pool.submit(_pages_job, chunk) for chunk in chunks]
        for future in as_completed(futures):
            for index, result in future.result():
                if not isinstance(result, BaseException):
                    self.flushed.add(result)
                yield index, result

    @staticmethod
    def _as_done(futures: dict[Future, object]) -> Iterator:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                exc = future.exception()
                yield futures[future], exc if exc is not None else future.result()

    def close(self) -> None:
        """Stop the workers; what was not started is cancelled."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            _thaw()
