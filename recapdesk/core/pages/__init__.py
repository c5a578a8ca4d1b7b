"""Pages from recaps, shared by export and the live preview: `context` (what a template
is given: metadata, JSON-LD, links) and `renderer` (bodies and whole pages)."""
