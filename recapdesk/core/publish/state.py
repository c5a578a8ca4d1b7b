"""What was published where: kept in the project, beside recapdesk.yaml, so it travels
with git or a synced folder (it is not a cache: losing it costs a search of the site).

`recapdesk.published.json`, per site (its URL):

- `posts`: per recap id, the post's id, link, status, the hash of what was sent, the
  hash of the content as the site stored it, and the site's `modified_gmt` then (whole
  seconds only, hence the stored hash too): a post changed on the site since shows in
  either;
- `media`: per still, by the hash of its file's bytes (a renamed still is the same
  still), the media item's id, address and size, and the hash of its details;
- `category`: the series' category id.

Written through `storage` after every step, so a cancelled or failed run is resumed
by the next one without duplicates.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from recapdesk.core import storage
from recapdesk.core.model import Series

STATE_FILE = "recapdesk.published.json"
VERSION = 1


@dataclass
class PostRecord:
    id: int
    link: str
    status: str
    sent: str  # hash of every field RecapDesk sent
    stored: str  # hash of the content as the site stored it
    modified: str  # the site's modified_gmt when RecapDesk last wrote it
    file: str = ""  # the recap's file then (relative to the project)
    title: str = ""
    source: str = ""  # hash of the recap's file as it was published


@dataclass
class MediaRecord:
    id: int
    url: str
    width: int
    height: int
    details: str = ""  # hash of alt text, caption, credit as sent
    file: str = ""  # the still's name when it was uploaded


@dataclass
class SiteState:
    user: str = ""
    category: int | None = None
    posts: dict[str, PostRecord] = field(default_factory=dict)
    media: dict[str, MediaRecord] = field(default_factory=dict)


class PublishState:
    """The state file of one project (read once, written after every change)."""

    def __init__(self, series: Series) -> None:
        self.path = series.root / STATE_FILE
        self.sites: dict[str, SiteState] = {}
        self.problem = ""  # why the file could not be read (it is then not overwritten)
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_text("utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problem = f"{STATE_FILE} cannot be read: {exc.strerror or exc}"
            return
        try:
            data = json.loads(raw)
            for url, site in (data.get("sites") or {}).items():
                self.sites[url] = SiteState(
                    user=str(site.get("user", "")), category=site.get("category"),
                    posts={k: PostRecord(**v) for k, v in (site.get("posts") or {}).items()},
                    media={k: MediaRecord(**v) for k, v in (site.get("media") or {}).items()})
        except (ValueError, TypeError, AttributeError):
            self.sites.clear()
            self.problem = (f"{STATE_FILE} is not readable (edited by hand?): RecapDesk finds "
                            "its posts on the site instead, and leaves the file as it is")

    def site(self, url: str) -> SiteState:
        return self.sites.setdefault(url, SiteState())

    def save(self) -> None:
        """Write the file (never over one that could not be read)."""
        if self.problem:
            return
        doc: dict[str, Any] = {"version": VERSION, "sites": {
            url: {"user": site.user, "category": site.category,
                  "posts": {k: asdict(v) for k, v in sorted(site.posts.items())},
                  "media": {k: asdict(v) for k, v in sorted(site.media.items())}}
            for url, site in sorted(self.sites.items())}}
        storage.atomic_write(Path(self.path), json.dumps(doc, indent=1, ensure_ascii=False)
                             + "\n")


@dataclass(frozen=True)
class PublishMark:
    """How a recap stands on the project's site, for the outline."""

    status: str  # the post's status there: draft, publish, future, pending, private
    link: str
    changed: bool  # the recap's file changed since it was published

    @property
    def text(self) -> str:
        where = {"publish": "Published", "future": "Scheduled", "pending": "Pending review",
                 "private": "Published privately"}.get(self.status, "Draft on the site")
        return where + (" · changed since" if self.changed else "")


def publish_marks(series: Series) -> dict[Path, PublishMark]:
    """Each recap published to the project's WordPress site, by file: its status there
    and whether its file changed since (empty without a site or a state file)."""
    from recapdesk.core.publish.settings import SettingsError, wordpress_settings

    if not (series.root / STATE_FILE).exists():
        return {}
    try:
        url = wordpress_settings(series).url
    except SettingsError:
        return {}
    posts = PublishState(series).site(url).posts
    marks: dict[Path, PublishMark] = {}
    for ep in series.episodes:
        record = posts.get(ep.id)
        if record is None:
            continue
        changed = bool(record.source) and storage.file_hash(ep.path) != record.source
        marks[ep.path] = PublishMark(record.status, record.link, changed)
    return marks


def published(series: Series, url: str) -> dict[str, PostRecord]:
    """The recaps published to the site at `url`, by id (empty when none or unreadable)."""
    return dict(PublishState(series).site(url).posts) if (series.root / STATE_FILE).exists() \
        else {}
