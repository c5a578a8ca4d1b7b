"""Open, find and create project folders; read and save episodes and stills."""

from __future__ import annotations

import datetime as _dt
import shutil
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from recapdesk.core import frontmatter, storage, textfile
from recapdesk.core.model import Episode, Problem, Series, Still, episode_code
from recapdesk.core.paths import IMAGE_SUFFIXES, inside
from recapdesk.core.resources import resource_path, template_env
from recapdesk.core.textfile import read_text

MANIFEST = "recapdesk.yaml"
STILLS_YAML = "stills.yaml"
RENAMES_DIR = "renames"  # in .recapdesk/: records of renames in progress


class ProjectError(Exception):
    """The folder is not a usable project; the message is one clear line."""


def is_project(path: Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def find_project(start: Path) -> Path | None:
    """The project folder holding `start` (itself or a parent), if any."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


def _problem(series: Series, path: Path, line: int, level: str, message: str) -> None:
    series.problems.append(Problem(series.rel(path), line, level, message))


# --- the manifest -----------------------------------------------------------------

def _read_yaml_mapping(series: Series, path: Path, shape: str) -> Any:
    """Read a project YAML file that must be a mapping; problems are recorded.

    Returns the round-trip mapping, or None when it cannot be used (`shape` says why).
    """
    if not inside(path, series.root):
        _problem(series, path, 1, "error", "links to a file outside the project; not read")
        return None
    try:
        text, _ = read_text(path)
        data = frontmatter.load_yaml(text)
        if data is None:
            return CommentedMap()
        if not isinstance(data, dict):
            _problem(series, path, 1, "error", shape)
            return None
        return data
    except UnicodeDecodeError:
        _problem(series, path, 1, "error", "not a UTF-8 text file")
    except YAMLError as exc:
        _problem(series, path, frontmatter.yaml_error_line(exc), "error",
                 f"bad YAML: {frontmatter.yaml_error_text(exc)}")
    except frontmatter.FrontMatterError as exc:
        _problem(series, path, exc.line, "error", str(exc))
    except (OSError, ValueError) as exc:
        _problem(series, path, 1, "error", f"cannot read: {getattr(exc, 'strerror', None) or exc}")
    return None


def _load_manifest(series: Series) -> None:
    path = series.root / MANIFEST
    data = _read_yaml_mapping(series, path, "the manifest must be a mapping of keys to values")
    if data is None:
        return
    series.manifest = data
    if not data.get("title"):
        _problem(series, path, 1, "error", "the manifest has no title")


# --- episodes ---------------------------------------------------------------------

def load_episode(path: Path) -> tuple[Episode, list[tuple[int, str, str]]]:
    """Read one episode file. Returns the episode and its (line, level, message) issues.

    A file that cannot be decoded comes back with `readable=False`: it must never be saved.
    """
    try:
        text, bom = read_text(path)
    except UnicodeDecodeError as exc:
        line = 1
        try:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
        except OSError:
            pass
        issue = (line, "error", "not a UTF-8 text file (opened read-only)")
        return Episode(path, CommentedMap(), "", readable=False), [issue]
    except (OSError, ValueError) as exc:
        issue = (1, "error", f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return Episode(path, CommentedMap(), "", readable=False), [issue]
    return episode_from_text(path, text, bom=bom)


def episode_from_text(path: Path, text: str, *, bom: bool = False
                      ) -> tuple[Episode, list[tuple[int, str, str]]]:
    """An Episode from a file's full text (saved or still in the editor)."""
    issues: list[tuple[int, str, str]] = []
    try:
        parts = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        issues.append((exc.line, "error", str(exc)))
        return Episode(path, CommentedMap(), text, front_text="", body_line=1, bom=bom,
                       front_ok=False), issues
    try:
        front = frontmatter.parse(parts.front_text)
    except frontmatter.FrontMatterError as exc:
        issues.append((exc.line, "error", str(exc)))
        ep = Episode(path, CommentedMap(), parts.body, front_text=parts.front_text,
                     body_line=parts.body_line, bom=bom, newline=parts.newline, front_ok=False)
        return ep, issues
    if not parts.has_front:
        issues.append((1, "warning", "no front matter (--- title, season, episode ---)"))
    ep = Episode(path, front, parts.body, front_text=parts.front_text,
                 body_line=parts.body_line, bom=bom, newline=parts.newline)
    return ep, issues


def episode_text(ep: Episode) -> str:
    """The full file text for an episode: front matter as loaded unless changed, body as is."""
    try:
        unchanged = frontmatter.parse(ep.front_text) == ep.front
    except frontmatter.FrontMatterError:
        unchanged = False
    if unchanged:
        front_text = ep.front_text
    else:
        front_text = frontmatter.dump(ep.front)
        if ep.newline != "\n":
            front_text = front_text.replace("\n", ep.newline)
    if not ep.front_text and not ep.front:
        return ep.body
    return frontmatter.join(front_text, ep.body, newline=ep.newline)


def episode_bytes(ep: Episode) -> bytes:
    """The bytes of an episode's file (its BOM kept)."""
    return textfile.encode(episode_text(ep), ep.bom)


def save_episode(ep: Episode) -> None:
    """Write an episode atomically. Refuses one that was not read cleanly."""
    if not ep.usable:
        raise ProjectError(f"{ep.path.name} was not read cleanly; it is never overwritten")
    text = episode_text(ep)
    storage.atomic_write(ep.path, textfile.encode(text, ep.bom))
    parts = frontmatter.split(text)
    ep.front_text, ep.body_line = parts.front_text, parts.body_line


def _load_episodes(series: Series) -> None:
    folder = series.episodes_dir
    if not folder.is_dir():
        return
    folder_inside = inside(folder, series.root)
    for path in sorted(folder.glob("*.md")):
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        # (a file that is not a link lies where its folder does)
        if stat.S_ISLNK(mode) or not folder_inside:
            if not inside(path, series.root):
                _problem(series, path, 1, "error",
                         "links to a file outside the project; left out")
                continue
            if not path.is_file():
                continue
        elif not stat.S_ISREG(mode):
            continue
        ep, issues = load_episode(path)
        for line, level, message in issues:
            _problem(series, path, line, level, message)
        series.episodes.append(ep)
    series.episodes.sort(key=Episode.sort_key)
    seen: dict[str, Episode] = {}
    for ep in series.episodes:
        if not ep.usable:
            continue
        other = seen.get(ep.id.lower())
        if other is not None:
            _problem(series, ep.path, _front_line(ep, "episode"), "error",
                     f"duplicate episode id {ep.id} (also {series.rel(other.path)})")
        else:
            seen[ep.id.lower()] = ep


def _front_line(ep: Episode, key: str) -> int:
    """1-based file line of a front matter key (2 when unknown)."""
    try:
        return ep.front.lc.key(key)[0] + 2
    except (AttributeError, KeyError, TypeError):
        return 2


front_line = _front_line


# --- stills -----------------------------------------------------------------------

def _load_stills(series: Series) -> None:
    path = series.stills_dir / STILLS_YAML
    if not path.exists():
        return
    data = _read_yaml_mapping(series, path, "stills.yaml must map file names to their details")
    if data is None:
        return
    series.stills_doc = data
    for name, meta in data.items():
        meta = meta if isinstance(meta, dict) else {}
        series.stills[str(name)] = Still(
            name=str(name),
            alt=str(meta.get("alt") or "").strip(),
            caption=str(meta.get("caption") or "").strip(),
            credit=str(meta.get("credit") or "").strip(),
            episode=str(meta.get("episode") or "").strip(),
        )


def reload_stills(series: Series) -> None:
    """Read `stills/stills.yaml` again into `series` (it changed on disk)."""
    fresh = Series(root=series.root, manifest=series.manifest)
    _load_stills(fresh)
    series.stills, series.stills_doc = fresh.stills, fresh.stills_doc


def save_stills(series: Series) -> None:
    """Write `stills/stills.yaml` atomically from `series.stills`, keeping comments."""
    doc = series.stills_doc if isinstance(series.stills_doc, dict) else CommentedMap()
    for name in [n for n in doc if str(n) not in series.stills]:
        del doc[name]
    for name, still in series.stills.items():
        entry = doc.get(name)
        if not isinstance(entry, dict):
            entry = CommentedMap()
            doc[name] = entry
        for key in ("alt", "caption", "credit", "episode"):
            value = getattr(still, key)
            if value:
                entry[key] = value
            elif key in entry:
                del entry[key]
    storage.make_dirs(series.stills_dir)
    storage.atomic_write(series.stills_dir / STILLS_YAML, frontmatter.dump(doc))
    series.stills_doc = doc


def still_files(series: Series) -> list[Path]:
    """The image files in `stills/`, sorted by name."""
    if not series.stills_dir.is_dir():
        return []
    return sorted(p for p in series.stills_dir.iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))


# --- opening and creating ---------------------------------------------------------

def open_project(path: Path, *, repair: bool = True) -> Series:
    """Read a project folder into a Series. Problems found while reading are collected.

    A rename that a killed RecapDesk left half done is finished (or undone) first, and
    said among the problems; without `repair` (a read-only opening) it is only said.
    Raises ProjectError when `path` is not a project folder at all.
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise ProjectError(f"{root}: no such folder")
    if root.is_file() and root.name == MANIFEST:
        root = root.parent
    if not root.is_dir():
        raise ProjectError(f"{root}: not a folder")
    if not is_project(root):
        raise ProjectError(f"{root}: not a RecapDesk project (no {MANIFEST})")
    series = Series(root=root.resolve(), manifest=CommentedMap())
    _finish_renames(series, repair)
    _load_manifest(series)
    _load_episodes(series)
    _load_stills(series)
    return series


def _finish_renames(series: Series, repair: bool) -> None:
    """Complete renumberings a killed RecapDesk left (recaps hidden under temporary
    names); its temp files go too."""
    records = series.state_dir / RENAMES_DIR
    notes = storage.finish_writes(records, series.root, repair=repair)
    notes += storage.recover_strays(series.episodes_dir, repair=repair)
    if repair:
        for folder in (series.episodes_dir, records):
            storage.remove_stale_temp_files(folder)
    for note in notes:
        _problem(series, note.path, 1, "warning" if note.fixed else "error", note.message)


def save_manifest(series: Series) -> None:
    storage.atomic_write(series.root / MANIFEST, frontmatter.dump(series.manifest))


def new_episode(series: Series, *, season: int = 1, number: int | None = None,
                title: str | None = None) -> Episode:
    """Create a new episode file from the recap template, prefilled from the series facts."""
    if number is None:
        numbers = [e.number for e in series.episodes if e.season == season and e.number]
        number = max(numbers, default=0) + 1
    code = episode_code(season, number) or "episode"
    storage.make_dirs(series.episodes_dir)
    path = series.episodes_dir / f"{code}.md"
    if path.exists():
        raise ProjectError(f"{series.rel(path)} already exists")
    text = render_episode_template(series, season, number, title)
    storage.atomic_write(path, text)
    ep, _ = load_episode(path)
    series.episodes.append(ep)
    series.episodes.sort(key=Episode.sort_key)
    return ep


def render_episode_template(series: Series, season: int, number: int,
                            title: str | None = None) -> str:
    """The recap template text for a new episode."""
    headline = title or f"{series.title} Episode {number} Recap: "
    facts = _facts_sentence(series)
    template = template_env().get_template("episode.md.j2")
    return template.render(
        series=series, season=season, number=number, headline=headline,
        date=_dt.date.today().isoformat(), facts=facts, code=episode_code(season, number),
    )


def _facts_sentence(series: Series) -> str:
    parts = [f"*{series.title}*"]
    if series.original_title:
        parts[0] += f" ({series.original_title})"
    bits = []
    if series.format:
        bits.append(f"is a {series.format}")
    else:
        bits.append("is a series")
    if series.directors:
        bits.append(f"directed by {', '.join(series.directors)}")
    if series.cast:
        bits.append(f"starring {', '.join(series.cast)}")
    sentence = f"{parts[0]} {', '.join(bits)}."
    if series.episode_count:
        sentence += f" It runs for {series.episode_count} episodes."
    return sentence


def create_project(path: Path, title: str, **facts: Any) -> Series:
    """Make a new, ready project folder with a first episode. Raises ProjectError."""
    root = Path(path).expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ProjectError(f"{root}: already exists and is not an empty folder")
    if not title.strip():
        raise ProjectError("a project needs a title")
    try:
        for folder in (root, root / "episodes", root / "stills"):
            storage.make_dirs(folder)
        manifest = CommentedMap()
        manifest["title"] = title.strip()
        for key, value in facts.items():
            if value:
                manifest[key] = value
        manifest.setdefault("site", CommentedMap(name=title.strip(), language="en"))
        storage.atomic_write(root / MANIFEST, frontmatter.dump(manifest))
        storage.atomic_write(root / "stills" / STILLS_YAML, "{}\n")
        series = open_project(root)
        new_episode(series, season=1, number=1)
    except OSError as exc:
        raise ProjectError(f"{root}: cannot create the project: {exc.strerror or exc}") from exc
    return series


def copy_sample(dest: Path) -> Path:
    """Copy the bundled sample series to `dest` (a writable place) and return it."""
    storage.copy_tree(resource_path("sample"), dest,
                      ignore=shutil.ignore_patterns(".recapdesk", "export", "__pycache__"))
    return dest
