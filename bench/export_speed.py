"""Export speed against its floors (issue 13's targets).

- `text_vs_bare`: `recapdesk export` of a 120-episode × 3000-word series (no stills),
  cold, against a process that only runs bare `MarkdownIt("commonmark").render` over the
  same files; process start counts on both sides.
- `stills_vs_floor`: a cold export's seconds per full-HD still (every width and format
  written) against, in one process, one Pillow decode + one resize + one encode per
  output file.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import make_project

BARE = """
import sys
from pathlib import Path
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark")
for f in sorted(Path(sys.argv[1]).glob("*.md")):
    md.render(f.read_text("utf-8"))
"""


def _timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr[-2000:]}")
    return took


def text_vs_bare(work: Path, rounds: int, env: dict[str, str], repo: Path,
                 log: Callable[[str], None]) -> dict:
    project = work / "text120"
    if not (project / "episodes" / "s01e120.md").exists():
        log("generating the 120-episode × 3000-word project")
        shutil.rmtree(project, ignore_errors=True)
        make_project(project, episodes=120, words=3_000, stills_per_episode=0)
    out = work / "text120-site"
    words = sum(len(p.read_text("utf-8").split()) for p in (project / "episodes").glob("*.md"))
    export_runs, bare_runs = [], []
    os.sync()  # (what the stills export before wrote is on disk: flushes time the export alone)
    for n in range(rounds):
        log(f"text export vs bare markdown-it ({n + 1}/{rounds})")
        shutil.rmtree(project / ".recapdesk", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        export_runs.append(_timed([sys.executable, "-m", "recapdesk", "export", str(project),
                                   "--out", str(out), "--quiet"], env, repo))
        bare_runs.append(_timed([sys.executable, "-c", BARE, str(project / "episodes")],
                                env, repo))
    export_s, bare_s = statistics.median(export_runs), statistics.median(bare_runs)
    return {"ratio": export_s / bare_s, "export_s": export_s, "bare_s": bare_s,
            "export_runs": export_runs, "bare_runs": bare_runs, "episodes": 120,
            "words": words, "pages": len(list(out.glob("*.html")))}


def floor_per_still(stills: list[Path]) -> dict:
    """One decode + one resize + one encode per output file, in this process."""
    from PIL import Image, ImageOps

    from recapdesk.core import images, web_images

    outputs = 0
    started = time.perf_counter()
    for path in stills:
        info = images.probe(path)
        for rendition in web_images.plan_renditions(info, path.stem):
            with Image.open(path) as im:
                im.load()
                upright = ImageOps.exif_transpose(im)
                sized = upright.resize((rendition.width, rendition.height),
                                       Image.Resampling.LANCZOS)
                web_images._encode(sized, rendition.format)
                outputs += 1
    took = time.perf_counter() - started
    return {"s_per_still": took / len(stills), "outputs_per_still": outputs / len(stills),
            "stills": len(stills)}


def stills_vs_floor(cold_export_s: float, export_stills: int, sample: list[Path]) -> dict:
    floor = floor_per_still(sample)
    per_still = cold_export_s / export_stills
    return {"ratio": per_still / floor["s_per_still"], "export_s_per_still": per_still,
            "floor_s_per_still": floor["s_per_still"],
            "outputs_per_still": floor["outputs_per_still"],
            "floor_sample_stills": floor["stills"], "export_stills": export_stills,
            "note": "the export's cold time includes its 24 pages"}

