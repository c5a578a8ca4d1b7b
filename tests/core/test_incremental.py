"""Block-level incremental rendering equals a full render; the patch rebuilds the page."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recapdesk.core.export import caches
from recapdesk.core.export.plan import ExportOptions
from recapdesk.core.export.write import export
from recapdesk.core.incremental import Body, IncrementalRenderer, diff, shift_lines
from recapdesk.core.markdown import build_markdown
from recapdesk.core.markdown.facts import forget_facts, heading_shift
from recapdesk.core.pages.renderer import PageRenderer
from recapdesk.core.preview import LivePreview, render_preview
from recapdesk.core.project import open_project

# Lines that make block structure interesting: containers, fences, lists that continue,
# setext underlines, tables that interrupt paragraphs, footnotes, references, raw HTML.
LINES = [
    "## Intro", "## Intro", "# Top", "Setext", "===", "---", "- item one", "- item two",
    "  continued", "1. first", "2) second", "", "", "", "> quote", "lazy line", "```",
    "```python", "code()", "~~~", "::: spoiler Big twist", ":::", "::: also-read",
    "- [[s01e02]]", "| a | b |", "|---|---|", "| 1 | 2 |", "Text with [^1] note.",
    "[^1]: The note.", "[^2]: Second with # x", "    indented code", "Para ||secret|| here",
    "[ref]: https://example.com", "See [ref] and [other][ref].", "<div>", "</div>",
    "<b>bold", '<span data-line="3">x</span>', '![alt](../stills/a.jpg "Cap")',
    "Inline ^[foot inline] here.", "***", "Plain words and more words.", "## Final Thoughts",
    "[^1]: dup def", "<!-- comment -->", "<details><summary>s</summary>", "</details>",
    "  - nested", "* star", "\t tab",
]
NO_RAW = [line for line in LINES if not line.startswith("<")]


def full_render(body: str, offset: int = 0, **options) -> str:
    return build_markdown(source_lines=True, line_offset=offset,
                          heading_shift=heading_shift(body), **options).render(body)


def apply_ops(pages: list[str], tail: str, ops: list | None) -> tuple[list[str], str]:
    """What the preview's script does with `diff()` operations, on strings."""
    pages = list(pages)
    for op in ops or []:
        if op[0] == "splice":
            pages[op[1]:op[1] + op[2]] = op[3]
        elif op[0] == "shift":
            for i in range(op[1], op[2]):
                pages[i] = shift_lines(pages[i], op[3])
        elif op[0] == "tail":
            tail = op[1]
    return pages, tail


def check_sequence(texts: list[str], offset: int = 0, **options) -> IncrementalRenderer:
    """Render each text in turn: equal to a full render, and the patch from the previous
    page gives the new page."""
    renderer = IncrementalRenderer(**options)
    pages: list[str] = []
    tail = ""
    previous: Body | None = None
    for text in texts:
        body = renderer.render(text, offset)
        assert body.html == full_render(text, offset, **options)
        pages, tail = apply_ops(pages, tail, diff(previous, body))
        assert "".join(pages) + tail == body.html
        previous = body
    return renderer


def random_edits(seed: int, pool: list[str], steps: int = 40) -> list[str]:
    rng = random.Random(seed)
    lines = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
    texts = []
    for _ in range(steps):
        texts.append("\n".join(lines) + ("\n" if rng.random() < 0.8 else ""))
        op = rng.random()
        if op < 0.3 and lines:
            lines[rng.randrange(len(lines))] = rng.choice(pool)
        elif op < 0.55:
            lines.insert(rng.randint(0, len(lines)), rng.choice(pool))
        elif op < 0.75 and lines:
            del lines[rng.randrange(len(lines))]
        elif op < 0.9 and lines:
            i = rng.randrange(len(lines))
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice("abc |*_[]:#-`>^") + lines[i][pos:]
        else:
            at = rng.randint(0, len(lines))
            lines[at:at] = [rng.choice(pool) for _ in range(rng.randint(1, 8))]
    return texts


@pytest.mark.parametrize("seed", range(60))
def test_random_edits_render_like_a_full_render(seed: int) -> None:
    check_sequence(random_edits(seed, LINES), offset=seed % 4)


@pytest.mark.parametrize("seed", range(60, 100))
def test_random_edits_without_raw_html_stay_incremental(seed: int) -> None:
    renderer = check_sequence(random_edits(seed, NO_RAW))
    assert renderer.last is not None and not renderer.last.whole


@pytest.mark.parametrize("window", [0, 2, 5])
def test_a_short_resync_window_still_renders_like_a_full_render(monkeypatch, window: int) -> None:
    import recapdesk.core.incremental as incremental

    monkeypatch.setattr(incremental, "WINDOW", window)
    for seed in range(100, 130):
        check_sequence(random_edits(seed, NO_RAW, steps=30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), max_size=25),
       st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace", "type"]),
                          st.integers(0, 40), st.sampled_from(LINES),
                          st.sampled_from(list("x |*_[]:#-`>^\n"))), max_size=12))
def test_any_edit_sequence_renders_like_a_full_render(lines: list[str], edits: list) -> None:
    texts = ["\n".join(lines) + "\n"]
    for kind, at, line, char in edits:
        if kind == "insert":
            lines.insert(at % (len(lines) + 1), line)
        elif kind == "delete" and lines:
            del lines[at % len(lines)]
        elif kind == "replace" and lines:
            lines[at % len(lines)] = line
        elif kind == "type" and lines:
            i = at % len(lines)
            pos = at % (len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + char + lines[i][pos:]
        texts.append("\n".join(lines) + "\n")
    check_sequence(texts)


def test_recap_options_render_like_a_full_render() -> None:
    texts = random_edits(7, NO_RAW)

    def episodes(target: str):
        from recapdesk.core.markdown import LinkTarget
        return LinkTarget(f"{target}.html", f"Episode {target}") if target != "s01e09" else None

    check_sequence(texts, spoiler_free=True)
    check_sequence(texts + ["[[s01e09]] and [[s01e02|two]]\n"], episodes=episodes)


def long_body(paragraphs: int = 120) -> list[str]:
    rng = random.Random(3)
    words = "ferry island tape harbour captain lamp dog resort horn voice".split()
    lines: list[str] = []
    for i in range(paragraphs):
        if i % 10 == 0:
            lines += [f"## Part {i // 10}", ""]
        lines += [" ".join(rng.choice(words) for _ in range(60)), ""]
    return lines


def test_typing_in_one_paragraph_renders_only_that_paragraph() -> None:
    lines = long_body()
    renderer = IncrementalRenderer()
    before = renderer.render("\n".join(lines), 10)
    at = next(i for i in range(100, len(lines)) if len(lines[i]) > 50)
    lines[at] += " and more"
    after = renderer.render("\n".join(lines), 10)
    assert after.stats["rendered_steps"] == 1
    assert after.stats["scanned_steps"] <= 4
    ops = diff(before, after)
    assert ops is not None and len(ops) == 1 and ops[0][0] == "splice" and ops[0][2] == 1
    assert "and more" in ops[0][3][0] and f'data-line="{at + 10}"' in ops[0][3][0]


def test_a_new_line_above_shifts_the_blocks_below_without_rendering_them() -> None:
    lines = long_body()
    renderer = IncrementalRenderer()
    before = renderer.render("\n".join(lines))
    lines[4:4] = ["A new paragraph near the top.", ""]
    after = renderer.render("\n".join(lines))
    assert after.html == full_render("\n".join(lines))
    assert after.stats["rendered_steps"] == 1
    ops = diff(before, after)
    assert [op[0] for op in ops] == ["shift", "splice"]
    assert ops[0][3] == 2 and ops[1][2] == 0  # a shift by two lines, then an insertion


def test_a_new_heading_with_a_taken_name_renames_the_later_one() -> None:
    lines = long_body(30)
    renderer = IncrementalRenderer()
    before = renderer.render("\n".join(lines))
    assert 'id="part-2"' in before.html
    lines[0:0] = ["## Part 2", ""]
    after = renderer.render("\n".join(lines))
    assert after.html == full_render("\n".join(lines))
    assert 'id="part-2"' in after.html and 'id="part-2-2"' in after.html


def test_footnotes_are_numbered_in_page_order() -> None:
    texts = ["First[^b].\n\nSecond[^a].\n\n[^a]: A.\n[^b]: B.\n"]
    texts.append("Zero[^a].\n\n" + texts[0])
    texts.append(texts[1].replace("[^b]: B.\n", ""))
    check_sequence(texts)


def test_raw_html_across_blocks_renders_in_one_piece() -> None:
    renderer = check_sequence(["<div>\n\nin a div\n\n</div>\n\nafter\n", "<b>x\n\nnext\n"])
    assert renderer.last is not None and renderer.last.whole
    renderer = check_sequence(["<span>closed</span>\n\n*text*\n"])
    assert renderer.last is not None and not renderer.last.whole


# --- the live preview -------------------------------------------------------------------

@pytest.fixture
def series(sample_project: Path):
    return open_project(sample_project)


def test_live_preview_body_matches_render_preview(series) -> None:
    for ep in series.episodes:
        text = ep.path.read_text("utf-8")
        live = LivePreview(series, ep.path)
        first = live.update(text)
        page = render_preview(series, ep.path, text)
        assert first.load and first.body.html == page.body_html
        assert first.shell.replace('<div class="recap-body">\n\n</div>',
                                   f'<div class="recap-body">\n{page.body_html}\n</div>') \
            == page.html
        edited = text.replace("\n## ", "\n## Renamed ", 1) + "\nA line [[s01e01]].\n"
        second = live.update(edited)
        assert not second.load and second.shell is None and second.ops
        assert second.body.html == render_preview(series, ep.path, edited).body_html


def test_live_preview_front_matter_change_gives_a_new_shell(series) -> None:
    ep = series.episodes[0]
    text = ep.path.read_text("utf-8")
    live = LivePreview(series, ep.path)
    live.update(text)
    assert live.update(text).ops is None  # nothing changed
    renamed = text.replace('title: "', 'title: "New ', 1)
    update = live.update(renamed)
    assert update.shell is not None and "New Last Ferry" in update.shell
    assert update.ops is None  # the body is the same
    longer = renamed.replace("season: 1\n", "season: 1\nstatus: draft\n", 1)
    update = live.update(longer)  # one more front matter line: every data-line moves by 1
    assert update.ops and {op[0] for op in update.ops} == {"shift"}
    assert update.body.html == render_preview(series, ep.path, longer).body_html


# --- incremental export -------------------------------------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino
            for p in folder.rglob("*") if p.is_file()}


def _cold_export(project: Path, out: Path, **options) -> dict[str, bytes]:
    """What an export without any cache or earlier export writes."""
    import shutil

    shutil.rmtree(project / ".recapdesk" / "cache", ignore_errors=True)
    forget_facts()
    export(open_project(project), ExportOptions(out=out, **options))
    return _tree(out)


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The episodes whose page bodies export renders (file names)."""
    names: list[str] = []
    original = PageRenderer.body_html

    def body_html(self, ep, **kwargs):
        names.append(ep.path.name)
        return original(self, ep, **kwargs)

    monkeypatch.setattr(PageRenderer, "body_html", body_html)
    return names


def test_export_again_rebuilds_only_the_changed_episode(sample_project: Path, tmp_path: Path,
                                                         rendered: list[str]) -> None:
    out = tmp_path / "site"
    export(open_project(sample_project), ExportOptions(out=out))
    assert sorted(rendered) == ["s01e01.md", "s01e02.md", "s01e03.md"]  # s01e04 is a draft
    first = _inodes(out)
    episode = sample_project / "episodes" / "s01e02.md"
    episode.write_text(episode.read_text("utf-8").replace("\n## ", "\nA new line.\n\n## ", 1),
                       "utf-8")
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=out))
    assert rendered == ["s01e02.md"]
    second = _inodes(out)
    # what did not change is the last export's file itself (a hard link), not a copy
    same = {rel for rel in first if second.get(rel) == first[rel]}
    assert {"s01e01.html", "s01e03.html"} <= same
    assert all(rel in same for rel in first if rel.startswith("images/"))
    assert "s01e02.html" not in same
    assert "A new line." in (out / "s01e02.html").read_text("utf-8")
    # and the whole is what a cold export of the same project writes
    assert _tree(out) == _cold_export(sample_project, tmp_path / "cold")


def test_a_new_title_rebuilds_every_page(sample_project: Path, tmp_path: Path,
                                         rendered: list[str]) -> None:
    out = tmp_path / "site"
    export(open_project(sample_project), ExportOptions(out=out))
    episode = sample_project / "episodes" / "s01e03.md"
    episode.write_text(episode.read_text("utf-8").replace('title: "', 'title: "Renamed ', 1),
                       "utf-8")
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=out))
    assert sorted(rendered) == ["s01e01.md", "s01e02.md", "s01e03.md"]
    assert "Renamed" in (out / "s01e01.html").read_text("utf-8")  # the list of recaps
    assert _tree(out) == _cold_export(sample_project, tmp_path / "cold")


def test_files_changed_after_an_export_are_written_again(sample_project: Path,
                                                         tmp_path: Path, make_image,
                                                         rendered: list[str]) -> None:
    out = tmp_path / "site"
    export(open_project(sample_project), ExportOptions(out=out))
    (out / "s01e01.html").write_text("tampered", "utf-8")  # someone edited the output
    still = sample_project / "stills" / "s01e02-01.jpg"
    make_image(still, size=(1920, 1080), color=(10, 200, 30))  # a new picture, same size
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=out))
    assert rendered == ["s01e01.md"]  # the edited page is made again, the others linked
    assert "tampered" not in (out / "s01e01.html").read_text("utf-8")
    assert _tree(out) == _cold_export(sample_project, tmp_path / "cold")


def test_a_second_folder_takes_the_pages_of_the_first(sample_project: Path, tmp_path: Path,
                                                      rendered: list[str]) -> None:
    export(open_project(sample_project), ExportOptions(out=tmp_path / "one"))
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=tmp_path / "two"))
    assert rendered == []
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    # copied, not linked: the two folders share no file
    one, two = _inodes(tmp_path / "one"), _inodes(tmp_path / "two")
    assert not {rel for rel in one if rel.endswith(".html") and two.get(rel) == one[rel]}
    assert not (sample_project / ".recapdesk" / "cache" / "pages").exists()


def test_a_page_changed_in_another_folder_is_made_again(sample_project: Path,
                                                        tmp_path: Path,
                                                        rendered: list[str]) -> None:
    export(open_project(sample_project), ExportOptions(out=tmp_path / "one"))
    (tmp_path / "one" / "s01e02.html").write_text("edited by hand", "utf-8")
    (tmp_path / "one" / "s01e03.html").unlink()
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=tmp_path / "two"))
    assert sorted(rendered) == ["s01e02.md", "s01e03.md"]
    assert _tree(tmp_path / "two") == _cold_export(sample_project, tmp_path / "cold")


@pytest.mark.parametrize("damage", ["", "not json", '{"version": "1", "folder": 7, "files": '
                                    '{"s01e01.html": {"key": 5}}}', '{"files": []}'],
                         ids=repr)
def test_a_damaged_export_record_only_costs_time(sample_project: Path, tmp_path: Path,
                                                 rendered: list[str], damage: str) -> None:
    export(open_project(sample_project), ExportOptions(out=tmp_path / "one"))
    for record in (sample_project / ".recapdesk" / "cache" / "exports").iterdir():
        record.write_text(damage, "utf-8")
    rendered.clear()
    export(open_project(sample_project), ExportOptions(out=tmp_path / "two"))
    assert sorted(rendered) == ["s01e01.md", "s01e02.md", "s01e03.md"]
    assert _tree(tmp_path / "two") == _cold_export(sample_project, tmp_path / "cold")


@pytest.mark.parametrize("options", [{"single_file": True}, {"fragment": True},
                                     {"spoiler_free": True}, {"episodes": ["s01e02"]}])
def test_export_variants_again_equal_a_cold_export(sample_project: Path, tmp_path: Path,
                                                   options: dict) -> None:
    out = tmp_path / "site"
    export(open_project(sample_project), ExportOptions(out=out, **options))
    episode = sample_project / "episodes" / "s01e02.md"
    episode.write_text(episode.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    export(open_project(sample_project), ExportOptions(out=out, **options))
    again = _tree(out)
    assert "One more line." in again["s01e02.html"].decode("utf-8")
    assert again == _cold_export(sample_project, tmp_path / "cold", **options)


def test_remembered_checks_are_the_checks(sample_project: Path) -> None:
    """Export remembers each episode's problems and each still's decode; what it lists
    is always what checks.check() finds now."""
    from recapdesk.core.checks import check
    def same() -> list:
        series = open_project(sample_project)
        found = caches.checked(series)
        assert found == check(series)
        return found

    clean = same()
    assert same() == clean  # remembered
    episodes = sample_project / "episodes"
    one = episodes / "s01e01.md"
    one.write_text(one.read_text("utf-8") + "\n![a still](../stills/missing.jpg)\n", "utf-8")
    assert any("missing" in p.message for p in same())
    still = sample_project / "stills" / "s01e02-01.jpg"
    still.write_bytes(still.read_bytes()[: still.stat().st_size // 2])  # truncated
    assert any("s01e02-01.jpg" in p.message for p in same())
    two = episodes / "s01e02.md"  # s01e01 links to it: a link to a draft is a warning
    two.write_text(two.read_text("utf-8").replace("status: final", "status: draft", 1), "utf-8")
    assert any("links to a draft" in p.message for p in same())
    stills_yaml = sample_project / "stills" / "stills.yaml"  # s01e01-03 has no alt of its own
    text = stills_yaml.read_text("utf-8")
    start = text.index("s01e01-03.jpg:")
    alt_line = text.index("  alt:", start)
    stills_yaml.write_text(text[:alt_line] + text[text.index("\n", alt_line) + 1:], "utf-8")
    assert any("s01e01-03.jpg has no alt text" in p.message for p in same())
