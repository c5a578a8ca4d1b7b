"""Where to publish, as whom, and the application password.

`recapdesk.yaml`:

    publish:
      wordpress: {url: "https://recaps.example.com/", user: writer}

The password is a WordPress application password. It lives in the system keyring
(service `recapdesk`, one entry per user and site) and never in the project or a log;
RECAPDESK_WORDPRESS_PASSWORD overrides it (scripts and tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from recapdesk.core.model import Series

PASSWORD_ENV = "RECAPDESK_WORDPRESS_PASSWORD"
KEYRING_SERVICE = "recapdesk"


class SettingsError(Exception):
    """The publish settings are missing or unusable; the message is one clear line."""


@dataclass(frozen=True)
class WordPressSettings:
    url: str  # the site root, ending with "/"
    user: str

    @property
    def keyring_name(self) -> str:
        """The keyring entry's user name: one per user and site."""
        return f"{self.user}@{self.url}"


def wordpress_settings(series: Series) -> WordPressSettings:
    """The WordPress site of a project (`publish.wordpress` in recapdesk.yaml)."""
    site = series.publish.get("wordpress")
    if not isinstance(site, dict):
        raise SettingsError("recapdesk.yaml has no WordPress site: add publish: wordpress: "
                            "{url: https://your.site/, user: you}")
    return site_settings(str(site.get("url") or ""), str(site.get("user") or ""))


def site_settings(url: str, user: str) -> WordPressSettings:
    """A site's address and user, checked (SettingsError says what is wrong)."""
    url, user = url.strip(), user.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"the site's address must be like https://recaps.example.com/ "
                            f"(not {url!r})")
    if not user:
        raise SettingsError("the WordPress user to publish as is missing")
    return WordPressSettings(url if url.endswith("/") else url + "/", user)


def save_wordpress_site(series: Series, url: str, user: str) -> WordPressSettings:
    """Write the site and user into `recapdesk.yaml` (its other keys and comments kept);
    raises SettingsError for an unusable address or user, or a manifest that cannot be
    read (which is then left as it is)."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    from recapdesk.core import frontmatter, storage
    from recapdesk.core.project import MANIFEST

    settings = site_settings(url, user)
    path = series.root / MANIFEST
    try:
        data = frontmatter.load_yaml(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError, frontmatter.FrontMatterError) as exc:
        raise SettingsError(f"{MANIFEST} cannot be read, so the site was not saved in it: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{MANIFEST} is not a mapping of keys to values; fix it first")
    publish = data.get("publish")
    if not isinstance(publish, dict):
        publish = data["publish"] = CommentedMap()
    site = publish.get("wordpress")
    if not isinstance(site, dict):
        site = publish["wordpress"] = CommentedMap()
    site["url"], site["user"] = settings.url, settings.user
    storage.atomic_write(path, frontmatter.dump(data))
    series.manifest = data
    return settings


def stored_password(settings: WordPressSettings) -> str | None:
    """The application password: from RECAPDESK_WORDPRESS_PASSWORD, else the system
    keyring; None when neither has it (or there is no keyring here)."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    try:
        import keyring
        import keyring.errors

        return keyring.get_password(KEYRING_SERVICE, settings.keyring_name)
    except Exception:  # no keyring on this system, or a broken one: ask instead
        return None


def store_password(settings: WordPressSettings, password: str) -> str:
    """Keep the password in the system keyring; "" when done, else why it could not
    be (it is then only remembered until RecapDesk closes)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, settings.keyring_name, password)
    except Exception as exc:  # no keyring here: the writer is told, nothing is written
        return f"the system keyring cannot keep it ({exc.__class__.__name__})"
    return ""
