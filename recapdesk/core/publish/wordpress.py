"""A small WordPress REST API client: who am I, categories, media and posts.

The API root is found the way WordPress advertises it (the `Link: <…>;
rel="https://api.w.org/"` header of the site's front page), so sites with pretty
permalinks (`/wp-json/`) and without them (`/?rest_route=/`) both work. Requests carry
the user's application password (HTTP Basic). Every failure is a WordPressError whose
message is one sentence a writer can act on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

API_REL = "https://api.w.org/"
ANY_STATUS = "draft,publish,future,pending,private"
CHUNK = 64 * 1024
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class WordPressError(Exception):
    """A request the site refused or that could not be made; one clear sentence."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "",
                 said: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.said = said  # the site's own words


class NotFound(WordPressError):
    """The post or media item is not on the site (deleted there)."""


class Forbidden(WordPressError):
    """The user may not do this (a role without the right)."""


class Cancelled(Exception):
    """The writer cancelled an upload."""


@dataclass(frozen=True)
class Upload:
    """A file to upload to the media library."""

    data: bytes
    filename: str
    mime: str


class WordPressClient:
    """Talks to one site as one user."""

    def __init__(self, site_url: str, user: str, password: str, *,
                 timeout: httpx.Timeout = TIMEOUT) -> None:
        self.site = site_url if site_url.endswith("/") else site_url + "/"
        self.user = user
        self._http = httpx.Client(auth=(user, password), timeout=timeout,
                                  follow_redirects=True,
                                  headers={"User-Agent": "RecapDesk"})
        self._root: str | None = None
        self.requests = 0  # every request made (reads and writes)
        self.writes = 0  # the requests that change the site

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WordPressClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- requests ----------------------------------------------------------------------

    @property
    def root(self) -> str:
        """The REST API root the site advertises."""
        if self._root is None:
            response = self._send("GET", self.site, {})
            link = response.links.get(API_REL)
            if not link or not link.get("url"):
                raise WordPressError(f"{self.site} does not look like a WordPress site (it "
                                     "does not advertise its REST API)")
            self._root = link["url"]
        return self._root

    def _url(self, route: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        root = self.root
        if "rest_route=" in root:  # a site without pretty permalinks
            base = root.split("?", 1)[0]
            return base, {"rest_route": "/" + route.lstrip("/"), **params}
        return urljoin(root if root.endswith("/") else root + "/", route.lstrip("/")), params

    def _send(self, method: str, url: str, params: dict[str, Any], **kwargs: Any
              ) -> httpx.Response:
        self.requests += 1
        if method != "GET":
            self.writes += 1
        try:
            response = self._http.request(method, url, params=params, **kwargs)
        except httpx.TimeoutException:
            raise WordPressError(f"{self.site} did not answer in time; try again (what was "
                                 "done so far is kept)") from None
        except httpx.HTTPError as exc:
            raise WordPressError(f"cannot reach {self.site}: {_reason(exc)}") from None
        if response.status_code >= 400:
            raise _error(self.site, response)
        return response

    def call(self, method: str, route: str, *, params: dict[str, Any] | None = None,
             **kwargs: Any) -> Any:
        """One REST request; its JSON answer."""
        url, query = self._url(route, dict(params or {}))
        response = self._send(method, url, query, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise WordPressError(f"{self.site} answered with something that is not the "
                                 "WordPress API (is the address right?)") from None

    # --- the user ----------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """The user the password belongs to, with its capabilities.

        A wrong application password is not refused by WordPress: the request is just
        anonymous. Asking who we are tells them apart.
        """
        try:
            return self.call("GET", "wp/v2/users/me", params={"context": "edit"})
        except WordPressError as exc:
            if exc.status == 401:
                raise WordPressError(f"the application password for {self.user} at "
                                     f"{self.site} is wrong (or was revoked): make a new one "
                                     "in WordPress under Users ▸ Profile ▸ Application "
                                     "Passwords", status=401, code=exc.code) from None
            raise

    # --- categories --------------------------------------------------------------------

    def find_category(self, name: str) -> int | None:
        found = self.call("GET", "wp/v2/categories", params={"search": name, "per_page": 100})
        for item in found:
            if str(item.get("name", "")).strip().lower() == name.strip().lower():
                return int(item["id"])
        return None

    def create_category(self, name: str) -> int:
        return int(self.call("POST", "wp/v2/categories", json={"name": name})["id"])

    # --- media -------------------------------------------------------------------------

    def upload(self, upload: Upload, fields: dict[str, Any], *,
               progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None) -> dict[str, Any]:
        """Upload a file to the media library with its fields (slug, title, alt_text,
        caption, description); `progress(sent, total)` follows the bytes, and `cancel`
        stops the upload between two chunks (raises Cancelled; nothing is created)."""
        total = len(upload.data)

        def body() -> Iterator[bytes]:
            for start in range(0, total, CHUNK):
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                yield upload.data[start:start + CHUNK]
                if progress is not None:
                    progress(min(total, start + CHUNK), total)

        headers = {"Content-Type": upload.mime, "Content-Length": str(total),
                   "Content-Disposition": f'attachment; filename="{_ascii(upload.filename)}"'}
        try:
            return self.call("POST", "wp/v2/media", params=fields, content=body(),
                             headers=headers)
        except WordPressError as exc:
            if exc.status == 413 or exc.code.startswith("rest_upload"):
                said = f": {exc.said}" if exc.said else ""
                raise WordPressError(f"{self.site} refused {upload.filename} "
                                     f"({total // 1024} KB){said}", status=exc.status,
                                     code=exc.code) from None
            raise

    def update_media(self, media_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", f"wp/v2/media/{media_id}", json=fields)

    def media(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The media items with these ids that are still on the site."""
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            items = self.call("GET", "wp/v2/media", params={
                "include": ",".join(map(str, chunk)), "per_page": 100, "context": "edit"})
            found.update({int(item["id"]): item for item in items})
        return found

    def find_media(self, slug: str) -> dict[str, Any] | None:
        items = self.call("GET", "wp/v2/media", params={"slug": slug, "context": "edit"})
        return items[0] if items else None

    # --- posts -------------------------------------------------------------------------

    def create_post(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "wp/v2/posts", json=fields)

    def update_post(self, post_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.call("POST", f"wp/v2/posts/{post_id}", json=fields)
        except WordPressError as exc:
            if exc.status == 404:
                raise NotFound(str(exc), status=404, code=exc.code) from None
            raise

    def posts(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The posts with these ids that are still on the site (any status, as stored)."""
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            items = self.call("GET", "wp/v2/posts", params={
                "include": ",".join(map(str, chunk)), "per_page": 100, "context": "edit",
                "status": ANY_STATUS})
            found.update({int(item["id"]): item for item in items})
        return found

    def find_post(self, marker: str) -> dict[str, Any] | None:
        """The user's post whose content carries `marker` (a comment RecapDesk puts in)."""
        items = self.call("GET", "wp/v2/posts", params={
            "search": marker, "context": "edit", "status": ANY_STATUS, "per_page": 10})
        return next((item for item in items
                     if marker in str(item.get("content", {}).get("raw", ""))), None)


def _ascii(name: str) -> str:
    """A file name safe in a header (the media library names files after it)."""
    return "".join(ch if ch.isascii() and ch not in '"\\\r\n' else "_" for ch in name)


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    if isinstance(exc, httpx.ConnectError):
        return f"the connection failed ({text})"
    return text


def _error(site: str, response: httpx.Response) -> WordPressError:
    code, message = "", ""
    try:
        data = response.json()
        if isinstance(data, dict):
            code = str(data.get("code") or "")
            message = " ".join(str(data.get("message") or "").split())
    except ValueError:
        pass
    status = response.status_code
    text = message or response.reason_phrase or f"HTTP {status}"
    kind = Forbidden if status == 403 else NotFound if status == 404 else WordPressError
    return kind(f"{site} refused the request ({status}): {text}", status=status, code=code,
                said=message)
