"""Publishing to a real WordPress (Debian's packages, on 127.0.0.1) as an Author:
posts, media, alt text, featured images, links between recaps, spoilers, publishing
again without duplicates, and what the site says back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from recapdesk.cli import main as cli
from recapdesk.core.project import open_project
from recapdesk.core.publish.settings import PASSWORD_ENV
from recapdesk.core.publish.state import STATE_FILE
from tests.conftest import SAMPLE
from tests.drivers.publishing import (
    fresh_stills,
    make_project,
    media_count,
    posts_of,
    publisher,
    run,
    state,
)
from tests.drivers.wordpress import AUTHOR, EDITOR, WordPressSite


def test_a_recap_becomes_a_post_with_its_stills(wordpress: WordPressSite, tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    fresh_stills(root)
    before = media_count(wordpress)
    pub = run(publisher(wordpress, root))
    assert {o.id: o.action for o in pub.outcomes.values()} == {
        "s01e01": "create", "s01e02": "create", "s01e03": "create"}  # s01e04 is a draft
    series = open_project(root)
    marker = f"recapdesk:{re.sub(r'[^a-z0-9]+', '-', series.title.lower()).strip('-')}"
    posts = {p["title"]: p for p in posts_of(wordpress, marker)}
    assert len(posts) == 3
    ep2 = series.find_episode("s01e02")
    post = posts[ep2.title]
    assert post["status"] == "draft" and post["excerpt"] == ep2.excerpt
    assert post["slug"].startswith("last-ferry-to-udo-episode-2-recap")
    content = post["content"]
    # stills: uploaded files with their size, WordPress's own srcset class, the caption
    assert re.search(r'<img src="http://127\.0\.0\.1:\d+/wp-content/uploads/[^"]+\.jpg" '
                     r'alt="[^"]+" width="1600" height="900" class="wp-image-\d+"', content)
    assert "<figcaption>Still From" in content
    # links between recaps go to their posts; spoilers survive the site's filtering
    s01e01 = state(root, wordpress)["posts"]["s01e01"]
    assert f'<a class="wikilink" href="{s01e01["link"]}">' in content
    assert '<details class="spoiler">' in posts[series.find_episode("s01e03").title]["content"]
    assert '<span class="spoiler" style="background-color:' in "".join(
        p["content"] for p in posts.values())
    assert "<script" not in "".join(p["content"] for p in posts.values())
    # the featured image is the cover, else the first still; every still uploaded once
    assert all(p["thumb"] for p in posts.values())
    stills = len(state(root, wordpress)["media"])
    assert media_count(wordpress) - before == stills > 0
    ids = ",".join(str(m["id"]) for m in state(root, wordpress)["media"].values())
    alts = wordpress.php_json(f"""echo json_encode(array_map(fn($id) => [get_post_meta($id,
        '_wp_attachment_image_alt', true), get_post($id)->post_excerpt], [{ids}]));""")
    assert all(alt for alt, _ in alts) and any(caption.startswith("Still From")
                                               for _, caption in alts)


def test_publishing_again_sends_nothing_and_one_change_one_request(
        wordpress: WordPressSite, tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    run(publisher(wordpress, root))
    media = media_count(wordpress)
    again = run(publisher(wordpress, root))
    assert {o.action for o in again.outcomes.values()} == {"unchanged"}
    assert again.client.writes == 0 and media_count(wordpress) == media
    recap = root / "episodes" / "s01e02.md"
    recap.write_text(recap.read_text("utf-8").replace(
        "she builds a studio.", "she builds a studio, and a new paragraph.", 1), "utf-8")
    changed = run(publisher(wordpress, root))
    assert changed.outcomes["s01e02"].action == "update"
    assert changed.client.writes == 1 and media_count(wordpress) == media


def test_a_renamed_still_is_not_uploaded_again(wordpress: WordPressSite, tmp_path: Path) -> None:
    from recapdesk.core.stills import rename_still
    from recapdesk.core.storage import atomic_write

    root = make_project(wordpress, tmp_path)
    run(publisher(wordpress, root))
    media = media_count(wordpress)
    series = open_project(root)
    for path, text in rename_still(series, "s01e02-01.jpg", "cafe-window.jpg").items():
        atomic_write(path, text)
    again = run(publisher(wordpress, root))
    assert media_count(wordpress) == media
    assert again.outcomes["s01e02"].action == "unchanged"  # the same media file is shown


def test_a_post_changed_on_the_site_is_refused_until_forced(
        wordpress: WordPressSite, tmp_path: Path, monkeypatch, capsys) -> None:
    root = make_project(wordpress, tmp_path)
    run(publisher(wordpress, root))
    post_id = state(root, wordpress)["posts"]["s01e03"]["id"]
    wordpress.php(f"wp_update_post(['ID' => {post_id}, 'post_content' => "
                  f"get_post({post_id})->post_content . '<p>An editor added this.</p>']);")
    recap = root / "episodes" / "s01e03.md"
    recap.write_text(recap.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    monkeypatch.setenv(PASSWORD_ENV, wordpress.passwords[AUTHOR])
    assert cli(["publish", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "s01e03\trefused" in out and "changed on the site" in err
    assert "An editor added this." in wordpress.php(f"echo get_post({post_id})->post_content;")
    assert cli(["publish", str(root), "--force"]) == 0
    content = wordpress.php(f"echo get_post({post_id})->post_content;")
    assert "One more line." in content and "An editor added this." not in content


def test_a_post_deleted_on_the_site_is_created_anew(wordpress: WordPressSite,
                                                    tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    run(publisher(wordpress, root))
    old = state(root, wordpress)["posts"]["s01e01"]["id"]
    wordpress.php(f"wp_delete_post({old}, true);")
    again = run(publisher(wordpress, root))
    assert again.outcomes["s01e01"].action == "recreate"
    assert any("deleted on the site" in note for note in again.notes)
    assert state(root, wordpress)["posts"]["s01e01"]["id"] != old


def test_a_lost_state_file_makes_no_duplicates(wordpress: WordPressSite, tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    run(publisher(wordpress, root))
    ids = {k: v["id"] for k, v in state(root, wordpress)["posts"].items()}
    media = media_count(wordpress)
    (root / STATE_FILE).unlink()
    run(publisher(wordpress, root))
    assert {k: v["id"] for k, v in state(root, wordpress)["posts"].items()} == ids
    assert media_count(wordpress) == media


def test_a_dry_run_changes_nothing(wordpress: WordPressSite, tmp_path: Path, monkeypatch,
                                   capsys, make_image) -> None:
    root = make_project(wordpress, tmp_path)
    make_image(root / "stills" / "s01e01-01.jpg", size=(1920, 1080), color=(1, 2, 3))  # new
    media = media_count(wordpress)
    monkeypatch.setenv(PASSWORD_ENV, wordpress.passwords[AUTHOR])
    assert cli(["publish", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "s01e01\tcreate post" in out and "upload\ts01e01-01.jpg" in out
    assert not (root / STATE_FILE).exists() and media_count(wordpress) == media


def test_status_publish_schedules_future_recaps(wordpress: WordPressSite,
                                                tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    recap = root / "episodes" / "s01e03.md"
    recap.write_text(re.sub(r"^date: .*$", "date: 2099-01-15", recap.read_text("utf-8"),
                            flags=re.M), "utf-8")
    run(publisher(wordpress, root, status="publish"))
    posts = state(root, wordpress)["posts"]
    assert posts["s01e03"]["status"] == "future"
    assert posts["s01e01"]["status"] == "publish" and "?p=" not in posts["s01e01"]["link"]


def test_an_editor_gets_the_series_category(wordpress: WordPressSite, tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path, user=EDITOR)
    pub = run(publisher(wordpress, root, user=EDITOR))
    title = open_project(root).title
    assert pub.category and not pub.notes
    marker = pub.outcomes["s01e01"].link
    assert marker
    cats = wordpress.php_json(f"echo json_encode(wp_get_post_categories("
                              f"{state(root, wordpress)['posts']['s01e01']['id']}, "
                              "['fields' => 'names']));")
    assert cats == [title]


def test_an_author_is_told_which_category_to_ask_for(wordpress: WordPressSite,
                                                     tmp_path: Path) -> None:
    root = make_project(wordpress, tmp_path)
    pub = run(publisher(wordpress, root))
    title = open_project(root).title
    assert any(f"“{title}”" in note and "ask an editor" in note for note in pub.notes)
    wordpress.php(f"wp_insert_term({json.dumps(title)}, 'category');")
    again = run(publisher(wordpress, root))
    assert again.category and {o.action for o in again.outcomes.values()} == {"update"}


@pytest.mark.parametrize(("password", "message"), [
    ("not the password", "application password for writer"),
])
def test_a_wrong_password_is_one_clear_line(wordpress: WordPressSite, tmp_path: Path,
                                            monkeypatch, capsys, password: str,
                                            message: str) -> None:
    root = make_project(wordpress, tmp_path)
    monkeypatch.setenv(PASSWORD_ENV, password)
    assert cli(["publish", str(root)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]
    assert not (root / STATE_FILE).exists()


def test_an_unreachable_site_is_one_clear_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from tests.drivers.wordpress import free_port

    root = tmp_path / "p"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".recapdesk", "export"))
    manifest = root / "recapdesk.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "publish:\n  wordpress: {url: "
                        f"'http://127.0.0.1:{free_port()}/', user: writer}}\n", "utf-8")
    monkeypatch.setenv(PASSWORD_ENV, "whatever")
    assert cli(["publish", str(root)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach" in err[0]
