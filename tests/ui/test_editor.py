"""The Markdown editor and its find bar, driven through the real widgets (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from recapdesk.core.search import Query
from recapdesk.ui.editor import FindBar, MarkdownEditor
from recapdesk.ui.editor.highlighter import (
    REGION_ALSO_READ,
    REGION_FRONT,
    REGION_NONE,
    REGION_SPOILER,
    region_of,
)
from recapdesk.ui.editor.spelling import SpellChecker

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "episodes" / "s01e03.md"

DOC = ("Jun-ho takes the boat out.\n\nThe fog comes down fast.\nHe hears a horn.\n\n"
       "- Will she sell?\n- Why the tape?\n")


@pytest.fixture
def editor(qtbot) -> MarkdownEditor:
    ed = MarkdownEditor()
    qtbot.addWidget(ed)
    ed.resize(900, 700)
    with qtbot.waitActive(ed):
        ed.show()
        ed.activateWindow()
    ed.setFocus()
    qtbot.waitUntil(ed.hasFocus)
    return ed


def at(text: str, needle: str, offset: int = 0) -> int:
    return text.index(needle) + offset


def select(editor: MarkdownEditor, start: int, end: int | None = None) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start if end is None else end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def assert_one_undo_step(editor: MarkdownEditor, before: str, after: str) -> None:
    """The edit gave `after`; one undo restores `before` exactly; redo gives `after`."""
    assert editor.document_text() == after
    editor.undo()
    assert editor.document_text() == before
    assert not editor.document().isUndoAvailable()
    editor.redo()
    assert editor.document_text() == after


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


# ============================================================ spoiler helpers

CASES = {
    "collapsed": (at(DOC, "boat", 1), None),
    "partial": (at(DOC, "the boat"), at(DOC, " out")),
    "two_paragraphs": (at(DOC, "boat"), at(DOC, "fog", 3)),
    "list_item": (at(DOC, "sell", 2), None),
}

INLINE = {
    "collapsed": DOC.replace("the boat", "the ||boat||"),
    "partial": DOC.replace("the boat", "||the boat||"),
    "two_paragraphs": DOC.replace("the boat out.", "the ||boat out.||").replace(
        "The fog", "||The fog||"),
    "list_item": DOC.replace("she sell?", "she ||sell||?"),
}

P1, P2 = "Jun-ho takes the boat out.", "The fog comes down fast.\nHe hears a horn."
BLOCK = {
    "collapsed": DOC.replace(P1, f"::: spoiler Secret\n\n{P1}\n\n:::"),
    "partial": DOC.replace(P1, f"::: spoiler Secret\n\n{P1}\n\n:::"),
    "two_paragraphs": DOC.replace(f"{P1}\n\n{P2}", f"::: spoiler Secret\n\n{P1}\n\n{P2}\n\n:::"),
    "list_item": DOC.replace("- Will she sell?\n",
                             "::: spoiler Secret\n\n- Will she sell?\n\n:::\n\n"),
}

WARNING = "– This recap contains major spoilers! –"
WARN = {
    "collapsed": f"{WARNING}\n\n{DOC}",
    "partial": f"{WARNING}\n\n{DOC}",
    "two_paragraphs": f"{WARNING}\n\n{DOC}",
    "list_item": DOC.replace("- Will she sell?\n", f"{WARNING}\n\n- Will she sell?\n"),
}


@pytest.mark.parametrize("case", CASES)
def test_inline_spoiler(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.wrap_inline_spoiler()
    assert_one_undo_step(editor, DOC, INLINE[case])


@pytest.mark.parametrize("case", CASES)
def test_spoiler_block(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.wrap_spoiler_block("Secret")
    assert_one_undo_step(editor, DOC, BLOCK[case])


@pytest.mark.parametrize("case", CASES)
def test_spoiler_warning(editor: MarkdownEditor, case: str) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES[case])
    editor.insert_spoiler_warning("major")
    assert_one_undo_step(editor, DOC, WARN[case])


@pytest.mark.parametrize("case", CASES)
def test_unwrap_inline(editor: MarkdownEditor, case: str) -> None:
    wrapped = INLINE[case]
    editor.set_document_text(wrapped)
    start, end = CASES[case]
    editor.setTextCursor(QTextCursor(editor.document()))
    # put the cursor/selection on the wrapped text (shifted past the opening markers)
    select(editor, start + 2, (end or start) + 2)
    editor.unwrap_spoiler()
    assert_one_undo_step(editor, wrapped, DOC)


@pytest.mark.parametrize("case", CASES)
def test_unwrap_block(editor: MarkdownEditor, case: str) -> None:
    wrapped = BLOCK[case]
    editor.set_document_text(wrapped)
    inside = at(wrapped, "::: spoiler Secret") + len("::: spoiler Secret\n\n") + 3
    select(editor, inside)
    editor.unwrap_spoiler()
    assert_one_undo_step(editor, wrapped, DOC)


def test_unwrap_block_from_sample_episode(editor: MarkdownEditor) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    editor.set_document_text(text)
    select(editor, at(text, "The episode ends on"))
    editor.unwrap_spoiler()
    expected = text.replace("::: spoiler\n\nThe episode ends on", "The episode ends on").replace(
        "how dare you.\n\n:::\n", "how dare you.\n")
    assert_one_undo_step(editor, text, expected)


def test_unwrap_outside_spoilers_changes_nothing(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, 3)
    editor.unwrap_spoiler()
    assert editor.document_text() == DOC
    assert not editor.document().isUndoAvailable()


def test_block_action_asks_for_a_label(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    asked: list[bool] = []
    editor.label_prompt = lambda: asked.append(True) or None  # cancelled
    editor.actions_by_name["spoiler_block"].trigger()
    assert asked and editor.document_text() == DOC
    editor.label_prompt = lambda: "  "  # accepted, no label
    editor.actions_by_name["spoiler_block"].trigger()
    assert_one_undo_step(editor, DOC, DOC.replace(P1, f"::: spoiler\n\n{P1}\n\n:::"))


def test_shortcuts_drive_the_helpers(editor: MarkdownEditor, qtbot) -> None:
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_S, ctrl_shift)
    assert editor.document_text() == INLINE["collapsed"]
    qtbot.keyClick(editor, Qt.Key.Key_U, ctrl_shift)
    assert editor.document_text() == DOC
    editor.label_prompt = lambda: "Secret"
    qtbot.keyClick(editor, Qt.Key.Key_B, ctrl_shift)
    assert editor.document_text() == BLOCK["collapsed"]
    editor.undo()
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_W, ctrl_shift)
    assert editor.document_text() == WARN["collapsed"]


def test_actions_have_names_icons_and_shortcuts(editor: MarkdownEditor) -> None:
    expected = {"inline_spoiler": "Ctrl+Shift+S", "spoiler_block": "Ctrl+Shift+B",
                "unwrap_spoiler": "Ctrl+Shift+U", "spoiler_warning": "Ctrl+Shift+W",
                "find": "Ctrl+F", "replace": "Ctrl+H"}
    assert set(editor.actions_by_name) == set(expected)
    for name, keys in expected.items():
        action = editor.actions_by_name[name]
        assert action.shortcut().toString() == keys
        assert not action.icon().isNull()
        assert action.text() and action.toolTip()


def test_warning_action_uses_the_episode_level(editor: MarkdownEditor) -> None:
    text = "---\nspoilers: minor\n---\nBody.\n"
    editor.set_document_text(text)
    select(editor, at(text, "Body"))
    editor.actions_by_name["spoiler_warning"].trigger()
    assert editor.document_text() == text.replace(
        "Body.", "– This recap contains minor spoilers! –\n\nBody.")


def test_set_spoiler_level_with_and_without_the_key(editor: MarkdownEditor) -> None:
    with_key = "---\ntitle: \"X\"\nspoilers: major   # none | minor | major\n---\nBody text.\n"
    editor.set_document_text(with_key)
    select(editor, at(with_key, "text"))
    editor.set_spoiler_level("minor")
    assert editor.textCursor().position() == at(with_key, "text")  # the cursor stays put
    assert_one_undo_step(editor, with_key, with_key.replace("major   #", "minor   #"))
    assert editor.spoiler_level() == "minor"

    without = "---\ntitle: X\nepisode: 2\nruntime: 50\ndate: 2024-01-01\n---\nBody.\n"
    editor.set_document_text(without)
    editor.set_spoiler_level("none")
    assert_one_undo_step(editor, without, without.replace("runtime: 50\n",
                                                          "runtime: 50\nspoilers: none\n"))
    with pytest.raises(ValueError):
        editor.set_spoiler_level("extreme")


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


# ================================================================= find bar


@pytest.fixture
def bar(editor: MarkdownEditor, qtbot) -> FindBar:
    return FindBar(editor)


def open_bar(editor: MarkdownEditor, bar: FindBar, qtbot, replace: bool = False) -> None:
    editor.actions_by_name["replace" if replace else "find"].trigger()
    qtbot.waitUntil(bar.isVisible)


def test_ctrl_f_opens_the_bar_prefilled(editor: MarkdownEditor, bar: FindBar,
                                        qtbot) -> None:
    editor.set_document_text("The horn in the fog.")
    select(editor, 4, 8)
    qtbot.keyClick(editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(bar.isVisible)
    assert bar.find_edit.text() == "horn"
    assert not bar.replace_visible()
    assert bar.count_label.text() == "1 of 1"
    qtbot.waitUntil(bar.find_edit.hasFocus)
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert editor.extraSelections() == []
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(bar.isVisible)
    assert bar.replace_visible()


def test_find_next_with_regex(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    text = "Episode 1 recap. See episode 22 and episodes 3-4. EPISODE 9!"
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, r"episode \d+")
    assert editor.textCursor().selectedText() == "Episode 1"  # found as you type
    assert bar.count_label.text() == "1 of 3"
    assert len(editor.extraSelections()) == 3
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.textCursor().selectedText() == "episode 22"
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert editor.textCursor().selectedText() == "EPISODE 9"
    assert bar.count_label.text() == "3 of 3"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)  # wraps round
    assert editor.textCursor().selectedText() == "Episode 1"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.textCursor().selectedText() == "EPISODE 9"
    bar.case_toggle.setChecked(True)
    assert bar.count_label.text() == "1 of 1"  # only "episode 22"
    assert editor.textCursor().selectedText() == "episode 22"


def test_find_whole_word(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    editor.set_document_text("cat concat cat, cats")
    open_bar(editor, bar, qtbot)
    qtbot.keyClicks(bar.find_edit, "cat")
    assert bar.count_label.text() == "1 of 4"
    bar.word_toggle.setChecked(True)
    assert bar.count_label.text() == "1 of 2"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.selection_span() == (11, 14)
    bar.find_edit.setText("dog")
    assert bar.count_label.text() == "No matches"


def test_replace_all_is_one_undo_step(editor: MarkdownEditor, bar: FindBar,
                                      qtbot) -> None:
    text = "The horn. A horn! Horns and the HORN."
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot, replace=True)
    bar.word_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, "horn")
    qtbot.keyClicks(bar.replace_edit, "bell")
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert bar.count_label.text() == "3 replaced"
    assert_one_undo_step(editor, text, "The bell. A bell! Horns and the bell.")


def test_replace_one_by_one_with_groups(editor: MarkdownEditor, bar: FindBar,
                                        qtbot) -> None:
    text = "Episode 3 then Episode 4."
    editor.set_document_text(text)
    open_bar(editor, bar, qtbot, replace=True)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, r"Episode (\d)")
    qtbot.keyClicks(bar.replace_edit, r"Ep. \1")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)
    assert editor.document_text() == "Ep. 3 then Episode 4."
    assert editor.textCursor().selectedText() == "Episode 4"
    qtbot.mouseClick(bar.replace_button, Qt.MouseButton.LeftButton)
    assert editor.document_text() == "Ep. 3 then Ep. 4."
    editor.undo()
    assert editor.document_text() == "Ep. 3 then Episode 4."


def test_bad_regex_shows_a_message(editor: MarkdownEditor, bar: FindBar, qtbot) -> None:
    editor.set_document_text("a (b) c")
    open_bar(editor, bar, qtbot)
    bar.regex_toggle.setChecked(True)
    qtbot.keyClicks(bar.find_edit, "(b")
    assert bar.message.isVisible()
    assert bar.message.text() == (
        "Bad regular expression: missing ), unterminated subpattern (at character 1)")
    assert bar.find_edit.property("error") is True
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert editor.document_text() == "a (b) c"
    qtbot.keyClicks(bar.find_edit, ")")
    assert not bar.message.isVisible()
    assert bar.count_label.text() == "1 of 1"
    bar.regex_toggle.setChecked(False)
    bar.find_edit.setText("(b")  # literal text: fine
    assert not bar.message.isVisible() and bar.count_label.text() == "1 of 1"


def test_all_episodes_mode_emits_requests(editor: MarkdownEditor, bar: FindBar,
                                          qtbot) -> None:
    editor.set_document_text("horn here")
    open_bar(editor, bar, qtbot, replace=True)
    qtbot.keyClicks(bar.find_edit, "horn")
    bar.word_toggle.setChecked(True)
    with qtbot.waitSignal(bar.searchAllRequested) as search:
        bar.all_toggle.setChecked(True)
    assert search.args == [Query("horn", regex=False, whole_word=True, case_sensitive=False)]
    with qtbot.waitSignal(bar.searchAllRequested) as search:
        qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert search.args[0].pattern == "horn"
    qtbot.keyClicks(bar.replace_edit, "bell")
    with qtbot.waitSignal(bar.replaceAllRequested) as replace:
        qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert replace.args == [Query("horn", whole_word=True), "bell"]
    assert editor.document_text() == "horn here"  # the window does it, for every episode


def test_find_bar_follows_another_editor(editor: MarkdownEditor, bar: FindBar,
                                         qtbot) -> None:
    other = MarkdownEditor()
    qtbot.addWidget(other)
    other.set_document_text("x horn x horn")
    editor.set_document_text("nothing")
    open_bar(editor, bar, qtbot)
    qtbot.keyClicks(bar.find_edit, "horn")
    assert bar.count_label.text() == "No matches"
    bar.set_editor(other)
    assert bar.editor() is other
    bar.find_next()
    assert other.textCursor().selectedText() == "horn"


# ======================================================= window integration


def test_replace_all_text_is_one_undo_step_and_keeps_the_cursor(editor: MarkdownEditor) -> None:
    editor.set_document_text(DOC)
    select(editor, at(DOC, "horn"))
    new = DOC.replace("Jun-ho", "Jun-ho Kim").replace("tape", "cassette")
    editor.replace_all_text(new.replace("\n", "\r\n"))
    assert editor.textCursor().position() == at(new, "horn")
    assert not editor.textCursor().hasSelection()
    assert editor.document().isModified()
    assert_one_undo_step(editor, DOC, new)


def test_read_only_editor_refuses_helpers(editor: MarkdownEditor, qtbot) -> None:
    editor.set_document_text(DOC)
    editor.setReadOnly(True)
    select(editor, *CASES["collapsed"])
    editor.wrap_inline_spoiler()
    editor.wrap_spoiler_block("x")
    editor.insert_spoiler_warning()
    editor.set_spoiler_level("major")
    editor.insert_markdown("x")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.replace_all_matches(Query("boat"), "ship") == 0
    assert editor.document_text() == DOC
    assert not editor.document().isUndoAvailable()


def test_editor_shortcuts_win_over_same_keys_in_the_window(qtbot) -> None:
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    editor = MarkdownEditor()
    window.setCentralWidget(editor)
    calls: list[str] = []
    duplicate = QAction("Inline spoiler (window)", window)
    duplicate.setShortcut(QKeySequence("Ctrl+Shift+S"))
    duplicate.triggered.connect(lambda: calls.append("window"))
    window.addAction(duplicate)
    window.resize(800, 600)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.set_document_text(DOC)
    select(editor, *CASES["collapsed"])
    qtbot.keyClick(editor, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.document_text() == INLINE["collapsed"]  # done once, not ambiguous
    assert calls == []


def test_find_bar_in_a_layout_opens_with_show_bar(qtbot) -> None:
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    editor = MarkdownEditor(holder)
    bar = FindBar(editor)
    bar.setParent(holder)
    layout = QVBoxLayout(holder)
    layout.addWidget(editor, 1)
    layout.addWidget(bar)
    holder.resize(800, 600)
    holder.show()
    qtbot.waitExposed(holder)
    assert bar.graphicsEffect() is None  # a flat strip, not a floating card
    editor.set_document_text("one horn, two horns")
    bar.show_bar(replace=True)
    qtbot.waitUntil(bar.isVisible)
    assert bar.replace_visible()
    assert bar.geometry().top() >= editor.geometry().bottom()  # below the editor
    assert bar.width() == editor.width()
    qtbot.keyClicks(bar.find_edit, "horn")
    assert bar.count_label.text() == "1 of 2"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert editor.selection_span() == (14, 18)
    qtbot.keyClicks(bar.replace_edit, "bell")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # Enter must not reach the editor
    assert editor.document_text() == "one horn, two bells"
