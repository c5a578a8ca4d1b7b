"""SPEC, Exported HTML: every page passes the W3C Nu HTML Checker with no errors."""

from __future__ import annotations

import pytest
from e2e_support import ALL_PAGES, format_nu

pytestmark = pytest.mark.browser


def test_nu_checker_reports_no_errors(variant, exports, nu_report):
    export = exports[variant]
    names = [p.name for p in export.pages]
    assert names == sorted(ALL_PAGES), f"{variant}: unexpected pages {names}"
    assert all(p in nu_report.checked for p in export.pages)
    messages = nu_report.for_folder(export.out)
    errors = nu_report.errors(export.out)
    others = [m for m in messages if m not in errors]
    assert not errors, (
        f"the Nu checker found {len(errors)} error(s) in the {variant} export:\n"
        f"{format_nu(errors)}"
        + (f"\n(warnings and info, allowed:)\n{format_nu(others)}" if others else ""))
