"""Open documents without Qt: saving and its outcomes, files changed on disk, read-only
documents and why, and the texts of all episodes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from recapdesk.core import locking, owners
from recapdesk.core.documents import Access, Documents, OnDisk, ReadOnly, Saved

RECAP = "---\ntitle: One\nseason: 1\nepisode: 1\n---\nThe words.\n"


@pytest.fixture
def project(make_project) -> Path:
    return make_project({"episodes/s01e01.md": RECAP,
                         "episodes/s01e02.md": RECAP.replace("episode: 1", "episode: 2")})


@pytest.fixture
def docs(project: Path):
    documents = Documents()
    documents.open_project(project)
    yield documents
    documents.close_project()


def recap_path(project: Path, n: int = 1) -> Path:
    return project / "episodes" / f"s01e0{n}.md"


# --- saving ------------------------------------------------------------------------------

def test_save_outcomes(docs: Documents, project: Path) -> None:
    path = recap_path(project)
    buffer = docs.open_episode(path)
    assert docs.save(path) is Saved.CLEAN
    assert docs.set_text(path, buffer.text + "More.\n") and buffer.dirty
    assert not docs.set_text(path, buffer.text)  # the same text: nothing changed
    assert docs.save(path, auto=True) is Saved.SAVED
    assert path.read_text("utf-8").endswith("More.\n") and not buffer.dirty
    assert docs.last_save_auto and docs.last_save_time is not None


def test_a_file_changed_on_disk_is_never_overwritten(docs: Documents, project: Path) -> None:
    path = recap_path(project)
    text = docs.open_episode(path).text
    path.write_text("theirs\n", "utf-8")
    docs.set_text(path, text + "mine\n")
    assert docs.save(path) is Saved.CONFLICT
    assert path.read_text("utf-8") == "theirs\n"
    assert docs.save(path, force=True) is Saved.SAVED  # the writer chose "keep mine"
    assert path.read_text("utf-8").endswith("mine\n")


def test_a_deleted_file_is_not_recreated_unless_asked(docs: Documents, project: Path) -> None:
    path = recap_path(project)
    text = docs.open_episode(path).text
    path.unlink()
    docs.set_text(path, text + "mine\n")
    assert docs.save(path) is Saved.DELETED
    assert docs.buffer(path).missing and docs.buffer(path).dirty
    assert docs.save(path) is Saved.STILL_DELETED and not path.exists()
    assert docs.save(path, force=True) is Saved.SAVED and path.exists()  # "Save Again"


def test_a_failed_save_keeps_the_file_and_the_text(docs: Documents, project: Path,
                                                   monkeypatch) -> None:
    path = recap_path(project)
    before = path.read_bytes()
    text = docs.open_episode(path).text

    real = os.replace

    def full(src, dst, *args, **kwargs):  # the recap's disk is full; the journal's is not
        if Path(dst) == path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    docs.set_text(path, text + "precious\n")
    assert docs.save(path) is Saved.FAILED
    monkeypatch.undo()
    assert path.read_bytes() == before and docs.buffer(path).dirty
    assert "No space left on device" in docs.last_error and "\n" not in docs.last_error
    assert docs.journal is not None and docs.journal.has_entry("episodes/s01e01.md")
    assert docs.save(path) is Saved.SAVED
    assert not docs.journal.has_entry("episodes/s01e01.md")


# --- on disk -----------------------------------------------------------------------------

def test_check_disk_outcomes(docs: Documents, project: Path) -> None:
    path = recap_path(project)
    buffer = docs.open_episode(path)
    assert docs.check_disk(path) is OnDisk.SAME
    path.write_text(RECAP + "Added elsewhere.\n", "utf-8")
    assert docs.check_disk(path) is OnDisk.RELOADED  # unedited: takes the new text
    assert buffer.text.endswith("Added elsewhere.\n") and not buffer.dirty
    docs.set_text(path, buffer.text + "mine\n")
    path.write_text(RECAP + "Changed again.\n", "utf-8")
    assert docs.check_disk(path) is OnDisk.CONFLICT and buffer.text.endswith("mine\n")
    assert docs.take_disk_version(path) and buffer.text.endswith("Changed again.\n")
    path.write_bytes(b"caf\xe9\n")
    assert docs.check_disk(path) is OnDisk.READ_ONLY
    assert buffer.why is ReadOnly.NOT_UTF8 and "not UTF-8" in buffer.reason
    path.write_text(RECAP, "utf-8")
    assert docs.check_disk(path) is OnDisk.RELOADED and not buffer.readonly  # UTF-8 again
    path.unlink()
    assert docs.check_disk(path) is OnDisk.DELETED and buffer.missing


def test_the_project_files_changed_on_disk(docs: Documents, project: Path) -> None:
    manifest = project / "recapdesk.yaml"
    assert manifest in docs.project_files()
    assert not docs.project_file_changed(manifest)
    manifest.write_text('title: "Renamed Show"\n', "utf-8")
    assert docs.project_file_changed(manifest)
    assert not docs.project_file_changed(manifest)  # remembered
    assert not docs.episode_files_changed()
    recap_path(project, 3).write_text(RECAP.replace("episode: 1", "episode: 3"), "utf-8")
    assert docs.episode_files_changed()


# --- read-only, and why -----------------------------------------------------------------

def test_every_read_only_reason_is_its_own_true_sentence() -> None:
    owner = {"pid": 42, "host": "laptop", "user": "ana"}
    sentences = {why: why.sentence(owner=owner, detail="Permission denied")
                 for why in ReadOnly}
    assert len(set(sentences.values())) == len(ReadOnly)
    assert "laptop" in sentences[ReadOnly.OPEN_ELSEWHERE]
    assert "screenshot" in sentences[ReadOnly.SCREENSHOT]
    for why in (ReadOnly.REQUESTED, ReadOnly.SCREENSHOT):
        assert "another" not in sentences[why] and "open in" not in sentences[why]
    assert "Permission denied" in sentences[ReadOnly.UNREADABLE]
    assert "UTF-8" in sentences[ReadOnly.NOT_UTF8]
    assert "outside the project" in sentences[ReadOnly.OUTSIDE_PROJECT]
    assert "not a regular file" in sentences[ReadOnly.NOT_A_FILE]


def test_a_project_opened_read_only_says_why(project: Path) -> None:
    docs = Documents()
    docs.open_project(project, access=Access.READ_ONLY, why=ReadOnly.SCREENSHOT)
    buffer = docs.open_episode(recap_path(project))
    assert buffer.why is ReadOnly.SCREENSHOT and "screenshot" in buffer.reason
    assert docs.set_text(buffer.path, "x") is False and docs.save(buffer.path) is Saved.READ_ONLY
    docs.open_project(project, access="read_only")  # on request, nobody else has it open
    assert docs.why is ReadOnly.REQUESTED
    assert "another" not in docs.read_only_reason()
    assert locking.read_lock(project / ".recapdesk") is None  # a read-only view takes no lock


def test_read_only_because_another_recapdesk_has_it(project: Path) -> None:
    other = {"pid": os.getppid(), "host": owners.hostname(), "user": "ana",
             "started": owners.process_started(os.getppid()), "time": 1.0}
    (project / ".recapdesk").mkdir()
    (project / ".recapdesk" / locking.LOCK_NAME).write_text(__import__("json").dumps(other))
    docs = Documents()
    docs.open_project(project, access=Access.READ_ONLY)
    assert docs.why is ReadOnly.OPEN_ELSEWHERE
    assert f"process {os.getppid()}" in docs.read_only_reason()
    assert "ana" in docs.open_episode(recap_path(project)).reason


def test_files_that_cannot_be_saved_say_why(docs: Documents, project: Path,
                                            tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(RECAP, "utf-8")
    link = project / "episodes" / "s01e05.md"
    link.symlink_to(outside)
    folder = project / "episodes" / "s01e06.md"
    folder.mkdir()
    latin = project / "episodes" / "s01e07.md"
    latin.write_bytes(b"caf\xe9\n")
    assert docs.open_episode(link).why is ReadOnly.OUTSIDE_PROJECT
    assert docs.open_episode(folder).why is ReadOnly.NOT_A_FILE
    assert docs.open_episode(latin).why is ReadOnly.NOT_UTF8
    assert docs.open_episode(recap_path(project)).why is None


# --- all episodes ------------------------------------------------------------------------

def test_all_texts_and_writing_closed_episodes_keep_their_bom(docs: Documents,
                                                              project: Path) -> None:
    one, two = recap_path(project, 1), recap_path(project, 2)
    two.write_bytes(b"\xef\xbb\xbf" + two.read_bytes())
    docs.open_project(project)
    docs.open_episode(one)
    docs.set_text(one, RECAP + "unsaved\n")
    texts = docs.all_texts()
    assert texts[one].endswith("unsaved\n") and texts[two].startswith("---")
    docs.write_closed(two, texts[two] + "renamed references\n")
    assert two.read_bytes().startswith(b"\xef\xbb\xbf---")
    assert two.read_text("utf-8-sig").endswith("renamed references\n")
    with pytest.raises(ValueError):
        docs.write_closed(one, "an open episode changes through its buffer")


def test_open_buffers_follow_renamed_files(docs: Documents, project: Path) -> None:
    one, two = recap_path(project, 1), recap_path(project, 2)
    docs.open_episode(one)
    docs.open_episode(two)
    moved = docs.rename_buffers({one: two, two: one})  # two files swap names
    assert sorted(moved) == sorted([(one, two), (two, one)])
    assert docs.buffer(one).path == one and docs.buffer(two).path == two


def test_opening_a_missing_project_changes_nothing(docs: Documents, project: Path,
                                                   tmp_path: Path) -> None:
    from recapdesk.core.project import ProjectError

    with pytest.raises(ProjectError):
        docs.open_project(tmp_path / "nowhere")
    assert docs.series is not None and docs.series.root == project.resolve()
    assert docs.locked
