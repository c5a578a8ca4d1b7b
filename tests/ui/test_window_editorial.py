"""The Editorial panel: the current recap's checks as traffic lights, updated as the writer
types; a check selects its place; a misspelt name is fixed in one undo step; every recap
has its light in the outline."""

from __future__ import annotations

from recapdesk.ui.outline.model import EDITORIAL_ROLE
from tests.ui.conftest import editor_of, episode_path, inspected, type_paragraph


def _item(window, check_id: str):
    for item in window.editorial.items():
        check = window.editorial.check_of(item)
        if check is not None and check.id == check_id:
            return item, check
    raise AssertionError(f"no {check_id} row")


def test_panel_shows_the_recap_in_front_and_follows_typing(qtbot, open_window,
                                                            sample_project) -> None:
    window = open_window("s01e02")
    window.editorial_dock.raise_()
    result = window.editorial.result
    assert result is not None and result.keyphrase == "Last Ferry to Udo Episode 2"
    _, names = _item(window, "names")
    assert names.status == "good"
    assert "Keyphrase “Last Ferry to Udo Episode 2”" in window.editorial.summary.text()

    # every recap has its light in the outline
    for code in ("s01e01", "s01e02", "s01e03", "s01e04"):
        item = window.outline.model.episode_item(str(episode_path(sample_project, code)))
        assert item is not None
        assert item.data(EDITORIAL_ROLE) in ("good", "ok"), code

    editor = editor_of(window)
    type_paragraph(qtbot, editor, "Later that night Seorin walks to the pier alone.")
    inspected(qtbot, window)
    qtbot.waitUntil(lambda: _item(window, "names")[1].status == "problem", timeout=20000)
    item, names = _item(window, "names")
    assert "Seo-rin" in names.message
    item2 = window.outline.model.episode_item(str(episode_path(sample_project, "s01e02")))
    assert item2.data(EDITORIAL_ROLE) == "problem"

    # clicking the check selects the misspelt name in the recap
    item.treeWidget().itemClicked.emit(item, 0)
    assert editor.textCursor().selectedText() == "Seorin"

    # the fix-it replaces it, in one undo step
    before = editor.document_text()
    after = before.replace("Seorin walks", "Seo-rin walks")
    window.editorial_actions.fix_name(str(episode_path(sample_project, "s01e02")),
                                      "Seorin", "Seo-rin", False)
    assert editor.document_text() == after
    window.actions.undo.trigger()  # one undo step takes the fix back
    assert editor.document_text() == before
    window.actions.redo.trigger()
    assert editor.document_text() == after
    inspected(qtbot, window)
    qtbot.waitUntil(lambda: _item(window, "names")[1].status == "good", timeout=20000)


def test_fix_in_every_recap(qtbot, open_window, sample_project) -> None:
    window = open_window("s01e03")
    for code in ("s01e03", "s01e04"):
        path = episode_path(sample_project, code)
        window.open_episode(path)
        type_paragraph(qtbot, editor_of(window), "Then Junho laughs.")
    inspected(qtbot, window)
    window.editorial_actions.fix_name(str(episode_path(sample_project, "s01e04")),
                                      "Junho", "Jun-ho", True)
    for code in ("s01e03", "s01e04"):
        tab = window.tab_for(episode_path(sample_project, code))
        assert tab is not None
        text = tab.editor.document_text()
        assert "Then Jun-ho laughs." in text and "Junho" not in text


def test_no_recap_no_checks(qtbot, open_window) -> None:
    window = open_window("s01e01")
    window.close_current_tab()
    qtbot.waitUntil(lambda: window.editorial.result is None)
    assert "Open a recap" in window.editorial.summary.text()
    assert window.editorial.items() == []
