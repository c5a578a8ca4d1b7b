"""Publishing when things go wrong, against a real WordPress: a cancelled or timed-out
upload is resumed without duplicates, an upload the site refuses as too large, a user
without the rights, a site without pretty permalinks, links to unpublished recaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from recapdesk.core.project import open_project
from recapdesk.core.publish.publisher import PublishError
from recapdesk.core.publish.state import STATE_FILE
from recapdesk.core.publish.wordpress import Cancelled, WordPressClient, WordPressError
from tests.drivers.publishing import (
    fresh_stills,
    make_project,
    media_count,
    publisher,
    run,
    state,
)
from tests.drivers.wordpress import AUTHOR, CONTRIBUTOR, WordPressSite, start_wordpress


def test_a_cancelled_upload_is_resumed_without_duplicates(wordpress: WordPressSite, tmp_path,
                                                          make_image) -> None:
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    before = media_count(wordpress)
    pub = publisher(wordpress, root)
    sent: list[str] = []

    def progress(name: str, done: int, total: int) -> None:
        sent.append(name)
        if len(set(sent)) == 2 and done < total:  # half way into the second still
            pub.cancel.set()

    pub.upload_progress = progress
    with pytest.raises(Cancelled):
        run(pub)
    assert media_count(wordpress) == before + 1  # only the first still arrived
    again = run(publisher(wordpress, root))
    stills = len(state(root, wordpress)["media"])
    assert media_count(wordpress) == before + stills
    assert {o.action for o in again.outcomes.values()} == {"create"}


def test_a_timeout_in_the_middle_of_an_upload_is_resumed_without_duplicates(
        wordpress: WordPressSite, tmp_path, make_image) -> None:
    """The site takes the upload but answers too late: the next run finds the still on
    the site instead of uploading it twice."""
    import httpx

    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    before = media_count(wordpress)
    slow = wordpress.add_plugin("slow-uploads", """
        add_filter('rest_pre_dispatch', function ($result, $server, $request) {
            if ($request->get_route() === '/wp/v2/media' && $request->get_method() === 'POST') {
                sleep(3);
            }
            return $result;
        }, 10, 3);""")
    try:
        pub = publisher(wordpress, root)
        pub.client = WordPressClient(wordpress.url + "/", AUTHOR, wordpress.passwords[AUTHOR],
                                     timeout=httpx.Timeout(1.0, connect=5.0))
        with pytest.raises(WordPressError, match="did not answer in time"):
            run(pub)
    finally:
        slow.unlink()
    import time

    time.sleep(3)  # the site finishes the upload it was given
    assert media_count(wordpress) == before + 1
    run(publisher(wordpress, root))
    assert media_count(wordpress) == before + len(state(root, wordpress)["media"])


def test_an_upload_the_site_refuses_as_too_large(wordpress: WordPressSite, tmp_path: Path,
                                                 make_image) -> None:
    """A site that takes nothing over 200 KB (as an upload-limit plugin or a multisite
    quota makes it) refuses a still: one clear sentence, no post half made; once the
    still is smaller, the next run finishes."""
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    limit = wordpress.add_plugin("upload-limit", """
        add_filter('wp_handle_sideload_prefilter', function ($file) {
            if (filesize($file['tmp_name']) > 200 * 1024) {
                $file['error'] = 'This file is too big. Files must be less than 200 KB.';
            }
            return $file;
        });""")
    try:
        with pytest.raises(WordPressError, match=r"refused s01e\d\d-\d\d\.jpg \(\d+ KB\): "
                                                 r"This file is too big"):
            run(publisher(wordpress, root))
        assert not (root / STATE_FILE).exists()  # nothing was made: no post, no still
        for path in (root / "stills").glob("*.jpg"):
            make_image(path, size=(640, 360), color=(len(tmp_path.name), 9, 99))
        pub = run(publisher(wordpress, root))
        assert {o.action for o in pub.outcomes.values()} == {"create"}
    finally:
        limit.unlink()


def test_a_site_without_pretty_permalinks(tmp_path: Path) -> None:
    site = start_wordpress(tmp_path / "plain-site", pretty_permalinks=False)
    try:
        root = make_project(site, tmp_path)
        pub = run(publisher(site, root))
        assert "rest_route=" in pub.client.root
        assert {o.action for o in pub.outcomes.values()} == {"create"}
        assert run(publisher(site, root)).client.writes == 0
    finally:
        site.stop()


def test_a_user_without_the_rights(wordpress: WordPressSite, tmp_path) -> None:
    root = make_project(wordpress, tmp_path, user=CONTRIBUTOR)
    with pytest.raises(PublishError, match=r"helper may not .* \(role: contributor\)"):
        publisher(wordpress, root, user=CONTRIBUTOR).look()


def test_links_to_recaps_that_are_not_published_stay_text(wordpress: WordPressSite,
                                                          tmp_path) -> None:
    root = make_project(wordpress, tmp_path)
    pub = publisher(wordpress, root, episodes=["s01e02"])
    assert pub.unresolved() == {"s01e02": ["s01e01"]}
    run(pub)
    content = wordpress.php(f"echo get_post({state(root, wordpress)['posts']['s01e02']['id']})"
                            "->post_content;")
    assert '<span class="wikilink-unpublished">catch up with our Episode 1 recap</span>' \
        in content
    run(publisher(wordpress, root, episodes=["s01e01", "s01e02"]))  # now the link is made
    link = state(root, wordpress)["posts"]["s01e01"]["link"]
    assert f'href="{link}"' in wordpress.php(
        f"echo get_post({state(root, wordpress)['posts']['s01e02']['id']})->post_content;")
    assert open_project(root).find_episode("s01e03")  # (not published: left alone)
