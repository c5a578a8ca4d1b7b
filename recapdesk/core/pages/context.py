"""What a page template is given: title, meta description, OpenGraph, JSON-LD,
previous/next and the list of recaps, and the page names they link to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from recapdesk.core.model import Episode, Series
from recapdesk.core.slugs import slugify


def page_name(ep: Episode) -> str:
    """The file name of an episode's page: its code (`s01e04.html`) or its title slug."""
    if ep.code:
        return f"{ep.code}.html"
    return f"{slugify(ep.stem or ep.title, fallback='recap')}.html"


@dataclass
class RecapLink:
    """A link to a recap's page (previous, next, or in the list of recaps)."""

    href: str
    title: str
    code: str
    current: bool = False


@dataclass
class PageContext:
    """Everything the page template needs; built here so templates stay dumb."""

    lang: str
    title: str  # the <title>
    heading: str  # the one <h1>
    description: str
    og_type: str
    og_image: str
    canonical: str
    site_name: str
    series_title: str
    json_ld: str
    stylesheet_href: str | None = "style.css"
    icon: str = ""  # the site icon's URL (and the Apple touch icon's)
    touch_icon: str = ""
    inline_css: str | None = None
    kicker: str = ""
    author: str = ""
    date_iso: str = ""
    date_text: str = ""
    runtime: str = ""
    rating: float | None = None
    stars: str = ""
    excerpt: str = ""
    spoiler_warning: str = ""
    spoiler_level: str = "none"
    spoiler_free: bool = False
    body_html: str = ""
    streaming: str = ""
    prev: RecapLink | None = None
    next: RecapLink | None = None
    recaps_html: str = ""  # the <li>s of the list of recaps (made once per page set)
    extra: dict[str, Any] = field(default_factory=dict)


def json_script(data: Any) -> str:
    """JSON for a <script type="application/ld+json"> element (safe against `</script>`;
    on one line: the compact form is what readers' browsers and search engines read,
    and is made several times faster)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def stars(rating: float) -> str:
    full = int(round(rating))
    return "★" * full + "☆" * (5 - full)


def format_rating(rating: float) -> str:
    return f"{rating:g}"


def series_ld(series: Series) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "TVSeries", "name": series.title}
    if series.original_title:
        data["alternateName"] = series.original_title
    if series.directors:
        data["director"] = [{"@type": "Person", "name": n} for n in series.directors]
    if series.cast:
        data["actor"] = [{"@type": "Person", "name": n} for n in series.cast]
    if series.episode_count:
        data["numberOfEpisodes"] = series.episode_count
    if series.base_url:
        data["url"] = series.base_url
    return data


def episode_ld(series: Series, ep: Episode, *, image: str, url: str) -> dict[str, Any]:
    """schema.org Review (rated) or Article about a TVEpisode partOfSeries a TVSeries."""
    about: dict[str, Any] = {"@type": "TVEpisode", "name": ep.title,
                             "partOfSeries": series_ld(series)}
    if ep.number is not None:
        about["episodeNumber"] = ep.number
    if ep.season is not None:
        about["partOfSeason"] = {"@type": "TVSeason", "seasonNumber": ep.season}
    if ep.runtime:
        about["timeRequired"] = f"PT{ep.runtime}M"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Review" if ep.rating is not None else "Article",
        "headline": ep.title[:110],
        "name": ep.title,
        "inLanguage": series.language,
    }
    if ep.excerpt:
        data["description"] = ep.excerpt
    if series.author:
        data["author"] = {"@type": "Person", "name": series.author}
    if ep.date:
        data["datePublished"] = ep.date.isoformat()
    if image:
        data["image"] = image
    if url:
        data["url"] = url
    if ep.rating is not None:
        data["itemReviewed"] = about
        data["reviewRating"] = {"@type": "Rating", "ratingValue": ep.rating,
                                "bestRating": 5, "worstRating": 0}
    else:
        data["about"] = about
    data["publisher"] = {"@type": "Organization", "name": series.site_name}
    return data


def index_ld(series: Series, *, image: str) -> dict[str, Any]:
    data = {"@context": "https://schema.org", **series_ld(series)}
    if image:
        data["image"] = image
    return data


def date_text(ep: Episode) -> str:
    return f"{ep.date.day} {ep.date:%B %Y}" if ep.date else ""


def kicker(ep: Episode) -> str:
    parts = []
    if ep.season is not None:
        parts.append(f"Season {ep.season}")
    if ep.number is not None:
        parts.append(f"Episode {ep.number}")
    return " · ".join(parts)


def description(series: Series, ep: Episode) -> str:
    if ep.excerpt:
        return ep.excerpt
    return f"{ep.title} — a recap of {series.title}."


def streaming_line(series: Series) -> str:
    return series.network
