"""Writing an export: pages, index, images and stylesheet, with progress steps.

`write(plan)` is a generator that yields Progress while it builds the output in a folder
beside the target and swaps it in only when complete (stop iterating to cancel: nothing
changes). What an earlier export made that is still right is reused (`caches.Reuse`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recapdesk.core import site_icon, storage, web_images
from recapdesk.core.export import caches
from recapdesk.core.export.plan import MARKER, ExportError, ExportOptions, ExportPlan, plan
from recapdesk.core.images import ImageError
from recapdesk.core.model import Series
from recapdesk.core.pages.context import page_name
from recapdesk.core.pages.renderer import DEFAULT_CARD, STYLESHEET, PageRenderer, PlacedImage
from recapdesk.core.resources import resource_path, stylesheet

MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}


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


def _inline_images(html: str, images_dir: Path, names: list[str]) -> str:
    """Replace every quoted `images/<name>` (src, og:image, JSON-LD) with a data URI."""
    for name in names:
        needle = f'"images/{name}"'
        if needle in html and (images_dir / name).is_file():
            data = base64.b64encode((images_dir / name).read_bytes()).decode("ascii")
            mime = MIME.get(Path(name).suffix, "application/octet-stream")
            html = html.replace(needle, f'"data:{mime};base64,{data}"')
    return html


def write_image(image: PlacedImage, images_dir: Path, reuse: caches.Reuse, cache: Path,
                relink: bool = True) -> None:
    """Write every rendition of an image into `images_dir`: the last export's files when
    still right (`relink`), the others made from one decode of the source."""
    keys = {r.name: reuse.image_key(image, r) for r in image.renditions}
    missing = [r for r in image.renditions
               if not (relink and reuse.link_previous(f"images/{r.name}", keys[r.name],
                                                      images_dir / r.name))]
    if not missing:
        return
    made = web_images.render_renditions(image.source, missing, cache)
    for r in missing:
        storage.write_staged(images_dir / r.name, made[r.name])
        reuse.wrote(f"images/{r.name}", keys[r.name], images_dir / r.name)


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
    try:
        stage = storage.make_stage(out)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export: {exc.strerror or exc}") from None
    try:
        images_dir = stage / "images"
        storage.make_dirs(images_dir)
        cache = series.state_dir / "cache" / "images"
        reuse = caches.Reuse(plan)
        for image in plan.images.values():
            yield Progress(done, total, f"Image {image.name}")
            try:
                write_image(image, images_dir, reuse, cache, relink=not opts.single_file)
            except (ImageError, OSError) as exc:
                if not opts.force:
                    raise ExportError(f"{series.rel(image.source)}: {exc}") from None
            done += 1
        renderer = PageRenderer(plan.pages)
        needs_card = False
        written: list[str] = []
        inline_names = [r.name for i in plan.images.values() for r in i.renditions]
        inline_names.append(DEFAULT_CARD)
        if opts.single_file:
            storage.copy_file(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)
        for ep in plan.targets:
            name = page_name(ep)
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
                storage.write_staged(stage / name, html)
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
            storage.write_staged(stage / "index.html", html)
            written.append("index.html")
            done += 1
        yield Progress(done, total, "Stylesheet")
        if opts.single_file:
            storage.remove_tree(images_dir)
        else:
            if not opts.fragment:
                storage.write_staged(stage / STYLESHEET, stylesheet())
                for name, data in site_icon.icons(series).items():
                    storage.write_staged(stage / name, data)
            if needs_card and not opts.fragment:
                storage.copy_file(resource_path("theme", DEFAULT_CARD), images_dir / DEFAULT_CARD)
            if not any(images_dir.iterdir()):
                storage.remove_tree(images_dir)
        storage.write_staged(stage / MARKER, "This folder was written by RecapDesk export.\n")
        done += 1
        yield Progress(done, total, "Putting the export in place")
        # linked files are the last export's, on disk already
        storage.flush_tree(stage, skip=reuse.linked)
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
        if stage.exists():
            storage.remove_tree(stage)


def export(series: Series, options: ExportOptions) -> ExportResult:
    """Plan and write in one go (no progress); raises ExportError."""
    the_plan = plan(series, options)
    for _ in write(the_plan):
        pass
    pages = [page_name(e) for e in the_plan.targets]
    if the_plan.write_index:
        pages.append("index.html")
    return ExportResult(the_plan.out, pages, len(the_plan.images))
