"""Fault injection: every write of a writer's file is interrupted at every step.

For episodes, `stills.yaml`, `recapdesk.yaml` and the recovery journal, the system
calls `storage.atomic_write` makes (mkstemp, write, read back, fsync, chmod, replace)
fail in every way we know of: a read-only folder or disk, a full disk at the first
byte or half way, a disk that drops bytes silently, an I/O error at fsync, an
exception or interrupt between writing and replacing, a file locked by another
program. Each time: the previous content is intact, no temp file is left, the caller
gets one clear error (the window tells the writer: see tests/ui/test_recovery.py), and
the next attempt without the fault succeeds.

A new still (`storage.write_new`) meets the same faults: no file appears. Exports are
interrupted at every progress step and at the final swap: the previous export stays as
it was and no staging folder is left. Renumbering (`storage.write_together`) is
interrupted at every step in tests/core/test_renames.py.

The faults only hit files under the test's own folder (the patched functions pass
every other call through), so pytest and Qt are not disturbed.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from recapdesk.core import project as proj
from recapdesk.core import stills as core_stills
from recapdesk.core import storage
from recapdesk.core.export.plan import ExportError, ExportOptions, plan
from recapdesk.core.export.write import export, write
from recapdesk.core.journal import Journal

EPISODE = ("---\ntitle: Fault Lines\nseason: 1\nepisode: 1\n---\n"
           "Precious words that must survive.\n")
STILLS = "a.jpg:\n  alt: The old alt text\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Faults:
    """Patch the system calls of `atomic_write` to fail for files under `root` only."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.mp = monkeypatch
        self.root = str(root.resolve())
        self.fds: set[int] = set()
        self.real = {"mkstemp": tempfile.mkstemp, "write": os.write, "fsync": os.fsync,
                     "replace": os.replace, "chmod": os.chmod}
        self.count = 0

    def ours(self, path: object) -> bool:
        return str(Path(os.fsdecode(path)).resolve()).startswith(self.root)

    def our_fd(self, fd: int) -> bool:
        """A temp file made under `root` (checked by path: fd numbers are reused)."""
        if fd not in self.fds:
            return False
        try:
            return self.ours(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return False

    def _track_mkstemp(self, fail: BaseException | None = None) -> None:
        real = self.real["mkstemp"]

        def mkstemp(*args, **kwargs):
            folder = kwargs.get("dir")
            if folder is not None and self.ours(folder):
                if fail is not None:
                    raise fail
                fd, name = real(*args, **kwargs)
                self.fds.add(fd)
                return fd, name
            return real(*args, **kwargs)

        self.mp.setattr(tempfile, "mkstemp", mkstemp)

    def apply(self, fault: str) -> None:
        """Arm one named fault (see FAULTS)."""
        self._track_mkstemp(
            PermissionError(errno.EACCES, "Permission denied") if fault == "read_only_folder"
            else OSError(errno.EROFS, "Read-only file system") if fault == "read_only_disk"
            else None)
        real_write, real_fsync = self.real["write"], self.real["fsync"]
        real_replace, real_chmod = self.real["replace"], self.real["chmod"]

        def write(fd, data):
            if not self.our_fd(fd):
                return real_write(fd, data)
            self.count += 1
            if fault == "disk_full_at_once":
                raise OSError(errno.ENOSPC, "No space left on device")
            if fault == "disk_full_half_way":
                if self.count == 1:
                    return real_write(fd, bytes(data)[: max(1, len(data) // 2)])
                raise OSError(errno.ENOSPC, "No space left on device")
            if fault == "disk_drops_bytes":  # says it wrote everything, wrote half
                real_write(fd, bytes(data)[: len(data) // 2])
                return len(data)
            return real_write(fd, data)

        def fsync(fd):
            if self.our_fd(fd):
                if fault == "io_error_at_fsync":
                    raise OSError(errno.EIO, "Input/output error")
                if fault == "interrupted_before_replace":
                    raise KeyboardInterrupt
            return real_fsync(fd)

        def chmod(path, mode, *args, **kwargs):
            if fault == "exception_between_write_and_replace" and self.ours(path):
                raise RuntimeError("the program failed between write and replace")
            return real_chmod(path, mode, *args, **kwargs)

        def replace(src, dst, *args, **kwargs):
            if self.ours(dst):
                if fault == "disk_full_at_replace":
                    raise OSError(errno.ENOSPC, "No space left on device")
                if fault == "locked_by_another_program":
                    raise PermissionError(errno.EACCES, "The process cannot access the file "
                                          "because it is being used by another process")
                if fault == "io_error_at_replace":
                    raise OSError(errno.EIO, "Input/output error")
            return real_replace(src, dst, *args, **kwargs)

        self.mp.setattr(os, "write", write)
        self.mp.setattr(os, "fsync", fsync)
        self.mp.setattr(os, "chmod", chmod)
        self.mp.setattr(os, "replace", replace)


# fault -> the exception the caller sees
FAULTS: dict[str, type[BaseException]] = {
    "read_only_folder": storage.StorageError,
    "read_only_disk": storage.StorageError,
    "disk_full_at_once": storage.StorageError,
    "disk_full_half_way": storage.StorageError,
    "disk_drops_bytes": storage.StorageError,
    "io_error_at_fsync": storage.StorageError,
    "interrupted_before_replace": KeyboardInterrupt,
    "exception_between_write_and_replace": RuntimeError,
    "disk_full_at_replace": storage.StorageError,
    "io_error_at_replace": storage.StorageError,
    "locked_by_another_program": storage.StorageError,
}


@pytest.fixture
def project(make_project, make_image) -> Path:
    root = make_project({"episodes/s01e01.md": EPISODE, "stills/stills.yaml": STILLS})
    make_image(root / "stills" / "a.jpg", size=(64, 48))
    return root


def _write_episode(root: Path) -> Callable[[], object]:
    ep, _ = proj.load_episode(root / "episodes" / "s01e01.md")
    ep.body += "New words typed tonight.\n"
    return lambda: proj.save_episode(ep)


def _write_manifest(root: Path) -> Callable[[], object]:
    series = proj.open_project(root)
    series.manifest["title"] = "A New Title"
    return lambda: proj.save_manifest(series)


def _write_stills(root: Path) -> Callable[[], object]:
    series = proj.open_project(root)
    series.stills["a.jpg"].alt = "The new alt text"
    return lambda: proj.save_stills(series)


def _write_journal(root: Path) -> Callable[[], object]:
    journal = Journal(root)
    journal.folder.mkdir(parents=True, exist_ok=True)
    journal.write("episodes/s01e01.md", EPISODE + "old journal\n", None)
    return lambda: journal.write("episodes/s01e01.md", EPISODE + "new journal\n", None)


WRITERS = {"episode": (_write_episode, "episodes/s01e01.md"),
           "recapdesk.yaml": (_write_manifest, "recapdesk.yaml"),
           "stills.yaml": (_write_stills, "stills/stills.yaml"),
           "journal": (_write_journal, None)}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("target", list(WRITERS))
def test_interrupted_write_keeps_the_previous_content(project: Path, target: str, fault: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    make_writer, rel = WRITERS[target]
    do_write = make_writer(project)
    before = snapshot(project)
    Faults(monkeypatch, project).apply(fault)
    with pytest.raises(FAULTS[fault]) as caught:
        do_write()
    monkeypatch.undo()
    assert snapshot(project) == before  # old content intact, no temp file left
    if FAULTS[fault] is storage.StorageError:
        message = str(caught.value.strerror)
        assert "\n" not in message and "cannot write" in message
        assert caught.value.errno is not None
    do_write()  # without the fault, the same write goes through
    after = snapshot(project)
    if rel is not None:
        assert after[rel] != before[rel]
    assert set(after) == set(before)


def test_messages_name_the_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "e.md"
    expected = {"disk_full_at_once": "disk is full", "read_only_folder": "not writable",
                "read_only_disk": "read-only", "locked_by_another_program": "another",
                "disk_drops_bytes": "did not read back"}
    for fault, words in expected.items():
        faults = Faults(monkeypatch, tmp_path)
        faults.apply(fault)
        with pytest.raises(storage.StorageError) as caught:
            storage.atomic_write(target, "x")
        monkeypatch.undo()
        assert words in caught.value.strerror, (fault, caught.value.strerror)


def test_file_locked_for_a_moment_is_written(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "e.md"
    target.write_text("old", "utf-8")
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    storage.atomic_write(target, "new")
    assert target.read_text("utf-8") == "new" and calls["n"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["e.md"]


def test_really_read_only_folder(tmp_path: Path) -> None:
    """Without root, chmod makes a folder read-only for real (as root it cannot: the
    simulated faults above cover that case)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "e.md"
    target.write_text("old", "utf-8")
    folder.chmod(0o555)
    try:
        if os.geteuid() != 0:
            with pytest.raises(storage.StorageError):
                storage.atomic_write(target, "new")
            assert target.read_text("utf-8") == "old"
        else:
            storage.atomic_write(target, "new")  # root writes anyway
            assert target.read_text("utf-8") == "new"
    finally:
        folder.chmod(0o755)
    assert [p.name for p in folder.iterdir()] == ["e.md"]


def test_update_still_restores_its_details_when_the_write_fails(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    series = proj.open_project(project)
    before = snapshot(project)
    Faults(monkeypatch, project).apply("disk_full_at_replace")
    with pytest.raises(core_stills.StillError, match="disk is full"):
        core_stills.update_still(series, "a.jpg", alt="Changed")
    monkeypatch.undo()
    assert series.stills["a.jpg"].alt == "The old alt text"
    assert snapshot(project) == before


def test_symlink_is_replaced_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not ours", "utf-8")
    folder = tmp_path / "p"
    folder.mkdir()
    link = folder / "e.md"
    link.symlink_to(outside)
    storage.atomic_write(link, "ours")
    assert outside.read_text("utf-8") == "not ours"
    assert not link.is_symlink() and link.read_text("utf-8") == "ours"


# --- exports -------------------------------------------------------------------------

@pytest.fixture
def exported(sample_project: Path) -> tuple[Path, dict[str, bytes]]:
    out = sample_project.parent / "site"
    export(proj.open_project(sample_project), ExportOptions(out=out, drafts=True))
    return out, snapshot(out)


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != "sample")


def test_export_stopped_at_every_step_leaves_the_previous_one(
        sample_project: Path, exported: tuple[Path, dict[str, bytes]]) -> None:
    out, before = exported
    series = proj.open_project(sample_project)
    total = plan(series, ExportOptions(out=out)).total_steps
    for stop_at in range(total + 1):
        steps = write(plan(series, ExportOptions(out=out)))
        for _ in range(stop_at):
            next(steps)
        steps.close()  # cancelled (the dialog's Cancel, Ctrl+C in the CLI)
        assert snapshot(out) == before, stop_at
        assert _siblings(out) == ["site"], stop_at


def test_export_failing_at_every_step_leaves_the_previous_one(
        sample_project: Path, exported: tuple[Path, dict[str, bytes]]) -> None:
    out, before = exported
    series = proj.open_project(sample_project)
    total = plan(series, ExportOptions(out=out)).total_steps
    for fail_at in range(1, total + 1):
        steps = write(plan(series, ExportOptions(out=out)))
        for _ in range(fail_at):
            next(steps)
        with pytest.raises(ExportError, match="disk is full|No space"):
            steps.throw(OSError(errno.ENOSPC, "No space left on device — the disk is full"))
        assert snapshot(out) == before, fail_at
        assert _siblings(out) == ["site"], fail_at


@pytest.mark.parametrize(("exchange", "fail_call"), [(True, 0), (False, 1), (False, 2)],
                         ids=["exchange-fails", "moving-old-aside-fails", "moving-new-in-fails"])
def test_export_swap_failing_leaves_the_previous_one(
        sample_project: Path, exported: tuple[Path, dict[str, bytes]],
        monkeypatch: pytest.MonkeyPatch, exchange: bool, fail_call: int) -> None:
    out, before = exported
    series = proj.open_project(sample_project)
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == out or Path(src) == out:
            calls["n"] += 1
            if calls["n"] == fail_call:
                raise OSError(errno.EIO, "Input/output error")
        return real(src, dst, *args, **kwargs)

    def failing_exchange(a: Path, b: Path) -> bool:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(storage.folders, "_exchange", failing_exchange if exchange else
                        (lambda a, b: False))
    with pytest.raises(ExportError, match="cannot write the export"):
        export(series, ExportOptions(out=out))
    monkeypatch.undo()
    assert snapshot(out) == before
    assert _siblings(out) == ["site"]


def test_export_swap_is_one_atomic_exchange(sample_project: Path,
                                            exported: tuple[Path, dict[str, bytes]]) -> None:
    """Where the system has renameat2, the old export is never missing, not even for a
    moment: it is exchanged with the new one in one step."""
    out, before = exported
    a, b = out.parent / "a", out.parent / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if storage.folders._exchange(a, b):
        assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    else:  # an old kernel or a file system without it: the two-rename fallback is used
        assert (a / "x").read_text() == "a"
    export(proj.open_project(sample_project), ExportOptions(out=out))
    assert snapshot(out) != before
    assert _siblings(out) == ["a", "b", "site"]


# faults of writing the temp file (a new file is linked into place, never replaced)
TEMP_FAULTS = [f for f in FAULTS if not f.endswith("_at_replace")
               and f != "locked_by_another_program"]


@pytest.mark.parametrize("fault", TEMP_FAULTS)
def test_an_interrupted_still_import_adds_nothing(project: Path, fault: str, make_image,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A still is created with `storage.write_new`: interrupted, no file appears (not even
    an empty or half one) and stills.yaml is as it was."""
    source = make_image(project.parent / "screenshot.png", size=(64, 36), fmt="PNG")
    series = proj.open_project(project)
    before = snapshot(project)
    Faults(monkeypatch, project).apply(fault)
    with pytest.raises((core_stills.StillError, KeyboardInterrupt, RuntimeError)) as caught:
        core_stills.import_image(series, source, episode=None)
    monkeypatch.undo()
    assert snapshot(project) == before
    if isinstance(caught.value, core_stills.StillError):
        assert "\n" not in str(caught.value)
    name = core_stills.import_image(proj.open_project(project), source, episode=None).name
    assert (project / "stills" / name).read_bytes() == source.read_bytes()
