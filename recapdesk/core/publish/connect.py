"""Connecting to the project's WordPress site, and saying what a dry run would do."""

from __future__ import annotations

from recapdesk.core.model import Series
from recapdesk.core.publish.publisher import Publisher
from recapdesk.core.publish.settings import (
    PASSWORD_ENV,
    SettingsError,
    stored_password,
    wordpress_settings,
)
from recapdesk.core.publish.wordpress import WordPressClient

__all__ = ["SettingsError", "dry_run_lines", "wordpress_client"]


def wordpress_client(series: Series, password: str | None = None) -> WordPressClient:
    """A client for the project's site, with `password` or the one stored for it."""
    settings = wordpress_settings(series)
    password = password or stored_password(settings)
    if not password:
        raise SettingsError(f"no application password for {settings.user} at {settings.url}: "
                            f"set {PASSWORD_ENV}, or enter it once in RecapDesk (File ▸ "
                            "Publish…)")
    return WordPressClient(settings.url, settings.user, password)


VERBS = {"create": "create post", "recreate": "create post again (deleted on the site)",
         "update": "update post", "unchanged": "unchanged", "refused": "refuse (changed on "
         "the site; --force overwrites it)"}


def dry_run_lines(publisher: Publisher) -> list[str]:
    """What a run would do, one line each: posts, uploads, links, notes."""
    lines = [f"{o.id}\t{VERBS[o.action]}\t{o.title}" for o in publisher.plan()]
    lines += [f"upload\t{name}" for name in publisher.uploads()]
    for recap, targets in publisher.unresolved().items():
        lines.append(f"{recap}\tlinks stay text until these are published: "
                     f"{', '.join(targets)}")
    lines += [f"note\t{note}" for note in publisher.notes]
    if publisher.category is None:
        verb = "create" if publisher.can_categorize else "missing"
        lines.append(f"category\t{verb}: {publisher.series.title}")
    return lines
