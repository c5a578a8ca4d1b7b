"""Projects set to publish to the test WordPress, and what the tests read back from it
(the project's state file, posts and media as the site stored them)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from keyring.backend import KeyringBackend
from PIL import Image

from recapdesk.core.project import open_project
from recapdesk.core.publish.publisher import Publisher, PublishOptions
from recapdesk.core.publish.state import STATE_FILE
from recapdesk.core.publish.wordpress import WordPressClient
from tests.conftest import SAMPLE
from tests.drivers.wordpress import AUTHOR, WordPressSite

_COUNT = {"n": 0}


def make_project(site: WordPressSite, tmp_path: Path, user: str = AUTHOR) -> Path:
    """A copy of the sample series, with a title of its own, set to publish to `site`."""
    _COUNT["n"] += 1
    root = tmp_path / f"series{_COUNT['n']}"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".recapdesk", "export"))
    manifest = root / "recapdesk.yaml"
    text = manifest.read_text("utf-8")
    text = re.sub(r'^title: "?([^"\n]+)"?$',
                  lambda m: f'title: "{m.group(1)} {tmp_path.name[-12:]} {_COUNT["n"]}"',
                  text, count=1, flags=re.M)
    manifest.write_text(text + f'publish:\n  wordpress: {{url: "{site.url}/", user: {user}}}\n',
                        "utf-8")
    return root


def publisher(site: WordPressSite, root: Path, user: str = AUTHOR, **options) -> Publisher:
    client = WordPressClient(site.url + "/", user, site.passwords[user])
    return Publisher(open_project(root), client, PublishOptions(**options))


def run(pub: Publisher) -> Publisher:
    for _ in pub.run():
        pass
    pub.client.close()
    return pub


def state(root: Path, site: WordPressSite) -> dict:
    return json.loads((root / STATE_FILE).read_text("utf-8"))["sites"][site.url + "/"]


def posts_of(site: WordPressSite, marker: str) -> list[dict]:
    return site.php_json(f"""
        $found = [];
        foreach (get_posts(['post_status' => 'any', 'numberposts' => -1, 's' => '{marker}'])
                 as $p) {{
            $found[] = ['id' => $p->ID, 'status' => $p->post_status, 'title' => $p->post_title,
                        'content' => $p->post_content, 'excerpt' => $p->post_excerpt,
                        'slug' => $p->post_name, 'thumb' => (int) get_post_thumbnail_id($p),
                        'cats' => wp_get_post_categories($p->ID, ['fields' => 'names'])];
        }}
        echo json_encode($found);""")


def media_count(site: WordPressSite) -> int:
    return int(site.php("echo count(get_posts(['post_type' => 'attachment', "
                        "'post_status' => 'any', 'numberposts' => -1]));"))


def fresh_stills(root: Path) -> None:
    """Stills no other test uploaded (a site knows a still by its bytes), large enough to
    take many chunks to upload."""
    for path in sorted((root / "stills").glob("*.jpg")):
        Image.frombytes("RGB", (1600, 900), os.urandom(1600 * 900 * 3)).save(path, "JPEG")


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in memory: the tests never touch the machine's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)
