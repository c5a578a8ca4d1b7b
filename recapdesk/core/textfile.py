"""Recap files as text: UTF-8, with or without a byte-order mark, newlines kept as they are.

The one codec for every reader and writer of recaps (the project, the window's
documents, the recovery journal): `decode` says whether the bytes had a BOM, `encode`
puts it back, so a file saved again keeps the form it had.
"""

from __future__ import annotations

from pathlib import Path

BOM = b"\xef\xbb\xbf"
MAX_TEXT_BYTES = 8 * 1024 * 1024  # a recap larger than this is refused, not read


def decode(raw: bytes) -> tuple[str, bool]:
    """(text, had a BOM). Raises UnicodeDecodeError for bytes that are not UTF-8."""
    bom = raw.startswith(BOM)
    return (raw[len(BOM):] if bom else raw).decode("utf-8"), bom


def encode(text: str, bom: bool = False) -> bytes:
    """The file bytes of `text` (a lone surrogate, which UTF-8 cannot hold, becomes `?`)."""
    data = text.encode("utf-8", "replace")
    return BOM + data if bom else data


def read_text(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> tuple[str, bool]:
    """Read a UTF-8 text file exactly (newlines kept). Returns (text, had_bom).

    Raises UnicodeDecodeError for non-UTF-8 content and ValueError when too large.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is too large ({size // 1024 // 1024} MB; the limit is "
                         f"{max_bytes // 1024 // 1024} MB)")
    return decode(path.read_bytes())
