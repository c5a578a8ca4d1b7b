"""The window's QActions, built in one place with icons, shortcuts and tooltips."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from recapdesk.ui import icons


def make_action(parent: QWidget, text: str, slot: Callable | None = None, *,
                icon: str | None = None, shortcut: QKeySequence | str | None = None,
                tip: str = "", checkable: bool = False, keys_hint: str = "") -> QAction:
    """A QAction wired to `slot`, with the tooltip showing its shortcut.

    `keys_hint` names a shortcut owned by another widget (the editor) for the tooltip.
    """
    action = QAction(text, parent)
    if icon:
        action.setIcon(icons.icon(icon))
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    label = tip or text.replace("&", "").rstrip(".…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or keys_hint
    action.setToolTip(f"{label} ({keys})" if keys else label)
    action.setStatusTip(label)
    if slot is not None:
        action.triggered.connect(slot)
    return action
