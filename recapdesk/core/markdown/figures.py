"""Stills: an image alone in its paragraph becomes `<figure class="still">` with a caption.

Each still is offered in a few widths (`srcset`, `sizes`) and, given the sources of a
modern format, as a `<picture>`; on a page, the first still is fetched at once (it is
usually the largest paint: `fetchpriority="high"`), the others lazily.

Alt text and caption come from the Markdown (`![alt](src "Caption")`) and fall back to
`stills/stills.yaml` when the image is a still (`paths.still_name` decides which). Image
sources go through an optional resolver that maps the path as written to the exported
file and its size. A caller that renders a body before its images are placed (the
export's check workers) sets `SLOTS_KEY` in the render env: each image is then written
as a marker, its placement-free part kept as an `ImageSlot`, and `fill_images` puts the
very `<img>` the resolver would have given in its place later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape
from markdown_it.rules_core import StateCore

from recapdesk.core.model import Still
from recapdesk.core.paths import still_name


@dataclass(frozen=True)
class ImageRef:
    """What an image source resolves to: the URL to write and its pixel size if known."""

    src: str
    width: int | None = None
    height: int | None = None
    css_class: str = ""  # a class for the <img> (a CMS's own image markup)
    srcset: str = ""  # the same image in other widths (`<img srcset>`), with `sizes`
    sizes: str = ""
    sources: tuple[tuple[str, str], ...] = ()  # (type, srcset): `<picture><source>`s


ImageResolver = Callable[[str], ImageRef | None]

SLOTS_KEY = "recapdesk_image_slots"  # in a render env: write images as markers
STILL_OF_KEY = "recapdesk_still_of"  # in a render env: which still a source is (StillOf)
_MARKER = "\x00image-{}\x00"  # (a body never holds NUL: the parser replaces it)
_MARKER_RE = re.compile("\x00image-([0-9]+)\x00")


@dataclass(frozen=True)
class ImageSlot:
    """An image as rendered before its placement is known: everything of its `<img>`
    but what the resolver gives."""

    src: str
    alt: str
    lazy: bool
    first: bool  # the page's first still: fetched at once, first among images
    extra: tuple[tuple[str, str], ...]  # title (not in a figure) and other attributes
    end: str  # ">" or " />"


def slot_html(slot: ImageSlot, ref: ImageRef | None) -> str:
    """The `<img>` (or `<picture>`) of an image, given what its source resolved to."""
    attrs = [("src", ref.src if ref else slot.src)]
    if ref and ref.srcset:
        attrs += [("srcset", ref.srcset), ("sizes", ref.sizes)]
    attrs.append(("alt", slot.alt))
    if ref and ref.width and ref.height:
        attrs += [("width", str(ref.width)), ("height", str(ref.height))]
    if ref and ref.css_class:
        attrs.append(("class", ref.css_class))
    if slot.lazy:
        attrs.append(("loading", "lazy"))
    if slot.first:
        attrs.append(("fetchpriority", "high"))
    attrs.extend(slot.extra)
    img = "<img" + "".join(f' {k}="{escape(v)}"' for k, v in attrs) + slot.end
    if not (ref and ref.sources):
        return img
    sources = "".join(f'<source type="{escape(kind)}" srcset="{escape(srcset)}" '
                      f'sizes="{escape(ref.sizes)}"{slot.end}' for kind, srcset in ref.sources)
    return f"<picture>{sources}{img}</picture>"


def fill_images(html: str, slots: Sequence[ImageSlot], resolver: ImageResolver | None) -> str:
    """A body rendered with `SLOTS_KEY`, with every image's marker replaced by its HTML."""
    if not slots:
        return html

    def fill(match: re.Match) -> str:
        slot = slots[int(match[1])]
        return slot_html(slot, resolver(slot.src) if resolver is not None else None)
    return _MARKER_RE.sub(fill, html)
StillOf = Callable[[str], str | None]

# Without a project: sources read as written in a recap of a project's episodes/.
_SOMEWHERE = Path("/project")


def episode_still_of(src: str) -> str | None:
    """The still a source written in a recap (`episodes/*.md`) points at, if any."""
    return still_name(_SOMEWHERE, _SOMEWHERE / "episodes" / "recap.md", src)


def _is_figure(children) -> bool:
    return len(children) == 1 and children[0].type == "image"


def _mark_figures(state: StateCore) -> None:
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        opening, inline, closing = tokens[i], tokens[i + 1], tokens[i + 2]
        if (opening.type == "paragraph_open" and inline.type == "inline"
                and closing.type == "paragraph_close" and _is_figure(inline.children or [])):
            opening.type, opening.tag = "figure_open", "figure"
            closing.type, closing.tag = "figure_close", "figure"
            opening.attrJoin("class", "still")
            inline.children[0].meta["figure"] = True
            closing.meta["image"] = inline.children[0]


def figures_plugin(md: MarkdownIt, *, stills: Mapping[str, Still] | None = None,
                   still_of: StillOf | None = None, resolver: ImageResolver | None = None,
                   lazy: bool = True, eager_first: bool = False) -> None:
    """Register the figure rule and the image renderer.

    `stills` holds still metadata by file name; `still_of` says which still a source
    is (by default, as written in a recap in `episodes/`). `lazy`: stills load lazily;
    `eager_first`: but the first, fetched at once (a page's body).
    """
    stills = stills or {}
    which = still_of or episode_still_of
    md.core.ruler.after("inline", "figures", _mark_figures)

    def meta_for(src: str, env) -> Still | None:
        name = env.get(STILL_OF_KEY, which)(src)
        return stills.get(name) if name else None

    def image_texts(token, env) -> tuple[str, str]:
        alt = md.renderer.renderInlineAsText(token.children or [], md.options, env)
        title = (token.attrGet("title") or "").strip()
        still = meta_for(str(token.attrGet("src") or ""), env)
        if not alt.strip() and still is not None:
            alt = still.alt
        caption = title or (still.caption if still is not None else "")
        return alt, caption

    def render_image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt, _ = image_texts(token, env)
        figure = token.meta.get("figure", False)
        is_lazy = first = False
        if figure and lazy:
            # the first still is usually the page's largest paint: fetched at once
            first = eager_first and not env.get("recapdesk_stills")
            env["recapdesk_stills"] = env.get("recapdesk_stills", 0) + 1
            is_lazy = not first
        extra = []
        if not figure and token.attrGet("title"):
            extra.append(("title", str(token.attrGet("title"))))
        for key, value in token.attrs.items():
            if key not in ("src", "alt", "title"):
                extra.append((key, str(value)))
        slot = ImageSlot(str(token.attrGet("src") or ""), alt, is_lazy, first, tuple(extra),
                         " />" if options.get("xhtmlOut") else ">")
        slots = env.get(SLOTS_KEY)
        if slots is not None:
            slots.append(slot)
            return _MARKER.format(len(slots) - 1)
        return slot_html(slot, resolver(slot.src) if resolver is not None else None)

    def render_figure_open(self, tokens, idx, options, env) -> str:
        return f"<figure{self.renderAttrs(tokens[idx])}>"

    def render_figure_close(self, tokens, idx, options, env) -> str:
        image = tokens[idx].meta.get("image")
        caption = image_texts(image, env)[1] if image is not None else ""
        if caption:
            return f"<figcaption>{escape(caption)}</figcaption></figure>\n"
        return "</figure>\n"

    md.add_render_rule("image", render_image)
    md.add_render_rule("figure_open", render_figure_open)
    md.add_render_rule("figure_close", render_figure_close)
