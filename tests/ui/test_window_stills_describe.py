"""A still pasted into a recap is described at once: its alt text field takes the focus."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from recapdesk.core.project import open_project
from tests.ui.conftest import editor_of


def _image() -> QImage:
    image = QImage(64, 36, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    return image


def test_pasted_still_gets_its_alt_text_typed_then_the_editor_back(qtbot, open_window,
                                                                    sample_project) -> None:
    window = open_window("s01e01")
    editor = editor_of(window)
    mime = QMimeData()
    mime.setImageData(_image())
    editor.insertFromMimeData(mime)

    details = window.stills.details
    name = window.stills.current_name()
    assert name is not None and name in editor.document_text()
    assert not window.stills_dock.visibleRegion().isEmpty()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is details.alt)

    qtbot.keyClicks(details.alt, "Eun-soo laughs in the snow")
    qtbot.keyClick(details.alt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    stills = open_project(sample_project).stills
    assert stills[name].alt == "Eun-soo laughs in the snow"
