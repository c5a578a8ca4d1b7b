"""Publishing the sample series to a local WordPress (Debian's packages, started here as
the tests start it): cold, again unchanged, and again with one paragraph changed.

Target: the run after one change sends one write (the changed post) plus the reads it
needs, and uploads nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from recapdesk.core.project import open_project
from recapdesk.core.publish.publisher import Publisher, PublishOptions
from recapdesk.core.publish.wordpress import WordPressClient
from tests.conftest import SAMPLE
from tests.drivers.wordpress import AUTHOR, WordPressSite, start_wordpress


def _media_count(site: WordPressSite) -> int:
    return int(site.php("echo count(get_posts(['post_type' => 'attachment', "
                        "'post_status' => 'any', 'numberposts' => -1]));"))


def _run(site: WordPressSite, root: Path) -> dict:
    """One `recapdesk publish` of the project, measured."""
    media = _media_count(site)
    started = time.perf_counter()
    with WordPressClient(site.url + "/", AUTHOR, site.passwords[AUTHOR]) as client:
        publisher = Publisher(open_project(root), client, PublishOptions())
        for _ in publisher.run():
            pass
        seconds = time.perf_counter() - started
        actions = sorted(o.action for o in publisher.outcomes.values())
        return {"s": round(seconds, 2), "requests": client.requests, "writes": client.writes,
                "uploads": _media_count(site) - media, "posts": actions}


def publish_wordpress(work: Path) -> dict:
    """Cold, unchanged and one-paragraph-changed runs against a fresh local WordPress."""
    base = Path(tempfile.mkdtemp(prefix="publish-", dir=work))
    site = start_wordpress(base / "wordpress")
    try:
        root = base / "series"
        shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".recapdesk", "export"))
        with open(root / "recapdesk.yaml", "a", encoding="utf-8") as fh:
            fh.write(f'publish:\n  wordpress: {{url: "{site.url}/", user: {AUTHOR}}}\n')
        cold = _run(site, root)
        unchanged = _run(site, root)
        recap = root / "episodes" / "s01e02.md"
        text = recap.read_text("utf-8")
        recap.write_text(text.replace("\n\n", "\n\nOne new sentence at the top.\n\n", 1),
                         "utf-8")
        one_changed = _run(site, root)
    finally:
        site.stop()
        shutil.rmtree(base, ignore_errors=True)
    return {"cold": cold, "unchanged": unchanged, "one_changed": one_changed,
            "recaps": len(cold["posts"])}
