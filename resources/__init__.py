"""Bundled resources: page templates, the theme, the sample series (data only)."""
