"""The raw-HTML allow-list, applied with nh3 (the ammonia sanitizer).

No `<script>`, no `<style>`, no event-handler attributes, no `javascript:` URLs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (loaded with the first raw HTML to clean: most recaps have none)
    import nh3

TAGS = frozenset({
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
    "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
})

_COMMON = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "hreflang"},
    "img": _COMMON | {"src", "srcset", "sizes", "alt", "width", "height", "loading",
                      "fetchpriority", "decoding"},
    "source": {"type", "srcset", "sizes", "media", "width", "height"},
    "span": _COMMON | {"tabindex"},
    "td": _COMMON | {"colspan", "rowspan", "style"},
    "th": _COMMON | {"colspan", "rowspan", "scope", "style"},
    "ol": _COMMON | {"start", "reversed", "type"},
    "li": _COMMON | {"value"},
    "details": _COMMON | {"open"},
    "time": _COMMON | {"datetime"},
    "q": _COMMON | {"cite"},
    "blockquote": _COMMON | {"cite"},
    "del": _COMMON | {"datetime", "cite"},
    "ins": _COMMON | {"datetime", "cite"},
    "abbr": _COMMON,
    "col": _COMMON | {"span"},
    "colgroup": _COMMON | {"span"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        generic_attribute_prefixes={"data-"},
        filter_style_properties={"text-align"},
    )


def sanitize(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return _cleaner().clean(html)
