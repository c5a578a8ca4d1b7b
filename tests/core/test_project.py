"""The project model: opening, finding episodes, round-trip saving, atomic writes, lock."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

from recapdesk.core import frontmatter, locking, project, storage
from recapdesk.core.checks import check, has_errors
from recapdesk.core.model import Problem
from recapdesk.core.project import ProjectError, create_project, open_project, save_episode


def episode_text(*, title: str = "A Recap", season: int = 1, episode: int = 1,
                 status: str = "final", body: str = "Some text.\n") -> str:
    return (f'---\ntitle: "{title}"\nseason: {season}\nepisode: {episode}\n'
            f"status: {status}\nspoilers: none\nexcerpt: \"A teaser.\"\n---\n{body}")


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")
                  or (p.name.startswith(".") and ".tmp" in p.name))


# --- opening the sample -------------------------------------------------------------

def test_open_sample_series_facts(sample_project: Path) -> None:
    series = open_project(sample_project)
    assert series.root == sample_project.resolve()
    assert series.title == "Last Ferry to Udo"
    assert series.original_title == "우도행 막배"
    assert series.network == "Disney+ Hotstar"
    assert series.directors == ["Park Eun-sol"]
    assert series.cast[0] == "Ha Yoon-seul"
    assert series.characters["Bori"] is None
    assert series.characters["Cha Seo-rin"] == "Ha Yoon-seul"
    assert series.episode_count == 4
    assert series.site_name == "Second Lead Recaps"
    assert series.language == "en"
    assert series.base_url == "https://example.com/last-ferry-to-udo/"
    assert series.problems == []


def test_open_sample_episodes_sorted_with_ids(sample_project: Path) -> None:
    series = open_project(sample_project)
    assert [e.id for e in series.episodes] == ["s01e01", "s01e02", "s01e03", "s01e04"]
    assert [(e.season, e.number) for e in series.episodes] == [(1, 1), (1, 2), (1, 3), (1, 4)]
    assert all(e.readable for e in series.episodes)
    first = series.episodes[0]
    assert first.title.startswith("Last Ferry to Udo Episode 1 Recap")
    assert first.status == "final"
    assert first.spoilers == "none"
    assert first.rating == 4.0
    assert first.runtime == 52
    assert first.target_words == 800
    assert first.date is not None and first.date.isoformat() == "2024-03-06"
    assert first.excerpt.startswith("Seo-rin comes home to Udo")
    assert first.body_line == 13
    assert first.body.startswith("\n*Last Ferry to Udo*")
    assert series.episodes[1].rating is None
    assert series.episodes[2].cover == "../stills/s01e03-02.jpg"
    assert series.episodes[3].is_draft


def test_episodes_sorted_by_season_and_episode_not_file_name(make_project) -> None:
    root = make_project({
        "episodes/a.md": episode_text(season=2, episode=1),
        "episodes/b.md": episode_text(season=1, episode=10),
        "episodes/c.md": episode_text(season=1, episode=2),
        "episodes/d.md": episode_text(season=1, episode=9),
    })
    series = open_project(root)
    assert [e.id for e in series.episodes] == ["s01e02", "s01e09", "s01e10", "s02e01"]
    assert [e.stem for e in series.episodes] == ["c", "d", "b", "a"]


def test_find_episode_by_code_case_insensitive(sample_project: Path) -> None:
    series = open_project(sample_project)
    for ident in ("s01e02", "S01E02", "S01e02", " s01e02 ", "s1e2"):
        ep = series.find_episode(ident)
        assert ep is not None, ident
        assert ep.id == "s01e02"
    assert series.find_episode("s01e09") is None
    assert series.find_episode("nothing") is None


def test_find_episode_by_file_stem(make_project) -> None:
    root = make_project({
        "episodes/pilot.md": episode_text(season=1, episode=1),
        "episodes/Finale.md": episode_text(season=1, episode=2),
    })
    series = open_project(root)
    assert series.find_episode("pilot").id == "s01e01"
    assert series.find_episode("Finale").id == "s01e02"
    assert series.find_episode("finale").id == "s01e02"
    assert series.find_episode("S01E01").stem == "pilot"


def test_episode_without_numbers_uses_stem_as_id(make_project) -> None:
    root = make_project({"episodes/special.md": '---\ntitle: "Xmas special"\n---\nText\n'})
    series = open_project(root)
    (ep,) = series.episodes
    assert ep.code is None
    assert ep.id == "special"
    assert series.find_episode("special") is ep


def test_stills_metadata_loaded(sample_project: Path) -> None:
    series = open_project(sample_project)
    assert len(series.stills) == 10
    still = series.stills["s01e01-01.jpg"]
    assert still.alt.startswith("A small car ferry silhouetted")
    assert still.caption == "Still From Last Ferry to Udo Episode 1"
    assert still.credit == "Disney+ Hotstar (illustration)"
    assert still.episode == "s01e01"
    assert series.stills["s01e03-03.jpg"].caption.startswith("Waiting for news")


def test_open_project_refuses_non_projects(tmp_path: Path) -> None:
    with pytest.raises(ProjectError):
        open_project(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ProjectError):
        open_project(tmp_path / "plain")


def test_open_project_from_manifest_path(sample_project: Path) -> None:
    series = open_project(sample_project / "recapdesk.yaml")
    assert series.root == sample_project.resolve()
    assert len(series.episodes) == 4


def test_find_project_from_inside(sample_project: Path) -> None:
    assert project.find_project(sample_project / "episodes") == sample_project.resolve()
    assert project.find_project(sample_project / "stills" / "stills.yaml") is not None


# --- front matter round trip --------------------------------------------------------

FRONT_WITH_COMMENTS = (
    "---\n"
    "# leading comment\n"
    'title: "Old Title"   # the headline\n'
    "season: 1\n"
    "episode: 3\n"
    "mystery_key: keep me\n"
    "spoilers: minor\n"
    "status: draft               # draft | final\n"
    "tags: [one, two]\n"
    "nested:\n"
    "  a: 1\n"
    "  b: [x, y]\n"
    "---\n"
)


def test_unchanged_episode_saves_byte_identical(make_project) -> None:
    variants = {
        "episodes/lf.md": FRONT_WITH_COMMENTS + "Body   \n\nEnd",
        "episodes/crlf.md": (FRONT_WITH_COMMENTS + "Body   \n\nEnd\n").replace("\n", "\r\n"),
        "episodes/bom.md": "\ufeff" + FRONT_WITH_COMMENTS.replace("episode: 3", "episode: 4")
        + "B\n",
        "episodes/nofront.md": "# Just a body\n\nNo front matter at all.",
        "episodes/quoting.md": "---\ntitle: 'single'\nseason: 01\nepisode: 5\n"
        "excerpt: >-\n  folded\n  text\ndate: 2024-03-06\n---\n",
    }
    variants["episodes/crlf.md"] = variants["episodes/crlf.md"].replace("episode: 3",
                                                                        "episode: 6")
    root = make_project(variants)
    before = {p.name: p.read_bytes() for p in (root / "episodes").iterdir()}
    series = open_project(root)
    assert len(series.episodes) == len(variants)
    for ep in series.episodes:
        save_episode(ep)
    after = {p.name: p.read_bytes() for p in (root / "episodes").iterdir()}
    assert after == before


def test_unchanged_sample_episodes_save_byte_identical(sample_project: Path) -> None:
    folder = sample_project / "episodes"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    series = open_project(sample_project)
    for ep in series.episodes:
        save_episode(ep)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_changed_key_keeps_comments_order_unknown_keys_and_body(make_project) -> None:
    body = "First line   \n\n  indented\ttab\n\n::: spoiler\nx\n:::\nno final newline  "
    root = make_project({"episodes/e.md": FRONT_WITH_COMMENTS + body})
    series = open_project(root)
    ep = series.episodes[0]
    ep.front["status"] = "final"
    save_episode(ep)
    raw = (root / "episodes" / "e.md").read_bytes()
    text = raw.decode("utf-8")
    expected_front = FRONT_WITH_COMMENTS.replace("status: draft ", "status: final ")
    assert text == expected_front + body
    assert raw.endswith(b"no final newline  ")


def test_changed_title_keeps_everything_else(make_project) -> None:
    body = "Body.\n"
    root = make_project({"episodes/e.md": FRONT_WITH_COMMENTS + body})
    ep = open_project(root).episodes[0]
    ep.front["title"] = "New Title"
    save_episode(ep)
    text = (root / "episodes" / "e.md").read_text("utf-8")
    lines = text.split("\n")
    assert lines[0] == "---"
    assert lines[1] == "# leading comment"
    assert lines[2].startswith("title: ") and "New Title" in lines[2]
    assert lines[2].rstrip().endswith("# the headline")
    assert lines[3:12] == FRONT_WITH_COMMENTS.split("\n")[3:12]
    assert text.endswith("---\n" + body)
    reread = open_project(root).episodes[0]
    assert reread.title == "New Title"
    assert reread.front["mystery_key"] == "keep me"
    assert list(reread.front.keys()) == ["title", "season", "episode", "mystery_key",
                                         "spoilers", "status", "tags", "nested"]


def test_crlf_file_round_trip_when_key_changed(make_project) -> None:
    body = "Body line one   \r\n\r\n  second  \r\nlast line, no newline  "
    front = FRONT_WITH_COMMENTS.replace("\n", "\r\n")
    root = make_project({"episodes/e.md": front + body})
    ep = open_project(root).episodes[0]
    assert ep.body == body
    ep.front["status"] = "final"
    save_episode(ep)
    raw = (root / "episodes" / "e.md").read_bytes()
    assert raw.endswith(body.encode("utf-8"))
    expected = (FRONT_WITH_COMMENTS.replace("status: draft ", "status: final ")
                .replace("\n", "\r\n") + body).encode("utf-8")
    assert raw == expected
    # no bare LF and no doubled CR anywhere
    assert b"\r\r" not in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")
    reread = open_project(root).episodes[0]
    assert reread.status == "final"
    assert reread.body == body


def test_crlf_file_without_comments_round_trip_when_key_changed(make_project) -> None:
    front = ('---\ntitle: "T"\nseason: 1\nepisode: 1\nstatus: draft\nzzz_unknown: 1\n---\n'
             .replace("\n", "\r\n"))
    body = "Body   \r\n\r\nend"
    root = make_project({"episodes/e.md": front + body})
    ep = open_project(root).episodes[0]
    ep.front["status"] = "final"
    save_episode(ep)
    raw = (root / "episodes" / "e.md").read_bytes()
    assert raw == (front.replace("status: draft", "status: final") + body).encode("utf-8")


def test_bom_and_crlf_together(make_project) -> None:
    front = '---\r\ntitle: "T"\r\nseason: 1\r\nepisode: 1\r\nstatus: draft\r\n---\r\n'
    body = "B\u00e9\r\n"
    raw_in = b"\xef\xbb\xbf" + (front + body).encode("utf-8")
    root = make_project({"episodes/e.md": raw_in})
    ep = open_project(root).episodes[0]
    save_episode(ep)
    assert (root / "episodes" / "e.md").read_bytes() == raw_in
    ep.front["status"] = "final"
    save_episode(ep)
    assert (root / "episodes" / "e.md").read_bytes() == raw_in.replace(b"draft", b"final")


def test_utf8_bom_kept_when_key_changed(make_project) -> None:
    body = "Body with ünïcödé — and 한국어.\n"
    root = make_project({"episodes/e.md": "\ufeff" + FRONT_WITH_COMMENTS + body})
    ep = open_project(root).episodes[0]
    assert ep.bom
    assert ep.title == "Old Title"
    ep.front["status"] = "final"
    save_episode(ep)
    raw = (root / "episodes" / "e.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf---\n")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert raw.endswith(("---\n" + body).encode("utf-8"))
    assert b"status: final" in raw
    assert b"# draft | final" in raw


def test_body_edit_saved_exactly(make_project) -> None:
    root = make_project({"episodes/e.md": FRONT_WITH_COMMENTS + "old\n"})
    ep = open_project(root).episodes[0]
    ep.body = "new body   \n\n\ttabbed\n\n\n"
    save_episode(ep)
    raw = (root / "episodes" / "e.md").read_bytes()
    assert raw == (FRONT_WITH_COMMENTS + "new body   \n\n\ttabbed\n\n\n").encode("utf-8")


def test_added_key_goes_at_the_end_and_round_trips(make_project) -> None:
    root = make_project({"episodes/e.md": FRONT_WITH_COMMENTS + "Body\n"})
    ep = open_project(root).episodes[0]
    ep.front["rating"] = 4
    save_episode(ep)
    text = (root / "episodes" / "e.md").read_text("utf-8")
    assert "# leading comment" in text
    assert "# the headline" in text
    assert "mystery_key: keep me" in text
    front = frontmatter.split(text).front_text
    assert front.rstrip("\n").split("\n")[-1] == "rating: 4"
    assert open_project(root).episodes[0].rating == 4.0


def test_save_twice_after_change_is_stable(make_project) -> None:
    root = make_project({"episodes/e.md": FRONT_WITH_COMMENTS + "Body\n"})
    ep = open_project(root).episodes[0]
    ep.front["status"] = "final"
    save_episode(ep)
    first = (root / "episodes" / "e.md").read_bytes()
    save_episode(ep)
    assert (root / "episodes" / "e.md").read_bytes() == first
    ep2 = open_project(root).episodes[0]
    save_episode(ep2)
    assert (root / "episodes" / "e.md").read_bytes() == first


def test_save_stills_keeps_comments_and_other_entries(sample_project: Path) -> None:
    path = sample_project / "stills" / "stills.yaml"
    original = path.read_text("utf-8")
    series = open_project(sample_project)
    series.stills["s01e01-01.jpg"].alt = "A new alt text"
    project.save_stills(series)
    text = path.read_text("utf-8")
    assert text.startswith("# Metadata for the sample stills, keyed by file name.")
    assert "# The images are illustrations drawn by scripts/make_sample_stills.py." in text
    assert 'A new alt text' in text
    assert "A small car ferry silhouetted" not in text
    # every other line is unchanged
    changed = [(a, b) for a, b in zip(original.split("\n"), text.split("\n"), strict=False)
               if a != b]
    assert len(changed) == 1
    assert original.count("\n") == text.count("\n")
    reread = open_project(sample_project)
    assert reread.stills["s01e01-01.jpg"].alt == "A new alt text"
    assert reread.stills["s01e02-01.jpg"].alt == series.stills["s01e02-01.jpg"].alt
    assert reread.stills["s01e02-01.jpg"].credit == "Disney+ Hotstar (illustration)"


def test_save_stills_unchanged_is_identical(sample_project: Path) -> None:
    path = sample_project / "stills" / "stills.yaml"
    before = path.read_bytes()
    project.save_stills(open_project(sample_project))
    assert path.read_bytes() == before


def test_save_stills_adds_and_removes_entries(sample_project: Path) -> None:
    from recapdesk.core.model import Still

    series = open_project(sample_project)
    series.stills["new.jpg"] = Still("new.jpg", alt="Brand new", caption="Cap")
    del series.stills["s01e04-02.jpg"]
    project.save_stills(series)
    text = (sample_project / "stills" / "stills.yaml").read_text("utf-8")
    assert "# Metadata for the sample stills" in text
    reread = open_project(sample_project)
    assert reread.stills["new.jpg"].alt == "Brand new"
    assert reread.stills["new.jpg"].caption == "Cap"
    assert "s01e04-02.jpg" not in reread.stills
    assert len(reread.stills) == 10


# --- unreadable and broken files -----------------------------------------------------

def test_non_utf8_episode_is_read_only_and_never_saved(make_project) -> None:
    raw = (b'---\ntitle: "Latin-1"\nseason: 1\nepisode: 1\n---\nline six\n'
           b"caf") + b"\xe9 cr\xe8me\nmore\n"
    root = make_project({"episodes/latin.md": raw})
    path = root / "episodes" / "latin.md"
    series = open_project(root)
    (ep,) = series.episodes
    assert ep.readable is False
    problems = [p for p in series.problems if p.path == "episodes/latin.md"]
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].line == 7
    assert "UTF-8" in problems[0].message
    assert str(problems[0]).startswith("episodes/latin.md:7: error: ")
    ep.body = "overwritten!"
    ep.front["title"] = "changed"
    with pytest.raises(ProjectError):
        save_episode(ep)
    assert path.read_bytes() == raw
    assert temp_files(path.parent) == []


def test_non_utf8_episode_is_an_error_in_check(make_project) -> None:
    root = make_project({"episodes/x.md": b"\xff\xfe\x00t\x00i\x00"})
    problems = check(open_project(root))
    assert any(p.path == "episodes/x.md" and p.line == 1 and p.level == "error"
               for p in problems)
    assert has_errors(problems)


def test_bad_yaml_front_matter_problem_with_file_line(make_project) -> None:
    text = ('---\ntitle: "ok"\nseason: 1\nepisode: 2\nexcerpt: a: b\nstatus: final\n---\n'
            "Body\n")
    root = make_project({"episodes/bad.md": text})
    series = open_project(root)
    problems = [p for p in series.problems if p.path == "episodes/bad.md"]
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].line == 5
    assert "front matter" in problems[0].message
    (ep,) = series.episodes
    assert ep.front_ok is False
    assert not ep.usable
    assert ep.body == "Body\n"  # the body is still there to edit
    with pytest.raises(ProjectError):
        save_episode(ep)
    assert (root / "episodes" / "bad.md").read_text("utf-8") == text


def test_unclosed_front_matter_is_an_error(make_project) -> None:
    text = '---\ntitle: "never closed"\nseason: 1\n\nBody\n'
    root = make_project({"episodes/open.md": text})
    series = open_project(root)
    problems = [p for p in series.problems if p.path == "episodes/open.md"]
    assert [(p.line, p.level) for p in problems] == [(1, "error")]
    with pytest.raises(ProjectError):
        save_episode(series.episodes[0])
    assert (root / "episodes" / "open.md").read_text("utf-8") == text


def test_front_matter_that_is_not_a_mapping(make_project) -> None:
    root = make_project({"episodes/list.md": "---\n- a\n- b\n---\nBody\n"})
    series = open_project(root)
    problems = [p for p in series.problems if p.path == "episodes/list.md"]
    assert [p.level for p in problems] == ["error"]
    assert problems[0].line == 2


def test_bad_manifest_yaml_problem_line(make_project) -> None:
    root = make_project(manifest='title: "ok"\nformat: drama\ncast: [a, b\nnetwork: x\n')
    series = open_project(root)
    problems = [p for p in series.problems if p.path == "recapdesk.yaml"]
    assert problems and problems[0].level == "error"
    assert problems[0].line in (3, 4)


def test_manifest_without_title_is_an_error(make_project) -> None:
    root = make_project(manifest="format: drama\n")
    series = open_project(root)
    assert any(p.path == "recapdesk.yaml" and p.level == "error" for p in series.problems)


def test_duplicate_episode_ids_are_an_error(make_project) -> None:
    root = make_project({
        "episodes/a.md": episode_text(season=1, episode=1),
        "episodes/b.md": episode_text(season=1, episode=1, title="Other"),
        "episodes/c.md": episode_text(season=1, episode=2),
    })
    series = open_project(root)
    dupes = [p for p in series.problems if "duplicate" in p.message]
    assert len(dupes) == 1
    assert dupes[0].path == "episodes/b.md"
    assert dupes[0].level == "error"
    assert dupes[0].line == 4  # the `episode:` key
    assert "s01e01" in dupes[0].message and "episodes/a.md" in dupes[0].message
    assert has_errors(check(series))


# --- atomic writes --------------------------------------------------------------------

def test_atomic_write_writes_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    storage.atomic_write(target, "first\n")
    assert target.read_text("utf-8") == "first\n"
    storage.atomic_write(target, b"second\x00bytes")
    assert target.read_bytes() == b"second\x00bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old")
    os.chmod(target, 0o600)
    storage.atomic_write(target, "new")
    assert target.stat().st_mode & 0o777 == 0o600


def test_atomic_write_failed_replace_keeps_old_content(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"precious old content\n")

    def failing_replace(src, dst, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        storage.atomic_write(target, b"new content that must not land")
    monkeypatch.undo()
    assert target.read_bytes() == b"precious old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_atomic_write_failed_replace_new_file_not_created(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_replace(src, dst, *args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        storage.atomic_write(tmp_path / "new.txt", "data")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_save_episode_failing_replace_keeps_file(make_project,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = FRONT_WITH_COMMENTS + "Body\n"
    root = make_project({"episodes/e.md": text})
    ep = open_project(root).episodes[0]
    ep.front["status"] = "final"
    ep.body = "a new body"

    def failing_replace(src, dst, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_episode(ep)
    monkeypatch.undo()
    assert (root / "episodes" / "e.md").read_text("utf-8") == text
    assert sorted(p.name for p in (root / "episodes").iterdir()) == ["e.md"]


# --- creating projects ------------------------------------------------------------------

def test_create_project_is_clean_of_errors(tmp_path: Path) -> None:
    root = tmp_path / "New Show"
    series = create_project(root, "New Show")
    assert (root / "recapdesk.yaml").is_file()
    assert (root / "episodes").is_dir()
    assert (root / "stills").is_dir()
    reopened = open_project(root)
    assert reopened.title == "New Show"
    assert [e.id for e in reopened.episodes] == ["s01e01"]
    assert reopened.problems == []
    problems = check(reopened)
    assert not has_errors(problems), [str(p) for p in problems]
    assert series.find_episode("s01e01") is not None


def test_create_project_with_facts(tmp_path: Path) -> None:
    root = tmp_path / "facts"
    create_project(root, "Show", network="Netflix", cast=["A", "B"], episode_count=8)
    series = open_project(root)
    assert series.network == "Netflix"
    assert series.cast == ["A", "B"]
    assert series.episode_count == 8
    assert not has_errors(check(series))


def test_create_project_in_empty_existing_folder(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    create_project(root, "Show")
    assert (root / "recapdesk.yaml").is_file()


def test_create_project_refuses_non_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("my notes")
    with pytest.raises(ProjectError):
        create_project(root, "Show")
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]
    assert (root / "notes.txt").read_text() == "my notes"


def test_create_project_refuses_a_file_and_empty_title(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ProjectError):
        create_project(f, "Show")
    assert f.read_text() == "x"
    with pytest.raises(ProjectError):
        create_project(tmp_path / "untitled", "   ")


def test_new_episode_numbers_follow_and_refuse_existing(sample_project: Path) -> None:
    series = open_project(sample_project)
    ep = project.new_episode(series)
    assert ep.id == "s01e05"
    assert (sample_project / "episodes" / "s01e05.md").is_file()
    assert [e.id for e in series.episodes][-1] == "s01e05"
    with pytest.raises(ProjectError):
        project.new_episode(series, season=1, number=2)


# --- the project lock ---------------------------------------------------------------------

def _dead_pid() -> int:
    try:
        pid_max = int(Path("/proc/sys/kernel/pid_max").read_text().strip())
    except (OSError, ValueError):
        pid_max = 4_194_304
    return pid_max + 1000


def test_lock_acquire_and_release(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    assert locking.read_lock(state) is None
    assert locking.acquire_lock(state) is None
    info = locking.read_lock(state)
    assert info is not None
    assert info["pid"] == os.getpid()
    assert info["host"] == socket.gethostname()
    # taking it again from the same process is fine
    assert locking.acquire_lock(state) is None
    locking.release_lock(state)
    assert locking.read_lock(state) is None
    assert not (state / locking.LOCK_NAME).exists()


def test_stale_lock_is_taken_over(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    stale = {"pid": _dead_pid(), "host": socket.gethostname(), "time": 0}
    (state / locking.LOCK_NAME).write_text(json.dumps(stale))
    assert locking.lock_is_stale(stale)
    assert locking.acquire_lock(state) is None
    assert locking.read_lock(state)["pid"] == os.getpid()


def test_live_foreign_lock_is_reported(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    other = {"pid": os.getppid(), "host": socket.gethostname(), "time": 1.0}
    lock = state / locking.LOCK_NAME
    lock.write_text(json.dumps(other))
    before = lock.read_bytes()
    holder = locking.acquire_lock(state)
    assert holder is not None
    assert holder["pid"] == os.getppid()
    assert lock.read_bytes() == before
    # releasing does not remove somebody else's lock
    locking.release_lock(state)
    assert lock.read_bytes() == before
    # force takes it over
    assert locking.acquire_lock(state, force=True) is None
    assert locking.read_lock(state)["pid"] == os.getpid()


def test_lock_from_another_host_is_not_stale(tmp_path: Path) -> None:
    # another machine's pid cannot be checked: its lock is live while its time is
    # recent (the owner refreshes it every minute; tests/core/test_journal.py has the
    # stale case)
    state = tmp_path / ".recapdesk"
    state.mkdir()
    other = {"pid": _dead_pid(), "host": socket.gethostname() + "-elsewhere",
             "time": time.time()}
    (state / locking.LOCK_NAME).write_text(json.dumps(other))
    assert not locking.lock_is_stale(other)
    assert locking.acquire_lock(state) == other


def test_corrupt_lock_file_is_replaced(tmp_path: Path) -> None:
    state = tmp_path / ".recapdesk"
    state.mkdir()
    (state / locking.LOCK_NAME).write_text("{not json")
    assert locking.acquire_lock(state) is None
    assert locking.read_lock(state)["pid"] == os.getpid()


def test_problem_str_format() -> None:
    p = Problem("episodes/a.md", 12, "warning", "something")
    assert str(p) == "episodes/a.md:12: warning: something"
    assert not p.is_error
    assert Problem("x", 1, "error", "y").is_error
