"""Plain data classes for a recap project: Series, Episode, Still, Problem."""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recapdesk.core.slugs import slugify

SPOILER_LEVELS = ("none", "minor", "major")
STATUSES = ("draft", "final")
# the line a page puts above the recap for each spoiler level
SPOILER_WARNINGS = {
    "minor": "– This recap contains minor spoilers! –",
    "major": "– This recap contains major spoilers! –",
}

_CODE_RE = re.compile(r"^s(\d{1,3})e(\d{1,4})$", re.IGNORECASE)


def episode_code(season: int | None, episode: int | None) -> str | None:
    """The id `s01e04` for a season/episode pair, or None when either is missing."""
    if season is None or episode is None:
        return None
    return f"s{season:02d}e{episode:02d}"


def parse_code(text: str) -> tuple[int, int] | None:
    """`S01E04` -> (1, 4); None when the text is not an episode code."""
    m = _CODE_RE.match(text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass
class Problem:
    """One finding of `check`: printed as `path:line: level: message`."""

    path: str
    line: int
    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


@dataclass
class Still:
    """Metadata for one image still, from `stills/stills.yaml`."""

    name: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    episode: str = ""


@dataclass
class Episode:
    """One recap: its file, front matter and Markdown body."""

    path: Path
    front: Any  # ruamel CommentedMap: keeps key order, comments and unknown keys
    body: str
    front_text: str = ""
    body_line: int = 1  # 1-based line of the file where the body starts
    readable: bool = True  # False: not decodable text; never saved over
    front_ok: bool = True  # False: the front matter could not be parsed
    bom: bool = False
    newline: str = "\n"

    def _get(self, key: str, default: Any = None) -> Any:
        try:
            return self.front.get(key, default)
        except AttributeError:
            return default

    def _int(self, key: str) -> int | None:
        value = self._get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return None

    @property
    def usable(self) -> bool:
        """Read cleanly enough to render and export."""
        return self.readable and self.front_ok

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def season(self) -> int | None:
        return self._int("season")

    @property
    def number(self) -> int | None:
        return self._int("episode")

    @property
    def code(self) -> str | None:
        return episode_code(self.season, self.number)

    @property
    def id(self) -> str:
        """The episode's id: its code `s01e04`, or its file stem without one."""
        return self.code or self.stem

    @property
    def title(self) -> str:
        value = self._get("title")
        return str(value).strip() if value not in (None, "") else self.stem

    @property
    def status(self) -> str:
        value = str(self._get("status", "final") or "final").strip().lower()
        return value if value in STATUSES else "final"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def spoilers(self) -> str:
        value = str(self._get("spoilers", "none") or "none").strip().lower()
        return value if value in SPOILER_LEVELS else "none"

    @property
    def runtime(self) -> int | None:
        return self._int("runtime")

    @property
    def rating(self) -> float | None:
        value = self._get("rating")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) if 0 <= value <= 5 else None

    @property
    def excerpt(self) -> str:
        value = self._get("excerpt")
        return str(value).strip() if value else ""

    @property
    def cover(self) -> str:
        value = self._get("cover")
        return str(value).strip() if value else ""

    @property
    def date(self) -> _dt.date | None:
        value = self._get("date")
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None

    @property
    def target_words(self) -> int | None:
        return self._int("target_words")

    def sort_key(self) -> tuple:
        season = self.season if self.season is not None else 10**6
        number = self.number if self.number is not None else 10**6
        return (season, number, self.stem.lower())

    def matches(self, ident: str) -> bool:
        """True when `ident` names this episode (code case-insensitive, or file stem)."""
        ident = ident.strip()
        if self.code and ident.lower() == self.code:
            return True
        code = parse_code(ident)
        if code and (self.season, self.number) == code:
            return True
        return ident == self.stem or ident.lower() == self.stem.lower()


@dataclass
class Series:
    """A whole project folder: the manifest, its episodes and stills."""

    root: Path
    manifest: Any  # ruamel CommentedMap
    episodes: list[Episode] = field(default_factory=list)
    stills: dict[str, Still] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stills_doc: Any = None  # the round-trip document of stills.yaml

    def _get(self, key: str, default: Any = None) -> Any:
        try:
            return self.manifest.get(key, default)
        except AttributeError:
            return default

    def _list(self, key: str) -> list[str]:
        value = self._get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return [str(v) for v in value if v is not None]
        return []

    @property
    def title(self) -> str:
        value = self._get("title")
        return str(value).strip() if value else self.root.name

    @property
    def slug(self) -> str:
        """The series as a name in URLs and in what RecapDesk marks as its own."""
        return slugify(self.title, fallback="series")

    @property
    def original_title(self) -> str:
        value = self._get("original_title")
        return str(value).strip() if value else ""

    @property
    def format(self) -> str:
        value = self._get("format")
        return str(value).strip() if value else ""

    @property
    def network(self) -> str:
        value = self._get("network")
        return str(value).strip() if value else ""

    @property
    def directors(self) -> list[str]:
        return self._list("directors")

    @property
    def cast(self) -> list[str]:
        return self._list("cast")

    @property
    def characters(self) -> dict[str, str | None]:
        value = self._get("characters")
        if not isinstance(value, dict):
            return {}
        return {str(k): (str(v) if v is not None else None) for k, v in value.items()}

    @property
    def episode_count(self) -> int | None:
        value = self._get("episode_count")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def author(self) -> str:
        value = self._get("author")
        return str(value).strip() if value else ""

    @property
    def site(self) -> dict[str, Any]:
        value = self._get("site")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def publish(self) -> dict[str, Any]:
        """Where the recaps are published (`publish:` in recapdesk.yaml)."""
        value = self._get("publish")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def site_name(self) -> str:
        return str(self.site.get("name") or self.title)

    @property
    def language(self) -> str:
        return str(self.site.get("language") or "en")

    @property
    def base_url(self) -> str:
        url = str(self.site.get("base_url") or "")
        return url if not url or url.endswith("/") else url + "/"

    @property
    def caption_pattern(self) -> str:
        value = self._get("caption_pattern")
        return str(value) if value else "Still From {series} Episode {episode}"

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def stills_dir(self) -> Path:
        return self.root / "stills"

    @property
    def state_dir(self) -> Path:
        return self.root / ".recapdesk"

    def find_episode(self, ident: str) -> Episode | None:
        """The episode with this id (code, case-insensitive) or file stem."""
        for ep in self.episodes:
            if ep.code and ident.strip().lower() == ep.code:
                return ep
        for ep in self.episodes:
            if ep.matches(ident):
                return ep
        return None

    def rel(self, path: Path) -> str:
        """`path` relative to the project root, with forward slashes."""
        return _relative(self.root, path)


@functools.lru_cache(maxsize=4096)
def _relative(root: Path, path: Path) -> str:
    """`path` relative to `root`, with forward slashes (asked for again and again: every
    problem, page and key names its recap's file so)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
