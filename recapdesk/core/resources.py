"""Find bundled resources (templates, theme, sample) in a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from recapdesk.core.user_cache import user_cache_dir

if TYPE_CHECKING:
    import jinja2


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. resource_path("theme", "style.css")."""
    return Path(str(files("recapdesk.resources").joinpath(*parts)))


def _compiled_templates(folder: Path) -> jinja2.BytecodeCache:
    """Templates compiled once per version of their text (in the user's cache folder),
    so that a command's first page does not wait for Jinja2 to compile them."""
    import jinja2.bccache

    class CompiledTemplates(jinja2.BytecodeCache):
        def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
            return folder / f"{bucket.key}.cache"

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                data = self._file(bucket).read_bytes()
            except OSError:
                return
            bucket.bytecode_from_string(data)  # (a stale or broken file is ignored)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            from recapdesk.core import storage

            try:
                storage.make_dirs(folder)
                storage.atomic_write(self._file(bucket), bucket.bytecode_to_string(),
                                     durable=False)
            except OSError:  # (StorageError is one)
                pass  # only costs time

    return CompiledTemplates()


@cache
def template_env() -> jinja2.Environment:
    """The Jinja2 environment for page templates (autoescaped) and text templates
    (Jinja2 is loaded on first use: a command that renders no page does without)."""
    import jinja2

    return jinja2.Environment(
        bytecode_cache=_compiled_templates(user_cache_dir("templates")),
        loader=jinja2.FileSystemLoader(str(resource_path("templates"))),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def load_page_templates() -> None:
    """Load the page templates now (worker processes forked afterwards start with
    them)."""
    env = template_env()
    for name in ("episode.html", "index.html"):
        env.get_template(name)


def stylesheet() -> str:
    """The export theme's CSS text."""
    return resource_path("theme", "style.css").read_text("utf-8")
