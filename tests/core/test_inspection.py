"""The live inspection (`recapdesk.core.inspection`) gives what the window used to work out
in-process: `analyze_any` per open text, `check`/`check_episode` problems, `stills.usages`.

Every expectation is computed with those older functions, the way the window computed
it before the inspection existed; the inspector's caches are watched through counting wrappers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from recapdesk.core.checks import check, check_episode
from recapdesk.core.inspection import (
    InspectionJob,
    InspectionResult,
    Inspector,
    TextInspection,
    large_note,
)
from recapdesk.core.inspection import inspector as inspector_module
from recapdesk.core.inspection.inspector import KEEP_SERIES, KEEP_TEXTS
from recapdesk.core.model import Problem, Series
from recapdesk.core.outline import LARGE_TEXT, analyze_any, analyze_fast, count_recap_words
from recapdesk.core.project import episode_from_text, open_project
from recapdesk.core.stills import Usage, usages
from recapdesk.core.textfile import read_text

CODES = ("s01e01", "s01e02", "s01e03", "s01e04")


# --- the former in-process computations -------------------------------------------------

def old_problems(series: Series, texts: Mapping[Path, str], readonly: frozenset[Path],
                 project: list[Problem] | None = None) -> list[Problem]:
    """The Problems panel: `check(series)` for the files that are not open or open
    read-only (those cannot change here: their problems are the file's as read),
    `check_episode` of each open, writable text (a note for a very large one), sorted by
    (path, line)."""
    open_rel = {series.rel(path) for path in texts if path not in readonly}
    problems = [p for p in (check(series) if project is None else project)
                if p.path not in open_rel]
    for path, text in texts.items():
        if path in readonly:
            continue
        if len(text) > LARGE_TEXT:
            problems.append(Problem(series.rel(path), 1, "warning", large_note(text)))
            continue
        problems.extend(check_episode(series, episode_from_text(path, text)[0]))
    problems.sort(key=lambda p: (p.path, p.line))
    return problems


def old_usages(series: Series, texts: Mapping[Path, str], readonly: frozenset[Path]
               ) -> dict[str, list[Usage]]:
    """`stills.usages` of the open texts; read-only ones count as read from disk."""
    return usages(series, {p: t for p, t in texts.items() if p not in readonly})


def assert_like_before(result: InspectionResult, series: Series, texts: Mapping[Path, str],
                       readonly: frozenset[Path] = frozenset(), *, checks: bool,
                       project: list[Problem] | None = None) -> None:
    """`result` holds exactly what the former computations give for these texts."""
    assert set(result.texts) == set(texts)
    for path, text in texts.items():
        inspection = result.texts[path]
        assert isinstance(inspection, TextInspection)
        assert inspection.path == path
        assert inspection.analysis == analyze_any(text)
        if len(text) <= LARGE_TEXT:
            assert inspection.analysis.words == count_recap_words(text)
        assert inspection.target_words == episode_from_text(path, text)[0].target_words
        if path in readonly:
            assert inspection.problems is None and inspection.usages is None
    if checks:
        assert result.problems == old_problems(series, texts, readonly, project)
        assert result.usages == old_usages(series, texts, readonly)
    else:
        assert result.problems is None and result.usages is None
    assert not result.unknown_series


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list:
    """Replace `recapdesk.core.inspection.<name>` by a wrapper recording each call's first
    argument; returns that record."""
    calls: list = []
    real = getattr(inspector_module, name)

    def wrapper(*args, **kwargs):
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(inspector_module, name, wrapper)
    return calls


def episode_file(root: Path, code: str) -> Path:
    return root / "episodes" / f"{code}.md"


def add_line(text: str, marker: str, line: str) -> str:
    """`text` with `line` as a paragraph of its own before the line starting `marker`."""
    head, sep, tail = text.partition("\n" + marker)
    assert sep, marker
    return f"{head}\n{line}\n{sep}{tail}"


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture
def series(sample_project: Path) -> Series:
    return open_project(sample_project)


@pytest.fixture
def disk(series: Series) -> dict[Path, str]:
    """Each episode's text as the editor gets it from disk."""
    return {ep.path: read_text(ep.path)[0] for ep in series.episodes}


def path_of(series: Series, code: str) -> Path:
    ep = series.find_episode(code)
    assert ep is not None
    return ep.path


# --- analysis ---------------------------------------------------------------------------

def test_each_text_is_analysed_as_the_outline_does(series: Series,
                                                   disk: dict[Path, str]) -> None:
    texts = dict(disk)
    p1 = path_of(series, "s01e01")
    texts[p1] = add_line(texts[p1], "## Final Thoughts", "## A New Section\n\nFive more words "
                         "right here.")
    result = Inspector().inspect(InspectionJob(7, 1, series, texts))
    assert result.serial == 7
    assert_like_before(result, series, texts, checks=False)
    assert result.texts[p1].target_words == 800
    assert "A New Section" in [h.title for h in result.texts[p1].analysis.headings]


def test_texts_without_front_matter_or_outside_the_project(series: Series,
                                                           disk: dict[Path, str]) -> None:
    """A new file, a text whose front matter is broken, an empty text: all inspected."""
    new = series.root / "episodes" / "s01e05.md"
    texts = {
        new: "---\ntitle: Next\nseason: 1\nepisode: 5\n---\n\nSee [[s09e09]] and ![](x.jpg)\n",
        path_of(series, "s01e01"): "---\ntitle: [unclosed\n---\n\n# Top\n\nWords here.\n",
        path_of(series, "s01e02"): "---\ntitle: no end\n\n## Heading\n",
        path_of(series, "s01e03"): "",
    }
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert_like_before(result, series, texts, checks=True)
    assert any("[[s09e09]]" in p.message and p.path == "episodes/s01e05.md"
               for p in result.problems or [])


# --- problems ---------------------------------------------------------------------------

def test_problems_equal_the_window_s_former_checks(sample_project: Path) -> None:
    """On-disk problems of closed files stay; an open file's come from its text; a
    read-only text adds none of its own: its file's problems are listed as read."""
    for code, line in (("s01e01", "See [[s09e01]] on disk."),
                       ("s01e03", "See [[s09e03]] on disk."),
                       ("s01e04", "# A level-one heading on disk")):
        path = episode_file(sample_project, code)
        path.write_text(add_line(path.read_text("utf-8"), "## Final Thoughts", line), "utf-8")
    series = open_project(sample_project)
    disk = {ep.path: read_text(ep.path)[0] for ep in series.episodes}
    p1, p2, p3 = (path_of(series, c) for c in ("s01e01", "s01e02", "s01e03"))
    texts = {
        p1: disk[p1].replace("See [[s09e01]] on disk.", "Fixed [[s01e02]]."),
        p2: add_line(disk[p2], "## Final Thoughts",
                     "See [[s09e09]].\n\n# Loud\n\n![](../stills/s01e02-01.jpg)\n\n"
                     "![Gone](../stills/nope.jpg)\n\n![](https://example.com/x.jpg)"),
        p3: add_line(disk[p3], "## Final Thoughts", "Read-only [[s09e33]]."),
    }
    readonly = frozenset({p3})
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, readonly, checks=True))
    assert_like_before(result, series, texts, readonly, checks=True)
    messages = [(p.path, p.message) for p in result.problems or []]
    assert not any("s09e01" in m for _, m in messages)  # the open text has it fixed
    s01e03 = [m for path, m in messages if path == "episodes/s01e03.md"]
    assert s01e03 and all("s09e33" not in m for m in s01e03)  # the file's, not the tab's
    assert any("s09e03" in m for m in s01e03)
    assert any(path == "episodes/s01e04.md" and "level-1" in m for path, m in messages)
    assert any(path == "episodes/s01e02.md" and "[[s09e09]]" in m for path, m in messages)
    assert [(p.path, p.line) for p in result.problems or []] == sorted(
        (p.path, p.line) for p in result.problems or [])
    # each checked text carries its own problems
    assert list(result.texts[p2].problems or ()) == check_episode(
        series, episode_from_text(p2, texts[p2])[0])


def test_problems_without_open_texts_are_the_project_check(series: Series) -> None:
    result = Inspector().inspect(InspectionJob(1, 1, series, {}, checks=True))
    assert result.texts == {}
    assert result.problems == sorted(check(series), key=lambda p: (p.path, p.line))
    assert result.usages == usages(series)


def test_front_matter_problems_of_an_open_text(series: Series, disk: dict[Path, str]) -> None:
    p1 = path_of(series, "s01e01")
    text = (disk[p1].replace("spoilers: none", "spoilers: lots")
            .replace("rating: 4", "rating: 9")
            .replace("target_words: 800", "target_words: many"))
    text = add_line(text, "## Final Thoughts", "::: spoiler Twist\nHidden.\n:::")
    texts = {p1: text}
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert_like_before(result, series, texts, checks=True)
    keys = {p.message.split(" ")[0] for p in result.problems or []}
    assert {"spoilers", "rating", "target_words"} <= keys
    assert result.texts[p1].target_words is None


# --- still usages -----------------------------------------------------------------------

def test_usages_equal_stills_usages(series: Series, disk: dict[Path, str]) -> None:
    p1, p2, p3 = (path_of(series, c) for c in ("s01e01", "s01e02", "s01e03"))
    texts = {
        # one still dropped, another episode's still and a cover added
        p1: add_line(disk[p1].replace("![](../stills/s01e01-03.jpg)", "")
                     .replace("target_words: 800", "target_words: 800\n"
                              "cover: ../stills/s01e04-02.jpg"),
                     "## Final Thoughts", "![](../stills/s01e02-01.jpg)"),
        # the cover removed
        p3: disk[p3].replace("cover: ../stills/s01e03-02.jpg\n", ""),
        # read-only, its images gone from the text: they still count, from disk
        p2: "---\ntitle: Stripped\n---\n\nNo images left.\n",
    }
    readonly = frozenset({p2})
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, readonly, checks=True))
    assert_like_before(result, series, texts, readonly, checks=True)
    found = result.usages or {}
    assert "s01e01-03.jpg" not in found
    cover_line = texts[p1].split("\n").index("cover: ../stills/s01e04-02.jpg") + 1
    assert found["s01e04-02.jpg"][0] == (p1, cover_line)  # the new cover: key's file line
    assert [path for path, _ in found["s01e02-01.jpg"]] == [p1, p2]
    assert [path for path, _ in found["s01e03-02.jpg"]] == [p3]  # the cover is gone


def test_usages_of_a_text_outside_the_project_are_not_counted(series: Series) -> None:
    new = series.root / "episodes" / "s01e05.md"
    texts = {new: "---\ntitle: New\nseason: 1\nepisode: 5\n---\n\n![](../stills/s01e01-01.jpg)\n"}
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert_like_before(result, series, texts, checks=True)
    assert new not in [path for refs in (result.usages or {}).values() for path, _ in refs]


# --- very large recaps ------------------------------------------------------------------

def large_text(disk_text: str, extra: str = "") -> str:
    """A recap over LARGE_TEXT characters, with a broken link and a still in it."""
    filler = "word " * (LARGE_TEXT // 5 + 100)
    return add_line(disk_text, "## Final Thoughts",
                    f"{filler}\n\nSee [[s09e09]].\n\n![](../stills/s01e04-01.jpg){extra}")


def test_large_note() -> None:
    note = large_note("x" * 2_345_678)
    assert note.startswith("a very large recap (2.3 million characters)")
    assert "`recapdesk check`" in note


def test_a_very_large_open_text_is_scanned_not_parsed(series: Series, disk: dict[Path, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, "parse_body")
    p1, p2 = path_of(series, "s01e01"), path_of(series, "s01e02")
    big = large_text(disk[p1])
    assert len(big) > LARGE_TEXT
    texts = {p1: big, p2: disk[p2]}
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert big not in parsed and parsed == [disk[p2]]
    inspection = result.texts[p1]
    assert inspection.analysis == analyze_fast(big) == analyze_any(big)
    assert inspection.analysis.words > LARGE_TEXT // 5
    assert inspection.target_words == 800
    note = Problem("episodes/s01e01.md", 1, "warning", large_note(big))
    assert inspection.problems == (note,)
    assert [p for p in result.problems or [] if p.path == "episodes/s01e01.md"] == [note]
    assert result.problems == old_problems(series, texts, frozenset())
    # its stills are not looked for: neither in its text nor as it is on disk
    others = usages(series, {p2: disk[p2]})
    assert result.usages == {name: [u for u in refs if u[0] != p1]
                             for name, refs in others.items()
                             if any(u[0] != p1 for u in refs)}
    assert p1 not in [path for refs in (result.usages or {}).values() for path, _ in refs]


def test_a_very_large_read_only_text_keeps_its_file_s_problems(
        series: Series, disk: dict[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, "parse_body")
    p1 = path_of(series, "s01e01")
    big = large_text(disk[p1])
    texts = {p1: big}
    readonly = frozenset({p1})
    result = Inspector().inspect(InspectionJob(1, 1, series, texts, readonly, checks=True))
    assert parsed == []
    assert result.texts[p1].analysis == analyze_fast(big)
    assert result.texts[p1].problems is None
    assert not [p for p in result.problems or [] if p.path == "episodes/s01e01.md"]
    assert result.problems == old_problems(series, texts, readonly)
    assert result.usages == old_usages(series, texts, readonly)  # as read from disk


def test_a_very_large_recap_on_disk_is_only_named(sample_project: Path) -> None:
    """Closed, it is named with a note (not checked), the others' links to it still
    resolve, and its stills are not looked for."""
    p3 = episode_file(sample_project, "s01e03")
    p3.write_text(add_line(p3.read_text("utf-8"), "## Final Thoughts",
                           "Disk problem [[s09e03]]."), "utf-8")
    before = open_project(sample_project)
    baseline = Inspector().inspect(InspectionJob(1, 1, before, {}, checks=True))
    assert any("s09e03" in p.message for p in baseline.problems or [])

    p4 = episode_file(sample_project, "s01e04")
    p4.write_text(large_text(p4.read_text("utf-8")), "utf-8")
    series = open_project(sample_project)
    ep4 = series.find_episode("s01e04")
    assert ep4 is not None and len(ep4.body) > LARGE_TEXT
    result = Inspector().inspect(InspectionJob(1, 1, series, {}, checks=True))
    note = Problem("episodes/s01e04.md", 1, "warning", large_note(ep4.body))
    expected = [p for p in baseline.problems or [] if p.path != "episodes/s01e04.md"]
    expected = sorted([*expected, note], key=lambda p: (p.path, p.line))
    assert result.problems == expected
    assert not any("does not match" in p.message and "s01e04" in p.message
                   for p in result.problems or [])
    assert result.usages == {name: [u for u in refs if u[0] != ep4.path]
                             for name, refs in (baseline.usages or {}).items()
                             if any(u[0] != ep4.path for u in refs)}

    # opened with a short text, it is checked again like any other
    p4 = ep4.path
    texts = {p4: "---\ntitle: Short now\nseason: 1\nepisode: 4\n---\n\n"
                 "![](../stills/s01e04-02.jpg)\n\nSee [[s09e04]].\n"}
    result = Inspector().inspect(InspectionJob(2, 1, series, texts, checks=True))
    mine = [p for p in result.problems or [] if p.path == "episodes/s01e04.md"]
    assert mine == check_episode(series, episode_from_text(p4, texts[p4])[0])
    assert (result.usages or {})["s01e04-02.jpg"] == [(p4, 7)]


# --- caching ----------------------------------------------------------------------------

def test_an_unchanged_text_is_not_parsed_again(series: Series, disk: dict[Path, str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, "parse_body")
    inspector = Inspector()
    texts = dict(disk)
    first = inspector.inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert sorted(parsed) == sorted(texts.values())
    parsed.clear()
    again = inspector.inspect(InspectionJob(2, 1, None, dict(texts), checks=True))
    assert parsed == []
    assert again.serial == 2 and again.texts == first.texts
    assert again.problems == first.problems and again.usages == first.usages

    p2 = path_of(series, "s01e02")
    texts[p2] = add_line(texts[p2], "## Final Thoughts", "See [[s09e09]].")
    changed = inspector.inspect(InspectionJob(3, 1, None, texts, checks=True))
    assert parsed == [texts[p2]]  # only the edited text
    assert_like_before(changed, series, texts, checks=True)


def test_a_text_becoming_writable_is_checked(series: Series, disk: dict[Path, str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, "parse_body")
    inspector = Inspector()
    p1 = path_of(series, "s01e01")
    texts = {p1: add_line(disk[p1], "## Final Thoughts", "See [[s09e09]].")}
    ro = inspector.inspect(InspectionJob(1, 1, series, texts, frozenset({p1}), checks=True))
    assert_like_before(ro, series, texts, frozenset({p1}), checks=True)
    rw = inspector.inspect(InspectionJob(2, 1, None, texts, checks=True))
    assert len(parsed) == 2
    assert_like_before(rw, series, texts, checks=True)
    assert any("s09e09" in p.message for p in rw.problems or [])


def test_a_new_token_checks_again(sample_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same texts under a new token (the project read again) are checked against the
    new project: a link that was broken resolves once the episode exists."""
    series = open_project(sample_project)
    p1 = path_of(series, "s01e01")
    texts = {p1: add_line(read_text(p1)[0], "## Final Thoughts", "Next: [[s01e05]].")}
    inspector = Inspector()
    first = inspector.inspect(InspectionJob(1, 1, series, texts, checks=True))
    assert any("[[s01e05]]" in p.message for p in first.problems or [])

    episode_file(sample_project, "s01e05").write_text(
        "---\ntitle: Five\nseason: 1\nepisode: 5\nstatus: final\nexcerpt: x\n---\n\nHi.\n",
        "utf-8")
    fresh = open_project(sample_project)
    parsed = counting(monkeypatch, "parse_body")
    checked = counting(monkeypatch, "check")
    second = inspector.inspect(InspectionJob(2, 2, fresh, texts, checks=True))
    assert parsed == [texts[p1]] and checked == [fresh]
    assert not any("[[s01e05]]" in p.message for p in second.problems or [])
    assert_like_before(second, fresh, texts, checks=True)

    # and the first project, still known under its token, is as it was
    third = inspector.inspect(InspectionJob(3, 1, None, texts, checks=True))
    assert third.problems == first.problems


def test_the_project_is_checked_once_per_token(series: Series, disk: dict[Path, str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    checked = counting(monkeypatch, "check")
    inspector = Inspector()
    p1 = path_of(series, "s01e01")
    texts = {p1: disk[p1]}
    for serial in range(1, 5):
        texts[p1] += f"\nMore words {serial}.\n"
        result = inspector.inspect(InspectionJob(serial, 1, series if serial == 1 else None,
                                           dict(texts), checks=serial % 2 == 0))
        assert_like_before(result, series, texts, checks=serial % 2 == 0)
    assert checked == [series]


def test_an_unknown_token_asks_for_the_series(series: Series, disk: dict[Path, str]) -> None:
    inspector = Inspector()
    result = inspector.inspect(InspectionJob(5, 42, None, dict(disk), checks=True))
    assert result == InspectionResult(5, unknown_series=True)
    assert result.texts == {} and result.problems is None and result.usages is None
    # once sent, the token is known
    assert not inspector.inspect(InspectionJob(6, 42, series, dict(disk))).unknown_series
    assert_like_before(inspector.inspect(InspectionJob(7, 42, None, dict(disk), checks=True)),
                       series, disk, checks=True)


def test_only_the_latest_projects_are_kept(series: Series, disk: dict[Path, str]) -> None:
    inspector = Inspector()
    texts = {path_of(series, "s01e01"): disk[path_of(series, "s01e01")]}
    for token in range(1, KEEP_SERIES + 1):
        assert not inspector.inspect(InspectionJob(token, token, series, texts)).unknown_series
    assert not inspector.inspect(InspectionJob(10, 1, None, texts)).unknown_series  # used: kept
    inspector.inspect(InspectionJob(11, KEEP_SERIES + 1, series, texts))  # one too many
    assert inspector.inspect(InspectionJob(12, 2, None, texts)).unknown_series  # the oldest
    for token in (1, *range(3, KEEP_SERIES + 2)):
        assert not inspector.inspect(InspectionJob(13, token, None, texts)).unknown_series


def test_only_the_latest_texts_are_kept(series: Series, disk: dict[Path, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, "parse_body")
    inspector = Inspector()
    p1 = path_of(series, "s01e01")
    versions = [disk[p1] + f"\nVersion {i}.\n" for i in range(KEEP_TEXTS + 1)]
    for serial, text in enumerate(versions):
        inspector.inspect(InspectionJob(serial, 1, series if serial == 0 else None, {p1: text}))
    assert parsed == versions
    parsed.clear()
    inspector.inspect(InspectionJob(100, 1, None, {p1: versions[-1]}))  # kept
    assert parsed == []
    inspector.inspect(InspectionJob(101, 1, None, {p1: versions[0]}))  # forgotten
    assert parsed == [versions[0]]


# --- random edits -----------------------------------------------------------------------

SNIPPETS = [
    "See [[s09e09]] for later.", "Back to [[s01e02|the second]].", "[[s01e04]] is a draft.",
    "# A level-one heading", "## Another Section", "### Deeper", "Setext\n======",
    "![](../stills/s01e02-01.jpg)", "![Alt](../stills/s01e03-01.jpg \"Cap\")",
    "![Gone](../stills/missing.jpg)", "![Remote](https://example.com/a.jpg)",
    "![](../stills/s01e01-01.jpg) and ![](../stills/s01e01-01.jpg) twice",
    "::: spoiler Big twist", ":::", "Para ||secret|| here.", "```", "~~~", "code()",
    "- item [[s01e01]]", "> quote with ![q](../stills/s01e04-02.jpg)", "", "", "",
    "Plain words and more words.", "우도행 막배 and 日本語 words", "<div>raw</div>",
    "    indented ![](../stills/s01e02-02.jpg)", "| a | b |\n|---|---|\n| 1 | 2 |",
    "Text with [^1] note.\n\n[^1]: The [[s09e01]] note.",
]
FRONT_EDITS = [
    ("spoilers: none", "spoilers: lots"), ("status: final", "status: draft"),
    ("status: draft", "status: final"), ("rating: 4", "rating: many"),
    ("target_words: 800", "target_words: 12"), ("season: 1\n", "season: one\n"),
    ("---\ntitle:", "---\ncover: ../stills/s01e03-01.jpg\ntitle:"),
    ("---\ntitle:", "---\ncover: ../stills/nope.jpg\ntitle:"),
    ("cover: ../stills/s01e03-02.jpg\n", ""), ("title: ", "title: [broken "),
]


def random_edit(rng: random.Random, text: str) -> str:
    """One edit: a snippet inserted, lines dropped or doubled, or a front matter change."""
    lines = text.split("\n")
    kind = rng.random()
    if kind < 0.5:
        at = rng.randrange(len(lines) + 1)
        lines[at:at] = rng.choice(SNIPPETS).split("\n")
    elif kind < 0.7 and len(lines) > 2:
        at = rng.randrange(len(lines))
        del lines[at:at + rng.randint(1, 4)]
    elif kind < 0.8 and lines:
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
    else:
        old, new = rng.choice(FRONT_EDITS)
        return text.replace(old, new, 1)
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_inspect_like_before(sample_project: Path, seed: int) -> None:
    """A writer's session: random edits to random open texts, some read-only, checks now
    and then; one inspector all along (its caches in play) answers like the old code."""
    rng = random.Random(seed)
    series = open_project(sample_project)
    project = check(series)  # the project as read: the same for the whole session
    disk = {ep.path: read_text(ep.path)[0] for ep in series.episodes}
    extra = series.root / "episodes" / "s01e05.md"  # a new file, not in the project
    disk[extra] = "---\ntitle: New\nseason: 1\nepisode: 5\n---\n\nFresh ![](../stills/x.jpg)\n"
    texts: dict[Path, str] = {}
    inspector = Inspector()
    for serial in range(1, 13):
        if not texts or rng.random() < 0.3:  # a tab opened or closed
            path = rng.choice(sorted(disk))
            if path in texts and len(texts) > 1:
                del texts[path]
            else:
                texts[path] = disk[path]
        for _ in range(rng.randint(1, 4)):
            path = rng.choice(sorted(texts))
            texts[path] = random_edit(rng, texts[path])
        readonly = frozenset(p for p in texts if rng.random() < 0.2)
        checks = rng.random() < 0.6
        job = InspectionJob(serial, 1, series if serial == 1 or rng.random() < 0.2 else None,
                        dict(texts), readonly, checks)
        result = inspector.inspect(job)
        assert result.serial == serial
        assert_like_before(result, series, texts, readonly, checks=checks, project=project)
