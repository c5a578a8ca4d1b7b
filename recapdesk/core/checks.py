"""Problems for `recapdesk check`, the export gate and the Problems panel."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from markdown_it.token import Token

from recapdesk.core import site_icon
from recapdesk.core.images import ImageError, probe
from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.dispatch import FIRST_CHARACTERS
from recapdesk.core.markdown.tokens import walk_types
from recapdesk.core.model import SPOILER_LEVELS, STATUSES, Episode, Problem, Series
from recapdesk.core.paths import resolve_image, still_name
from recapdesk.core.project import MANIFEST, front_line, still_files

if TYPE_CHECKING:
    from recapdesk.core.editorial.names import NameDrift


class _ImageCheck:
    """Probes each image once per check run."""

    def __init__(self) -> None:
        self.cache: dict[Path, str] = {}

    def error_for(self, path: Path) -> str:
        if path not in self.cache:
            try:
                probe(path, full=True)
                self.cache[path] = ""
            except ImageError as exc:
                self.cache[path] = str(exc)
        return self.cache[path]


_SPOILER_OPEN = frozenset({"container_spoiler_open", "spoiler_open"})
_CHECKED_TOKENS = _SPOILER_OPEN | {"heading_open", "image", "wikilink", "html_block",
                                   "html_inline"}
# what the inline ones among them begin with in the source
_CHECKED_STARTS = "".join(FIRST_CHARACTERS[rule] for rule in ("spoiler", "image", "wikilink",
                                                              "html_inline"))


def check_episode(series: Series, ep: Episode, images: _ImageCheck | None = None,
                  *, tokens: list[Token] | None = None,
                  drifts: Sequence[NameDrift] | None = None) -> list[Problem]:
    """The problems of one episode (front matter and body). `drifts`: its near-miss
    names when known already (the editorial analysis of the same text finds them)."""
    images = images or _ImageCheck()
    rel = series.rel(ep.path)
    out: list[Problem] = []

    def add(line: int, level: str, message: str) -> None:
        out.append(Problem(rel, line, level, message))

    if not ep.readable:
        return out
    if ep.front_ok:
        _check_front(series, ep, add, images)
    if tokens is None:
        tokens = build_markdown().parse(ep.body)
    has_spoilers = False
    for token, at in walk_types(tokens, _CHECKED_TOKENS, _CHECKED_STARTS):
        line = ep.body_line + at
        if token.type in _SPOILER_OPEN:
            has_spoilers = True
        elif token.type == "heading_open" and token.tag == "h1":
            add(line, "warning", "level-1 heading: the recap's title is the page's heading, "
                                 "so # headings become ## on export")
        elif token.type == "image":
            _check_image(series, ep, token, line, add, images)
        elif token.type == "wikilink":
            _check_wikilink(series, ep, token, line, add)
        elif token.type in ("html_block", "html_inline") and "<img" in token.content.lower():
            _check_raw_images(token.content, line, add)
    if drifts is None:
        from recapdesk.core.editorial.drift_check import episode_drifts

        drifts = episode_drifts(series, ep, tokens)
    for drift in drifts:
        add(drift.span.line + 1, "warning", drift.message)
    if has_spoilers and ep.spoilers == "none":
        first = next((ep.body_line + at for _, at in walk_types(tokens, _SPOILER_OPEN)), 1)
        add(first, "warning", "spoiler markup in a recap marked `spoilers: none`")
    return out


def _check_front(series: Series, ep: Episode, add, images: _ImageCheck) -> None:
    front = ep.front
    if not front.get("title"):
        add(1, "warning", "no title in the front matter: the file name is used")
    if ep.season is None or ep.number is None:
        add(1, "warning", "no season/episode numbers: the file name is the episode's id")
    for key, allowed in (("spoilers", SPOILER_LEVELS), ("status", STATUSES)):
        value = front.get(key)
        if value is not None and str(value).strip().lower() not in allowed:
            add(front_line(ep, key), "error",
                f"{key} must be one of {', '.join(allowed)} (not {value!r})")
    for key in ("season", "episode", "runtime", "target_words"):
        value = front.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            add(front_line(ep, key), "error", f"{key} must be a whole number")
    rating = front.get("rating")
    if rating is not None and ep.rating is None:
        add(front_line(ep, "rating"), "error", "rating must be a number from 0 to 5")
    if front.get("date") is not None and ep.date is None:
        add(front_line(ep, "date"), "error", "date must look like 2022-05-27")
    if not ep.excerpt:
        add(1, "warning", "no excerpt: listings and social cards use it")
    if ep.cover:
        resolved = resolve_image(series.root, ep.path, ep.cover)
        if resolved.error:
            add(front_line(ep, "cover"), "error", f"cover: {resolved.error}")
        elif resolved.path is not None and (err := images.error_for(resolved.path)):
            add(front_line(ep, "cover"), "error", f"cover: {err}")


def _check_image(series: Series, ep: Episode, token: Token, line: int, add,
                 images: _ImageCheck) -> None:
    src = str(token.attrGet("src") or "")
    resolved = resolve_image(series.root, ep.path, src)
    if resolved.remote:
        add(line, "warning", f"remote image {src[:80]}: readers need the network to see it")
    elif resolved.error:
        add(line, "error", resolved.error)
    elif resolved.path is not None and (err := images.error_for(resolved.path)):
        add(line, "error", f"{Path(src).name}: {err}")
    alt = "".join(c.content for c in token.children or []).strip()
    name = still_name(series.root, ep.path, src)
    still = series.stills.get(name) if name else None
    if not alt and not (still and still.alt):
        shown = name or unquote(src.split("#", 1)[0].split("?", 1)[0]).rsplit("/", 1)[-1] or src
        add(line, "error", f"still {shown} has no alt text "
                           "(write ![alt](…) or set alt in stills/stills.yaml)")


@functools.cache
def _img_tags() -> type:
    """A parser of the `<img>` tags of raw HTML (html.parser is loaded only for raw HTML
    that holds one)."""
    from html.parser import HTMLParser

    class ImgTags(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[tuple[int, str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "img":
                values = dict(attrs)
                self.found.append((self.getpos()[0] - 1, (values.get("src") or "").strip(),
                                   values.get("alt")))

        handle_startendtag = handle_starttag

    return ImgTags


def raw_images(html: str) -> list[tuple[int, str, str | None]]:
    """(0-based line in `html`, src, alt or None) of each `<img>` in raw HTML."""
    parser = _img_tags()()
    parser.feed(html)
    parser.close()
    return parser.found


def _check_raw_images(html: str, line: int, add) -> None:
    """Raw `<img>`s: export copies and sizes only Markdown images, and the sanitizer
    keeps only http(s) sources, so any other source would be a broken image."""
    for offset, src, alt in raw_images(html):
        at = line + offset
        if src.lower().startswith(("http://", "https://")):
            add(at, "warning", f"remote image {src[:80]}: readers need the network to see it")
        else:
            shown = src[:80] or "(no src)"
            add(at, "error", f"raw HTML image {shown} is not exported: write it as "
                             f"![alt]({src[:80] or 'path'}) to publish the still")
        if alt is None or not alt.strip():
            add(at, "error", f"raw HTML image {src[:80] or '(no src)'} has no alt text")


def _check_wikilink(series: Series, ep: Episode, token: Token, line: int, add) -> None:
    target = token.meta["target"]
    other = series.find_episode(target)
    if other is None:
        add(line, "error", f"[[{target}]] does not match any recap of this project")
    elif other.is_draft and not ep.is_draft:
        add(line, "warning", f"[[{target}]] links to a draft: it is plain text until that "
                             "recap is final (or exported with --drafts)")


def check(series: Series) -> list[Problem]:
    """Every problem of the project: reading problems, episodes, stills metadata."""
    problems = list(series.problems)
    icon = site_icon.icon_problem(series)
    if icon:
        site = series.manifest.get("site") if isinstance(series.manifest, dict) else None
        problems.append(Problem(MANIFEST, _yaml_key_line(site, "icon"), "warning",
                                f"{icon}; the pages get an icon made from the initials"))
    images = _ImageCheck()
    for ep in series.episodes:
        problems.extend(check_episode(series, ep, images))
    names = {p.name for p in still_files(series)}
    stills_yaml = series.stills_dir / "stills.yaml"
    for name in series.stills:
        if name not in names:
            line = _yaml_key_line(series.stills_doc, name)
            problems.append(Problem(series.rel(stills_yaml), line, "warning",
                                    f"{name} is described but not in stills/"))
    problems.sort(key=lambda p: (p.path, p.line, p.level != "error"))
    return problems


def _yaml_key_line(doc, key: str) -> int:
    try:
        return doc.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return 1


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)

