"""The outline widget: a filter box above the series → episodes → headings tree.

The view presents and forwards: clicks, drags and context-menu choices become request
signals; the window asks the writer, calls `core/episode_ops` or edits the text, and
rebuilds the tree. Nothing here reads or writes files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QPalette, QStandardItem
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from recapdesk.core import frontmatter
from recapdesk.core.model import Episode, Series
from recapdesk.core.outline import Analysis, analyze_any, reading_minutes
from recapdesk.core.publish.state import PublishMark
from recapdesk.ui.outline.delegate import (
    DRAFT_COLOR,
    EDITORIAL_WORDS,
    FINAL_COLOR,
    OutlineDelegate,
)
from recapdesk.ui.outline.model import (
    CODE_ROLE,
    EDITORIAL_ROLE,
    EPISODE,
    FULL_TITLE_ROLE,
    HEADING,
    KIND_ROLE,
    LEVEL_ROLE,
    LINE_ROLE,
    PATH_ROLE,
    PUBLISH_ROLE,
    SEASON_ROLE,
    SERIES,
    STATUS_ROLE,
    TARGET_ROLE,
    TITLE_ROLE,
    WORDS_ROLE,
    EpisodeState,
    OutlineModel,
    path_key,
)
from recapdesk.ui.outline.tree import OutlineTree

EXPAND_ALL_UP_TO = 8  # episodes; a longer series opens with only the current one expanded

_RECAP_PREFIX = re.compile(r"^.*?\bEpisode\s+\d+\w*\s+Recap\s*[:–—-]\s*(?P<rest>\S.*)$",
                           re.IGNORECASE)


def short_title(title: str) -> str:
    """`Show Episode 4 Recap: Every Last Ferry` -> `Every Last Ferry` (the rest as is)."""
    m = _RECAP_PREFIX.match(title)
    return m.group("rest").strip() if m else title


@dataclass
class _ViewState:
    """Expanded items and the current item, by keys that survive rebuilding the tree."""

    expanded: dict[tuple, bool]
    current: tuple | None = None
    current_path: str | None = None  # for a current heading: its episode…
    current_ordinal: int = 0  # …and its place among the episode's headings


class OutlineView(QWidget):
    """Filter box above the series → episodes → headings tree."""

    episodeActivated = Signal(str)  # episode file path: click or Enter on an episode
    headingActivated = Signal(str, int)  # (episode file path, 0-based file line)
    reorderRequested = Signal(list)  # every episode path, in the new order (after a drag)
    sectionMoveRequested = Signal(str, int, int)  # (episode path, heading line, before_line)
    newEpisodeRequested = Signal()
    renameRequested = Signal(str)  # path
    duplicateRequested = Signal(str)
    statusRequested = Signal(str, str)  # path, "draft" | "final"
    deleteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outlineView")
        self.series: Series | None = None
        self.publish_marks: dict[str, PublishMark] = {}  # by path_key
        self.editorial_scores: dict[str, str] = {}  # by path_key
        self._unfiltered: _ViewState | None = None  # the expansion before filtering

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("outlineFilter")
        self.filter_edit.setPlaceholderText("Filter episodes and headings")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(qta.icon("mdi6.magnify", color="#80808a"),
                                   QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.textChanged.connect(self._apply_filter)

        self.model = OutlineModel(self)
        self.model.dropRequested.connect(self._on_drop_request)
        self.tree = OutlineTree(self)
        self.tree.setObjectName("outlineTree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(OutlineDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAnimated(False)
        self.tree.setExpandsOnDoubleClick(False)  # a click opens the episode; arrows fold
        self.tree.setIndentation(14)
        self.tree.setRootIsDecorated(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(False)  # the tree paints its own drop line
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setAutoExpandDelay(600)
        self.tree.setFrameShape(QTreeView.Shape.NoFrame)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.clicked.connect(self._activate)
        self.tree.activatedByKey.connect(self._activate)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)
        self.setMinimumWidth(200)

    # --- building ----------------------------------------------------------------------

    def set_series(self, series: Series | None) -> None:
        """Rebuild the whole tree from a core Series (keeps expansion, selection, scroll)."""
        state = self._view_state()
        scroll = self.tree.verticalScrollBar().value()
        self.series = series
        self.model.removeRows(0, self.model.rowCount())  # keeps the columns and their sizing
        self.model.states.clear()
        self.model.series_item = None
        if series is None:
            return
        root = QStandardItem(series.title)
        root.setData(SERIES, KIND_ROLE)
        root.setIcon(qta.icon("mdi6.television-classic", color="#5a5a66"))
        font = QFont(self.font())
        font.setWeight(QFont.Weight.Bold)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        root.setFont(font)
        root.setToolTip(self._series_tooltip(series))
        root.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsDropEnabled)
        root_count = self._count_item()
        self.model.appendRow([root, root_count])
        self.model.series_item = root
        seasons = {ep.season for ep in series.episodes}
        for ep in series.episodes:
            item, count = self._episode_row(ep, _file_text(ep), multi_season=len(seasons) > 1)
            root.appendRow([item, count])
            self._build_headings(item)
        self._update_series_count()
        self.tree.expand(root.index())
        self._restore_view_state(state, expansion=not self._filtering())
        self._apply_filter()
        self.tree.verticalScrollBar().setValue(scroll)

    def _count_item(self) -> QStandardItem:
        item = QStandardItem("")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _episode_row(self, ep: Episode, text: str,
                     *, multi_season: bool) -> tuple[QStandardItem, QStandardItem]:
        path = path_key(ep.path)
        try:
            front_text = frontmatter.split(text).front_text
        except frontmatter.FrontMatterError:
            front_text = ""
        self.model.states[path] = EpisodeState(path, text, front_text, analyze_any(text))
        item = QStandardItem()
        item.setData(EPISODE, KIND_ROLE)
        item.setData(path, PATH_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
        count = self._count_item()
        count.setData(path, PATH_ROLE)
        self._set_episode_facts(item, count, ep.season, ep.number, ep.title, ep.status,
                                ep.target_words, multi_season=multi_season, stem=ep.stem)
        return item, count

    def _set_episode_facts(self, item: QStandardItem, count: QStandardItem, season: int | None,
                           number: int | None, title: str, status: str, target: int | None,
                           *, multi_season: bool, stem: str) -> None:
        path = item.data(PATH_ROLE)
        if number is None:
            code = ""
        elif multi_season and season is not None:
            code = f"S{season:02d}E{number:02d}"
        else:
            code = f"E{number:02d}"
        shown = short_title(title)
        item.setText(f"{code} · {shown}" if code else shown)
        item.setData(code, CODE_ROLE)
        item.setData(shown, TITLE_ROLE)
        item.setData(title, FULL_TITLE_ROLE)
        item.setData(status, STATUS_ROLE)
        item.setData(season, SEASON_ROLE)
        item.setIcon(qta.icon("mdi6.pencil" if status == "draft" else "mdi6.check-circle",
                              color=DRAFT_COLOR if status == "draft" else FINAL_COLOR))
        item.setData(stem, Qt.ItemDataRole.AccessibleDescriptionRole)
        count.setData(target, TARGET_ROLE)
        self._set_words(item, count, self.model.states[path].analysis.words)

    def _set_words(self, item: QStandardItem, count: QStandardItem, words: int) -> None:
        target = count.data(TARGET_ROLE)
        item.setData(words, WORDS_ROLE)
        count.setData(words, WORDS_ROLE)
        count.setText(f"{words} / {target}" if target else f"{words}")
        title = item.data(FULL_TITLE_ROLE) or ""
        status = item.data(STATUS_ROLE)
        lines = [f"<b>{_html(title)}</b>",
                 f"{'Draft' if status == 'draft' else 'Final'} · {words} words · "
                 f"{reading_minutes(words)} min read"]
        if target:
            lines.append(f"Goal: {words} / {target} words ({round(100 * words / target)}%)")
        mark = self.publish_marks.get(item.data(PATH_ROLE))
        item.setData(mark, PUBLISH_ROLE)
        if mark is not None:
            lines.append(f"{_html(mark.text)}: {_html(mark.link)}")
        score = self.editorial_scores.get(item.data(PATH_ROLE))
        item.setData(score, EDITORIAL_ROLE)
        if score in EDITORIAL_WORDS:
            lines.append(EDITORIAL_WORDS[score])
        tooltip = "<br>".join(lines)
        item.setToolTip(tooltip)
        count.setToolTip(tooltip)

    def set_editorial_scores(self, scores: dict[str, str]) -> None:
        """Show each recap's editorial score (`good`, `ok`, `problem`) as a dot (by file
        path; the recaps not given keep theirs)."""
        changed = False
        for path, score in scores.items():
            key = path_key(path)
            if self.editorial_scores.get(key) != score:
                self.editorial_scores[key] = score
                changed = True
        if changed:
            self._refresh_rows()

    def set_publish_marks(self, marks: dict[str, PublishMark]) -> None:
        """Show which recaps are on the site (by file path), and which changed since."""
        self.publish_marks = {path_key(p): m for p, m in marks.items()}
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        root = self.model.series_item
        for item in self.model.episode_items():
            if root is not None:
                count = root.child(item.row(), 1)
                self._set_words(item, count, item.data(WORDS_ROLE) or 0)

    def _update_series_count(self) -> None:
        root = self.model.series_item
        if root is None:
            return
        total = sum(state.analysis.words for state in self.model.states.values())
        count = self.model.item(root.row(), 1)
        if count is not None:
            count.setData(total, WORDS_ROLE)
            count.setText(f"{total}")
        if self.series is not None:
            root.setToolTip(self._series_tooltip(self.series, total))

    @staticmethod
    def _series_tooltip(series: Series, words: int | None = None) -> str:
        n = len(series.episodes)
        text = f"<b>{_html(series.title)}</b><br>{n} recap{'s' if n != 1 else ''}"
        if words is not None:
            text += f" · {words} words"
        return text

    def _build_headings(self, episode: QStandardItem) -> None:
        """(Re)make the heading items of an episode, nested by level."""
        path = episode.data(PATH_ROLE)
        state = self.model.states[path]
        episode.removeRows(0, episode.rowCount())
        stack: list[tuple[int, QStandardItem]] = []
        text_color = self.palette().color(QPalette.ColorRole.Text)
        colors = {2: QColor(text_color), 3: QColor(text_color)}
        colors[2].setAlphaF(0.86)
        colors[3].setAlphaF(0.66)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.94)
        for heading, depth in zip(state.analysis.headings, state.analysis.depths, strict=True):
            item = QStandardItem(heading.title or "(untitled)")
            item.setData(HEADING, KIND_ROLE)
            item.setData(path, PATH_ROLE)
            item.setData(heading.line, LINE_ROLE)
            item.setData(heading.level, LEVEL_ROLE)
            flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                     | Qt.ItemFlag.ItemIsDropEnabled)
            if depth == 0:
                flags |= Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags)
            item.setToolTip(f"{'#' * heading.level} {_html(heading.title)}<br>"
                            f"line {heading.line + 1}")
            item.setForeground(colors[min(3, max(2, heading.level))])
            if heading.level >= 3:
                item.setFont(small)
            count = self._count_item()
            count.setData(path, PATH_ROLE)
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            parent = stack[-1][1] if stack else episode
            parent.appendRow([item, count])
            stack.append((heading.level, item))

    # --- live updates ------------------------------------------------------------------

    def update_episode_text(self, path: str, text: str,
                            analysis: Analysis | None = None) -> None:
        """Refresh one episode's headings, word count and facts from its current text
        (`analysis`: `analyze_any(text)`, when the caller has it)."""
        key = path_key(path)
        state = self.model.states.get(key)
        item = self.model.episode_item(key)
        if state is None or item is None or state.text == text:
            return
        old_headings = state.analysis.headings
        state.text = text
        state.analysis = analysis if analysis is not None else analyze_any(text)
        count = self.model.series_item.child(item.row(), 1)
        try:
            front_text = frontmatter.split(text).front_text
        except frontmatter.FrontMatterError:
            front_text = state.front_text
        if front_text != state.front_text:
            state.front_text = front_text
            self._refresh_facts(item, count, front_text)
        self._set_words(item, count, state.analysis.words)
        new_headings = state.analysis.headings
        if [(h.level, h.title) for h in old_headings] == [(h.level, h.title) for h in new_headings]:
            movable = {h.line for h, d in zip(new_headings, state.analysis.depths, strict=True)
                       if d == 0}
            for heading_item, heading in zip(self.model.heading_items(item), new_headings,
                                             strict=True):
                if heading_item.data(LINE_ROLE) != heading.line:
                    heading_item.setData(heading.line, LINE_ROLE)
                    heading_item.setToolTip(f"{'#' * heading.level} {_html(heading.title)}<br>"
                                            f"line {heading.line + 1}")
                flags = heading_item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled
                if heading.line in movable:
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                heading_item.setFlags(flags)
        else:
            state = self._view_state(item)
            self._build_headings(item)
            self._restore_view_state(state, item, expansion=not self._filtering())
        self._update_series_count()
        if self._filtering():
            self._apply_filter()

    def _refresh_facts(self, item: QStandardItem, count: QStandardItem, front_text: str) -> None:
        try:
            front = frontmatter.parse(front_text)
        except frontmatter.FrontMatterError:
            return  # half-typed YAML: keep what was shown
        probe = Episode(Path(item.data(PATH_ROLE)), front, "")
        seasons = {it.data(SEASON_ROLE) for it in self.model.episode_items() if it is not item}
        multi = len(seasons | {probe.season}) > 1
        self._set_episode_facts(item, count, probe.season, probe.number, probe.title,
                                probe.status, probe.target_words, multi_season=multi,
                                stem=probe.stem)

    # --- expansion and selection -------------------------------------------------------

    def _keyed_items(self, scope: QStandardItem | None = None
                     ) -> list[tuple[QStandardItem, tuple]]:
        """Items (of one episode, or the whole tree) with keys that survive a rebuild."""
        root = self.model.series_item
        if root is None:
            return []
        out: list[tuple[QStandardItem, tuple]] = []
        if scope is None:
            out.append((root, (SERIES,)))
        for episode in [scope] if scope is not None else self.model.episode_items():
            path = episode.data(PATH_ROLE)
            out.append((episode, (EPISODE, path)))
            seen: dict[tuple, int] = {}
            for heading in self.model.heading_items(episode):
                base = (HEADING, path, heading.data(LEVEL_ROLE), heading.text())
                seen[base] = seen.get(base, 0) + 1
                out.append((heading, (*base, seen[base])))
        return out

    def _view_state(self, scope: QStandardItem | None = None) -> _ViewState | None:
        """Which items are expanded and which one is current (by key)."""
        keyed = self._keyed_items(scope)
        if not keyed:
            return None
        state = _ViewState({key: self.tree.isExpanded(it.index())
                            for it, key in keyed if it.rowCount()})
        current = self.tree.currentIndex()
        item = self.model.itemFromIndex(current.siblingAtColumn(0)) if current.isValid() else None
        for it, key in keyed:
            if it is item:
                state.current = key
                episode = self.model.episode_of(it)
                if it.data(KIND_ROLE) == HEADING and episode is not None:
                    state.current_path = episode.data(PATH_ROLE)
                    state.current_ordinal = self.model.heading_items(episode).index(it)
                break
        return state

    def _restore_view_state(self, state: _ViewState | None, scope: QStandardItem | None = None,
                            *, expansion: bool = True) -> None:
        """Expand as before; new items open (episodes only when the series is short)."""
        keyed = self._keyed_items(scope)
        if expansion:
            short = len(self.model.episode_items()) <= EXPAND_ALL_UP_TO
            for it, key in keyed:
                if not it.rowCount():
                    continue
                if state is not None and key in state.expanded:
                    show = state.expanded[key]
                else:
                    show = it.data(KIND_ROLE) != EPISODE or short
                self.tree.setExpanded(it.index(), show)
        if state is None or state.current is None:
            return
        for it, key in keyed:
            if key == state.current:
                self._select_index(it.index())
                return
        if state.current_path is not None:
            # the current heading was renamed while typing: keep its place
            episode = self.model.episode_item(state.current_path)
            if episode is not None and (scope is None or scope is episode):
                headings = self.model.heading_items(episode)
                target = (headings[min(state.current_ordinal, len(headings) - 1)]
                          if headings else episode)
                self._select_index(target.index())

    def _select_index(self, index: QModelIndex) -> None:
        selection = self.tree.selectionModel()
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect
                                  | selection.SelectionFlag.Rows)

    def select_episode(self, path: str) -> None:
        """Make the episode the current row (and visible) without activating it."""
        item = self.model.episode_item(path)
        if item is None:
            return
        current = self.tree.currentIndex()
        if current.isValid():
            current_item = self.model.itemFromIndex(current.siblingAtColumn(0))
            if current_item is not None and self.model.episode_of(current_item) is item:
                return  # a heading of that episode is current: keep it
        self._select_index(item.index())
        self.tree.scrollTo(item.index())

    # --- activation ----------------------------------------------------------------------

    def _activate(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        if item is None:
            return
        kind = item.data(KIND_ROLE)
        if kind == EPISODE:
            self.episodeActivated.emit(item.data(PATH_ROLE))
        elif kind == HEADING:
            self.headingActivated.emit(item.data(PATH_ROLE), int(item.data(LINE_ROLE)))

    def _on_drop_request(self, request: tuple) -> None:
        if request[0] == "reorder":
            self.reorderRequested.emit(list(request[1]))
        else:
            _, path, line, before = request
            self.sectionMoveRequested.emit(path, line, before)

    # --- filter --------------------------------------------------------------------------

    def _filtering(self) -> bool:
        return bool(self.filter_edit.text().strip())

    def _apply_filter(self, *_: object) -> None:
        needle = self.filter_edit.text().strip().casefold()
        root = self.model.series_item
        if root is None:
            return
        if needle and self._unfiltered is None:
            self._unfiltered = self._view_state()  # what to go back to when cleared

        def visit(item: QStandardItem) -> bool:
            """Hide non-matching children; True when `item` or a descendant matches."""
            any_child = False
            for r in range(item.rowCount()):
                child = item.child(r, 0)
                child_text = (child.text() + " " + str(child.data(FULL_TITLE_ROLE) or "")
                              if child.data(KIND_ROLE) == EPISODE else child.text())
                shown = visit(child) | (needle in child_text.casefold())
                self.tree.setRowHidden(r, item.index(), not shown)
                any_child |= shown
            return any_child

        visit(root)
        if needle:
            self.tree.expandAll()
        elif self._unfiltered is not None:
            state, self._unfiltered = self._unfiltered, None
            state.current = state.current_path = None  # keep what was picked meanwhile
            self._restore_view_state(state)
            current = self.tree.currentIndex()
            if current.isValid():
                self.tree.scrollTo(current)

    def visible_items(self) -> list[QStandardItem]:
        """Column-0 items not hidden by the filter (collapsed parents do not matter)."""
        out: list[QStandardItem] = []

        def walk(item: QStandardItem) -> None:
            for r in range(item.rowCount()):
                if not self.tree.isRowHidden(r, item.index()):
                    child = item.child(r, 0)
                    out.append(child)
                    walk(child)

        if self.model.series_item is not None:
            out.append(self.model.series_item)
            walk(self.model.series_item)
        return out

    # --- context menu ------------------------------------------------------------------

    def context_menu(self, index: QModelIndex | None = None) -> QMenu:
        """The menu for a row (episode actions for an episode or one of its headings)."""
        menu = QMenu(self)
        new = menu.addAction(qta.icon("mdi6.file-document-plus-outline"), "New episode")
        new.triggered.connect(self.newEpisodeRequested.emit)
        item = None
        if index is not None and index.isValid():
            item = self.model.itemFromIndex(index.siblingAtColumn(0))
        episode = self.model.episode_of(item) if item is not None else None
        if episode is None:
            return menu
        path = episode.data(PATH_ROLE)
        menu.addSeparator()
        rename = menu.addAction(qta.icon("mdi6.rename-outline"), "Rename…")
        rename.triggered.connect(lambda: self.renameRequested.emit(path))
        duplicate = menu.addAction(qta.icon("mdi6.content-copy"), "Duplicate")
        duplicate.triggered.connect(lambda: self.duplicateRequested.emit(path))
        menu.addSeparator()
        group = QActionGroup(menu)
        group.setExclusive(True)
        status = episode.data(STATUS_ROLE)
        for value, label, icon, color in (
                ("draft", "Mark as draft", "mdi6.pencil", DRAFT_COLOR),
                ("final", "Mark as final", "mdi6.check-circle", FINAL_COLOR)):
            action = QAction(qta.icon(icon, color=color), label, menu)
            action.setCheckable(True)
            action.setChecked(status == value)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, v=value: self.statusRequested.emit(path, v))
            menu.addAction(action)
        menu.addSeparator()
        delete = menu.addAction(qta.icon("mdi6.delete-outline", color="#c62828"), "Delete…")
        delete.triggered.connect(lambda: self.deleteRequested.emit(path))
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        menu = self.context_menu(index)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # --- for the window and tests --------------------------------------------------------

    def episode_item(self, path: str) -> QStandardItem | None:
        return self.model.episode_item(path)

    def heading_item(self, path: str, line: int) -> QStandardItem | None:
        return self.model.heading_item(path, line)


def _file_text(ep: Episode) -> str:
    """The episode's file text as loaded (front matter as written + body), for line numbers."""
    if not ep.readable:
        return ""
    if ep.front_text or ep.body_line > 1:
        return frontmatter.join(ep.front_text, ep.body, newline=ep.newline)
    return ep.body


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
