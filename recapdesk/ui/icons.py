"""Every icon of the window, by meaning (qtawesome), so the look can change in one place."""

from __future__ import annotations

from functools import cache

import qtawesome as qta
from PySide6.QtGui import QIcon

_NAMES = {
    "new_project": "mdi6.folder-plus-outline",
    "open_project": "mdi6.folder-open-outline",
    "new_episode": "mdi6.file-document-plus-outline",
    "save": "mdi6.content-save-outline",
    "export": "mdi6.export-variant",
    "copy_html": "mdi6.language-html5",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "find": "mdi6.magnify",
    "spoiler": "mdi6.eye-off-outline",
    "spoiler_block": "mdi6.archive-eye-outline",
    "unwrap": "mdi6.eye-outline",
    "warning_line": "mdi6.alert-outline",
    "show_spoilers": "mdi6.eye-check-outline",
    "still": "mdi6.image-outline",
    "stills": "mdi6.image-multiple-outline",
    "outline": "mdi6.file-tree-outline",
    "preview": "mdi6.monitor-eye",
    "problems": "mdi6.alert-circle-outline",
    "error": "mdi6.close-circle",
    "warning": "mdi6.alert",
    "draft": "mdi6.pencil-outline",
    "final": "mdi6.check-circle-outline",
    "focus": "mdi6.fullscreen",
    "series": "mdi6.television-classic",
    "heading": "mdi6.format-header-pound",
    "sync": "mdi6.link-variant",
    "publish": "mdi6.cloud-upload-outline",
    "published": "mdi6.web-check",
    "published_changed": "mdi6.web-sync",
    "scheduled": "mdi6.web-clock",
    "site_draft": "mdi6.web",
    "open_post": "mdi6.open-in-new",
    "watch": "mdi6.filmstrip",
    "open_video": "mdi6.movie-open-outline",
    "jump_back": "mdi6.rewind-5",
    "frame_back": "mdi6.step-backward",
    "play": "mdi6.play",
    "pause": "mdi6.pause",
    "frame_forward": "mdi6.step-forward",
    "jump_forward": "mdi6.fast-forward-5",
    "grab": "mdi6.camera-outline",
    "time_note": "mdi6.clock-edit-outline",
    "cancel": "mdi6.close",
    "editorial": "mdi6.clipboard-check-outline",
    "good": "mdi6.circle",
    "ok": "mdi6.circle",
    "problem": "mdi6.circle",
}

_COLORS = {"error": "#c62828", "warning": "#b26a00", "final": "#2e7d32", "draft": "#8d6e63",
           "spoiler": "#a3324a", "spoiler_block": "#a3324a", "warning_line": "#a3324a",
           "published": "#1565c0", "scheduled": "#1565c0", "published_changed": "#b26a00",
           "site_draft": "#7a7a85", "publish": "#1565c0",
           "grab": "#a4243b", "good": "#2e7d32", "ok": "#e09b00", "problem": "#c62828"}


@cache
def icon(meaning: str) -> QIcon:
    """The icon for a meaning such as "spoiler" or "save"."""
    color = _COLORS.get(meaning, "#4a4a55")
    return qta.icon(_NAMES[meaning], color=color, color_disabled="#b0b0b8")


def names() -> list[str]:
    return sorted(_NAMES)
