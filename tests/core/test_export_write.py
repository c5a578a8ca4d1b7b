"""Writing an export: the result, single-file and fragment pages, one episode merged into
an existing export, replacing an export, progress steps and cancelling."""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import pytest
from PIL import Image

from recapdesk.core.export.plan import ExportOptions, plan
from recapdesk.core.export.write import export, write
from recapdesk.core.project import open_project
from tests.core.conftest import (
    FINAL_PAGES,
    Page,
    append_body,
    copy_sample,
    data_uri_images,
    html_files,
    read_page,
    run_export,
    siblings,
    tree_hashes,
)

# --- writing ----------------------------------------------------------------------

def test_export_result(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    result = export(open_project(root), ExportOptions(out=tmp_path / "o"))
    assert result.out == tmp_path / "o"
    assert sorted(result.pages) == sorted(["index.html", *FINAL_PAGES])
    assert result.images == len(list((tmp_path / "o" / "images").glob("s01e0?-0?.jpg")))


def test_reexport_replaces_previous_export(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", drafts=True)
    assert (out / "s01e04.html").exists()
    run_export(root, out)
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])
    assert not (out / "images" / "s01e04-01.jpg").exists()
    assert siblings(out) == ["o", "p"]


def test_export_folder_is_readable_like_a_normal_folder(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o")
    normal = tmp_path / "normal"
    normal.mkdir()
    assert out.stat().st_mode & 0o777 == normal.stat().st_mode & 0o777


def test_progress_steps(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    the_plan = plan(open_project(root), ExportOptions(out=tmp_path / "o"))
    steps = list(write(the_plan))
    assert steps
    dones = [s.done for s in steps]
    assert dones == sorted(dones)
    assert all(s.total == the_plan.total_steps for s in steps)
    assert steps[-1].done == the_plan.total_steps
    assert all(s.message for s in steps)


# --- single-file pages and fragments ----------------------------------------------

def test_single_file_pages(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", single_file=True)
    assert html_files(out) == sorted(["index.html", *FINAL_PAGES])
    assert not (out / "images").exists()
    assert not (out / "style.css").exists()
    for name in ["index.html", *FINAL_PAGES]:
        html = (out / name).read_text("utf-8")
        page = Page(html)
        assert "data:image/jpeg;base64," in html, name
        assert page.count("style") == 1, name
        assert page.styles[0].strip()
        assert not page.find("link", rel="stylesheet"), name
        assert 'src="images/' not in html, name
        for img in page.find("img"):
            assert img["src"].startswith("data:image/"), (name, img["src"][:40])
        inlined = data_uri_images(html)
        assert inlined
        for _, (width, _height) in inlined:
            assert width <= 1600
        for img in page.find("img"):
            if img.get("width"):
                data = img["src"].split(",", 1)[1]
                with Image.open(io.BytesIO(base64.b64decode(data))) as im:
                    assert (int(img["width"]), int(img["height"])) == im.size


def test_fragment_writes_only_article_html(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", fragment=True)
    assert html_files(out) == FINAL_PAGES
    assert not (out / "index.html").exists()
    assert not (out / "style.css").exists()
    for name in FINAL_PAGES:
        html = (out / name).read_text("utf-8")
        lowered = html.lower()
        for forbidden in ("<html", "<!doctype", "<head", "<body", "<title", "<meta",
                          "<main", "<h1"):
            assert forbidden not in lowered, (name, forbidden)
        assert '<figure class="still">' in html
        assert "<h2" in html
    frag2 = (out / "s01e02.html").read_text("utf-8")
    assert frag2.lstrip().startswith('<p class="spoiler-warning')
    assert "minor spoilers" in frag2
    frag1 = (out / "s01e01.html").read_text("utf-8")
    assert "spoiler-warning" not in frag1
    # image sources in a fragment point at files that were exported
    for img in Page(frag1).find("img"):
        assert (out / img["src"]).is_file()


# --- single episodes --------------------------------------------------------------

def test_single_episode(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o", episodes=["s01e02"])
    assert html_files(out) == ["s01e02.html"]
    page = read_page(out / "s01e02.html")
    for img in page.find("img"):
        assert (out / img["src"]).is_file()
    # neighbours are still linked (they are published recaps)
    assert page.find("a", href="s01e01.html", rel="prev")
    out2 = run_export(root, tmp_path / "o2", episodes=["S01E03"])
    assert html_files(out2) == ["s01e03.html"]


def test_single_episode_merges_into_existing_export(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "o")
    before = tree_hashes(out)
    append_body(root, "s01e02", "\nA new closing line.\n")
    run_export(root, out, episodes=["s01e02"])
    after = tree_hashes(out)
    assert "A new closing line." in (out / "s01e02.html").read_text("utf-8")
    assert after["s01e01.html"] == before["s01e01.html"]
    assert after["index.html"] == before["index.html"]
    assert set(after) >= set(before)
    assert siblings(out) == ["o", "p"]


# --- cancelling -------------------------------------------------------------------

@pytest.mark.parametrize("steps", [1, 4, 9, 13])
def test_cancel_leaves_previous_export_untouched(tmp_path: Path, steps: int) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e01", "\nAn edit that must not be published.\n")
    the_plan = plan(open_project(root), ExportOptions(out=out))
    assert steps < the_plan.total_steps
    gen = write(the_plan)
    for _ in range(steps):
        next(gen)
    gen.close()
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]
    assert "must not be published" not in (out / "s01e01.html").read_text("utf-8")


def test_cancel_without_previous_export_writes_nothing(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = tmp_path / "out" / "site"
    the_plan = plan(open_project(root), ExportOptions(out=out))
    gen = write(the_plan)
    next(gen)
    gen.close()
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


def test_cancel_single_episode_merge_leaves_export_untouched(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    out = run_export(root, tmp_path / "out" / "site")
    before = tree_hashes(out)
    append_body(root, "s01e02", "\nUnpublished edit.\n")
    gen = write(plan(open_project(root), ExportOptions(out=out, episodes=["s01e02"])))
    next(gen)
    next(gen)
    gen.close()
    assert tree_hashes(out) == before
    assert siblings(out) == ["site"]



def _fsynced(monkeypatch, log: Path) -> None:
    """From now on, note the name of each file or folder flushed, in this process or
    in the workers it forks, in `log`."""
    import os

    real = os.fsync

    def fsync(fd: int) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(Path(os.readlink(f"/proc/self/fd/{fd}")).name + "\n")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _names(log: Path) -> list[str]:
    return sorted(log.read_text("utf-8").split()) if log.exists() else []


def test_flushing_a_stage_flushes_each_file_and_folder_but_the_linked(tmp_path: Path,
                                                                      monkeypatch) -> None:
    from recapdesk.core import storage

    stage = tmp_path / "stage"
    (stage / "images").mkdir(parents=True)
    for name in ("a.html", "b.html", "images/c.jpg", "images/d.jpg"):
        (stage / name).write_text(name, "utf-8")
    _fsynced(monkeypatch, tmp_path / "log")
    storage.flush_tree(stage, skip={"b.html", "images/d.jpg", "d.jpg"})
    assert _names(tmp_path / "log") == ["a.html", "c.jpg", "images", "stage"]


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "workers"])
def test_every_file_of_an_export_is_flushed_once(tmp_path: Path, monkeypatch,
                                                 parallel: bool) -> None:
    """Before the export is put in place, each of its files is on disk: flushed once,
    by the worker that wrote it or by the export."""
    from recapdesk.core.export import workers

    root = copy_sample(tmp_path / "p")
    monkeypatch.setattr(workers, "MIN_POOL_WORK_SECONDS", 0.0 if parallel else math.inf)
    monkeypatch.setattr(workers, "_threads", lambda: 1)  # forked: the patch goes along
    log = tmp_path / "log"
    _fsynced(monkeypatch, log)
    export(open_project(root), ExportOptions(out=tmp_path / "site"))
    files = sorted(p.name for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert len(files) > 10
    flushed = [n for n in _names(log) if n in files]
    assert flushed == files
