"""Pasting and dropping images into the editor asks the window to import them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QImage

from recapdesk.ui.editor import MarkdownEditor


def make_editor(qtbot, text: str = "") -> MarkdownEditor:
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.set_document_text(text)
    return editor


def test_pasted_image_is_handed_over_not_inserted(qtbot) -> None:
    editor = make_editor(qtbot, "Intro.\n")
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    mime = QMimeData()
    mime.setImageData(image)
    with qtbot.waitSignal(editor.imagePasted) as blocker:
        editor.insertFromMimeData(mime)
    assert blocker.args[0].size() == image.size()
    assert editor.document_text() == "Intro.\n"


def test_dropped_image_files_are_handed_over(qtbot, tmp_path: Path) -> None:
    editor = make_editor(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.PNG")),
                  QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert editor.canInsertFromMimeData(mime)
    with qtbot.waitSignal(editor.imageFilesDropped) as blocker:
        editor.insertFromMimeData(mime)
    assert blocker.args[0] == [str(tmp_path / "a.PNG")]


def test_still_dragged_from_the_panel(qtbot) -> None:
    editor = make_editor(qtbot)
    mime = QMimeData()
    mime.setData(MarkdownEditor.STILL_MIME, b"s01e01-02.jpg")
    mime.setText("![](../stills/s01e01-02.jpg)")
    with qtbot.waitSignal(editor.stillDropped) as blocker:
        editor.insertFromMimeData(mime)
    assert blocker.args == ["s01e01-02.jpg"]


def test_text_paste_still_works(qtbot) -> None:
    editor = make_editor(qtbot, "")
    mime = QMimeData()
    mime.setText("Plain words")
    editor.insertFromMimeData(mime)
    assert editor.document_text() == "Plain words"


def test_insert_block_makes_its_own_paragraph_in_one_undo(qtbot) -> None:
    editor = make_editor(qtbot, "First paragraph.\nstill going\n\nSecond.\n")
    cursor = editor.textCursor()
    cursor.setPosition(3)
    editor.setTextCursor(cursor)
    editor.insert_block("![x](../stills/a.jpg)")
    assert editor.document_text() == ("First paragraph.\nstill going\n\n"
                                      "![x](../stills/a.jpg)\n\nSecond.\n")
    editor.undo()
    assert editor.document_text() == "First paragraph.\nstill going\n\nSecond.\n"


def test_insert_block_at_the_end(qtbot) -> None:
    editor = make_editor(qtbot, "Last line")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.insert_block("![x](a.jpg)")
    assert editor.document_text() == "Last line\n\n![x](a.jpg)\n"
