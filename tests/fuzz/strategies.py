"""Hypothesis strategies for recap-like Markdown with every dialect construct."""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = st.sampled_from([
    "Seo-rin", "ferry", "the", "horn", "tape", "우도", "막배", "海", "テープ", "twist", "she",
    "lies", "<b>", "&amp;", "*", "_", "`", "||", "|", "[[", "]]", "::", "\\", "~~", "!", "#",
    "<script>alert(1)</script>", "javascript:alert(1)", "<img src=x onerror=alert(1)>",
    '"', "'", "<", ">", "&", "  ", "\t", "http://example.com", "<https://example.com/a||b>",
])

inline_text = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)


@st.composite
def inline(draw) -> str:
    kind = draw(st.sampled_from(["text", "em", "strong", "spoiler", "code", "link", "wiki",
                                 "wiki_label", "strike", "footnote", "image", "raw"]))
    text = draw(inline_text)
    return {
        "text": text,
        "em": f"*{text}*",
        "strong": f"**{text}**",
        "spoiler": f"||{text}||",
        "code": f"`{text}`",
        "link": f"[{text}](https://example.com/{draw(st.integers(0, 9))})",
        "wiki": f"[[s01e0{draw(st.integers(0, 9))}]]",
        "wiki_label": f"[[s01e0{draw(st.integers(1, 4))}|{text}]]",
        "strike": f"~~{text}~~",
        "footnote": f"[^{draw(st.integers(1, 3))}]",
        "image": f"![{text}](../stills/s01e01-0{draw(st.integers(1, 3))}.jpg)",
        "raw": draw(st.sampled_from(["<kbd>K</kbd>", "<span onclick='x()'>s</span>",
                                     "<a href='javascript:alert(1)'>j</a>", "<style>x</style>",
                                     "<iframe src=//evil></iframe>", "<!-- c -->"])),
    }[kind]


paragraph = st.lists(inline(), min_size=1, max_size=4).map(" ".join)


@st.composite
def block(draw, depth: int = 0) -> str:
    kinds = ["para", "heading", "list", "quote", "fence", "figure", "table", "footdef", "hr",
             "html"]
    if depth < 2:
        kinds += ["spoiler", "also_read"]
    kind = draw(st.sampled_from(kinds))
    para = draw(paragraph)
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + para
    if kind == "list":
        marker = draw(st.sampled_from(["-", "*", "1."]))
        items = draw(st.lists(paragraph, min_size=1, max_size=4))
        return "\n".join(f"{marker} {item}" for item in items)
    if kind == "quote":
        return "> " + para
    if kind == "fence":
        return f"```\n{para}\n```"
    if kind == "figure":
        caption = draw(inline_text).replace('"', "")
        return f'![{draw(inline_text)}](../stills/s01e02-01.jpg "{caption}")'
    if kind == "table":
        return f"| a | b |\n|---|---|\n| {para.replace('|', '')} | \\|\\|x\\|\\| |"
    if kind == "footdef":
        return f"[^{draw(st.integers(1, 3))}]: {para}"
    if kind == "hr":
        return "---"
    if kind == "html":
        return draw(st.sampled_from(["<div>\n\n*in div*\n\n</div>", "<script>\nx()\n</script>",
                                     "<details><summary>s</summary>d</details>"]))
    inner = draw(st.lists(block(depth + 1), min_size=1, max_size=3))
    colons = ":" * (3 + (2 - depth))
    head = "spoiler " + draw(inline_text) if kind == "spoiler" else "also-read"
    return f"{colons} {head}\n" + "\n\n".join(inner) + f"\n{colons}"


recap_markdown = st.lists(block(), min_size=1, max_size=6).map("\n\n".join)
