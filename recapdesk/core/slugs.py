"""Slugs: `Final Thoughts!` -> `final-thoughts`, for heading ids, page and file names."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "section") -> str:
    """A lowercase slug that keeps letters of every script; `fallback` when none is left."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    text = re.sub(r"[\s_]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text or fallback
