"""Find bundled resources (templates, theme, sample) in a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2
import jinja2.bccache

from recapdesk.core.user_cache import user_cache_dir


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. resource_path("theme", "style.css")."""
    return Path(str(files("recapdesk.resources").joinpath(*parts)))


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per version of their text (in the user's cache folder),
    so that a command's first page does not wait for Jinja2 to compile them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = self._file(bucket).read_bytes()
        except OSError:
            return
        bucket.bytecode_from_string(data)  # (a stale or broken file is ignored)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from recapdesk.core import storage

        try:
            storage.make_dirs(self.folder)
            storage.atomic_write(self._file(bucket), bucket.bytecode_to_string(),
                                 durable=False)
        except OSError:  # (StorageError is one)
            pass  # only costs time


@cache
def template_env() -> jinja2.Environment:
    """The Jinja2 environment for page templates (autoescaped) and text templates."""
    return jinja2.Environment(
        bytecode_cache=_CompiledTemplates(user_cache_dir("templates")),
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
