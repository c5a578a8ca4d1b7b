"""Shared by the hostile-input and property tests: what "no active content" means for a
rendered fragment and a whole exported page, and what `check` says of each broken
manifest of the corpus (`hostile.broken_manifests`)."""

from __future__ import annotations

FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "link",
                  "meta", "base", "svg", "math"}


def assert_safe(fragment) -> None:
    """No active content: checked on the parsed elements, not on the text."""
    for element in fragment.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        assert tag not in FORBIDDEN_TAGS, tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not value.strip().lower().startswith(("javascript:", "data:text")), value


def assert_page_safe(doc) -> None:
    """A whole exported page: the template may have <meta>, a stylesheet <link> and
    JSON-LD data; the rest must hold no active content (the article body not even
    those)."""
    import json

    head = doc.find("head")
    in_head = {id(e) for e in head.iter()} if head is not None else set()
    for element in doc.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "style" and id(element) in in_head:  # the stylesheet (--single-file)
            assert "javascript:" not in (element.text or "").lower()
            continue
        if tag == "script":  # structured data only (JSON-LD), never code
            assert element.get("type") == "application/ld+json"
            json.loads(element.text or "")
            continue
        assert tag not in {"script", "iframe", "object", "embed", "form", "input", "base",
                           "svg", "math", "style"}, tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in ("href", "src", "action", "content"):
                assert "javascript:" not in value.lower().replace(" ", ""), value
                assert not value.strip().lower().startswith("data:text"), value
        if tag == "meta":
            assert "http-equiv" not in element.attrib
        if tag == "link":
            assert not element.get("href", "").startswith("//")
    for body in doc.iter("article"):
        assert_safe(body)


MANIFEST_MESSAGES = {
    "bad_yaml": "bad YAML", "tabs": "bad YAML", "not_utf8": "not a UTF-8 text file",
    "alias_bomb": "YAML aliases", "a_list": "must be a mapping", "empty": "has no title",
    "nul": "bad YAML", "huge": "too large", "link_outside": "outside the project",
}
