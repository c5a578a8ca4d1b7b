"""A recap's body as Hugo Markdown: plain Markdown where Hugo reads it the same way,
shortcodes where the dialect goes further.

The body is parsed by the same `build_markdown()` as export, one top-level block at a
time:

- paragraphs, headings, lists, tables, quotes and code with nothing of the dialect in
  them are kept as the writer typed them (headings get `{#id}`, the export's id);
- paragraphs and headings with `||inline spoilers||`, `[[wiki links]]` or images are
  written out again as Markdown: a spoiler becomes `{{< recapdesk-spoiler >}}…`, a
  link to another recap `[title]({{< relref "/recaps/s01e03" >}})`;
- a still (an image alone in its paragraph) becomes Hugo's own `{{< figure >}}`;
- everything else (spoiler blocks, "Also Read" boxes, raw HTML, other blocks with the
  dialect inside) is the export's HTML — sanitized like it — inside
  `{{< recapdesk-html >}}`, since Hugo leaves raw HTML in Markdown out.

Text that Hugo would read as a shortcode (`{{<`, `{{%`) is escaped.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from recapdesk.core.markdown import ImageRef, LinkTarget, build_markdown, facts
from recapdesk.core.model import SPOILER_WARNINGS, Episode
from recapdesk.core.pages.renderer import PageSet, PlacedImage
from recapdesk.core.paths import resolve_image, still_name

SPOILER = "recapdesk-spoiler"
# an inline spoiler that hides itself (a theme has no `.spoiler` rule): what the
# recapdesk-spoiler shortcode writes, and what HTML blocks get instead of the export's span
EXPORT_SPOILER_SPAN = '<span class="spoiler" tabindex="0">'
SELF_HIDING_SPOILER_SPAN = ('<span class="spoiler" tabindex="0" '
                            'title="Spoiler: select the text to read it" '
                            'style="background-color:#262626;color:#262626">')
HTML = "recapdesk-html"
LINK_PLACEHOLDER = "#recapdesk-link-"

_DIALECT_INLINE = {"wikilink", "spoiler_open", "spoiler_close", "image"}
_CONTAINERS = {"container_spoiler_open", "container_also-read_open"}
_SHORTCODE_OPENERS = ("{{<", "{{%")
_TEXT_SPECIAL = re.compile(r"([\\`*_\[\]<>!&|{}~])")
_FENCE = re.compile(r"^\s*:{3,}\s*$")
_LINE_START = re.compile(r"^([#>+=-])|^(\d+)([.)])", re.MULTILINE)


@dataclass(frozen=True)
class BundleLinks:
    """How recaps refer to each other: recap id → the `relref` path of its bundle."""

    refs: dict[str, str]

    def ref(self, ep: Episode | None) -> str | None:
        return self.refs.get(ep.id) if ep is not None else None


def relref(path: str) -> str:
    return f'{{{{< relref "{path}" >}}}}'


def shortcode_param(value: str) -> str | None:
    """A shortcode parameter value Hugo reads back exactly (None when it cannot)."""
    if "`" not in value:
        return f"`{value}`"
    if "\\" not in value:
        return '"' + value.replace('"', '\\"') + '"'
    return None


def escape_text(text: str) -> str:
    """Plain text as Markdown that reads as exactly that text."""
    return _TEXT_SPECIAL.sub(r"\\\1", text)


def _escape_line_starts(markdown: str) -> str:
    """Keep a line of a paragraph from starting a heading, list, quote or rule."""
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", markdown)


def html_shortcode(html: str) -> str:
    """HTML that Hugo puts on the page as it is."""
    html = html.replace("{{%", "{{&#37;").rstrip("\n")
    return f"{{{{< {HTML} >}}}}\n{html}\n{{{{< /{HTML} >}}}}"


class HugoBody:
    """Turns one recap's body into the Markdown of its bundle's `index.md`."""

    def __init__(self, pages: PageSet, links: BundleLinks) -> None:
        self.pages = pages
        self.series = pages.series
        self.links = links
        self.images: dict[Path, PlacedImage] = {}  # of the recap at hand, by source

    # -- resolvers the shared renderer calls ---------------------------------------
    def _link(self, target: str) -> LinkTarget | None:
        ep = self.series.find_episode(target)
        if ep is None:
            return None
        ref = self.links.ref(ep)
        return LinkTarget(f"{LINK_PLACEHOLDER}{ep.id}" if ref else None, ep.title)

    def _image(self, ep: Episode, src: str) -> ImageRef | None:
        path = resolve_image(self.series.root, ep.path, src).path
        placed = self.images.get(path) if path else None
        if placed is None:
            return None
        return ImageRef(placed.name, placed.width, placed.height)

    def _markdown(self, ep: Episode) -> MarkdownIt:
        known = facts.cached(ep.body) or facts.body_facts(ep.body)
        return build_markdown(episodes=self._link, stills=self.series.stills,
                              still_of=functools.partial(still_name, self.series.root, ep.path),
                              images=functools.partial(self._image, ep),
                              heading_shift=int(known.has_h1),
                              time_notes=True)  # as blocks, so that they can be left out

    # -- the body ------------------------------------------------------------------
    def body(self, ep: Episode, images: dict[Path, PlacedImage]) -> str:
        """The Markdown of the recap's `index.md`; `images` are the bundle's stills."""
        self.images = images
        md = self._markdown(ep)
        env: dict = {}
        tokens = md.parse(ep.body, env)
        lines = ep.body.splitlines()
        parts: list[str] = []
        warning = SPOILER_WARNINGS.get(ep.spoilers, "")
        if warning:
            parts.append(html_shortcode(f'<p class="spoiler-warning spoiler-warning-'
                                        f'{ep.spoilers}">{warning}</p>'))
        covered = 0
        i = 0
        while i < len(tokens):
            end = _block_end(tokens, i)
            block = tokens[i:end + 1]
            first = tokens[i]
            if first.map is None:  # the footnotes Markdown keeps as definitions
                i = end + 1
                continue
            start, stop = first.map
            gap = "\n".join(lines[covered:start]).strip("\n")
            parts.append(self._verbatim(gap))
            covered = max(covered, stop)
            if first.type == "time_notes_open":  # the writer's notes: never exported
                i = end + 1
                continue
            parts.append(self._block(block, "\n".join(lines[start:stop]), md, env, ep))
            i = end + 1
        rest = "\n".join(lines[covered:]).strip("\n")
        parts.append(self._verbatim(rest))
        return "\n\n".join(p for p in parts if p) + "\n"

    @staticmethod
    def _verbatim(source: str) -> str:
        """Lines between blocks kept as typed (link and footnote definitions), without
        the fences that closed a container and with shortcodes escaped."""
        kept = "\n".join(line for line in source.splitlines() if not _FENCE.match(line))
        return kept.strip("\n").replace("{{<", "{{&lt;").replace("{{%", "{{&#37;")

    def _block(self, block: list[Token], source: str, md: MarkdownIt, env: dict,
               ep: Episode) -> str:
        first = block[0]
        guarded = any(o in source for o in _SHORTCODE_OPENERS)
        if first.type == "figure_open" and not guarded:
            figure = self._figure(block, md, env)
            if figure is not None:
                return figure
        elif first.type == "heading_open" and not guarded:
            text = self._inline(block[1], ep)
            if text is not None:
                level = int(first.tag[1])
                return f"{'#' * level} {text} {{#{first.attrGet('id')}}}"
        elif first.type == "paragraph_open" and not guarded:
            text = self._inline(block[1], ep)
            if text is not None:
                return text
        elif first.type in ("bullet_list_open", "ordered_list_open") and not guarded \
                and not _plain(block):
            text = self._list(block, ep)
            if text is not None:
                return text
        elif first.type not in _CONTAINERS and not guarded and _plain(block):
            return source
        return self._html(block, md, env)

    def _list(self, block: list[Token], ep: Episode) -> str | None:
        """A one-level list whose items are one paragraph each, as Markdown."""
        first = block[0]
        ordered = first.type == "ordered_list_open"
        number = int(first.attrGet("start") or 1) if ordered else 0
        inlines = [t for t in block if t.type == "inline"]
        items = [t for t in block if t.type == "list_item_open"]
        if len(inlines) != len(items) or any(t.level > 3 for t in inlines) or any(
                t.type not in ("list_item_open", "list_item_close", "paragraph_open",
                               "paragraph_close", "inline") for t in block[1:-1]):
            return None
        loose = any(t.type == "paragraph_open" and not t.hidden for t in block)
        written = []
        for n, (item, inline) in enumerate(zip(items, inlines, strict=True)):
            text = self._inline(inline, ep)
            if text is None:
                return None
            bullet = f"{number + n}{item.markup}" if ordered else (first.markup or "-")
            indent = " " * (len(bullet) + 1)
            written.append(f"{bullet} " + text.replace("\n", "\n" + indent))
        return ("\n\n" if loose else "\n").join(written)

    def _html(self, block: list[Token], md: MarkdownIt, env: dict) -> str:
        html = md.renderer.render(block, md.options, env)
        html = html.replace(EXPORT_SPOILER_SPAN, SELF_HIDING_SPOILER_SPAN)
        for ep_id, ref in self.links.refs.items():
            html = html.replace(f'href="{LINK_PLACEHOLDER}{ep_id}"', f'href="{relref(ref)}"')
        return html_shortcode(html)

    def _inline(self, inline: Token, ep: Episode) -> str | None:
        """The inline content as Hugo Markdown; None when only HTML can carry it."""
        children = inline.children or []
        if not any(c.type in _DIALECT_INLINE for c in children):
            if any(c.type == "html_inline" for c in children):
                return None
            return inline.content
        out = _InlineWriter(self, ep).write(children)
        return _escape_line_starts(out) if out is not None else None

    def _figure(self, block: list[Token], md: MarkdownIt, env: dict) -> str | None:
        """Hugo's `figure` shortcode for a still, with what export gives it."""
        html = md.renderer.render(block, md.options, env)
        caption = re.search(r"<figcaption>(.*)</figcaption>", html, re.S)
        params = [("src", _attr(html, "src")), ("alt", _attr(html, "alt"))]
        if caption:
            params.append(("caption", escape_text(html_lib.unescape(caption[1]))))
        if _attr(html, "width") and _attr(html, "height"):
            params += [("width", _attr(html, "width")), ("height", _attr(html, "height"))]
        params.append(("class", "still"))
        written = []
        for key, value in params:
            quoted = shortcode_param(value)
            if quoted is None:
                return None
            written.append(f"{key}={quoted}")
        return "{{< figure " + " ".join(written) + " >}}"


def _attr(html: str, name: str) -> str:
    found = re.search(rf'\s{name}="([^"]*)"', html)
    return html_lib.unescape(found[1]) if found else ""


def _plain(block: list[Token]) -> bool:
    """True when Markdown alone renders this block as export does."""
    for token in block:
        if token.type == "html_block" or token.type in _CONTAINERS:
            return False
        if token.type == "inline" and any(
                c.type in _DIALECT_INLINE or c.type == "html_inline"
                for c in token.children or []):
            return False
    return True


def _block_end(tokens: list[Token], i: int) -> int:
    """The index of the token that closes the top-level block opened at `i`."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth <= 0:
            return j
    return len(tokens) - 1


class _InlineWriter:
    """Writes inline tokens back as Markdown (None for what Markdown cannot say)."""

    def __init__(self, body: HugoBody, ep: Episode) -> None:
        self.body = body
        self.ep = ep
        self.destinations: list[str] = []  # of the links being written

    def write(self, children: list[Token]) -> str | None:
        parts: list[str] = []
        for child in children:
            piece = self._one(child)
            if piece is None:
                return None
            parts.append(piece)
        return "".join(parts)

    def _one(self, tok: Token) -> str | None:
        simple: dict[str, Callable[[Token], str | None]] = {
            "text": lambda t: escape_text(t.content),
            "softbreak": lambda t: "\n",
            "hardbreak": lambda t: "\\\n",
            "code_inline": _code,
            "em_open": _markup, "em_close": _markup,
            "strong_open": _markup, "strong_close": _markup,
            "s_open": _markup, "s_close": _markup,
            "spoiler_open": lambda t: f"{{{{< {SPOILER} >}}}}",
            "spoiler_close": lambda t: f"{{{{< /{SPOILER} >}}}}",
            "footnote_ref": lambda t: f"[^{t.meta.get('label', t.meta.get('id', 0) + 1)}]",
            "link_open": self._link_open,
            "link_close": lambda t: f"]({self.destinations.pop()})",
            "image": self._image,
            "wikilink": self._wikilink,
        }
        handler = simple.get(tok.type)
        return handler(tok) if handler is not None else None

    def _link_open(self, tok: Token) -> str:
        self.destinations.append(_destination(str(tok.attrGet("href") or ""),
                                              tok.attrGet("title")))
        return "["

    def _image(self, tok: Token) -> str:
        src = str(tok.attrGet("src") or "")
        ref = self.body._image(self.ep, src)
        alt = escape_text(tok.content)
        return f"![{alt}]({_destination(ref.src if ref else src, tok.attrGet('title'))})"

    def _wikilink(self, tok: Token) -> str:
        ep = self.body.series.find_episode(tok.meta["target"])
        label = tok.meta.get("label") or (ep.title if ep else tok.meta["target"])
        ref = self.body.links.ref(ep)
        if ref is None:
            return escape_text(label)
        return f"[{escape_text(label)}]({relref(ref)})"


def _markup(tok: Token) -> str:
    return tok.markup


def _destination(href: str, title: object) -> str:
    dest = f"<{href}>"
    if title:
        dest += ' "' + str(title).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return dest


def _code(tok: Token) -> str | None:
    content = tok.content
    ticks = tok.markup or "`"
    if len(ticks) >= 3:
        return None  # could open a fenced block at the start of a line
    if content.startswith(("`", " ")) or content.endswith(("`", " ")):
        content = f" {content} "
    return f"{ticks}{content}{ticks}"
