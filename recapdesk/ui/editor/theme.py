"""The editor's look: a calm paper-like palette, the writing font, the highlight colours."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette

# Latin from Noto Serif, Hangul/Kana/Hanzi from Noto Serif CJK (the setup installs
# fonts-noto-cjk); the Sans fallbacks cover a system without the serif faces.
WRITING_FAMILIES = [
    "Noto Serif",
    "Noto Serif CJK KR",
    "Noto Serif CJK JP",
    "Noto Serif CJK SC",
    "Noto Sans CJK KR",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "DejaVu Serif",
    "serif",
]
CODE_FAMILIES = ["Noto Sans Mono", "DejaVu Sans Mono", "Noto Sans Mono CJK KR", "monospace"]
WRITING_POINT_SIZE = 12.0


def writing_font(point_size: float = WRITING_POINT_SIZE) -> QFont:
    """The font of the writing surface (serif, with CJK coverage)."""
    font = QFont()
    font.setFamilies(WRITING_FAMILIES)
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def code_families() -> list[str]:
    return list(CODE_FAMILIES)


@dataclass(frozen=True)
class Theme:
    """Colours of the writing surface and its Markdown highlighting."""

    dark: bool
    paper: QColor
    ink: QColor
    muted: QColor  # Markdown punctuation: # * _ > [ ]
    faint: QColor  # front matter fences, rules
    heading: QColor
    link: QColor
    url: QColor
    image: QColor
    wikilink: QColor
    spoiler: QColor  # fences and markers of spoilers
    spoiler_text_bg: QColor  # behind ||inline spoilers||
    spoiler_region: QColor  # tint behind a ::: spoiler block
    spoiler_rule: QColor
    also_read: QColor
    also_read_region: QColor
    also_read_rule: QColor
    front_region: QColor
    front_key: QColor
    front_value: QColor
    code: QColor
    code_bg: QColor
    quote: QColor
    list_marker: QColor
    misspelt: QColor
    selection: QColor
    search_match: QColor


LIGHT = Theme(
    dark=False,
    paper=QColor("#fbfaf6"),
    ink=QColor("#2f2c28"),
    muted=QColor("#b3aa9c"),
    faint=QColor("#c9c1b4"),
    heading=QColor("#1f2a36"),
    link=QColor("#2f6690"),
    url=QColor("#9a9489"),
    image=QColor("#2d7a6e"),
    wikilink=QColor("#1f7a74"),
    spoiler=QColor("#85508f"),
    spoiler_text_bg=QColor("#efe5f1"),
    spoiler_region=QColor("#f6f0f6"),
    spoiler_rule=QColor("#cfb3d4"),
    also_read=QColor("#3c7a4f"),
    also_read_region=QColor("#f0f5ee"),
    also_read_rule=QColor("#b4d0bb"),
    front_region=QColor("#f3f0e9"),
    front_key=QColor("#8d6a3f"),
    front_value=QColor("#5c564d"),
    code=QColor("#6a4f3b"),
    code_bg=QColor("#f0ebe2"),
    quote=QColor("#6d675e"),
    list_marker=QColor("#a0744a"),
    misspelt=QColor("#d0443a"),
    selection=QColor("#cfe0f0"),
    search_match=QColor("#f8e3a3"),
)

DARK = Theme(
    dark=True,
    paper=QColor("#1f1e1c"),
    ink=QColor("#e4dfd6"),
    muted=QColor("#7d766b"),
    faint=QColor("#5f5a52"),
    heading=QColor("#f1ece3"),
    link=QColor("#8fbde0"),
    url=QColor("#8a847a"),
    image=QColor("#7cc7b8"),
    wikilink=QColor("#79cfc6"),
    spoiler=QColor("#cc9ad4"),
    spoiler_text_bg=QColor("#3b2e3d"),
    spoiler_region=QColor("#272228"),
    spoiler_rule=QColor("#6e4f74"),
    also_read=QColor("#93c9a0"),
    also_read_region=QColor("#212622"),
    also_read_rule=QColor("#4d6b55"),
    front_region=QColor("#262420"),
    front_key=QColor("#d3aa76"),
    front_value=QColor("#bdb6ab"),
    code=QColor("#e0b98f"),
    code_bg=QColor("#2b2926"),
    quote=QColor("#b1aa9f"),
    list_marker=QColor("#d0a070"),
    misspelt=QColor("#ff6b5e"),
    selection=QColor("#35506b"),
    search_match=QColor("#6b5a22"),
)


def theme_for(palette: QPalette) -> Theme:
    """The dark theme under a dark application palette, else the light one."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 110 else LIGHT


def apply_palette(palette: QPalette, theme: Theme) -> QPalette:
    """A copy of `palette` with the paper, ink and selection colours of `theme`."""
    p = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Base, theme.paper)
        p.setColor(group, QPalette.ColorRole.Window, theme.paper)
        p.setColor(group, QPalette.ColorRole.Text, theme.ink)
        p.setColor(group, QPalette.ColorRole.Highlight, theme.selection)
        p.setColor(group, QPalette.ColorRole.HighlightedText, theme.ink)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, theme.muted)
    return p
