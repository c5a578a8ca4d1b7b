"""Writing an export: pages, index, images and stylesheet, with progress steps.

`write(plan)` is a generator that yields Progress while it builds the output in a folder
beside the target and swaps it in only when complete (stop iterating to cancel: nothing
changes). What an earlier export made that is still right is reused (`caches.Reuse`);
the rest is made on every core when there is enough of it (`workers.Jobs`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recapdesk.core import storage
from recapdesk.core.export import caches, workers
from recapdesk.core.export.plan import (
    MARKER,
    MARKER_TEXT,
    SITE_FILES,
    ExportError,
    ExportOptions,
    ExportPlan,
    new_stage,
    plan,
    site_files,
)
from recapdesk.core.images import ImageError
from recapdesk.core.model import Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.pages.renderer import DEFAULT_CARD, PlacedImage
from recapdesk.core.resources import resource_path
from recapdesk.core.web_images import Rendition


@dataclass
class Progress:
    done: int
    total: int
    message: str


@dataclass
class ExportResult:
    out: Path
    pages: list[str]
    images: int


def _missing_renditions(image: PlacedImage, images_dir: Path, reuse: caches.Reuse,
                        relink: bool) -> list[Rendition]:
    """The renditions of an image the last export did not leave right (those it did are
    linked into `images_dir`)."""
    return [r for r in image.renditions
            if not (relink and reuse.link_previous(f"images/{r.name}",
                                                   reuse.image_key(image, r),
                                                   images_dir / r.name))]


def write(plan: ExportPlan) -> Iterator[Progress]:
    """Build the export beside its target and swap it in; yields Progress steps.

    Stills and pages are made on every core when there is enough work
    (`export.workers`). Raises ExportError when the plan is blocked by errors or
    writing fails.
    """
    if plan.blocked:
        raise ExportError("the project has errors; nothing was written (use --force to "
                          "export anyway)")
    series, opts = plan.series, plan.options
    out = plan.out
    total = plan.total_steps
    done = 0
    staged, staged_files = plan.staged, plan.staged_files
    stage = plan.take_stage()  # the pages and files made ahead are in it
    if stage is None:
        staged, staged_files = {}, set()
        stage = new_stage(out)
    jobs: workers.Jobs | None = None
    try:
        images_dir = stage / "images"
        storage.make_dirs(images_dir)
        reuse = caches.Reuse(plan)
        inline_names = [r.name for i in plan.images.values() for r in i.renditions]
        inline_names.append(DEFAULT_CARD)
        shared = workers.Shared(plan, stage, series.state_dir / "cache" / "images",
                                inline_names)
        jobs = workers.Jobs(shared)
        if opts.single_file:
            storage.copy_file(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)

        # what the last export left right is linked; the rest is work
        image_work = []
        for image in plan.images.values():
            missing = _missing_renditions(image, images_dir, reuse, not opts.single_file)
            if missing:
                image_work.append((image, missing))
            else:
                done += 1
                yield Progress(done, total, f"Image {image.name} (unchanged)")
        page_work: list[tuple[int, str]] = []
        for index, ep in enumerate(plan.targets):
            name, key = page_name(ep), reuse.page_key(ep)
            if staged.get(ep.path) == name:  # made (and flushed) while it was checked
                reuse.wrote(name, key, stage / name)
                jobs.flushed.add(name)
                done += 1
                yield Progress(done, total, f"Page {name}")
                continue
            if reuse.link_previous(name, key, stage / name):
                done += 1
                yield Progress(done, total, f"Page {name} (unchanged)")
                continue
            page = reuse.cached_page(key)
            if page is None:
                page_work.append((index, key))
                continue
            storage.write_staged(stage / name, page)
            reuse.wrote(name, key, stage / name)
            done += 1
            yield Progress(done, total, f"Page {name}")
        yield Progress(done, total, "Exporting")
        jobs.start_pool(workers.estimate(image_work, [plan.targets[i] for i, _ in page_work],
                                         plan.bodies) + workers.POOL_START_SECONDS,
                        len(image_work) + len(page_work))

        for image, result in jobs.images(image_work):
            if isinstance(result, BaseException):
                if not isinstance(result, (ImageError, OSError)):
                    raise result
                if not opts.force:
                    raise ExportError(f"{series.rel(image.source)}: {result}") from None
            else:
                for name in result:
                    rel = f"images/{name}"
                    rendition = next(r for r in image.renditions if r.name == name)
                    reuse.wrote(rel, reuse.image_key(image, rendition), images_dir / name)
            done += 1
            yield Progress(done, total, f"Image {image.name}")
        page_keys = dict(page_work)
        for index, result in jobs.pages(list(page_keys)):
            if isinstance(result, BaseException):
                raise result
            name = result
            reuse.wrote(name, page_keys[index], stage / name)
            done += 1
            yield Progress(done, total, f"Page {name}")
        jobs.close()

        renderer = shared.page_renderer()
        needs_card = not opts.fragment and any(renderer.cover(ep) is None
                                               for ep in plan.targets)
        written = [page_name(ep) for ep in plan.targets]
        if plan.write_index:
            yield Progress(done, total, "Series page index.html")
            html = renderer.index_page()
            needs_card = needs_card or not plan.images
            if opts.single_file:
                html = workers.inline_images(html, images_dir, inline_names)
            storage.write_staged(stage / "index.html", html)
            written.append("index.html")
            done += 1
        yield Progress(done, total, "Stylesheet")
        if opts.single_file:
            storage.remove_tree(images_dir)
        else:
            if not opts.fragment and not SITE_FILES <= staged_files:
                for name, data in site_files(series).items():
                    storage.write_staged(stage / name, data)
            if needs_card and not opts.fragment:
                storage.copy_file(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)
            if not any(images_dir.iterdir()):
                storage.remove_tree(images_dir)
        if MARKER not in staged_files:
            storage.write_staged(stage / MARKER, MARKER_TEXT)
        done += 1
        yield Progress(done, total, "Putting the export in place")
        # linked files are the last export's, on disk already
        storage.flush_tree(stage, skip=reuse.linked | jobs.flushed | staged_files)
        merged = bool(opts.episodes and out.exists())
        if merged:
            storage.merge_folder(stage, out)
        else:
            storage.swap_in_folder(stage, out)
        reuse.save(merged)
        done += 1
        yield Progress(done, total, f"Exported {len(written)} page(s) to {out}")
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export: {exc.strerror or exc}") from None
    finally:
        if jobs is not None:
            jobs.close()
        if stage.exists():
            storage.remove_tree(stage)


def export(series: Series, options: ExportOptions) -> ExportResult:
    """Plan and write in one go (no progress); raises ExportError."""
    the_plan = plan(series, options, make_pages=True)
    for _ in write(the_plan):
        pass
    pages = [page_name(e) for e in the_plan.targets]
    if the_plan.write_index:
        pages.append("index.html")
    return ExportResult(the_plan.out, pages, len(the_plan.images))
