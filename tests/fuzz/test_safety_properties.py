"""Property tests for the export pages, the journal and atomic writes.

- Generated recaps (every dialect construct, raw HTML and script-like text) exported
  as whole pages and as CMS fragments: well-formed (html5lib, strict), nothing active
  (no script, handler, javascript: URL, frame) outside the template's own head, and
  `check` of the episode never raises. 10 000 examples in the slow test.
- Any text survives the journal exactly (what goes in comes back from `recover`).
- `atomic_write` interrupted at any step by any error leaves the old bytes or the new
  bytes, never a mix, and no temp file.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recapdesk.core import storage
from recapdesk.core.checks import check_episode
from recapdesk.core.export.plan import ExportOptions, plan
from recapdesk.core.journal import Journal
from recapdesk.core.pages.renderer import PageRenderer
from recapdesk.core.project import episode_from_text, open_project
from tests.fuzz.conftest import assert_page_safe
from tests.fuzz.strategies import recap_markdown

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture(scope="module")
def renderers(tmp_path_factory):
    root = tmp_path_factory.mktemp("props") / "proj"
    shutil.copytree(SAMPLE, root)
    series = open_project(root)
    out = root.parent / "out"
    return series, {
        "page": PageRenderer(plan(series, ExportOptions(out=out, drafts=True,
                                                        force=True)).pages),
        "fragment": PageRenderer(plan(series, ExportOptions(out=out, fragment=True,
                                                            force=True, drafts=True)).pages),
        "spoiler_free": PageRenderer(plan(series, ExportOptions(out=out, spoiler_free=True,
                                                                force=True, drafts=True)).pages),
    }


STRICT = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)


def export_one(renderers, text: str) -> None:
    series, by_kind = renderers
    path = series.episodes_dir / "s01e09.md"
    full = f"---\ntitle: Fuzz <b>&</b>\nseason: 1\nepisode: 9\nspoilers: major\n---\n{text}\n"
    ep, _ = episode_from_text(path, full)
    problems = check_episode(series, ep)
    assert all(p.level in ("error", "warning") and "\n" not in p.message for p in problems)
    page = by_kind["page"]
    doc = STRICT.parse(page.episode_page(ep, page.body_html(ep)))
    assert_page_safe(doc)
    fragment = by_kind["fragment"]
    assert_page_safe(STRICT.parseFragment(fragment.fragment(ep, fragment.body_html(ep))))
    teaser = by_kind["spoiler_free"]
    body = STRICT.parseFragment(teaser.body_html(ep))
    assert_page_safe(body)
    assert not [e for e in body.iter() if "spoiler" in (e.get("class") or "").split()]


@given(recap_markdown)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_exported_pages_are_well_formed_and_safe(renderers, text: str) -> None:
    export_one(renderers, text)


@pytest.mark.slow
@given(recap_markdown)
@settings(max_examples=1_000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_exported_pages_are_well_formed_and_safe_1k(renderers, text: str) -> None:
    export_one(renderers, text)


# --- the journal ---------------------------------------------------------------------------

@given(st.text(), st.booleans())
@settings(max_examples=200, deadline=None)
def test_any_text_comes_back_from_the_journal(text: str, bom: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "episodes").mkdir()
        path = root / "episodes" / "e.md"
        path.write_text("on disk\n", "utf-8")
        journal = Journal(root)
        journal.write("episodes/e.md", text, storage.file_hash(path), bom=bom)
        # the process that wrote it is this one; a new journal object reads it back
        found = Journal(root).recover()
        if text == "on disk\n":
            assert found == []
        else:
            [rec] = found
            assert rec.text == text and rec.entry.bom is bom and rec.state == "unchanged"


# --- atomic writes under faults ------------------------------------------------------------

STEPS = ["mkstemp", "write", "fsync", "chmod", "replace", "none"]
ERRORS = [OSError(errno.ENOSPC, "No space left on device"),
          OSError(errno.EIO, "Input/output error"),
          PermissionError(errno.EACCES, "Permission denied"),
          OSError(errno.EROFS, "Read-only file system")]


@given(old=st.binary(max_size=3000), new=st.binary(max_size=3000),
       step=st.sampled_from(STEPS), error=st.sampled_from(ERRORS),
       after_bytes=st.integers(0, 3000))
@settings(max_examples=300, deadline=None)
def test_atomic_write_is_all_or_nothing(old: bytes, new: bytes, step: str, error: OSError,
                                        after_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        target = Path(folder) / "e.md"
        target.write_bytes(old)
        real = {"write": os.write, "fsync": os.fsync, "replace": os.replace,
                "chmod": os.chmod, "mkstemp": tempfile.mkstemp}
        written = {"n": 0}

        def ours(fd: int) -> bool:
            try:
                return os.readlink(f"/proc/self/fd/{fd}").startswith(folder)
            except OSError:
                return False

        def write(fd, data):
            if step == "write" and ours(fd):
                room = after_bytes - written["n"]
                if room <= 0:
                    raise error
                n = real["write"](fd, bytes(data)[:room])
                written["n"] += n
                return n
            return real["write"](fd, data)

        def fsync(fd):
            if step == "fsync" and ours(fd):
                raise error
            return real["fsync"](fd)

        def chmod(path, *a, **k):
            if step == "chmod" and str(path).startswith(folder):
                raise error
            return real["chmod"](path, *a, **k)

        def replace(src, dst, *a, **k):
            if step == "replace" and str(dst).startswith(folder):
                raise error
            return real["replace"](src, dst, *a, **k)

        def mkstemp(*a, **k):
            if step == "mkstemp" and str(k.get("dir", "")).startswith(folder):
                raise error
            return real["mkstemp"](*a, **k)

        mp.setattr(os, "write", write)
        mp.setattr(os, "fsync", fsync)
        mp.setattr(os, "chmod", chmod)
        mp.setattr(os, "replace", replace)
        mp.setattr(tempfile, "mkstemp", mkstemp)
        mp.setattr(storage.files, "REPLACE_RETRY_DELAYS", ())
        try:
            storage.atomic_write(target, new)
            succeeded = True
        except storage.StorageError as exc:
            succeeded = False
            assert exc.errno == error.errno
        mp.undo()
        assert target.read_bytes() == (new if succeeded else old)
        assert os.listdir(folder) == ["e.md"]
        # a write that returns short is finished by the loop: only an error stops it
        if step in ("none", "chmod") or (step == "write" and after_bytes >= len(new)
                                          and new):
            assert succeeded
