"""Pages from recaps: the article body, the episode page and the series page.

Export and the live preview render through the same `PageRenderer`, given a `PageSet`:
the recaps the pages list, the images they show (each placed under `images/` with its
size) and how (spoiler-free, CSS inline). Templates are Jinja2 (`resources/templates`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape

from recapdesk.core import site_icon
from recapdesk.core.markdown import ImageRef, LinkTarget, build_markdown, facts
from recapdesk.core.markdown.figures import SLOTS_KEY, STILL_OF_KEY
from recapdesk.core.model import SPOILER_WARNINGS, Episode, Series
from recapdesk.core.pages import context as pg
from recapdesk.core.paths import resolve_image, still_name
from recapdesk.core.resources import stylesheet, template_env
from recapdesk.core.web_images import MODERN, Rendition

STYLESHEET = "style.css"
DEFAULT_CARD = "card.png"


# The width a still takes on a page (the article column; the theme's style.css) and
# on the series page (a recap card), for `sizes`.
STILL_SIZES = ("(max-width: 34rem) calc(100vw - 2rem), (max-width: 50rem) calc(100vw - 2.5rem), "
               "47.5rem")
CARD_SIZES = "(max-width: 40rem) calc(100vw - 2.5rem), 23rem"


@dataclass
class PlacedImage:
    """An image as a page shows it: its source file, its name under `images/` (the file
    `<img src>` names), its size, and every file it is exported as (`renditions`)."""

    source: Path
    name: str
    width: int
    height: int
    renditions: tuple[Rendition, ...] = ()

    @property
    def card(self) -> str:
        """The file of the social card (og:image): the main file, at most 1200 px."""
        return self.name

    def srcsets(self, prefix: str = "images/") -> tuple[str, str]:
        """(`srcset` of the fallback format, `srcset` of the modern one): widths in
        ascending order; empty when the image has one file."""
        if len(self.renditions) < 2:
            return "", ""
        fallback = Path(self.name).suffix

        def srcset(modern: bool) -> str:
            chosen = sorted((r for r in self.renditions
                             if (r.format == MODERN) == modern
                             and (modern or r.name.endswith(fallback))),
                            key=lambda r: r.width)
            return ", ".join(f"{prefix}{r.name} {r.width}w" for r in chosen)
        modern_set = srcset(True) if not self.name.endswith(".webp") else ""
        return srcset(False), modern_set

    def ref(self, prefix: str = "images/", sizes: str = STILL_SIZES, *,
            picture: bool = True, css_class: str = "") -> ImageRef:
        """How a page's `<img>` (in a `<picture>` with `picture`) shows this image."""
        fallback, modern = self.srcsets(prefix)
        sources = (("image/webp", modern),) if picture and modern else ()
        return ImageRef(prefix + self.name, self.width, self.height, css_class,
                        srcset=fallback, sizes=sizes if fallback else "", sources=sources)


@dataclass
class PageSet:
    """The pages rendered together: the recaps they list (previous/next, the recap list),
    the images they show, and how."""

    series: Series
    published: list[Episode]
    images: dict[Path, PlacedImage] = field(default_factory=dict)
    spoiler_free: bool = False
    inline_css: bool = False
    pictures: bool = True  # stills as <picture> with a modern format (else <img srcset>)
    # image sources as written, per episode, to the files they resolved to (a memo)
    resolved: dict[tuple[Path, str], Path | None] = field(default_factory=dict)


_UNKNOWN = object()


def episode_images(series: Series, ep: Episode,
                   memo: dict[tuple[Path, str], Path | None] | None = None) -> list[Path]:
    """The image files an episode shows (its body's images, then its cover), each as
    `paths.resolve_image` finds it; `memo` records every source's answer."""
    found: list[Path] = []
    for src in facts.body_facts(ep.body).images:
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


def shift_headings(tokens: list[Token]) -> None:
    """Move every heading of a body down a level when it has a level-1 heading (what
    `heading_ids_plugin(shift=1)` does while parsing)."""
    if any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + 1)}"


class PageRenderer:
    """Renders the pages of one page set; image URLs are `images/<name>` (an export
    with `--single-file` turns them into data URIs afterwards)."""

    def __init__(self, pages: PageSet) -> None:
        self.pages = pages
        self.series = pages.series
        self.base = self.series.base_url
        self.page_names = {id(e): pg.page_name(e) for e in pages.published}
        self.inline_css = pages.inline_css
        self._recap_items: dict[int, tuple[str, str, int]] | None = None
        self._recap_list: list[str] = []
        self._positions: dict[Path, int] | None = None
        self._slots_md: MarkdownIt | None = None

    def link_resolver(self, target: str) -> LinkTarget | None:
        ep = self.series.find_episode(target)
        if ep is None:
            return None
        href = self.page_names.get(id(ep))
        return LinkTarget(href, ep.title)

    def image_resolver(self, ep: Episode):
        def resolve(src: str) -> ImageRef | None:
            path = self.pages.resolved.get((ep.path, src), _UNKNOWN)
            if path is _UNKNOWN:
                path = resolve_image(self.series.root, ep.path, src).path
            planned = self.pages.images.get(path) if path else None
            if planned is None:
                return None
            return planned.ref(picture=self.pages.pictures)
        return resolve

    def body_markdown(self, ep: Episode, *, source_lines: bool = False,
                      heading_shift: int = 0) -> MarkdownIt:
        """The MarkdownIt that renders an episode's article on these pages."""
        return build_markdown(episodes=self.link_resolver, stills=self.series.stills,
                              still_of=functools.partial(still_name, self.series.root, ep.path),
                              images=None if source_lines else self.image_resolver(ep),
                              spoiler_free=self.pages.spoiler_free,
                              heading_shift=heading_shift, source_lines=source_lines,
                              line_offset=ep.body_line - 1, eager_first=not source_lines,
                              time_notes=source_lines)

    def slots_markdown(self) -> MarkdownIt:
        """One MarkdownIt for the articles of all these pages with their images left as
        slots (`figures.SLOTS_KEY`: placed later); `slots_env(ep)` holds what is
        particular to a recap. Renders what `body_markdown` does."""
        if self._slots_md is None:
            self._slots_md = build_markdown(episodes=self.link_resolver,
                                            stills=self.series.stills,
                                            spoiler_free=self.pages.spoiler_free,
                                            eager_first=True)
        return self._slots_md

    def slots_env(self, ep: Episode) -> dict:
        """A render env for `slots_markdown` and recap `ep`."""
        return {SLOTS_KEY: [], STILL_OF_KEY: functools.partial(still_name, self.series.root,
                                                               ep.path)}

    def body_html(self, ep: Episode, *, source_lines: bool = False) -> str:
        """The article HTML of an episode. Parsed once: whether its headings move down a
        level (a level-1 heading in it) is known from the export's plan, or read off this
        parse."""
        known = facts.cached(ep.body)
        if known is None and self.pages.spoiler_free:  # its parse drops spoilers: ask again
            known = facts.body_facts(ep.body)
        md = self.body_markdown(ep, source_lines=source_lines,
                                heading_shift=int(known.has_h1) if known else 0)
        env: dict = {}
        tokens = md.parse(ep.body, env)
        if known is None:
            shift_headings(tokens)
        return md.renderer.render(tokens, md.options, env)

    def cover(self, ep: Episode) -> PlacedImage | None:
        for source in episode_images(self.series, ep)[::-1] if ep.cover else []:
            if source in self.pages.images:
                return self.pages.images[source]
        for source in episode_images(self.series, ep):
            if source in self.pages.images:
                return self.pages.images[source]
        return None

    def image_url(self, image: PlacedImage | None) -> str:
        name = f"images/{image.card}" if image else f"images/{DEFAULT_CARD}"
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
            **self.icons(),
        }

    def icons(self) -> dict[str, str]:
        """The site icon's URLs (none on self-contained pages, which link nothing)."""
        if self.inline_css:
            return {}
        return {"icon": site_icon.ICON, "touch_icon": site_icon.TOUCH_ICON}

    def episode_page(self, ep: Episode, body: str) -> str:
        series = self.series
        name = pg.page_name(ep)
        cover = self.cover(ep)
        url = self.base + name if self.base else ""
        image = self.image_url(cover)
        published = self.pages.published
        idx = self._position(ep)
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
            spoiler_warning=SPOILER_WARNINGS.get(ep.spoilers, ""),
            spoiler_level=ep.spoilers,
            spoiler_free=self.pages.spoiler_free,
            body_html=body,
            prev=link(prev_ep) if prev_ep else None,
            next=link(next_ep) if next_ep else None,
            recaps_html=self.recaps_html(ep),
            extra={"rating_text": pg.format_rating(ep.rating) if ep.rating is not None else ""},
            **self.common(ep),
        )
        return template_env().get_template("episode.html").render(page=ctx, series=series)

    def _position(self, ep: Episode) -> int:
        """Where a recap stands among the listed ones (-1: not listed)."""
        if self._positions is None:
            self._positions = {}
            for i, e in enumerate(self.pages.published):
                self._positions.setdefault(e.path, i)
        i = self._positions.get(ep.path, -1)
        return i if i >= 0 and self.pages.published[i] == ep else -1

    def recaps_html(self, current: Episode) -> str:
        """The list items of every listed recap, `current` marked (the list is made once
        per page set, and each page marks its own item in it: a site of n recaps lists n
        recaps on each of n pages)."""
        if self._recap_items is None:
            self._recap_items = {}
            items = []
            for e in self.pages.published:
                code = (e.code or "").upper()
                label = (f'<span class="ep-code">{escape(code)}</span> ' if code else "") \
                    + str(escape(e.title))
                href = escape(pg.page_name(e))
                item = f'<li><a href="{href}">{label}</a></li>'
                items.append(item)
                self._recap_items[id(e)] = (item, f'<li><a href="{href}" aria-current="page">'
                                                  f"{label}</a></li>", len(items) - 1)
            self._recap_list = items
        mine = self._recap_items.get(id(current))
        if mine is None:
            return "\n".join(self._recap_list)
        _, marked, at = mine
        return "\n".join((*self._recap_list[:at], marked, *self._recap_list[at + 1:]))

    def fragment(self, ep: Episode, body: str) -> str:
        parts = []
        warning = SPOILER_WARNINGS.get(ep.spoilers, "")
        if warning:
            parts.append(f'<p class="spoiler-warning spoiler-warning-{ep.spoilers}">'
                         f"{warning}</p>\n")
        parts.append(body)
        return "".join(parts)

    def index_page(self) -> str:
        series = self.series
        cards = []
        first_image: PlacedImage | None = None
        for ep in self.pages.published:
            cover = self.cover(ep)
            first_image = first_image or cover
            cards.append({
                "href": pg.page_name(ep), "title": ep.title, "excerpt": ep.excerpt,
                "kicker": pg.kicker(ep),
                "image": cover.ref(sizes=CARD_SIZES) if cover else None,
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
