"""`check`: every problem with its exact `path:line: level: message` line and level."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recapdesk.core.checks import check, check_episode, has_errors
from recapdesk.core.project import open_project

# Lines 1-8 are the front matter; the body starts on line 9.
FRONT = (
    "---\n"                      # 1
    'title: "A Recap"\n'         # 2
    "season: 1\n"                # 3
    "episode: {episode}\n"       # 4
    "status: {status}\n"         # 5
    "spoilers: {spoilers}\n"     # 6
    'excerpt: "A teaser."\n'     # 7
    "---\n"                      # 8
)
BODY = 9


def recap(body: str, *, episode: int = 1, status: str = "final", spoilers: str = "none") -> str:
    return FRONT.format(episode=episode, status=status, spoilers=spoilers) + body


def lines_for(problems, path: str = "episodes/e.md") -> list[str]:
    return [str(p) for p in problems if p.path == path]


def run(root: Path, path: str = "episodes/e.md") -> list[str]:
    return lines_for(check(open_project(root)), path)


def only(lines: list[str]) -> str:
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def proj(make_project, make_image):
    """Make a project with one valid still `stills/ok.jpg` (described in stills.yaml)."""

    def factory(files: dict[str, str | bytes], stills_yaml: str | None = None) -> Path:
        files = dict(files)
        if stills_yaml is not None:
            files["stills/stills.yaml"] = stills_yaml
        root = make_project(files)
        make_image(root / "stills" / "ok.jpg", size=(320, 180))
        return root

    return factory


# --- the sample ------------------------------------------------------------------------

def test_sample_has_no_errors(sample_project: Path) -> None:
    problems = check(open_project(sample_project))
    assert not has_errors(problems), [str(p) for p in problems]
    assert [p for p in problems if p.level == "error"] == []


def test_clean_episode_has_no_problems(proj) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![A still](../stills/ok.jpg)\n")})
    assert run(root) == []


# --- images ------------------------------------------------------------------------------

def test_missing_image(proj) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![A still](../stills/nope.jpg)\n")})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: ")
    assert "missing image" in line and "nope.jpg" in line


def test_corrupt_image(proj) -> None:
    root = proj({
        "episodes/e.md": recap("Intro.\n\nMore.\n\n![A still](../stills/bad.jpg)\n"),
        "stills/bad.jpg": b"this is not a jpeg at all" * 40,
    })
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 4}: error: bad.jpg: ")
    assert "not a readable image" in line


def test_truncated_jpeg(proj, make_image) -> None:
    root = proj({"episodes/e.md": recap("![A still](../stills/cut.jpg)\n")})
    full = make_image(root / "stills" / "full.jpg", size=(400, 300), noise=True)
    data = full.read_bytes()
    full.unlink()
    (root / "stills" / "cut.jpg").write_bytes(data[: len(data) // 2])
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY}: error: cut.jpg: ")
    assert "truncated or corrupt" in line


def test_zero_byte_image(proj) -> None:
    root = proj({
        "episodes/e.md": recap("Intro.\n\n![A still](../stills/empty.jpg)\n"),
        "stills/empty.jpg": b"",
    })
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: empty.jpg: ")
    assert "empty" in line.split("empty.jpg: ", 1)[1]


def test_image_outside_project_via_dotdot(proj, make_image) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![A still](../../x.jpg)\n")})
    make_image(root.parent / "x.jpg", size=(100, 100))
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: ")
    assert "outside the project" in line


def test_image_deep_dotdot_outside_project(proj, make_image) -> None:
    body = "![A still](../stills/../../../x.jpg)\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY}: error: ")
    assert "outside the project" in line


def test_absolute_image_path(proj) -> None:
    root = proj({"episodes/e.md": "placeholder"})
    absolute = (root / "stills" / "ok.jpg").resolve().as_posix()
    (root / "episodes" / "e.md").write_text(recap(f"Intro.\n\n![A still]({absolute})\n"))
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: ")
    assert "absolute" in line


def test_symlinked_still_pointing_outside(proj, make_image, tmp_path: Path) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![A still](../stills/link.jpg)\n")})
    outside = make_image(tmp_path / "elsewhere" / "private.jpg", size=(200, 100))
    os.symlink(outside, root / "stills" / "link.jpg")
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: ")
    assert "outside the project" in line


def test_symlinked_still_inside_project_is_fine(proj) -> None:
    root = proj({"episodes/e.md": recap("![A still](../stills/alias.jpg)\n")})
    os.symlink(root / "stills" / "ok.jpg", root / "stills" / "alias.jpg")
    assert run(root) == []


def test_still_without_alt_anywhere_is_an_error(proj) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![](../stills/ok.jpg)\n")})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: still ok.jpg has no alt text")


def test_still_with_empty_yaml_alt_is_an_error(proj) -> None:
    root = proj({"episodes/e.md": recap("![](../stills/ok.jpg)\n")},
                stills_yaml="ok.jpg:\n  caption: Only a caption\n")
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY}: error: ")
    assert "alt" in line


def test_alt_only_in_stills_yaml_is_fine(proj) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\n![](../stills/ok.jpg)\n")},
                stills_yaml="ok.jpg:\n  alt: A described still\n")
    assert run(root) == []
    assert run(root, "stills/stills.yaml") == []


def test_a_remote_image_never_borrows_a_stills_alt_text(proj, make_image) -> None:
    """A web image or an image in another folder that shares a still's file name is
    another picture: the still's alt text in stills.yaml does not describe it."""
    root = proj({"episodes/e.md": recap("![](https://example.com/img/ok.jpg)\n\n"
                                        "![](../other/ok.jpg)\n")},
                stills_yaml="ok.jpg:\n  alt: A described still\n")
    make_image(root / "other" / "ok.jpg", size=(32, 18))
    lines = run(root)
    assert f"episodes/e.md:{BODY}: error: still ok.jpg has no alt text" in " ".join(lines)
    assert any(line.startswith(f"episodes/e.md:{BODY + 2}: error: still ok.jpg has no alt")
               for line in lines)
    assert has_errors(check(open_project(root)))


def test_remote_image_is_a_warning(proj) -> None:
    root = proj({"episodes/e.md": recap("![A still](https://example.com/x.jpg)\n")})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY}: warning: remote image")


def test_missing_cover_is_an_error_on_its_line(proj) -> None:
    text = recap("Body.\n").replace('excerpt: "A teaser."\n',
                                    'excerpt: "A teaser."\ncover: ../stills/gone.jpg\n')
    root = proj({"episodes/e.md": text})
    line = only(run(root))
    assert line.startswith("episodes/e.md:8: error: cover: ")
    assert "missing image" in line


def test_described_still_not_in_folder_is_a_warning(proj) -> None:
    root = proj({"episodes/e.md": recap("Body.\n")},
                stills_yaml="# header\nok.jpg:\n  alt: fine\ngone.jpg:\n  alt: not there\n")
    line = only(run(root, "stills/stills.yaml"))
    assert line.startswith("stills/stills.yaml:4: warning: gone.jpg")


# --- wikilinks ----------------------------------------------------------------------------

def test_unresolved_wikilink_is_an_error(proj) -> None:
    root = proj({"episodes/e.md": recap("Intro.\n\nSee [[s01e09]] for more.\n")})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: [[s01e09]]")


def test_unresolved_wikilink_after_soft_breaks(proj) -> None:
    body = "Intro.\n\nFirst line of a paragraph\nsecond line\nthird [[nowhere|label]] line\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 4}: error: [[nowhere]]")


def test_resolved_wikilinks_are_fine(proj) -> None:
    root = proj({
        "episodes/e.md": recap("See [[s01e02]], [[S01E02|label]] and [[other]].\n"),
        "episodes/other.md": recap("Back to [[e]].\n", episode=2),
    })
    assert run(root) == []
    assert run(root, "episodes/other.md") == []


def test_wikilink_to_draft_from_final_is_a_warning(proj) -> None:
    root = proj({
        "episodes/e.md": recap("Intro.\n\nNext: [[s01e02]].\n"),
        "episodes/d.md": recap("Back to [[s01e01]] and [[s01e02]].\n", episode=2,
                               status="draft"),
    })
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: warning: [[s01e02]]")
    assert "draft" in line
    # a draft linking to itself or to a final recap is fine
    assert run(root, "episodes/d.md") == []


# --- front matter --------------------------------------------------------------------------

def test_bad_front_matter_yaml_error_line(proj) -> None:
    text = recap("Body.\n").replace('excerpt: "A teaser."', "excerpt: broken: value")
    root = proj({"episodes/e.md": text})
    problems = check(open_project(root))
    line = only(lines_for(problems))
    assert line.startswith("episodes/e.md:7: error: bad front matter")
    assert has_errors(problems)


def test_bad_front_matter_yaml_error_line_with_crlf(proj) -> None:
    text = recap("Body.\n").replace("season: 1", "season: [1").replace("\n", "\r\n")
    root = proj({"episodes/e.md": text})
    line = only(run(root))
    assert ": error: bad front matter" in line
    assert line.startswith(("episodes/e.md:3:", "episodes/e.md:4:"))


def test_non_utf8_file_line(proj) -> None:
    raw = recap("Line nine.\nLine ten.\nLine eleven has caf\xe9\n").encode("latin-1")
    root = proj({"episodes/e.md": raw})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: error: ")
    assert "UTF-8" in line


def test_non_utf8_in_front_matter_line(proj) -> None:
    raw = recap("Body.\n").replace("A Recap", "R\xe9cap").encode("latin-1")
    root = proj({"episodes/e.md": raw})
    line = only(run(root))
    assert line.startswith("episodes/e.md:2: error: ")


def test_duplicate_episode_ids(proj) -> None:
    root = proj({
        "episodes/a.md": recap("One.\n"),
        "episodes/b.md": recap("Two.\n"),
    })
    problems = check(open_project(root))
    assert lines_for(problems, "episodes/a.md") == []
    line = only(lines_for(problems, "episodes/b.md"))
    assert line.startswith("episodes/b.md:4: error: duplicate episode id s01e01")
    assert has_errors(problems)


def test_wikilink_to_file_stem_is_case_insensitive(proj) -> None:
    no_numbers = '---\ntitle: "T"\nexcerpt: "x"\n---\nBody.\n'
    root = proj({"episodes/Special.md": no_numbers,
                 "episodes/x.md": recap("See [[special]].\n")})
    assert run(root, "episodes/x.md") == []


def test_spoilers_none_with_spoiler_block(proj) -> None:
    body = "Intro.\n\n::: spoiler The twist\nHidden.\n:::\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: warning: spoiler markup")


def test_spoilers_none_with_inline_spoiler(proj) -> None:
    body = "Intro.\n\nPlain.\n\nThe killer is ||the butler||.\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 4}: warning: spoiler markup")


def test_spoiler_markup_with_spoiler_level_set_is_fine(proj) -> None:
    body = "||a|| and\n\n::: spoiler\nb\n:::\n"
    root = proj({"episodes/e.md": recap(body, spoilers="minor")})
    assert run(root) == []


def test_spoilers_missing_key_with_markup_is_a_warning(proj) -> None:
    text = recap("Intro.\n\n||secret||\n").replace("spoilers: none\n", "")
    root = proj({"episodes/e.md": text})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 1}: warning: spoiler markup")


def test_invalid_spoilers_value(proj) -> None:
    root = proj({"episodes/e.md": recap("Body.\n", spoilers="lots")})
    line = only(run(root))
    assert line.startswith("episodes/e.md:6: error: spoilers must be one of none, minor, major")
    assert "lots" in line


def test_invalid_status_value(proj) -> None:
    root = proj({"episodes/e.md": recap("Body.\n", status="published")})
    line = only(run(root))
    assert line.startswith("episodes/e.md:5: error: status must be one of draft, final")


@pytest.mark.parametrize(("replace", "new", "line", "key"), [
    ("season: 1", "season: one", 3, "season"),
    ("episode: 1", "episode: -1", 4, "episode"),
    ('excerpt: "A teaser."', 'excerpt: "A teaser."\nrating: 7', 8, "rating"),
    ('excerpt: "A teaser."', 'excerpt: "A teaser."\ndate: someday', 8, "date"),
    ('excerpt: "A teaser."', 'excerpt: "A teaser."\nruntime: long', 8, "runtime"),
])
def test_invalid_front_values(proj, replace: str, new: str, line: int, key: str) -> None:
    text = recap("Body.\n").replace(replace, new)
    root = proj({"episodes/e.md": text})
    errors = [s for s in run(root) if ": error: " in s]
    assert errors, run(root)
    assert errors[0].startswith(f"episodes/e.md:{line}: error: {key} ")


def test_level_one_heading_warning(proj) -> None:
    body = "Intro.\n\n## Fine heading\n\nText.\n\n# Top heading\n\nMore.\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 6}: warning: level-1 heading")


def test_setext_level_one_heading_warning(proj) -> None:
    body = "Intro.\n\nBig Title\n=========\n"
    root = proj({"episodes/e.md": recap(body)})
    line = only(run(root))
    assert line.startswith(f"episodes/e.md:{BODY + 2}: warning: level-1 heading")


def test_missing_front_matter_keys_are_warnings_only(proj) -> None:
    root = proj({"episodes/loose.md": "Just text, no front matter.\n"})
    lines = run(root, "episodes/loose.md")
    assert lines
    assert all(": warning: " in s for s in lines)
    assert all(s.startswith("episodes/loose.md:1: ") for s in lines)


# --- several problems at once --------------------------------------------------------------

def test_problems_sorted_by_path_and_line(proj) -> None:
    body = ("# Heading\n"                         # 9
            "\n"
            "See [[nowhere]].\n"                  # 11
            "\n"
            "![](../stills/missing.jpg)\n")       # 13
    root = proj({"episodes/e.md": recap(body), "episodes/a.md": recap("[[zzz]]\n",
                                                                        episode=2)})
    problems = check(open_project(root))
    got = [(p.path, p.line, p.level) for p in problems]
    assert got == sorted(got, key=lambda t: (t[0], t[1], t[2] != "error"))
    e_lines = [(p.line, p.level) for p in problems if p.path == "episodes/e.md"]
    assert (BODY, "warning") in e_lines
    assert (BODY + 2, "error") in e_lines
    assert e_lines.count((BODY + 4, "error")) == 2  # missing file, and no alt
    assert [(p.line, p.level) for p in problems if p.path == "episodes/a.md"] == [
        (BODY, "error")]


def test_check_episode_matches_check(proj) -> None:
    root = proj({"episodes/e.md": recap("[[nope]]\n\n![x](../stills/none.jpg)\n")})
    series = open_project(root)
    ep = series.episodes[0]
    assert sorted(map(str, check_episode(series, ep))) == sorted(run(root))


def test_raw_html_images_are_checked(proj) -> None:
    """Export copies only Markdown images and keeps only http(s) sources in raw HTML: a
    raw <img> of a project file would be a broken image on the page."""
    body = ('Intro.\n\n<div>\n<img src="../stills/ok.jpg" alt="A still">\n</div>\n\n'
            'Text <img src="https://example.com/x.jpg" alt="far"> and '
            "<img src='../../secret.jpg'>.\n")
    root = proj({"episodes/e.md": recap(body)})
    lines = run(root)
    assert len(lines) == 4, lines
    assert lines[0].startswith(f"episodes/e.md:{BODY + 3}: error: raw HTML image "
                               "../stills/ok.jpg is not exported: write it as ![alt](")
    later = sorted(lines[1:])
    assert later[0].startswith(f"episodes/e.md:{BODY + 6}: error: raw HTML image "
                               "../../secret.jpg has no alt text")
    assert later[1].startswith(f"episodes/e.md:{BODY + 6}: error: raw HTML image "
                               "../../secret.jpg is not exported")
    assert later[2].startswith(f"episodes/e.md:{BODY + 6}: warning: remote image "
                               "https://example.com/x.jpg")
    assert has_errors(check(open_project(root)))
