"""The editorial analysis of a 5 000- and a 50 000-word recap (generated, with a focus
keyphrase): the time of one analysis, and what it adds to the inspection worker's work
for a text being typed (one inspection with the analysis against one without, both
from the same parse).

    python -m bench --only editorial
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.generate import make_project

SIZES = (5_000, 50_000)


def _best(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """(min, median) seconds of `rounds` calls after one warm-up."""
    fn()
    times = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def editorial_speed(work: Path, quick: bool = False) -> dict:
    """Per size: the analysis alone (from the tokens the worker has), the analysis with
    its own parse, and the worker's inspection of the text with and without it."""
    from recapdesk.core.editorial import analyse, analyse_text
    from recapdesk.core.inspection.inspector import _inspect_text
    from recapdesk.core.outline import parse_body
    from recapdesk.core.project import episode_from_text, open_project

    rounds = 3 if quick else 9
    results: dict = {}
    for words in SIZES:
        root = work / f"editorial{words // 1000}k"
        if not (root / "episodes" / "s01e01.md").exists():
            make_project(root, episodes=1, words=words, stills_per_episode=0)
        series = open_project(root)
        path = series.episodes[0].path
        text = path.read_text("utf-8").replace(
            "status: final\n", 'status: final\nkeyphrase: "Bench Ferry Episode 1"\n', 1)
        ep, _ = episode_from_text(path, text)
        tokens, _, offset = parse_body(text)

        alone = partial(analyse, series, ep, text=text, tokens=tokens, offset=offset)
        parsed = partial(analyse_text, series, path, text)
        inspect_with = partial(_inspect_text, series, path, text, True, True)
        inspect_without = partial(_inspect_text, series, path, text, True, False)

        analysis = _best(alone, rounds)
        standalone = _best(parsed, rounds)
        with_it, without = [], []
        for i in range(rounds):  # interleaved: load on the machine hits both alike
            pair = ((inspect_with, with_it), (inspect_without, without))
            for fn, into in pair if i % 2 else reversed(pair):
                into.append(_best(fn, 1)[0])
        best_with, best_without = min(with_it), min(without)
        results[f"{words // 1000}k"] = {
            "words": words,
            "analysis_ms": round(analysis[0] * 1000, 1),
            "analysis_ms_median": round(analysis[1] * 1000, 1),
            "analysis_with_parse_ms": round(standalone[0] * 1000, 1),
            "inspect_ms": round(best_without * 1000, 1),
            "inspect_with_editorial_ms": round(best_with * 1000, 1),
            "added_share": round((best_with - best_without) / best_with, 3),
            "added_vs_inspect": round((best_with - best_without) / best_without, 3),
            "rounds": rounds,
        }
    return results


def print_editorial(results: dict) -> None:
    print("\neditorial analysis (generated recap with a keyphrase; best of the rounds):")
    for size, r in results.items():
        print(f"  {size:>4} words: analysis {r['analysis_ms']:.0f} ms from the worker's "
              f"tokens ({r['analysis_with_parse_ms']:.0f} ms with its own parse); "
              f"inspection {r['inspect_ms']:.0f} → {r['inspect_with_editorial_ms']:.0f} ms: "
              f"{100 * r['added_share']:.0f}% of the worker's time per text "
              f"(+{100 * r['added_vs_inspect']:.0f}%)")
