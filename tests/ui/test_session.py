"""Session: buffers, dirty state, autosave to disk, conflicts, read-only files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recapdesk.ui.session import Session

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "proj"
    shutil.copytree(SAMPLE, dest)
    return dest


def test_autosave_puts_typed_text_on_disk_after_a_pause(qtbot, project: Path) -> None:
    session = Session(autosave_ms=200, autosave_max_ms=5000)
    session.open_project(project)
    path = project / "episodes" / "s01e01.md"
    buffer = session.open_episode(path)
    with qtbot.waitSignal(session.dirtyChanged) as blocker:
        session.set_text(path, buffer.text + "\nA new line typed.\n")
    assert blocker.args == [str(path), True]
    with qtbot.waitSignal(session.saved, timeout=3000) as saved:
        pass
    assert saved.args == [str(path), True]
    assert path.read_text("utf-8").endswith("A new line typed.\n")
    assert not session.buffer(path).dirty


def test_autosave_while_typing_without_pause(qtbot, project: Path) -> None:
    session = Session(autosave_ms=10_000, autosave_max_ms=300)
    session.open_project(project)
    path = project / "episodes" / "s01e02.md"
    text = session.open_episode(path).text
    session.set_text(path, text + "x")
    qtbot.waitUntil(lambda: path.read_text("utf-8").endswith("x"), timeout=3000)


def test_save_never_overwrites_a_file_changed_on_disk(qtbot, project: Path) -> None:
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    path = project / "episodes" / "s01e01.md"
    text = session.open_episode(path).text
    path.write_text("changed elsewhere\n", "utf-8")
    session.set_text(path, text + "mine\n")
    with qtbot.waitSignal(session.conflict) as blocker:
        assert session.save(path) is False
    assert blocker.args == [str(path)]
    assert path.read_text("utf-8") == "changed elsewhere\n"
    assert session.save(path, force=True)
    assert path.read_text("utf-8").endswith("mine\n")


def test_take_disk_version_after_conflict(project: Path) -> None:
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    path = project / "episodes" / "s01e01.md"
    session.open_episode(path)
    session.set_text(path, "mine")
    path.write_text("theirs\n", "utf-8")
    session.take_disk_version(path)
    assert session.buffer(path).text == "theirs\n" and not session.buffer(path).dirty


def test_non_utf8_file_is_read_only_and_never_saved(project: Path) -> None:
    path = project / "episodes" / "s01e09.md"
    raw = b"---\ntitle: Caf\xe9\n---\nBody\n"
    path.write_bytes(raw)
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    buffer = session.open_episode(path)
    assert buffer.readonly and "UTF-8" in buffer.reason
    session.set_text(path, "overwrite attempt")
    assert session.save(path) is False
    assert session.flush()
    assert path.read_bytes() == raw


def test_failed_write_keeps_text_and_reports(qtbot, project: Path, monkeypatch) -> None:
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    path = project / "episodes" / "s01e01.md"
    before = path.read_bytes()
    text = session.open_episode(path).text

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("recapdesk.core.storage.files.os.replace", boom)
    session.set_text(path, text + "precious words")
    with qtbot.waitSignal(session.saveFailed) as blocker:
        assert session.save(path) is False
    assert "No space left on device" in blocker.args[1]
    assert session.buffer(path).text.endswith("precious words") and session.buffer(path).dirty
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_bom_and_crlf_survive_a_save(project: Path) -> None:
    path = project / "episodes" / "s01e05.md"
    raw = "\ufeff---\r\ntitle: T\r\nseason: 1\r\nepisode: 5\r\n---\r\nBody\r\n".encode()
    path.write_bytes(raw)
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    buffer = session.open_episode(path)
    session.set_text(path, buffer.text + "More\r\n")
    assert session.save(path)
    assert path.read_bytes() == raw + b"More\r\n"


def test_apply_texts_changes_open_buffers_and_writes_closed_files(qtbot, project: Path) -> None:
    """Text-wide operations (references renamed or removed) go through the session: an
    open recap changes in its buffer (the window shows it as one undoable change) and
    is saved; a recap that is not open is written, its BOM kept."""
    session = Session(autosave_ms=60_000)
    session.open_project(project)
    one, two = project / "episodes" / "s01e01.md", project / "episodes" / "s01e02.md"
    two.write_bytes(b"\xef\xbb\xbf" + two.read_bytes())
    session.open_episode(one)
    texts = session.all_texts()
    assert one in texts and texts[two].startswith("---")  # the BOM is not text
    with qtbot.waitSignal(session.textReplaced) as shown:
        session.apply_texts({one: texts[one] + "Renamed.\n", two: texts[two] + "Renamed.\n"})
    assert shown.args == [str(one)]
    assert one.read_text("utf-8").endswith("Renamed.\n") and not session.buffer(one).dirty
    assert two.read_bytes().startswith(b"\xef\xbb\xbf---")
    assert two.read_text("utf-8-sig").endswith("Renamed.\n")
