"""The recovery journal: unsaved episode text kept in `.recapdesk/journal/`.

While a writer types, the window writes each changed episode's whole text here (an
atomic, checked write) within a second or two, with the hash of the file on disk it
was based on. A successful save clears the entry. When RecapDesk is killed, crashes
or loses power, the entries stay; the next time the project is opened, `recover()`
lists the ones whose owner is gone and whose text differs from the file:

- ``unchanged``: the file is still what the text was based on — safe to restore;
- ``changed``: the file changed on disk since (another program, a sync) — ask;
- ``missing``: the file was deleted since — ask.

Entries are plain JSON ({"path", "text", "base_hash", ...}); one per episode and
process, so two windows never overwrite each other's entries. Discarded entries are
moved to `journal/discarded/` (the last few are kept), never simply deleted. No Qt.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from recapdesk.core import storage, textfile
from recapdesk.core.owners import is_mine, owner_alive, owner_info
from recapdesk.core.paths import inside

JOURNAL_DIR = "journal"
DISCARDED_DIR = "discarded"
VERSION = 1
KEEP_DISCARDED = 20
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a journal file larger than this is not read


@dataclass
class Entry:
    """One journal file: the unsaved text of one episode, by one process."""

    file: Path
    rel: str  # the episode, relative to the project root ("episodes/s01e01.md")
    text: str
    base_hash: str | None  # the file on disk the text was based on (None: no file)
    bom: bool
    time: float
    owner: dict


@dataclass
class Recovery:
    """Unsaved text of a process that is gone, compared with the file on disk now."""

    entry: Entry
    path: Path
    disk_text: str | None  # None when the file is missing or cannot be decoded
    disk_hash: str | None
    state: str  # "unchanged" | "changed" | "missing"
    others: list[Entry]  # older entries for the same file (removed with this one)

    @property
    def text(self) -> str:
        return self.entry.text


def _key(rel: str) -> str:
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()[:20]


def safe_rel(rel: object) -> str | None:
    """`rel` as a clean relative path inside a project, or None (absolute, `..`, odd)."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel:
        return None
    if any(part in ("..", ".", "") for part in rel.split("/")):
        return None  # absolute ("/x" starts with an empty part), "..", "a//b", "a/./b"
    return PurePosixPath(rel).as_posix()


class Journal:
    """The journal of one project. Writes raise StorageError (the caller reports it)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / ".recapdesk" / JOURNAL_DIR
        self._written: dict[str, str] = {}  # rel -> hash of what this process journaled

    # --- this process's entries ------------------------------------------------------

    def path_for(self, rel: str) -> Path:
        return self.folder / f"{_key(rel)}.{os.getpid()}.json"

    def write(self, rel: str, text: str, base_hash: str | None, *, bom: bool = False) -> bool:
        """Journal the unsaved `text` of episode `rel`. False when it was already there."""
        digest = storage.content_hash(text.encode("utf-8", "surrogatepass"))
        key = f"{digest}:{base_hash}:{bom}"
        if self._written.get(rel) == key and self.path_for(rel).exists():
            return False
        owner = owner_info()
        doc = {"version": VERSION, "path": rel, "base_hash": base_hash, "bom": bom,
               "time": owner["time"], "owner": owner, "text_hash": digest, "text": text}
        try:
            storage.make_dirs(self.folder)
        except OSError as exc:
            raise storage.StorageError(exc.errno, f"cannot write the recovery journal: "
                                                  f"{storage.reason(exc)}") from exc
        storage.atomic_write(self.path_for(rel),
                             json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        self._written[rel] = key
        return True

    def clear(self, rel: str) -> None:
        """Forget this process's entry for `rel` (its text is saved or was thrown away)."""
        self._written.pop(rel, None)
        storage.remove(self.path_for(rel))

    def has_entry(self, rel: str) -> bool:
        return self.path_for(rel).exists()

    # --- reading -----------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every readable entry (of any process). Damaged or odd files are skipped."""
        found: list[Entry] = []
        try:
            files = sorted(self.folder.glob("*.json"))
        except OSError:
            return found
        for file in files:
            entry = self._read(file)
            if entry is not None:
                found.append(entry)
        return found

    def _read(self, file: Path) -> Entry | None:
        try:
            if file.is_symlink() or not file.is_file() or file.stat().st_size > MAX_ENTRY_BYTES:
                return None
            doc = json.loads(file.read_bytes().decode("utf-8", "surrogatepass"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("version") != VERSION:
            return None
        rel, text = safe_rel(doc.get("path")), doc.get("text")
        if rel is None or not isinstance(text, str):
            return None
        if file.name.split(".")[0] != _key(rel):
            return None
        digest = storage.content_hash(text.encode("utf-8", "surrogatepass"))
        if doc.get("text_hash") != digest:
            return None
        base = doc.get("base_hash")
        stamp = doc.get("time")
        owner = doc.get("owner")
        return Entry(file=file, rel=rel, text=text,
                     base_hash=base if isinstance(base, str) else None,
                     bom=doc.get("bom") is True,
                     time=float(stamp) if isinstance(stamp, (int, float)) else 0.0,
                     owner=owner if isinstance(owner, dict) else {})

    def _inside(self, rel: str) -> Path | None:
        path = self.root / rel
        return path if inside(path, self.root) else None

    def recover(self, *, open_rels: set[str] | frozenset[str] = frozenset()) -> list[Recovery]:
        """Unsaved text left by processes that are gone (or by this one, for files it
        has not open now), newest per file, where it differs from the file on disk.

        Entries whose text is what the file holds anyway are removed on the way.
        """
        by_rel: dict[str, list[Entry]] = {}
        for entry in self.entries():
            if is_mine(entry.owner):
                if entry.rel in open_rels:
                    continue
            elif owner_alive(entry.owner):
                continue  # another window is working on it right now
            by_rel.setdefault(entry.rel, []).append(entry)
        found: list[Recovery] = []
        for rel, entries in sorted(by_rel.items()):
            entries.sort(key=lambda e: e.time, reverse=True)
            newest, others = entries[0], entries[1:]
            path = self._inside(rel)
            if path is None or path.suffix.lower() != ".md":
                continue  # an entry pointing out of the project is never used
            disk_text, disk_hash, state = None, None, "missing"
            if path.is_file():
                try:
                    raw = path.read_bytes()
                except OSError:
                    raw = None
                if raw is not None:
                    disk_hash = storage.content_hash(raw)
                    try:
                        disk_text = textfile.decode(raw)[0]
                    except UnicodeDecodeError:
                        disk_text = None
                    state = "unchanged" if disk_hash == newest.base_hash else "changed"
            if disk_text is not None and disk_text == newest.text:
                for entry in entries:
                    self._remove(entry.file)
                continue
            if state != "missing" and disk_text is None:
                continue  # the file is not UTF-8 now: it is opened read-only, never over
            found.append(Recovery(newest, path, disk_text, disk_hash, state, others))
        return found

    # --- after recovery ----------------------------------------------------------------

    def restored(self, recovery: Recovery) -> None:
        """The text was taken back into an editor (and journaled again by this process)."""
        for entry in (recovery.entry, *recovery.others):
            if not is_mine(entry.owner) or entry.file != self.path_for(entry.rel):
                self._remove(entry.file)

    def discard(self, recovery: Recovery) -> None:
        """The writer threw the text away: keep a copy in `discarded/` for a while."""
        for entry in (recovery.entry, *recovery.others):
            if is_mine(entry.owner):
                self._written.pop(entry.rel, None)
        self._move_to_discarded([e.file for e in (recovery.entry, *recovery.others)])

    def discard_mine(self, rel: str) -> None:
        """This process's entry for `rel` goes to `discarded/` (the tab was closed
        without saving)."""
        self._written.pop(rel, None)
        self._move_to_discarded([self.path_for(rel)])

    def _move_to_discarded(self, files: list[Path]) -> None:
        target = self.folder / DISCARDED_DIR
        for file in files:
            if not file.exists():
                continue
            try:
                storage.move_aside(file, target, f"{int(time.time() * 1000)}-{file.name}")
            except OSError:
                self._remove(file)
        self._prune(target)

    def _remove(self, file: Path) -> None:
        storage.remove(file, quiet=True)

    def _prune(self, folder: Path) -> None:
        try:
            files = sorted(folder.glob("*.json"), key=lambda p: p.name, reverse=True)
        except OSError:
            return
        for old in files[KEEP_DISCARDED:]:
            self._remove(old)


MAX_DIFF_LINES = 5000


def compare_texts(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two texts for a person to read (long diffs are cut short)."""
    import difflib

    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label,
                                      lineterm="", n=2))
    if not lines:
        return "The two versions are the same."
    if len(lines) > MAX_DIFF_LINES:
        cut = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"… {cut} more lines of differences"]
    return "\n".join(lines)
