"""The command line: `recapdesk [PROJECT]`, `new`, `check`, `export`, `publish`, `seo`,
`shot`, `stills`, `--version`.

Only the window and `shot` import Qt, and only inside their functions.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import time
from pathlib import Path

from recapdesk import __version__

COMMANDS = ("new", "check", "export", "publish", "seo", "shot", "stills")
QUICK_EXIT = frozenset({"check", "export"})  # batch commands that end without teardown


class UsageError(Exception):
    """Bad command-line usage: one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


# --- parsers ------------------------------------------------------------------------

def _window_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk", description="Write TV-episode recaps and publish them as "
                "HTML. Commands: new, check, export, publish, seo, shot "
                "(recapdesk COMMAND --help).")
    p.add_argument("project", nargs="?", help="project folder (default: the last one, or the "
                   "sample series on first run)")
    p.add_argument("--episode", help="open this episode (id like s01e04, or file stem)")
    p.add_argument("--version", action="version", version=f"recapdesk {__version__}")
    return p


def _new_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk new", description="Make a new recap project.")
    p.add_argument("path", help="folder to create")
    p.add_argument("--title", required=True, help="the series title")
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk check", description="List a project's problems as "
                "path:line: level: message. Exit 1 when there are errors.")
    p.add_argument("project")
    return p


def _export_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk export",
                description="Export publish-ready HTML, or Hugo page bundles.")
    p.add_argument("project")
    p.add_argument("-o", "--out", type=Path,
                   help="output folder (default: PROJECT/export; for Hugo, a folder in the "
                        "site's content, such as SITE/content/recaps)")
    p.add_argument("--format", choices=("html", "hugo"), default="html",
                   help="html: pages, a site or fragments (default); hugo: one page bundle "
                        "per recap (index.md and its stills)")
    p.add_argument("--episode", nargs="+", action="extend", default=[], metavar="ID",
                   help="export only these episodes")
    p.add_argument("--fragment", action="store_true", help="only the article body (for a CMS)")
    p.add_argument("--single-file", action="store_true",
                   help="self-contained pages: CSS inline, images as data URIs")
    p.add_argument("--spoiler-free", action="store_true",
                   help="drop every spoiler block and inline spoiler")
    p.add_argument("--drafts", action="store_true", help="include draft recaps")
    p.add_argument("--force", action="store_true", help="export even when there are errors")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


def _publish_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk publish", description="Publish the final recaps to the "
                "WordPress site in recapdesk.yaml (publish: wordpress: {url, user}); the "
                "application password comes from the system keyring or "
                "RECAPDESK_WORDPRESS_PASSWORD. Posts are updated in place; stills are "
                "uploaded once.")
    p.add_argument("project")
    p.add_argument("--episode", nargs="+", action="extend", default=[], metavar="ID",
                   help="publish only these episodes")
    p.add_argument("--status", choices=["draft", "publish"],
                   help="post status (new posts: draft unless given; others keep theirs)")
    p.add_argument("--drafts", action="store_true", help="include draft recaps")
    p.add_argument("--dry-run", action="store_true",
                   help="say what would be created, updated or uploaded; change nothing")
    p.add_argument("--force", action="store_true",
                   help="overwrite posts that were changed on the site")
    return p


def _seo_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk seo", description="Editorial checks of each recap: its "
                "focus keyphrase (`keyphrase:` in the front matter), readability with the "
                "Flesch reading ease, and names that drift from recapdesk.yaml. Changes no "
                "file. Exit 1 when a recap has a problem.")
    p.add_argument("project")
    p.add_argument("--episode", nargs="+", action="extend", default=[], metavar="ID",
                   help="check only these episodes")
    p.add_argument("--json", action="store_true",
                   help='print JSON: {"s01e04": {"checks": [{"id", "status", "message"}, '
                        '...], "flesch": 63.2, "score": "good|ok|problem"}}')
    return p


def _stills_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk stills", description="Stills from the episode's video: "
                "its shots (scenes), or the frame shown at a time saved as a still (grab).")
    sub = p.add_subparsers(dest="action", required=True, metavar="{scenes,grab}",
                           parser_class=_Parser)
    scenes = sub.add_parser("scenes", prog="recapdesk stills scenes",
                            help="the video's shots", description="The shots of a video: "
                            "start, end and a representative frame of each (seconds). The "
                            "result is remembered in ~/.cache/recapdesk/shots "
                            "($XDG_CACHE_HOME), so asking again is instant.")
    scenes.add_argument("video")
    scenes.add_argument("--json", action="store_true",
                        help='print JSON: [{"start": s, "end": s, "frame": s}, …]')
    scenes.add_argument("--no-cache", action="store_true",
                        help="scan again; neither read nor write the remembered shots")
    grab = sub.add_parser("grab", prog="recapdesk stills grab",
                          help="save the frame shown at a time as a still",
                          description="Save the frame shown at TIME (full resolution) into "
                          "the project's stills/ as s01e04-NN.jpg, registered in "
                          "stills.yaml with its caption, source and time; prints its name.")
    grab.add_argument("project")
    grab.add_argument("video")
    grab.add_argument("--at", required=True, metavar="TIME",
                      help="seconds (12.5), MM:SS(.mmm) or HH:MM:SS(.mmm)")
    grab.add_argument("--episode", metavar="ID", help="the recap the still belongs to "
                      "(default: the recap whose video: is this file)")
    return p


def _shot_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recapdesk shot", description="Render the main window with a project "
                "open into a PNG.")
    p.add_argument("project")
    p.add_argument("-o", "--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--episode", help="open this episode")
    p.add_argument("--size", default="1440x900", help="window size WxH (default 1440x900)")
    p.add_argument("--panel", choices=["outline", "stills", "editorial", "watch"],
                   default="outline",
                   help="which panel is in front besides the outline (default: outline)")
    return p


# --- commands -----------------------------------------------------------------------

def cmd_new(args: argparse.Namespace) -> int:
    from recapdesk.core.project import ProjectError, create_project

    try:
        series = create_project(Path(args.path), args.title)
    except ProjectError as exc:
        _err(f"recapdesk new: {exc}")
        return 2
    print(f"Created {series.root} with {series.rel(series.episodes[0].path)}")
    return 0


def _open(path: str):
    from recapdesk.core.project import ProjectError, open_project

    try:
        return open_project(Path(path))
    except ProjectError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def cmd_check(args: argparse.Namespace) -> int:
    from recapdesk.core.checks import check

    series = _open(args.project)
    problems = check(series)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        print(f"{series.title}: no problems in {len(series.episodes)} recap(s)", file=sys.stderr)
    else:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _bar(done: int, total: int, message: str) -> str:
    width = 28
    filled = int(width * done / max(total, 1))
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {message[:40]:<40}"


def cmd_export(args: argparse.Namespace) -> int:
    # An export leaves almost no cyclic garbage (~100 objects, whatever the number of
    # recaps), while the cycle collector's passes over the objects of its imports and
    # recaps cost it ~10 ms: it is off for the command (and in its workers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _export(args)
    finally:
        if collecting:
            gc.enable()


def _export(args: argparse.Namespace) -> int:
    from recapdesk.core.export.plan import ExportError, ExportOptions, plan
    from recapdesk.core.export.write import write

    if args.format == "hugo":
        from recapdesk.core.export.hugo import plan_hugo, write_hugo

    series = _open(args.project)
    options = ExportOptions(out=args.out, episodes=args.episode, fragment=args.fragment,
                            single_file=args.single_file, spoiler_free=args.spoiler_free,
                            drafts=args.drafts, force=args.force)
    hugo = args.format == "hugo"
    started = time.perf_counter()
    try:
        the_plan = plan_hugo(series, options) if hugo else plan(series, options,
                                                                  make_pages=True)
    except ExportError as exc:
        _err(f"recapdesk export: {exc}")
        return 2
    for problem in the_plan.problems:
        _err(str(problem))
    if the_plan.blocked:
        errors = sum(p.is_error for p in the_plan.problems)
        _err(f"recapdesk export: {errors} error(s); nothing was written "
             "(fix them, or use --force)")
        return 1
    tty = sys.stderr.isatty() and not args.quiet
    try:
        for step in write_hugo(the_plan) if hugo else write(the_plan):
            if tty:
                print(_bar(step.done, step.total, step.message), end="", file=sys.stderr)
    except ExportError as exc:
        if tty:
            print(file=sys.stderr)
        _err(f"recapdesk export: {exc}")
        return 2
    except KeyboardInterrupt:
        _err("\nrecapdesk export: cancelled; " + (
            "the bundles written so far are whole, the rest unchanged" if hugo
            else "nothing was changed"))
        return 2
    if tty:
        print(file=sys.stderr)
    elapsed = time.perf_counter() - started
    out = the_plan.out
    if hugo:
        if not args.quiet:
            print(f"Exported {len(the_plan.bundles)} Hugo page bundle(s) to {out} "
                  f"in {elapsed:.2f} s", file=sys.stderr)
        print(out)
        return 0
    pages = len(the_plan.targets) + int(the_plan.write_index)
    if not args.quiet:
        print(f"Exported {pages} page(s) and {len(the_plan.images)} image(s) to {out} "
              f"in {elapsed:.2f} s", file=sys.stderr)
    main_page = out / "index.html" if the_plan.write_index else None
    if main_page is None and the_plan.targets:
        from recapdesk.core.pages.context import page_name

        main_page = out / page_name(the_plan.targets[0])
    print(main_page or out)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from recapdesk.core.checks import check
    from recapdesk.core.publish import connect
    from recapdesk.core.publish.publisher import Publisher, PublishError, PublishOptions
    from recapdesk.core.publish.wordpress import WordPressError

    series = _open(args.project)
    problems = check(series)
    errors = [p for p in problems if p.is_error]
    for problem in errors:
        _err(str(problem))
    if errors:
        _err(f"recapdesk publish: {len(errors)} error(s); nothing was sent (fix them first)")
        return 1
    options = PublishOptions(episodes=args.episode, status=args.status, drafts=args.drafts,
                             force=args.force)
    tty = sys.stderr.isatty()
    try:
        with connect.wordpress_client(series) as client:
            publisher = Publisher(series, client, options)
            if args.dry_run:
                for line in connect.dry_run_lines(publisher):
                    print(line)
                return 0
            for step in publisher.run():
                if tty:
                    print(_bar(step.done, step.total, step.message), end="", file=sys.stderr)
    except (PublishError, WordPressError, connect.SettingsError) as exc:
        if tty:
            print(file=sys.stderr)
        _err(f"recapdesk publish: {exc}")
        return 2
    except KeyboardInterrupt:
        _err("\nrecapdesk publish: cancelled; the next run goes on from here")
        return 2
    if tty:
        print(file=sys.stderr)
    for note in publisher.notes:
        _err(f"recapdesk publish: note: {note}")
    refused = 0
    for outcome in publisher.outcomes.values():
        print(f"{outcome.id}\t{outcome.action}\t{outcome.link}")
        if outcome.action == "refused":
            refused += 1
            _err(f"recapdesk publish: {outcome.id}: {outcome.note}")
    return 1 if refused else 0


def cmd_seo(args: argparse.Namespace) -> int:
    import json

    from recapdesk.core.editorial import PROBLEM, analyse_series

    series = _open(args.project)
    chosen = []
    for ident in args.episode:
        ep = series.find_episode(ident)
        if ep is None:
            raise UsageError(f"recapdesk seo: no recap {ident!r} in {series.root}")
        chosen.append(ep)
    episodes = chosen or series.episodes
    for ep in episodes:
        if not ep.usable:
            _err(f"recapdesk seo: {series.rel(ep.path)} was not read cleanly; not analysed "
                 "(see recapdesk check)")
    results = analyse_series(series, episodes)
    if args.json:
        print(json.dumps({rid: r.as_json() for rid, r in results.items()}, indent=2,
                         ensure_ascii=False))
    else:
        by_id = {ep.id: ep for ep in episodes}
        for rid, result in results.items():
            print(_seo_report(series, by_id[rid], result))
    return 1 if any(c.status == PROBLEM for r in results.values() for c in r.checks) else 0


def _seo_report(series, ep, result) -> str:
    """One recap's checks as readable lines (where to look, for those not good)."""
    flesch = "–" if result.flesch is None else f"{result.flesch:.1f}"
    keyphrase = f"“{result.keyphrase}”" if result.keyphrase else "none"
    lines = [f"{ep.id}  {ep.title}",
             f"  score: {result.score}   Flesch reading ease: {flesch}   "
             f"keyphrase: {keyphrase}"]
    for check in result.checks:
        where = ""
        if check.status != "good" and check.spans:
            where = f" ({series.rel(ep.path)}:{check.spans[0].line + 1})"
        lines.append(f"  {check.status:<8} {check.id:<24} {check.message}{where}")
    return "\n".join(lines) + "\n"


def cmd_stills(args: argparse.Namespace) -> int:
    if args.action == "scenes":
        return _stills_scenes(args)
    return _stills_grab(args)


def _stills_scenes(args: argparse.Namespace) -> int:
    import json

    from recapdesk.core.video import USER_CACHE, VideoError, format_time, probe, scan_shots

    prog = "recapdesk stills scenes"
    tty = sys.stderr.isatty()

    def progress(fraction: float) -> None:
        if tty:
            print(_bar(round(fraction * 100), 100, "finding the shots"), end="",
                  file=sys.stderr)

    try:
        info = probe(args.video)
        shots = list(scan_shots(info.path, progress=progress,
                                cache_dir=None if args.no_cache else USER_CACHE))
    except VideoError as exc:
        if tty:
            print(file=sys.stderr)
        _err(f"{prog}: {exc}")
        return 1
    except KeyboardInterrupt:
        _err(f"\n{prog}: cancelled")
        return 130
    if tty:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps([shot.to_json() for shot in shots]))
    else:
        print(f"{'shot':>4}  {'start':<12}  {'end':<12}  {'frame':<12}")
        for n, shot in enumerate(shots, 1):
            print(f"{n:>4}  {format_time(shot.start)}  {format_time(shot.end)}  "
                  f"{format_time(shot.frame)}")
    if shots and info.duration and shots[-1].end < info.duration - 1.0:
        _err(f"{prog}: note: {info.path.name} breaks off at {format_time(shots[-1].end)} of "
             f"{format_time(info.duration)} (cut short or damaged): shots up to there")
    return 0


def _stills_grab(args: argparse.Namespace) -> int:
    from recapdesk.core.video import GrabError, VideoError, grab_still, parse_time

    prog = "recapdesk stills grab"
    try:
        at = parse_time(args.at)
    except ValueError as exc:
        raise UsageError(f"{prog}: --at: {exc}") from None
    series = _open(args.project)
    if args.episode and series.find_episode(args.episode) is None:
        raise UsageError(f"{prog}: no recap {args.episode!r} in {series.root.name}")
    try:
        name = grab_still(series, Path(args.video), at, episode=args.episode)
    except (VideoError, GrabError) as exc:
        _err(f"{prog}: {exc}")
        return 1
    print(name)
    return 0


def cmd_shot(args: argparse.Namespace) -> int:
    try:
        from recapdesk.ui.app import shot
    except ImportError as exc:
        _err(f"recapdesk shot: the window cannot start here ({exc})")
        return 2
    series = _open(args.project)
    try:
        width, height = (int(v) for v in args.size.lower().split("x", 1))
    except ValueError:
        raise UsageError(f"recapdesk shot: --size must look like 1440x900, not {args.size!r}") \
            from None
    return shot(series.root, args.out, episode=args.episode, size=(width, height),
                panel=args.panel)


def cmd_window(args: argparse.Namespace) -> int:
    try:
        from recapdesk.ui.app import run_window
    except ImportError:
        return _export_sample(args)
    return run_window(args.project, episode=args.episode)


def _export_sample(args: argparse.Namespace) -> int:
    """Without the window: export the project (default: the sample) and print index.html."""
    from recapdesk.core.appdata import sample_project

    project = args.project or str(sample_project())
    return cmd_export(_export_parser().parse_args([project, "--quiet"]))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            command, rest = argv[0], argv[1:]
            parser = {"new": _new_parser, "check": _check_parser, "export": _export_parser,
                      "publish": _publish_parser, "seo": _seo_parser,
                      "shot": _shot_parser, "stills": _stills_parser}[command]()
            args = parser.parse_args(rest)
            handler = {"new": cmd_new, "check": cmd_check, "export": cmd_export,
                       "publish": cmd_publish, "seo": cmd_seo,
                       "shot": cmd_shot, "stills": cmd_stills}[command]
            return handler(args)
        args = _window_parser().parse_args(argv)
        return cmd_window(args)
    except UsageError as exc:
        _err(str(exc))
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _err("recapdesk: interrupted")
        return 130
    except Exception as exc:  # one line for the user, details in a file
        log = _write_crash_log()
        _err(f"recapdesk: unexpected error: {exc.__class__.__name__}: {exc} "
             f"(details in {log})")
        return 2


def run() -> None:
    """The `recapdesk` program: `main`, then the exit. After a batch command (`check`,
    `export`) the process leaves without tearing the interpreter down object by object,
    which after an export of a big series costs ~20 ms: its exit handlers run and its
    output is flushed first, and the system frees the rest. The window and the other
    commands exit as usual."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def _write_crash_log() -> str:
    import tempfile
    import traceback

    from recapdesk.core import storage

    path = Path(tempfile.gettempdir()) / "recapdesk-last-error.txt"
    try:
        storage.atomic_write(path, traceback.format_exc(), durable=False)
    except OSError:
        return "no log: the temp folder is not writable"
    return str(path)


if __name__ == "__main__":
    sys.exit(main())
