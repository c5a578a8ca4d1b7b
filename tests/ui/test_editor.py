"""The Markdown editor: loading text, lists, completion, spell check, highlighting."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from recapdesk.ui.editor import MarkdownEditor
from recapdesk.ui.editor.highlighter import (
    REGION_ALSO_READ,
    REGION_FRONT,
    REGION_NONE,
    REGION_SPOILER,
    region_of,
)
from recapdesk.ui.editor.spelling import SpellChecker
from tests.ui.conftest import DOC, assert_one_undo_step, at, select
from tests.ui.conftest import SAMPLE_EPISODE as SAMPLE


def formats_of(editor: MarkdownEditor, line: int) -> list:
    return editor.document().findBlockByNumber(line).layout().formats()


def format_at(editor: MarkdownEditor, line: int, column: int) -> QTextCharFormat:
    ranges = formats_of(editor, line)
    for r in ranges:
        if r.start <= column < r.start + r.length:
            return QTextCharFormat(r.format)
    return QTextCharFormat()


def underlined_words(editor: MarkdownEditor, line: int) -> list[str]:
    text = editor.document().findBlockByNumber(line).text()
    return [text[r.start:r.start + r.length] for r in formats_of(editor, line)
            if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
            and r.format.underlineColor() == editor.highlighter.formats.theme.misspelt]


# ==================================================================== loading

def test_set_document_text_is_not_an_edit(editor: MarkdownEditor, qtbot) -> None:
    with qtbot.assertNotEmitted(editor.textChanged):
        editor.set_document_text(DOC)
    assert editor.document_text() == DOC
    assert not editor.document().isModified()
    assert not editor.document().isUndoAvailable()
    qtbot.keyClicks(editor, "X")
    assert editor.document().isModified()
    editor.set_document_text("fresh")
    assert not editor.document().isUndoAvailable() and not editor.document().isModified()


def test_text_round_trips_crlf_nbsp_and_cjk(editor: MarkdownEditor) -> None:
    text = "---\r\ntitle: \"우도행 막배\"\r\n---\r\nA\u00a0B 사운드트랙 サウンド 声音 🎧 end.\r\n"
    editor.set_document_text(text)
    assert editor.document_text() == text


def test_typing_and_undo(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("")
    qtbot.keyClicks(editor, "Seo-rin walks.")
    assert editor.document_text() == "Seo-rin walks."
    while editor.document().isUndoAvailable():
        editor.undo()
    assert editor.document_text() == ""
    editor.redo()
    assert editor.document_text() != ""


def test_goto_line_moves_cursor_and_signals(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("\n".join(f"line {i}" for i in range(300)))
    editor.clearFocus()
    with qtbot.waitSignal(editor.cursorLineChanged) as signal:
        editor.goto_line(200)
    assert signal.args == [200]
    assert editor.textCursor().blockNumber() == 200
    assert editor.textCursor().positionInBlock() == 0
    qtbot.waitUntil(editor.hasFocus)
    first = editor.firstVisibleBlock().blockNumber()
    assert first < 200 < first + 60  # on screen
    editor.goto_line(10_000)
    assert editor.textCursor().blockNumber() == 299


def test_insert_markdown_is_one_undo_step(editor: MarkdownEditor) -> None:
    editor.set_document_text("Before after")
    select(editor, 7)
    editor.insert_markdown("![A still](../stills/a.jpg \"Caption\")\n\n")
    assert_one_undo_step(editor, "Before after",
                         "Before ![A still](../stills/a.jpg \"Caption\")\n\nafter")


def test_replace_all_text_is_one_undo_step_and_keeps_the_cursor(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, at(DOC, "horn"))
    new = DOC.replace("Jun-ho", "Jun-ho Kim").replace("tape", "cassette")
    editor.replace_all_text(new.replace("\n", "\r\n"))
    assert editor.textCursor().position() == at(new, "horn")
    assert not editor.textCursor().hasSelection()
    assert editor.document().isModified()
    assert_one_undo_step(editor, DOC, new)


def test_writing_font_covers_cjk_and_column_is_centred(editor: MarkdownEditor) -> None:
    families = editor.font().families()
    assert "Noto Serif CJK KR" in families or "Noto Sans CJK KR" in families
    margins = editor.viewportMargins()
    assert margins.left() == margins.right() > 50  # 900 px wide: the column is centred
    editor.set_document_text("word " * 2000)
    layout_width = editor.document().documentLayout().documentSize().width()
    assert layout_width <= editor.viewport().width() + 1  # soft wrap, no horizontal scroll
    editor.resize(500, 600)
    assert editor.viewportMargins().left() == 0


# ========================================================== list continuation

def test_bullets_continue_on_enter(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("")
    qtbot.keyClicks(editor, "- first")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "second")
    assert editor.document_text() == "- first\n- second"
    editor.undo()
    editor.undo()
    assert editor.document_text() == "- first"  # the continuation was one step


def test_numbers_and_tasks_continue(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("")
    qtbot.keyClicks(editor, "1. one")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "two")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    qtbot.keyClicks(editor, "three")
    assert editor.document_text() == "1. one\n2. two\n3. three"
    editor.set_document_text("- [x] done")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "next")
    assert editor.document_text() == "- [x] done\n- [ ] next"
    editor.set_document_text("> quoted")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "more")
    assert editor.document_text() == "> quoted\n> more"


def test_enter_on_empty_item_ends_the_list(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("")
    qtbot.keyClicks(editor, "* a")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Paragraph.")
    assert editor.document_text() == "* a\n\nParagraph."


def test_plain_enter_elsewhere(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("```\n- code")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.document_text() == "```\n- code\n"
    editor.set_document_text("plain")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.document_text() == "plain\n"  # a real line break, not U+2028
    assert editor.document().blockCount() == 2


# ================================================================ completion

TARGETS = [("s01e01", "Pilot: The Last Ferry"), ("s01e02", "The Pier"),
           ("s01e03", "Storm Warning"), ("s01e04", "Series Ends Sweet")]


def test_wikilink_completion_inserts_the_id(editor: MarkdownEditor, qtbot) -> None:
    editor.set_wikilink_targets(TARGETS)
    editor.set_document_text("")
    qtbot.keyClicks(editor, "See [[sto")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert editor.completer.completer.completionCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert editor.document_text() == "See [[s01e03]]"
    assert editor.textCursor().atEnd()
    qtbot.keyClicks(editor, " more")
    assert editor.document_text() == "See [[s01e03]] more"


def test_wikilink_completion_by_id_and_with_closing_brackets(editor: MarkdownEditor,
                                                             qtbot) -> None:
    editor.set_wikilink_targets(TARGETS)
    editor.set_document_text("Read ]] next.")
    select(editor, 5)
    qtbot.keyClicks(editor, "[[s01")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert editor.completer.completer.completionCount() == 4
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.document_text() == "Read [[s01e02]] next."


def test_wikilink_completion_escape_and_no_popup_in_code(editor: MarkdownEditor,
                                                         qtbot) -> None:
    editor.set_wikilink_targets(TARGETS)
    editor.set_document_text("")
    qtbot.keyClicks(editor, "[[")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert editor.document_text() == "[["
    editor.set_document_text("```\n")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, "[[s")
    assert not popup.isVisible()


# =============================================================== spell check

def test_spell_check_marks_misspelt_words_not_cast(editor: MarkdownEditor) -> None:
    assert editor.spellcheck_available, editor.spellcheck_status
    editor.set_document_text("Seo-rin found teh tape in Jun-ho's jacket.")
    assert underlined_words(editor, 0) == ["Seo-rin", "teh"]
    editor.set_project_words(["Ha Yoon-seul", "Seo-rin", "Jun-ho"])
    assert underlined_words(editor, 0) == ["teh"]
    editor.set_spellcheck_enabled(False)
    assert underlined_words(editor, 0) == []
    editor.set_spellcheck_enabled(True)
    assert underlined_words(editor, 0) == ["teh"]


def test_spell_check_skips_code_urls_wikilinks_and_keys(editor: MarkdownEditor) -> None:
    text = ("---\nxyzkey: 1\ntitle: \"Qwrtyp title\"\ncover: ../stills/zzqx-snow.jpg\n---\n"
            "Prose with `qwrtyp` and https://exampel.com/qwrtyp and [[qwrtyp]] "
            "and [[s01e01|Qwrtypz label]] and ![Qwrtypa](../stills/qwrtyp.jpg) <qwrtypb>.\n"
            "```\nqwrtyp in code\n```\nUK spelling: the harbour, she realises.")
    editor.set_document_text(text)
    assert underlined_words(editor, 1) == []  # a front matter key
    assert underlined_words(editor, 2) == ["Qwrtyp"]  # the title is prose
    assert underlined_words(editor, 3) == []  # a path
    assert underlined_words(editor, 5) == ["Qwrtypz", "Qwrtypa"]
    assert underlined_words(editor, 7) == []  # fenced code
    assert underlined_words(editor, 9) == []  # British English is fine too


def test_spelling_context_menu(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text("She found teh tape.")
    cursor = QTextCursor(editor.document())
    cursor.setPosition(at("She found teh tape.", "teh", 1))
    pos = editor.cursorRect(cursor).center()
    menu = editor.build_context_menu(pos)
    texts = [a.text() for a in menu.actions()]
    assert "the" in texts
    assert "Add “teh” to Project Dictionary" in texts
    spoilers = [a for a in menu.actions() if a.menu() and a.text() == "Spoilers"]
    assert spoilers
    next(a for a in menu.actions() if a.text() == "the").trigger()
    assert editor.document_text() == "She found the tape."
    assert_one_undo_step(editor, "She found teh tape.", "She found the tape.")
    editor.undo()

    menu = editor.build_context_menu(pos)
    add = next(a for a in menu.actions() if a.objectName() == "addToDictionary")
    with qtbot.waitSignal(editor.wordAdded) as signal:
        add.trigger()
    assert signal.args == ["teh"]
    assert underlined_words(editor, 0) == []
    assert editor.build_context_menu(QPoint(pos)).actions()[0].objectName() != "addToDictionary"


def test_spell_check_off_without_dictionary(editor: MarkdownEditor) -> None:
    missing = SpellChecker("xx_XX")
    assert not missing.available
    assert "xx_XX" in missing.status
    assert list(missing.misspelt("teh qwrtyp")) == []
    editor.set_document_text("teh qwrtyp")
    editor.set_spell_language("xx_XX")
    assert not editor.spellcheck_available and not editor.spellcheck_enabled
    assert "Spell checking is off" in editor.spellcheck_status
    assert underlined_words(editor, 0) == []
    editor.set_spell_language("en_US")
    assert underlined_words(editor, 0) == ["teh", "qwrtyp"]


# =============================================================== highlighting

def test_highlighter_distinguishes_heading_spoiler_block_and_inline(editor: MarkdownEditor
                                                                    ) -> None:
    editor.set_document_text("# Heading\n\n::: spoiler Label\n\nText ||secret|| end.\n\n:::\n"
                             "\n::: also-read\n\n- [[s01e01]]\n\n:::\n")
    heading = format_at(editor, 0, 3)
    fence = format_at(editor, 2, 1)
    inline = format_at(editor, 4, 8)
    plain = format_at(editor, 4, 1)
    assert heading.fontWeight() == QFont.Weight.Bold
    assert heading.fontPointSize() > editor.font().pointSizeF()
    assert fence.foreground().color() == editor.highlighter.formats.theme.spoiler
    assert inline.background().color() == editor.highlighter.formats.theme.spoiler_text_bg
    marker = format_at(editor, 4, 5)
    assert marker.foreground().color() == editor.highlighter.formats.theme.spoiler
    keys = {(f.fontWeight(), f.fontPointSize(), f.foreground().color().name(),
             f.background().color().name(), f.background().style())
            for f in (heading, fence, inline, plain)}
    assert len(keys) == 4
    regions = [region_of(editor.document().findBlockByNumber(i).userState()) for i in range(14)]
    assert regions[0:2] == [REGION_NONE, REGION_NONE]
    assert regions[2:7] == [REGION_SPOILER] * 5  # fences included
    assert regions[7] == REGION_NONE
    assert regions[8:13] == [REGION_ALSO_READ] * 5


def test_highlighter_front_matter_links_and_code(editor: MarkdownEditor) -> None:
    text = ("---\ntitle: \"T\"\n---\nA [link](https://example.com) and [[s01e02|label]] "
            "and ![alt](../stills/a.jpg) and **strong** and *em*.\n```\n# not a heading\n```\n")
    editor.set_document_text(text)
    theme = editor.highlighter.formats.theme
    regions = [region_of(editor.document().findBlockByNumber(i).userState()) for i in range(4)]
    assert regions == [REGION_FRONT] * 3 + [REGION_NONE]
    assert format_at(editor, 1, 1).foreground().color() == theme.front_key
    line = editor.document().findBlockByNumber(3).text()
    assert format_at(editor, 3, at(line, "link")).foreground().color() == theme.link
    assert format_at(editor, 3, at(line, "s01e02")).foreground().color() == theme.wikilink
    assert format_at(editor, 3, at(line, "alt")).foreground().color() == theme.image
    assert format_at(editor, 3, at(line, "strong")).fontWeight() == QFont.Weight.Bold
    assert format_at(editor, 3, at(line, "em*")).fontItalic()
    assert format_at(editor, 5, 2).fontWeight() != QFont.Weight.Bold  # code, not a heading
    assert format_at(editor, 5, 2).foreground().color() == theme.code


def test_block_states_follow_edits(editor: MarkdownEditor) -> None:
    editor.set_document_text("Intro.\n\n# Heading")
    assert format_at(editor, 2, 3).fontWeight() == QFont.Weight.Bold
    select(editor, 0)
    editor.insert_markdown("```\n")
    assert format_at(editor, 3, 3).fontWeight() != QFont.Weight.Bold  # now inside code
    editor.undo()
    assert format_at(editor, 2, 3).fontWeight() == QFont.Weight.Bold
    select(editor, 0)
    editor.insert_markdown("::: spoiler\n")
    assert region_of(editor.document().lastBlock().userState()) == REGION_SPOILER


def test_fifty_thousand_words_load_and_highlight(editor: MarkdownEditor) -> None:
    chunk = SAMPLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    words = len(chunk.split())
    body = "\n".join(chunk for _ in range(50_000 // words + 1))
    text = f"---\ntitle: Long\n---\n{body}"
    assert len(text.split()) >= 50_000
    editor.set_project_words(["Seo-rin", "Jun-ho"])
    editor.set_document_text(text)
    assert editor.document_text() == text
    doc = editor.document()
    last_heading = next(b for b in _blocks_backwards(doc) if b.text().startswith("## "))
    layout_formats = last_heading.layout().formats()
    assert any(r.format.fontWeight() == QFont.Weight.Bold for r in layout_formats)
    last_spoiler = next(b for b in _blocks_backwards(doc)
                        if b.text().startswith("The episode ends on"))
    assert region_of(last_spoiler.userState()) == REGION_SPOILER
    editor.goto_line(doc.blockCount() - 5)
    QApplication.processEvents()
    editor.wrap_inline_spoiler()
    assert editor.document_text() != text
    editor.undo()
    assert editor.document_text() == text


def _blocks_backwards(doc):
    block = doc.lastBlock()
    while block.isValid():
        yield block
        block = block.previous()
