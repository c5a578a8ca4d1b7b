"""Publishing recaps to a WordPress site: what is sent, in which order, and what is kept.

`Publisher(series, client, options)` first looks at the site (`look()`: who we are, the
series' category, the posts and media RecapDesk made before) and works out the plan;
`dry_run()` says what would be done; `run()` is a generator that yields Progress while
it uploads the stills each recap needs (once: a still is known by the bytes of its
file) and creates or updates the posts, writing what it did to the project's state
file after every step. Stopping the generator (Cancel) or a failure leaves a state the
next run goes on from, without duplicates.

A post changed on the site since RecapDesk last wrote it is not overwritten (its recap
is refused, and said so) unless `force`; a post deleted on the site is created anew.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recapdesk.core import images, storage, web_images
from recapdesk.core.markdown import facts
from recapdesk.core.model import Episode, Series
from recapdesk.core.pages.renderer import episode_images
from recapdesk.core.paths import resolve_image
from recapdesk.core.publish import body
from recapdesk.core.publish.body import Links, Media
from recapdesk.core.publish.state import MediaRecord, PostRecord, PublishState
from recapdesk.core.publish.wordpress import (
    Forbidden,
    NotFound,
    Upload,
    WordPressClient,
    WordPressError,
)

MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}
STATUSES = ("draft", "publish")


class PublishError(Exception):
    """Publishing cannot go on; the message is one clear sentence."""


@dataclass
class PublishOptions:
    episodes: list[str] = field(default_factory=list)  # ids; empty: every final recap
    status: str | None = None  # draft or publish; None: draft for new posts, kept for others
    drafts: bool = False
    force: bool = False


@dataclass
class Progress:
    done: int
    total: int
    message: str


@dataclass
class RecapOutcome:
    """What happened (or would happen) to one recap."""

    id: str
    title: str
    action: str  # create, update, unchanged, refused, recreate
    link: str = ""
    note: str = ""


@dataclass
class _Still:
    key: str  # hash of the file's bytes and of how export sizes it
    source: Path
    name: str  # the file name it is uploaded as
    alt: str
    caption: str
    credit: str
    record: MediaRecord | None = None

    @property
    def details(self) -> str:
        return _hash([self.alt, self.caption, self.credit])


def _hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8", "surrogatepass")).hexdigest()


class Publisher:
    """Publishes one project's recaps to one site as one user."""

    def __init__(self, series: Series, client: WordPressClient, options: PublishOptions,
                 *, cache_dir: Path | None = None) -> None:
        if options.status is not None and options.status not in STATUSES:
            raise PublishError(f"--status must be draft or publish, not {options.status!r}")
        self.series = series
        self.client = client
        self.options = options
        self.cache_dir = cache_dir or series.state_dir / "cache" / "images"
        self.state = PublishState(series)
        self.site = self.state.site(client.site)
        self.targets = self._targets()
        self.published = [e for e in series.episodes if e.usable
                          and (options.drafts or not e.is_draft or e in self.targets)]
        self.notes: list[str] = [self.state.problem] if self.state.problem else []
        self.outcomes: dict[str, RecapOutcome] = {}
        self.stills: dict[Path, _Still] = {}
        self.remote: dict[str, dict[str, Any]] = {}  # recap id -> its post as stored now
        self.cancel = threading.Event()
        self.upload_progress: Callable[[str, int, int], None] | None = None
        self._looked = False

    # --- what to publish ---------------------------------------------------------------

    def _targets(self) -> list[Episode]:
        series, opts = self.series, self.options
        if not opts.episodes:
            return [e for e in series.episodes if e.usable and (opts.drafts or not e.is_draft)]
        targets: list[Episode] = []
        for ident in opts.episodes:
            ep = series.find_episode(ident)
            if ep is None:
                raise PublishError(f"no episode {ident!r} in {series.root.name}")
            if not ep.usable:
                raise PublishError(f"{series.rel(ep.path)} cannot be read; fix it first")
            if ep not in targets:
                targets.append(ep)
        return targets

    def _collect_stills(self) -> None:
        """Every still the recaps show (their images and covers), once each."""
        for ep in self.targets:
            for path in episode_images(self.series, ep):
                if path in self.stills:
                    continue
                try:
                    info = images.probe(path)
                except images.ImageError as exc:
                    raise PublishError(f"{self.series.rel(path)}: {exc}") from None
                suffix = web_images.output_suffix(info)
                key = _hash([_file_hash(path), suffix, web_images.MAX_WIDTH,
                             web_images.CACHE_VERSION])
                in_stills = path.parent == self.series.stills_dir
                meta = self.series.stills.get(path.name) if in_stills else None
                alt = (meta.alt if meta else "") or _markdown_alt(self.series, ep, path)
                self.stills[path] = _Still(key, path, path.stem + suffix, alt,
                                           meta.caption if meta else "",
                                           meta.credit if meta else "",
                                           self.site.media.get(key))

    # --- looking at the site -----------------------------------------------------------

    def look(self) -> None:
        """Read what the plan needs from the site (nothing is changed)."""
        if self._looked:
            return
        me = self.client.me()
        caps = me.get("capabilities") or {}
        if caps and not (caps.get("edit_posts") and caps.get("upload_files")):
            roles = ", ".join(me.get("roles") or []) or "no role"
            raise PublishError(f"{self.client.user} may not write posts or upload media on "
                               f"{self.client.site} (role: {roles}); an Author role is enough")
        self.can_publish = bool(caps.get("publish_posts", True))
        self.can_categorize = bool(caps.get("manage_categories"))
        self._collect_stills()
        self._look_at_media()
        self._look_at_posts()
        self._look_at_category()
        self._looked = True

    def _look_at_media(self) -> None:
        known = {s.record.id for s in self.stills.values() if s.record is not None}
        there = self.client.media(sorted(known)) if known else {}
        for still in self.stills.values():
            if still.record is not None and still.record.id not in there:
                still.record = None  # deleted on the site: uploaded again
            if still.record is None:  # uploaded by a run that was cut short?
                found = self.client.find_media(_media_slug(still.key))
                if found is not None:
                    still.record = _media_record(found, still)
                    self.site.media[still.key] = still.record

    def _look_at_posts(self) -> None:
        ids = {self.site.posts[e.id].id for e in self.targets if e.id in self.site.posts}
        there = self.client.posts(sorted(ids)) if ids else {}
        for ep in self.targets:
            record = self.site.posts.get(ep.id)
            if record is not None and record.id in there:
                self.remote[ep.id] = there[record.id]
                continue
            if record is not None:  # deleted on the site
                self.site.posts.pop(ep.id)
                self.notes.append(f"{ep.id}: its post was deleted on the site; a new one is "
                                  "created")
                self.outcomes[ep.id] = RecapOutcome(ep.id, ep.title, "recreate")
                continue
            found = self.client.find_post(body.marker(self.series, ep))
            if found is not None:  # published before, and the record of it was lost
                self.remote[ep.id] = found
                self.site.posts[ep.id] = _post_record(found, ep, self.series, sent="")

    def _look_at_category(self) -> None:
        name = self.series.title
        self.category = self.client.find_category(name)
        if self.category is None and not self.can_categorize:
            self.notes.append(f"the category “{name}” does not exist on the site and "
                              f"{self.client.user} may not create it: ask an editor to add it "
                              "(the posts are filed without it until then)")

    def changed_on_site(self, ep: Episode) -> bool:
        """Whether the recap's post was edited on the site since RecapDesk wrote it."""
        record, post = self.site.posts.get(ep.id), self.remote.get(ep.id)
        if record is None or post is None or not record.sent:
            return False
        stored = _hash(post.get("content", {}).get("raw", ""))
        return stored != record.stored or post.get("modified_gmt") != record.modified

    # --- the plan ------------------------------------------------------------------------

    def _media_map(self) -> dict[Path, Media]:
        return {path: Media(s.record.id, s.record.url, s.record.width, s.record.height)
                for path, s in self.stills.items() if s.record is not None}

    def _links(self) -> Links:
        return Links({rid: r.link for rid, r in self.site.posts.items()})

    def _fields(self, ep: Episode, links: Links) -> dict[str, Any]:
        media = self._media_map()
        fields: dict[str, Any] = {
            "title": ep.title,
            "content": body.post_content(self.series, ep, media, links,
                                         published=self.published),
            "excerpt": ep.excerpt,
            "slug": body.post_slug(ep),
            "categories": [self.category] if self.category else [],
            "featured_media": self._cover(ep, media),
        }
        if ep.date:
            fields["date"] = f"{ep.date.isoformat()}T00:00:00"
        return fields

    def _cover(self, ep: Episode, media: dict[Path, Media]) -> int:
        shown = episode_images(self.series, ep)
        cover = resolve_image(self.series.root, ep.path, ep.cover).path if ep.cover else None
        for path in ([cover] if cover else []) + shown:
            if path in media:
                return media[path].id
        return 0

    def plan(self) -> list[RecapOutcome]:
        """What a run would do to each recap (after `look()`)."""
        self.look()
        links = self._links()
        planned = []
        for ep in self.targets:
            record = self.site.posts.get(ep.id)
            if ep.id in self.outcomes and self.outcomes[ep.id].action == "recreate":
                action = "recreate"
            elif record is None:
                action = "create"
            elif self.changed_on_site(ep) and not self.options.force:
                action = "refused"
            elif record.sent == _hash(self._fields(ep, links)) and not self._status_change(
                    record):
                action = "unchanged"
            else:
                action = "update"
            planned.append(RecapOutcome(ep.id, ep.title, action, record.link if record else ""))
        return planned

    def _status_change(self, record: PostRecord) -> bool:
        wanted = self.options.status
        return wanted is not None and _status(wanted) != record.status \
            and not (wanted == "publish" and record.status == "future")

    def uploads(self) -> list[str]:
        """The stills a run would upload (after `look()`)."""
        self.look()
        return [s.name for s in self.stills.values() if s.record is None]

    def unresolved(self) -> dict[str, list[str]]:
        """Links to recaps that have no post and are not published in this run."""
        self.look()
        links = self._links()
        for ep in self.targets:
            if ep.id not in links.posts:
                links.posts[ep.id] = "?"
        for ep in self.targets:
            body.post_content(self.series, ep, self._media_map(), links,
                              published=self.published)
        return {k: sorted(v) for k, v in links.unresolved.items() if v}

    # --- doing it ------------------------------------------------------------------------

    def run(self) -> Iterator[Progress]:
        """Upload what is missing, then create or update the posts; yields Progress."""
        self.look()
        planned = {o.id: o for o in self.plan()}
        missing = [s for s in self.stills.values() if s.record is None]
        changed = [s for s in self.stills.values()
                   if s.record is not None and s.record.details != s.details]
        total = len(missing) + len(changed) + 2 * len(self.targets) + 1
        done = 0
        if self.category is None and self.can_categorize:
            self.category = self.client.create_category(self.series.title)
        self.site.user, self.site.category = self.client.user, self.category
        for still in missing:
            yield Progress(done, total, f"Uploading {still.name}")
            self._upload(still)
            done += 1
        for still in changed:
            yield Progress(done, total, f"Details of {still.name}")
            assert still.record is not None
            self.client.update_media(still.record.id, _media_fields(still))
            still.record.details = still.details
            self._save()
            done += 1
        links = self._links()
        # new posts first, so that the links between the recaps of this run can be made
        for ep in self.targets:
            action = planned[ep.id].action
            if action in ("create", "recreate"):
                yield Progress(done, total, f"Creating the post for {ep.id}")
                self._write(ep, links, create=True, outcome=action)
                links.posts[ep.id] = self.site.posts[ep.id].link
            done += 1
        for ep in self.targets:
            planned_one = planned[ep.id]
            yield Progress(done, total, f"Post for {ep.id}")
            if planned_one.action == "refused":
                self.outcomes[ep.id] = RecapOutcome(
                    ep.id, ep.title, "refused", planned_one.link,
                    "its post was changed on the site since RecapDesk published it; publish "
                    "with --force to overwrite the site's version")
            else:  # a new post again only when its links now go further
                self._write(ep, links, create=False, outcome=planned_one.action)
            done += 1
        yield Progress(total, total, "Published")

    def _upload(self, still: _Still) -> None:
        suffix = Path(still.name).suffix
        data = web_images.web_bytes(still.source, suffix, self.cache_dir)
        fields = {"slug": _media_slug(still.key), "title": Path(still.name).stem,
                  **_media_fields(still)}

        def progress(sent: int, total: int) -> None:
            if self.upload_progress is not None:
                self.upload_progress(still.name, sent, total)

        item = self.client.upload(Upload(data, still.name, MIME.get(suffix, "image/jpeg")),
                                  fields, progress=progress, cancel=self.cancel)
        still.record = _media_record(item, still)
        self.site.media[still.key] = still.record
        self._save()

    def _write(self, ep: Episode, links: Links, *, create: bool, outcome: str = "") -> None:
        """Create the recap's post, or update it when what would be sent changed."""
        fields = self._fields(ep, links)
        record = self.site.posts.get(ep.id)
        sent = _hash(fields)
        if not create and record is not None and record.sent == sent \
                and not self._status_change(record):
            if ep.id not in self.outcomes or self.outcomes[ep.id].action not in (
                    "create", "recreate"):
                self.outcomes[ep.id] = RecapOutcome(ep.id, ep.title, "unchanged", record.link)
            return
        status = self.options.status
        if create or record is None:
            fields["status"] = _status(status or "draft") if self.can_publish else "pending"
            post = self.client.create_post(fields)
        else:
            if status is not None:
                fields["status"] = _status(status)
            try:
                post = self.client.update_post(record.id, fields)
            except NotFound:  # deleted on the site meanwhile
                self.site.posts.pop(ep.id, None)
                self.notes.append(f"{ep.id}: its post was deleted on the site; a new one "
                                  "was created")
                self._write(ep, links, create=True, outcome="recreate")
                return
        self.site.posts[ep.id] = _post_record(post, ep, self.series, sent=sent)
        self._save()
        action = outcome if outcome in ("create", "recreate") else "update"
        self.outcomes[ep.id] = RecapOutcome(ep.id, ep.title, action, post.get("link", ""))

    def _save(self) -> None:
        try:
            self.state.save()
        except OSError as exc:
            raise PublishError(f"cannot write {self.state.path.name} (what was published is "
                               f"kept on the site): {exc.strerror or exc}") from None


def _status(status: str) -> str:
    return "publish" if status == "publish" else "draft"


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _media_slug(key: str) -> str:
    return f"recapdesk-{key[:24]}"


def _media_fields(still: _Still) -> dict[str, str]:
    fields = {"alt_text": still.alt, "caption": still.caption}
    if still.credit:
        fields["description"] = f"Credit: {still.credit}"
    return fields


def _media_record(item: dict[str, Any], still: _Still) -> MediaRecord:
    sizes = item.get("media_details") or {}
    return MediaRecord(int(item["id"]), str(item.get("source_url", "")),
                       int(sizes.get("width") or 0), int(sizes.get("height") or 0),
                       still.details if item.get("alt_text", "") == still.alt else "",
                       still.name)


def _post_record(post: dict[str, Any], ep: Episode, series: Series, *, sent: str
                 ) -> PostRecord:
    return PostRecord(int(post["id"]), str(post.get("link", "")), str(post.get("status", "")),
                      sent, _hash(post.get("content", {}).get("raw", "")),
                      str(post.get("modified_gmt", "")), series.rel(ep.path), ep.title,
                      (storage.file_hash(ep.path) or "") if sent else "")


def _markdown_alt(series: Series, ep: Episode, path: Path) -> str:
    """The alt text a recap's Markdown gives an image (the first one written)."""
    from recapdesk.core.markdown import build_markdown
    from recapdesk.core.markdown.tokens import walk

    if path not in [resolve_image(series.root, ep.path, src).path
                    for src in facts.body_facts(ep.body).images]:
        return ""
    for loc in walk(build_markdown().parse(ep.body)):
        token = loc.token
        if token.type == "image" and resolve_image(
                series.root, ep.path, str(token.attrGet("src") or "")).path == path:
            alt = "".join(c.content for c in token.children or []).strip()
            if alt:
                return alt
    return ""


__all__ = ["Forbidden", "Progress", "PublishError", "PublishOptions", "Publisher",
           "RecapOutcome", "WordPressError"]
