"""One episode's CMS fragment from its (possibly unsaved) text, and a plain-text version.

Used by the window's "Copy HTML for CMS". Qt-free.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

from recapdesk.core.export.plan import ExportError, place_images
from recapdesk.core.markdown import ImageRef, LinkTarget
from recapdesk.core.model import Episode, Series
from recapdesk.core.pages.renderer import PageRenderer, PageSet
from recapdesk.core.project import episode_from_text

__all__ = ["episode_fragment", "fragment_text"]


class _CmsRenderer(PageRenderer):
    """Like the export's renderer, with image and recap URLs made absolute on base_url."""

    def image_resolver(self, ep: Episode):
        relative = super().image_resolver(ep)

        def resolve(src: str) -> ImageRef | None:
            ref = relative(src)
            if ref is None or not self.base:
                return ref
            srcset = ", ".join(self.base + item.strip() for item in ref.srcset.split(",")
                               if item.strip())
            return dataclasses.replace(ref, src=self.base + ref.src, srcset=srcset)
        return resolve

    def link_resolver(self, target: str) -> LinkTarget | None:
        link = super().link_resolver(target)
        if link is None or link.href is None or not self.base:
            return link
        return LinkTarget(self.base + link.href, link.title)


def episode_fragment(series: Series, path: Path | str, text: str, *,
                     spoiler_free: bool = False) -> str:
    """The CMS fragment of the episode at `path`, rendered from `text` (its full file text).

    This is the article body that `recapdesk export --fragment` writes for the episode
    (the spoiler-warning line when its `spoilers` is minor/major, then the body), with the
    same image names and sizes, with one difference made for pasting into a CMS, where the
    fragment lives at some other address than the exported site:

    * when the manifest sets `site.base_url`, image sources and links to other recaps are
      absolute URLs on it (`<base_url>images/<name>`, `<base_url>s01e02.html`), where the
      site export publishes them;
    * without a base URL they stay relative (`images/<name>`, `s01e02.html`) exactly as
      in the fragment export.

    Image names are decided over the published recaps (this one included even when it is
    a draft), like the whole-project export, so they match the site's `images/` folder.
    Missing or unreadable images keep the path written in the Markdown.

    Raises ExportError (one clear line) when the text's front matter cannot be read.
    """
    path = Path(path)
    ep, issues = episode_from_text(path, text)
    if not ep.usable:
        line, _, message = next(iter(issues), (1, "", "cannot be read"))
        raise ExportError(f"{path.name}:{line}: {message}; fix it before copying the HTML")
    episodes = [ep if e.path == path else e for e in series.episodes]
    if ep not in episodes:
        episodes.append(ep)
    view = dataclasses.replace(series, episodes=episodes)
    published = [e for e in episodes if e.usable and not e.is_draft]
    if ep not in published:
        published.append(ep)
        published.sort(key=Episode.sort_key)
    pages = PageSet(view, published, place_images(view, published), spoiler_free=spoiler_free,
                    pictures=False)
    renderer = _CmsRenderer(pages)
    return renderer.fragment(ep, renderer.body_html(ep))


# --- plain text ---------------------------------------------------------------------

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "blockquote",
           "ul", "ol", "li", "details", "summary", "aside", "section", "hr", "pre", "table",
           "tr", "div", "dl", "dt", "dd"}
_SKIP = {"script", "style", "template"}
_SPACE = re.compile(r"[ \t\r\n\f]+")


class _TextMaker(HTMLParser):
    """Blocks become paragraphs, list items get bullets, figures say what they show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.bullet = ""  # the marker of a list item whose text has not come yet
        self.attach = False  # the next block goes right under the last one (a caption)
        self.lists: list[list[int]] = []  # per open list: [items so far, next number or 0]
        self.inline: list[tuple[str, int]] = []  # open links (href) and spoilers, and where
        self.details: list[bool] = []  # per open <details>: is it a spoiler block
        self.skip = 0
        self.quote = 0
        self.backref = 0

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.line)).strip()
        self.line = []
        if not text:
            return
        indent = "   " * max(0, len(self.lists) - 1)
        text = "> " * self.quote + indent + self.bullet + text
        self.bullet = ""
        if self.attach and self.blocks:
            self.blocks[-1] += "\n" + text
        else:
            self.blocks.append(text)
        self.attach = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag in _SKIP:
            self.skip += 1
        if self.skip or self.backref:
            return
        if tag in _BLOCKS:
            self.flush()
        if tag in ("ul", "ol"):
            start = a.get("start", "1")
            self.lists.append([0, (int(start) if start.isdigit() else 1) if tag == "ol" else 0])
        elif tag == "li":
            state = self.lists[-1] if self.lists else [0, 0]
            self.bullet = f"{state[1]}. " if state[1] else "- "
            self.attach = state[0] > 0 or len(self.lists) > 1  # one item a line
            state[0] += 1
            if state[1]:
                state[1] += 1
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "figcaption":
            self.attach = True
        elif tag == "details":
            self.details.append("spoiler" in classes)
        elif tag == "summary" and self.details and self.details[-1]:
            self.line.append("[Spoiler: ")
        elif tag in ("s", "del", "strike"):
            self.line.append("~~")
        elif tag == "hr":
            self.blocks.append("* * *")
        elif tag == "br":
            self.line.append(" ")
        elif tag == "img":
            alt = _SPACE.sub(" ", a.get("alt", "")).strip()
            self.line.append(f"[Image: {alt}]" if alt else "[Image]")
        elif tag == "span" and "spoiler" in classes:
            self.line.append("[Spoiler: ")
            self.inline.append(("spoiler", len(self.line)))
        elif tag == "span":
            self.inline.append(("span", len(self.line)))
        elif tag == "a" and "footnote-backref" in classes:
            self.backref += 1
        elif tag == "a":
            self.inline.append((a.get("href", ""), len(self.line)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "a" and self.backref:
            self.backref -= 1
            return
        if tag in ("a", "span") and self.inline:
            kind, start = self.inline.pop()
            if kind == "spoiler":
                self.line.append("]")
            elif tag == "a":
                label = _SPACE.sub(" ", "".join(self.line[start:])).strip()
                if re.match(r"https?://", kind) and kind != label:
                    self.line.append(f" ({kind})")
        elif tag == "summary" and self.details and self.details[-1]:
            if "".join(self.line).strip().lower() == "[spoiler: spoiler":
                self.line = ["[Spoiler"]  # an unlabelled block
            self.line.append("]")
        elif tag in ("s", "del", "strike"):
            self.line.append("~~")
        if tag in _BLOCKS:
            self.flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "details" and self.details:
            self.details.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("img", "br", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.backref:
            self.line.append(data)


def fragment_text(html: str) -> str:
    """A readable plain-text version of a fragment (for the clipboard's text/plain).

    Paragraphs and headings are separated by blank lines; list items get `- ` or `1. `;
    an image reads `[Image: alt text]` with its caption on the next line; external links
    show their URL in brackets after the text; struck-out text reads `~~text~~`; inline
    spoilers read `[Spoiler: …]` and a spoiler block starts with a `[Spoiler: label]`
    line. Footnote back-links are left out.
    """
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    maker.flush()
    return "\n\n".join(maker.blocks) + "\n" if maker.blocks else ""
