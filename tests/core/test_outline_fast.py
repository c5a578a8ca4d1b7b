"""The line-scan outline for very large recaps agrees with the parsed one on plain text."""

from __future__ import annotations

from recapdesk.core.outline import LARGE_TEXT, analyze, analyze_any, analyze_fast

SAMPLE = ("---\ntitle: x\n---\n## Ferries Suspended\n\nText *em* here.\n\n```\n# not a heading\n"
          "```\n\n### The Horn ##\n\n~~~\n## nor this\n~~~\n\n# Final Thoughts\n")


def test_fast_headings_match_the_parser() -> None:
    assert analyze_fast(SAMPLE).headings == analyze(SAMPLE).headings


def test_large_texts_use_the_line_scan() -> None:
    big = SAMPLE + ("word " * (LARGE_TEXT // 5 + 10))
    result = analyze_any(big)
    assert [h.title for h in result.headings] == ["Ferries Suspended", "The Horn",
                                                  "Final Thoughts"]
    assert result.words > LARGE_TEXT // 5
