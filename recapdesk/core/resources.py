"""Find bundled resources (templates, theme, sample) in a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. resource_path("theme", "style.css")."""
    return Path(str(files("recapdesk.resources").joinpath(*parts)))


@cache
def template_env() -> jinja2.Environment:
    """The Jinja2 environment for page templates (autoescaped) and text templates."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_path("templates"))),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def stylesheet() -> str:
    """The export theme's CSS text."""
    return resource_path("theme", "style.css").read_text("utf-8")
