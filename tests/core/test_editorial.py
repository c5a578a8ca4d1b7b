"""The editorial analysis (`recapdesk.core.editorial`): a typical recap (the sample's,
with its keyphrase) has none of the checks below in `problem`, and a copy with exactly
one thing changed flips that one check; the analysis never changes a file."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from recapdesk.core.checks import check
from recapdesk.core.editorial import (
    CHECK_IDS,
    GOOD,
    OK,
    PROBLEM,
    Editorial,
    analyse_series,
    analyse_text,
)
from recapdesk.core.editorial.keyphrase import Keyphrase, link_kind, stem
from recapdesk.core.editorial.readability import flesch_reading_ease, has_passive
from recapdesk.core.editorial.syllables import count_syllables
from recapdesk.core.editorial.words import sentences
from recapdesk.core.inspection import InspectionJob, Inspector
from recapdesk.core.project import open_project

CODE = "s01e02"
FLIPPED = ("keyphrase-title", "keyphrase-intro", "meta-length", "paragraph-length",
           "consecutive-sentences", "sentence-length", "names", "keyphrase-reused",
           "internal-links")


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a project: its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def analysed(root: Path) -> dict[str, Editorial]:
    """The analysis of every recap, checking that no file changed (or appeared)."""
    before = snapshot(root)
    results = analyse_series(open_project(root))
    assert snapshot(root) == before
    return results


def status(result: Editorial, check_id: str) -> str:
    found = result.check(check_id)
    assert found is not None, check_id
    return found.status


def edit(root: Path, code: str, change: Callable[[str], str]) -> None:
    path = root / "episodes" / f"{code}.md"
    text = path.read_text("utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, "utf-8")


def body_paragraphs(text: str) -> list[str]:
    chunks = (p.strip("\n") for p in text.split("\n\n"))
    return [p for p in chunks if p and p[0].isalpha()]


@pytest.fixture
def typical(sample_project: Path) -> Editorial:
    return analysed(sample_project)[CODE]


# --- the typical recap ------------------------------------------------------------------

def test_the_typical_recap_is_mostly_good(typical: Editorial) -> None:
    assert [c.id for c in typical.checks] == list(CHECK_IDS)
    assert typical.keyphrase == "Last Ferry to Udo Episode 2"
    assert not typical.problems, typical.problems
    assert sum(c.status == GOOD for c in typical.checks) >= len(CHECK_IDS) - 3
    assert typical.score == GOOD
    assert typical.flesch is not None and 60 <= typical.flesch <= 100
    for c in typical.checks:
        assert c.message.endswith(".") and "\n" not in c.message


def test_every_sample_recap_is_free_of_problems(sample_project: Path) -> None:
    results = analysed(sample_project)
    assert set(results) == {"s01e01", "s01e02", "s01e03", "s01e04"}
    assert all(not r.problems for r in results.values())
    # the first recap has no keyphrase: its keyphrase checks say to set one
    first = results["s01e01"]
    assert first.keyphrase == ""
    assert status(first, "keyphrase-title") == OK
    assert "keyphrase:" in (first.check("keyphrase-title") or first.checks[0]).message


# --- one change each --------------------------------------------------------------------

def _title(text: str) -> str:
    return re.sub(r'^title: ".*"$', 'title: "Sumbisori: Our Recap"', text, count=1,
                  flags=re.M)


def _intro(text: str) -> str:
    first = body_paragraphs(text.split("\n---\n", 1)[1])[0]
    return text.replace(first, "The island starts talking back in this hour, and the "
                               "tapes keep everyone listening.")


def _short_excerpt(text: str) -> str:
    return re.sub(r'^excerpt: ".*"$', 'excerpt: "Last Ferry to Udo Episode 2: the tapes."',
                  text, count=1, flags=re.M)


def _long_paragraph(text: str) -> str:
    sentence = "The tide goes out and the island waits for the ferry to come round. "
    block = (sentence * 30).strip()  # 420 words
    return text.replace("\n## The Diving Season", f"\n{block}\n\n## The Diving Season")


def _she_eight_times(text: str) -> str:
    block = " ".join(f"She opens tape number {n}." for n in range(1, 9))
    return text.replace("\n## The Diving Season", f"\n{block}\n\n## The Diving Season")


def _run_on(text: str) -> str:
    head, sep, body = text.partition("\n---\n")
    return head + sep + re.sub(r"\. (?=[A-Z])", ", and then ", body)


def _names(text: str) -> str:
    return text.replace("Ga-eun, still", "Gaeun, still", 1) if "Ga-eun, still" in text \
        else text.replace("Ga-eun", "Gaeun", 1)


def _no_internal_links(text: str) -> str:
    text = re.sub(r"\[\[[^\]|]+\|([^\]]+)\]\]", r"\1", text)
    return re.sub(r"\[\[([^\]]+)\]\]", r"\1", text)


@pytest.mark.parametrize(("check_id", "change"), [
    ("keyphrase-title", _title),
    ("keyphrase-intro", _intro),
    ("meta-length", _short_excerpt),
    ("paragraph-length", _long_paragraph),
    ("consecutive-sentences", _she_eight_times),
    ("sentence-length", _run_on),
    ("names", _names),
    ("internal-links", _no_internal_links),
])
def test_one_change_flips_its_check(sample_project: Path, check_id: str,
                                    change: Callable[[str], str]) -> None:
    before = analysed(sample_project)[CODE]
    assert status(before, check_id) != PROBLEM
    edit(sample_project, CODE, change)
    after = analysed(sample_project)[CODE]
    assert status(after, check_id) == PROBLEM
    assert after.score == PROBLEM
    flipped = {c.id for c in after.checks if c.status == PROBLEM}
    assert check_id in flipped


def test_the_same_keyphrase_on_another_recap_is_a_problem_on_both(sample_project: Path
                                                                  ) -> None:
    edit(sample_project, "s01e03", lambda t: t.replace('keyphrase: "Last Ferry to Udo '
                                                       'Episode 3"', 'keyphrase: "last '
                                                       'ferry to udo episode 2"'))
    results = analysed(sample_project)
    for code, other in (("s01e02", "s01e03"), ("s01e03", "s01e02")):
        reused = results[code].check("keyphrase-reused")
        assert reused is not None and reused.status == PROBLEM
        assert other in reused.message
    assert status(results["s01e04"], "keyphrase-reused") == GOOD


def test_flesch_falls_when_sentences_get_long(sample_project: Path, typical: Editorial
                                              ) -> None:
    edit(sample_project, CODE, _run_on)
    longer = analysed(sample_project)[CODE]
    assert longer.flesch is not None and typical.flesch is not None
    assert longer.flesch < typical.flesch - 10


def test_eunsoo_and_sunwoo_drift_from_the_cast(make_project) -> None:
    manifest = ('title: "Soundtrack #1"\ncast: [Han So-hee, Park Hyung-sik]\n'
                'characters: {Eun-soo: Han So-hee, Sun-woo: Park Hyung-sik, Ma-ri: null}\n'
                'site: {name: Drama Recaps, language: en, base_url: "https://example.com/st1/"}\n')
    body = ("Eun-soo's song is finished. Sun-woo listens from the doorway, and Eun-soo-ya "
            "is all he says. Later Eunsoo laughs, Sunwoo's guitar is out of tune, and "
            "sun-woo forgets the lyrics; Eun-su hums. Born on a Tuesday, Ma-ri sings too.")
    text = ('---\ntitle: "Soundtrack 1 Episode 4 Recap"\nseason: 1\nepisode: 4\n'
            'keyphrase: "soundtrack 1 episode 4"\n---\n\n' + body + "\n")
    root = make_project({"episodes/s01e04.md": text}, manifest=manifest)
    result = analysed(root)["s01e04"]
    names = result.check("names")
    assert names is not None and names.status == PROBLEM
    full = (root / "episodes" / "s01e04.md").read_text("utf-8")
    spotted = [full[s.start:s.end] for s in names.spans]
    assert spotted == ["Eunsoo", "Sunwoo", "sun-woo", "Eun-su"]
    assert [(f.wrong, f.right) for f in names.fixes] == [
        ("Eunsoo", "Eun-soo"), ("Sunwoo", "Sun-woo"), ("sun-woo", "Sun-woo"),
        ("Eun-su", "Eun-soo")]
    assert [f.span for f in names.fixes] == list(names.spans)
    for word, name in (("Eunsoo", "Eun-soo"), ("Sunwoo", "Sun-woo"), ("Eun-su", "Eun-soo")):
        assert f"“{word}” → “{name}”" in names.message
    line = full.split("\n").index(body)
    assert all(s.line == line for s in names.spans)
    # `check` warns about each, at its line
    warnings = [str(p) for p in check(open_project(root)) if "looks like the name" in p.message]
    assert len(warnings) == 4
    assert all(w.startswith(f"episodes/s01e04.md:{line + 1}: warning: ") for w in warnings)
    assert any("“Eunsoo” looks like the name “Eun-soo”" in w for w in warnings)


def test_check_finds_every_drift_the_analysis_finds(make_project) -> None:
    """`check` skips reading the prose of a recap without a suspect word: written
    escaped, as an entity, spaced, or only in a still's caption, a drift is still found."""
    manifest = ('title: "Soundtrack #1"\ncast: [Han So-hee]\n'
                'characters: {Eun-soo: Han So-hee}\n')
    stills = 'a.png:\n  alt: "Eunsoo at the piano"\n  caption: "Han Sohee as Eun-soo"\n'
    cases = [(["Then eun\\-soo hums.", "Then eunso&#111; hums.", "Later Eun Soo hums.",
               "Then eunsoo's song plays.",
               "Eun-soo hums. Han So-hee plays her.", "Nobody hums."], None),
             (["![](../stills/a.png)", "Nobody hums."], stills)]
    for bodies, still_texts in cases:
        files = {f"episodes/s01e0{n}.md": f'---\ntitle: "Episode {n}"\nseason: 1\n'
                                           f"episode: {n}\n---\n\n{body}\n"
                 for n, body in enumerate(bodies, 1)}
        if still_texts:
            files["stills/stills.yaml"] = still_texts
        root = make_project(files, manifest=manifest)
        results = analysed(root)
        warned: dict[str, list[str]] = {code: [] for code in results}
        for p in check(open_project(root)):
            if "looks like the name" in p.message:
                warned[Path(p.path).stem].append(p.message)
        for code, result in results.items():
            assert warned[code] == [d.message for d in result.drifts], code
        drifting = [bool(warned[f"s01e0{n}"]) for n in range(1, len(bodies) + 1)]
        assert drifting == [True] * (len(bodies) - 2 if still_texts is None else 1) \
            + [False] * (2 if still_texts is None else 1)


def test_pieces_found_innocent_do_not_hide_a_later_drift() -> None:
    """The pre-scan remembers pieces of text without a suspect word; a later text with
    the same pieces and one near miss still may drift, and the answers are the same
    as without the memory."""
    from recapdesk.core.editorial.names import _index, _suspects, may_drift

    names = ("Eun-soo", "Han So-hee", "Jun-ho")
    clean = "Jun-ho and Eun-soo take the ferry. Han So-hee plays her, well."
    texts = [clean, clean + " Later Eunsoo sings.", clean, "eun-Soo's song", "Eun Soo",
             "Junho", "Jun-ho-ya laughs", clean.upper(), "Han Sohee"]
    for text in texts:
        expected = bool(_suspects(_index(names), [text]))
        assert may_drift(names, [text]) == expected, text
        assert may_drift(names, [clean, text]) == expected, text
    assert _index(names).innocent  # (remembered)
    assert [may_drift(names, [t]) for t in texts] == \
        [False, True, False, True, True, True, False, False, True]


def test_check_reads_no_prose_of_recaps_without_a_suspect_word(make_project) -> None:
    """The analysis' modules (keyphrase, readability…) are not even loaded by `check`
    for recaps in which no word is a near miss of a name."""
    manifest = "title: Udo\ncast: [Han So-hee]\ncharacters: {Eun-soo: Han So-hee}\n"
    root = make_project({f"episodes/s01e0{n}.md": f"---\ntitle: Episode {n}\n---\n\n"
                         f"## Dawn\n\nEun-soo takes the ferry. Han So-hee plays her.\n"
                         for n in (1, 2)}, manifest=manifest)
    code = ("import sys; from pathlib import Path; from recapdesk.core.checks import check; "
            "from recapdesk.core.project import open_project; "
            f"check(open_project(Path({str(root)!r}))); "
            "print(sorted(m for m in sys.modules if m.startswith('recapdesk.core.editorial')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.strip().splitlines()[-1]
    assert "drift_check" in loaded and "analysis" not in loaded and "keyphrase" not in loaded
    assert "prose" not in loaded and "results" not in loaded  # nor the prose model


def test_real_names_are_good_and_the_sample_has_no_name_warning(sample_project: Path
                                                                ) -> None:
    assert not [p for p in check(open_project(sample_project))
                if "looks like the name" in p.message]
    results = analysed(sample_project)
    assert all(status(r, "names") == GOOD for r in results.values())


# --- spans ------------------------------------------------------------------------------

def test_spans_point_into_the_text_being_typed(sample_project: Path) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / f"{CODE}.md"
    text = _she_eight_times(path.read_text("utf-8"))
    result = analyse_text(series, path, text)
    repeated = result.check("consecutive-sentences")
    assert repeated is not None and repeated.status == PROBLEM
    placed = [text[s.start:s.end] for s in repeated.spans]
    assert placed[-8:] == [f"She opens tape number {n}." for n in range(1, 9)]
    first = repeated.spans[-8]
    assert text.split("\n")[first.line].startswith("She opens tape number 1.")
    title = result.check("keyphrase-title")
    assert title is not None and title.spans
    assert text[title.spans[0].start:title.spans[0].end].startswith("Last Ferry to Udo")


def test_the_inspection_carries_the_analysis_from_its_own_parse(sample_project: Path
                                                                ) -> None:
    series = open_project(sample_project)
    path = sample_project / "episodes" / f"{CODE}.md"
    text = _names(path.read_text("utf-8"))
    inspector = Inspector()
    result = inspector.inspect(InspectionJob(1, 1, series, {path: text}, checks=True))
    inspection = result.texts[path]
    assert inspection.editorial == analyse_text(series, path, text)
    assert inspection.editorial is not None
    assert status(inspection.editorial, "names") == PROBLEM
    assert any("“Gaeun” looks like the name “Ga-eun”" in p.message
               for p in result.problems or [])
    without = inspector.inspect(InspectionJob(2, 1, None, {path: text}, editorial=False))
    assert without.texts[path].editorial is None
    assert without.texts[path].analysis == inspection.analysis


# --- pieces -----------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "count"), [
    ("the", 1), ("ferry", 2), ("tape", 1), ("tapes", 1), ("little", 2), ("played", 1),
    ("wanted", 2), ("beautiful", 3), ("island", 2), ("Seo-rin", 2), ("우도행", 3),
    ("recording", 3), ("a", 1), ("", 0),
])
def test_syllables(word: str, count: int) -> None:
    assert count_syllables(word) == count


def test_flesch_of_short_and_long_sentences() -> None:
    short = sentences("The cat sat. The dog ran. We all went home.")
    long = sentences("The extraordinarily complicated negotiations concerning the "
                     "administration of the island's infrastructure continued indefinitely "
                     "throughout the unexpectedly tempestuous afternoon.")
    easy, hard = flesch_reading_ease(short), flesch_reading_ease(long)
    assert easy is not None and hard is not None and easy > 90 > 30 > hard
    assert flesch_reading_ease([]) is None


def test_sentences_keep_abbreviations_and_quotes() -> None:
    found = sentences('At 6:02 p.m. the horn sounds. "It\'ll blow tomorrow." "It always '
                      'blows." Mr. Baek waits… Then he goes!')
    assert [s.text for s in found] == [
        "At 6:02 p.m. the horn sounds.", '"It\'ll blow tomorrow."', '"It always blows."',
        "Mr. Baek waits…", "Then he goes!"]


def test_passive_voice() -> None:
    assert has_passive(sentences("The tape was found under the bed.")[0])
    assert has_passive(sentences("The ferry service is suddenly suspended.")[0])
    assert not has_passive(sentences("Seo-rin finds the tape under the bed.")[0])


def test_word_forms_match_as_yoast_does() -> None:
    kp = Keyphrase.parse("Soundtrack 1 episode 4")
    assert kp is not None and kp.content == ("soundtrack", "1", "episode", "4")
    assert stem("episodes") == stem("Episode's") == "episode"
    assert stem("Seo-rin's") == "seo-rin"
    assert stem("ferries") == stem("ferry")
    assert Keyphrase.parse("the of") is not None  # only function words: all of them count


@pytest.mark.parametrize(("href", "kind"), [
    ("https://example.com/st1/s01e03.html", "internal"),
    ("s01e03.html", "internal"),
    ("/st1/", "internal"),
    ("https://example.com/other-series/s01e01.html", "outbound"),
    ("/other-series/", "outbound"),
    ("https://elsewhere.example.org/", "outbound"),
    ("#final-thoughts", ""),
    ("mailto:me@example.com", ""),
])
def test_links_under_the_base_url_are_internal(href: str, kind: str) -> None:
    assert link_kind(href, "https://example.com/st1/") == kind
