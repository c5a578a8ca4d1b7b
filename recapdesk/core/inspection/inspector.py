"""The live inspection of a project's open texts: word counts and headings, problems, and
where stills are used, from one parse per text (Qt-free).

The window asks for an inspection after edits; `Inspector.inspect` answers a `InspectionJob` with a
`InspectionResult`. It runs in a worker process (`recapdesk.core.inspection.worker`) so that a
long recap never holds up the keyboard, or in-process when that process is unavailable;
the answer is the same either way. An inspector keeps what it computed: an unchanged text,
and the project as read from disk, are not parsed again.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from recapdesk.core.checks import check, check_episode
from recapdesk.core.editorial import Editorial, analyse
from recapdesk.core.model import Problem, Series
from recapdesk.core.outline import (
    LARGE_TEXT,
    Analysis,
    analyze_fast,
    analyze_tokens,
    parse_body,
)
from recapdesk.core.project import episode_from_text
from recapdesk.core.stills import Usage, cover_key_line, episode_usages, sort_usages

__all__ = ["InspectionJob", "InspectionResult", "Inspector", "TextInspection", "large_note"]

KEEP_SERIES = 4  # projects an inspector remembers (one per open window, usually)
KEEP_TEXTS = 16  # texts an inspector remembers


def large_note(text: str) -> str:
    """The warning shown instead of live checks for a very large recap."""
    return (f"a very large recap ({len(text) / 1_000_000:.1f} million characters): live "
            "checks are paused for it in the window (`recapdesk check` checks it)")


@dataclass(frozen=True)
class TextInspection:
    """One open text: its analysis (words, headings), target, and when checked, its
    problems and the stills it uses. `editorial`: its editorial analysis (keyphrase,
    readability, names; spans into this text), from the same parse; None for a very
    large text or when the job did not ask for it."""

    path: Path
    analysis: Analysis
    target_words: int | None
    problems: tuple[Problem, ...] | None = None
    usages: tuple[tuple[str, Usage], ...] | None = None
    editorial: Editorial | None = None


@dataclass
class InspectionJob:
    """What to inspect: the open texts of one project.

    `token` names the project as read (`series` may be left out when the inspector was
    given it before under that token). With `checks`, the answer holds the project's
    problems and still usages too; else only each text's inspection. Read-only texts are
    analysed but not checked (their file's problems and stills count as read from
    disk). With `editorial`, each text's inspection holds its editorial analysis too.
    """

    serial: int
    token: int
    series: Series | None
    texts: dict[Path, str]
    readonly: frozenset[Path] = frozenset()
    checks: bool = False
    editorial: bool = True


@dataclass
class InspectionResult:
    """The answer to job `serial`. `problems` and `usages` are the whole project's (None
    when checks were not asked). `unknown_series`: the job left out a project the
    inspector does not have; send it again with the series."""

    serial: int
    texts: dict[Path, TextInspection] = field(default_factory=dict)
    problems: list[Problem] | None = None
    usages: dict[str, list[Usage]] | None = None
    unknown_series: bool = False
    scores: dict[Path, str] | None = None  # every recap's editorial score, with checks


@dataclass
class _Project:
    series: Series
    problems: list[Problem] | None = None  # check(series), very large recaps only named
    usages: dict[Path, list[tuple[str, Usage]]] | None = None  # per episode, as read
    large: set[Path] = field(default_factory=set)
    scores: dict[Path, str] | None = None  # editorial score per recap, as read


class Inspector:
    """Answers inspection jobs; remembers projects by token and texts by content."""

    def __init__(self) -> None:
        self._projects: OrderedDict[int, _Project] = OrderedDict()
        self._texts: OrderedDict[tuple[Path, str, bool, bool],
                                 tuple[int, TextInspection]] = OrderedDict()

    def inspect(self, job: InspectionJob) -> InspectionResult:
        project = self._project(job)
        if project is None:
            return InspectionResult(job.serial, unknown_series=True)
        result = InspectionResult(job.serial)
        for path, text in job.texts.items():
            checked = path not in job.readonly
            result.texts[path] = self._text(job.token, project.series, path, text, checked,
                                            job.editorial)
        if job.checks:
            result.problems = self._problems(project, job, result.texts)
            result.usages = self._usages(project, result.texts)
            if job.editorial:
                result.scores = self._scores(project, result.texts)
        return result

    # projects -------------------------------------------------------------------------

    def _project(self, job: InspectionJob) -> _Project | None:
        known = self._projects.get(job.token)
        if job.series is not None and (known is None or known.series is not job.series):
            self._projects[job.token] = _Project(job.series)
            self._projects.move_to_end(job.token)
            while len(self._projects) > KEEP_SERIES:
                self._projects.popitem(last=False)
        project = self._projects.get(job.token)
        if project is not None:
            self._projects.move_to_end(job.token)
        return project

    def _problems(self, project: _Project, job: InspectionJob,
                  texts: dict[Path, TextInspection]) -> list[Problem]:
        series = project.series
        if project.problems is None:
            project.problems = _check_lightly(series)
        # a checked open text stands for its file; a read-only one keeps the file's
        # problems as read (it cannot be changed here)
        open_rel = {series.rel(path) for path in job.texts if path not in job.readonly}
        problems = [p for p in project.problems if p.path not in open_rel]
        for inspection in texts.values():
            if inspection.problems is not None:
                problems.extend(inspection.problems)
        problems.sort(key=lambda p: (p.path, p.line))
        return problems

    def _usages(self, project: _Project, texts: dict[Path, TextInspection]
                ) -> dict[str, list[Usage]]:
        series = project.series
        if project.usages is None:
            project.usages = {}
            for ep in series.episodes:
                if not ep.readable or len(ep.body) > LARGE_TEXT:
                    continue
                project.usages[ep.path] = episode_usages(series, ep,
                                                         cover_line=cover_key_line(ep))
        found: dict[str, list[Usage]] = {}
        known = {ep.path for ep in series.episodes if ep.readable}
        for path, used in project.usages.items():
            if path in texts and texts[path].usages is not None:
                continue  # the open text's own usages count instead
            for name, usage in used:
                found.setdefault(name, []).append(usage)
        for path, inspection in texts.items():
            # an open text counts as the project knows it: episodes only (large ones and
            # texts not checked are left out, as in `usages`)
            if path in known and inspection.usages is not None:
                for name, usage in inspection.usages:
                    found.setdefault(name, []).append(usage)
        return sort_usages(found)

    def _scores(self, project: _Project, texts: dict[Path, TextInspection]
                ) -> dict[Path, str]:
        """The editorial score of every recap: an open text's own, else the file's as
        read (worked out once per project)."""
        series = project.series
        if project.scores is None:
            project.scores = {ep.path: analyse(series, ep).score for ep in series.episodes
                              if ep.usable and len(ep.body) <= LARGE_TEXT}
        scores = dict(project.scores)
        for path, inspection in texts.items():
            if inspection.editorial is not None:
                scores[path] = inspection.editorial.score
        return scores

    # texts ----------------------------------------------------------------------------

    def _text(self, token: int, series: Series, path: Path, text: str,
              checked: bool, editorial: bool = True) -> TextInspection:
        key = (path, text, checked, editorial)
        cached = self._texts.get(key)
        if cached is not None and cached[0] == token:
            self._texts.move_to_end(key)
            return cached[1]
        inspection = _inspect_text(series, path, text, checked, editorial)
        self._texts[key] = (token, inspection)
        while len(self._texts) > KEEP_TEXTS:
            self._texts.popitem(last=False)
        return inspection


def _inspect_text(series: Series, path: Path, text: str, checked: bool,
                  editorial: bool = True) -> TextInspection:
    """Analysis, and unless the text is read-only, its problems and stills used (the
    checks cost little next to the parse they share); the editorial analysis from the
    same parse."""
    ep, _ = episode_from_text(path, text)
    if len(text) > LARGE_TEXT:  # too long to parse at every pause: a line scan, a note
        problems = (Problem(series.rel(path), 1, "warning", large_note(text)),)
        return TextInspection(path, analyze_fast(text), ep.target_words,
                          problems if checked else None, () if checked else None)
    tokens, body, offset = parse_body(text)
    analysis = analyze_tokens(text, tokens, offset)
    same = body == ep.body  # the checks need the tokens of the episode's own body
    found = (analyse(series, ep, text=text, tokens=tokens if same else None,
                     offset=offset if same else None)
             if editorial and ep.usable else None)
    if not checked:
        return TextInspection(path, analysis, ep.target_words, editorial=found)
    drifts = found.drifts if found is not None and same else None  # found once
    problems = tuple(check_episode(series, ep, tokens=tokens if same else None,
                                   drifts=drifts))
    used = tuple(episode_usages(series, ep, cover_line=cover_key_line(ep),
                                tokens=tokens if same else None)) if ep.readable else ()
    return TextInspection(path, analysis, ep.target_words, problems, used, found)


def _check_lightly(series: Series) -> list[Problem]:
    """check(series), with very large recaps only named (they stay findable by the
    others' links: their front matter is kept, their text is left out)."""
    large = {series.rel(e.path): e for e in series.episodes if len(e.body) > LARGE_TEXT}
    if not large:
        return check(series)
    light = copy.copy(series)
    light.episodes = []
    for ep in series.episodes:
        if series.rel(ep.path) in large:
            ep = copy.copy(ep)
            ep.body = ""
        light.episodes.append(ep)
    problems = [p for p in check(light) if p.path not in large]
    problems += [Problem(rel, 1, "warning", large_note(ep.body)) for rel, ep in large.items()]
    return problems
