"""A recap as a WordPress post's content: the export's article, made for the site.

The body is rendered by the same `build_markdown()` as export (and so the same
sanitizer), through `pages.renderer.PageRenderer`, with three differences:

- stills point at their uploaded media files (with width and height, and the
  `wp-image-ID` class that makes WordPress add its own `srcset`);
- `[[s01e03]]` links point at that recap's post (recaps with no post yet stay text);
- inline spoilers are hidden with colours in a `style` attribute: WordPress removes
  `tabindex` (and a theme has no `.spoiler` rule) for users without `unfiltered_html`,
  but keeps `class`, `title` and `style`; spoiler blocks stay `<details>`, which it
  keeps too.

The content starts with a comment naming the recap (`marker`), by which RecapDesk finds
its posts on the site again when its record of them is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from recapdesk.core.markdown import ImageRef, ImageResolver, LinkTarget
from recapdesk.core.model import Episode, Series
from recapdesk.core.pages.renderer import PageRenderer, PageSet
from recapdesk.core.paths import resolve_image
from recapdesk.core.slugs import slugify

SPOILER_SPAN = '<span class="spoiler" tabindex="0">'
WP_SPOILER_SPAN = ('<span class="spoiler" style="background-color:#262626;color:#262626" '
                   'title="Spoiler: select the text to read it">')


@dataclass(frozen=True)
class Media:
    """A still in the site's media library."""

    id: int
    url: str
    width: int
    height: int


@dataclass
class Links:
    """Where recaps are on the site (recap id → post link), and the links that could not
    be made (recap id → the ids it links to without a post)."""

    posts: dict[str, str] = field(default_factory=dict)
    unresolved: dict[str, set[str]] = field(default_factory=dict)


def marker(series: Series, ep: Episode) -> str:
    """The text that names a recap's post on the site (in a comment of its content)."""
    return f"recapdesk:{series.slug}/{ep.id}"


def post_slug(ep: Episode) -> str:
    return slugify(ep.title, fallback=ep.id.lower())


class _PostRenderer(PageRenderer):
    def __init__(self, pages: PageSet, media: dict[Path, Media], links: Links,
                 ep: Episode) -> None:
        super().__init__(pages)
        self.media = media
        self.links = links
        self.ep = ep

    def image_resolver(self, ep: Episode) -> ImageResolver:
        def resolve(src: str) -> ImageRef | None:
            path = resolve_image(self.series.root, ep.path, src).path
            item = self.media.get(path) if path else None
            if item is None:
                return None
            return ImageRef(item.url, item.width, item.height, f"wp-image-{item.id}")
        return resolve

    def link_resolver(self, target: str) -> LinkTarget | None:
        other = self.series.find_episode(target)
        if other is None:
            return None
        link = self.links.posts.get(other.id)
        if link is None:
            self.links.unresolved.setdefault(self.ep.id, set()).add(other.id)
        return LinkTarget(link, other.title)


def post_content(series: Series, ep: Episode, media: dict[Path, Media], links: Links,
                 *, published: list[Episode]) -> str:
    """The post content for a recap: marker comment, spoiler warning, article body."""
    links.unresolved.pop(ep.id, None)
    renderer = _PostRenderer(PageSet(series, published), media, links, ep)
    html = renderer.fragment(ep, renderer.body_html(ep))
    return f"<!-- {marker(series, ep)} -->\n" + html.replace(SPOILER_SPAN, WP_SPOILER_SPAN)
