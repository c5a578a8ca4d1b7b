"""Compiled page templates are remembered in the user's cache folder, never needed."""

from __future__ import annotations

from pathlib import Path

import jinja2

from recapdesk.core import resources


def fresh_env(monkeypatch, cache: Path) -> jinja2.Environment:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    resources.template_env.cache_clear()
    return resources.template_env()


def test_templates_are_compiled_once_and_survive_a_broken_cache(monkeypatch,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "recapdesk" / "templates"
    env = fresh_env(monkeypatch, tmp_path / "cache")
    first = env.get_template("base.html")
    files = sorted(folder.iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 0
    # a new process loads the compiled code: the template is not parsed again
    env = fresh_env(monkeypatch, tmp_path / "cache")
    monkeypatch.setattr(jinja2.Environment, "_parse",
                        lambda *a: (_ for _ in ()).throw(AssertionError("parsed again")))
    again = env.get_template("base.html")
    assert again.render.__code__ is not None and again.name == first.name
    monkeypatch.undo()
    # a broken file is compiled afresh
    files[0].write_bytes(b"not bytecode")
    env = fresh_env(monkeypatch, tmp_path / "cache")
    assert env.get_template("base.html").name == "base.html"
    resources.template_env.cache_clear()


def test_a_cache_folder_that_cannot_be_written_only_costs_time(monkeypatch,
                                                               tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    env = fresh_env(monkeypatch, blocked)
    assert env.get_template("base.html").name == "base.html"
    resources.template_env.cache_clear()
