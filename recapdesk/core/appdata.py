"""Where RecapDesk keeps its own files: the writable copy of the sample series."""

from __future__ import annotations

import os
from pathlib import Path

from recapdesk.core import storage
from recapdesk.core.project import copy_sample, is_project

SAMPLE_FOLDER = "Sample Series"


def data_dir() -> Path:
    """The per-user data folder (XDG_DATA_HOME/recapdesk)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recapdesk"


def sample_project() -> Path:
    """The writable copy of the bundled sample series, made on first use."""
    dest = data_dir() / SAMPLE_FOLDER
    if not is_project(dest):
        storage.make_dirs(dest.parent)
        if dest.is_dir() and not dest.is_symlink() and not any(dest.iterdir()):
            storage.remove_tree(dest)  # an empty folder left by an earlier try
        if dest.exists():
            dest = data_dir() / f"{SAMPLE_FOLDER} (copy)"
            if is_project(dest):
                return dest
        copy_sample(dest)
    return dest
