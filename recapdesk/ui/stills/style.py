"""The style sheet of the stills panel: search, filter segments, grid, banner and details."""

STILLS_STYLE = """
#stillsPanel QLineEdit#stillsSearch { padding: 4px 6px; border-radius: 6px;
    border: 1px solid #cfcfd6; background: palette(base); }
#stillsPanel QLineEdit#stillsSearch:focus { border-color: palette(highlight); }
#stillsPanel QToolButton#importButton { padding: 4px 10px; border-radius: 6px;
    border: 1px solid #cfcfd6; background: palette(button); }
#stillsPanel QToolButton#importButton:hover { border-color: #a9a9b4; }
#stillsPanel QWidget#filterBar { background: #ececef; border-radius: 7px; }
#stillsPanel QToolButton[segment="true"] { border: none; border-radius: 5px; padding: 3px 0;
    color: #4a4a55; background: transparent; }
#stillsPanel QToolButton[segment="true"]:hover { color: #1f1f26; }
#stillsPanel QToolButton[segment="true"]:checked { background: palette(base); color: #1f1f26;
    border: 1px solid #d6d6dc; }
#stillsPanel QToolButton[segment="true"]:disabled { color: #a8a8b0; }
#stillsPanel QListView#stillsGrid { border: none; background: palette(base); }
#stillsPanel QLabel#stillsCount { color: #6b6b74; padding: 2px 4px; }
#stillsPanel QLabel#stillsBanner { background: #fff4d6; color: #5c4400; padding: 6px 8px;
    border: 1px solid #ecd9a0; border-radius: 6px; }
#stillsPanel QLabel#stillsBanner[kind="note"] { background: #e9f3ec; color: #1f5130;
    border-color: #c4dfcb; }
#stillsPanel QSplitter::handle:vertical { height: 7px; background: transparent;
    border-top: 1px solid #dcdce2; margin: 3px 0 0 0; }
#stillDetails QLabel#stillInfo { color: #6b6b74; }
#stillDetails QLabel#stillInfo[problem="true"] { color: #a32020; }
#stillDetails QLabel#altHint { color: #8a8a93; font-size: 8pt; }
#stillDetails QLabel#altHint[level="warning"] { color: #8a5300; }
#stillDetails QLabel#formLabel { color: #55555f; padding-top: 3px; }
#stillDetails QLabel#detailsEmpty { color: #8a8a93; padding: 18px; }
#stillDetails QPlainTextEdit, #stillDetails QLineEdit, #stillDetails QComboBox {
    border: 1px solid #d3d3da; border-radius: 5px; padding: 2px 4px;
    background: palette(base); }
#stillDetails QPlainTextEdit:focus, #stillDetails QLineEdit:focus,
#stillDetails QComboBox:focus { border-color: palette(highlight); }
"""
