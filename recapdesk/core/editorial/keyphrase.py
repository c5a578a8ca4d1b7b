"""The focus keyphrase (`keyphrase:` in the front matter) and the SEO checks, after
Yoast's SEO analysis for English.

Matching is per word, as Yoast's: function words (`to`, `the`, `of` …) are left out
unless the keyphrase has nothing else, word order does not matter except in the title,
and word forms count — a plural (`episodes`), a possessive (`Seo-rin's`) and case match.
Synonyms (`keyphrase_synonyms:` in the front matter, a list or a comma-separated line)
count wherever Yoast lets them: the introduction, the excerpt, subheadings and alt text;
not the title, the density or reuse.

Thresholds (Yoast's unless said):
- keyphrase-title: the keyphrase at the start of the title `good`, elsewhere in it or
  all its words in any order `ok`, words missing a `problem`.
- keyphrase-intro: all its words in one sentence of the first paragraph `good`, in the
  paragraph but not one sentence `ok`, else a `problem`.
- keyphrase-meta (the excerpt is the meta description): once or twice `good`; never,
  more than twice or no excerpt a `problem`.
- meta-length: 120–156 characters `good`; 100–119 and over 156 `ok`; under 100 (or no
  excerpt) a `problem`. Yoast calls every short description orange; a recap's excerpt
  is also its listing teaser and social card, so a clearly short one is worth fixing,
  while a few characters either way are not.
- keyphrase-density: Yoast's density (occurrences in sentences, captions and headings
  per 100 words, times 0.7 + content words / 3) from 0.5 to 3.5 `good`, above 3.5 a
  `problem`; never used a `problem`; used but under 0.5 `ok` (Yoast: red) — a recap
  uses its keyphrase in the title, the introduction and the captions, and should not be
  pushed into repeating it in the prose.
- keyphrase-alt: a still's alt text reflects the keyphrase when it has half of its
  words; with fewer than 5 images one such alt is `good`; with 5 or more, 30–75 % of
  them; otherwise `ok`. No image is `ok` (Yoast: red).
- keyphrase-subheadings: a subheading (levels 1–3; level 1 becomes 2 on export)
  reflects the keyphrase with half of its words; at least one and at most 75 % of them
  (or the only one) `good`; none or more `ok` (Yoast: 30–75 % green, else red) — a
  recap's headings name its scenes, and one "Final Thoughts on <keyphrase>" is enough.
- text-length: 300 words or more `good`, 250–299 `ok`, fewer a `problem`.
- internal-links: wikilinks and links under the site's `base_url` path; none is a
  `problem`.
- outbound-links: any other link (other series on the same host too); none is `ok`
  (Yoast: red) — a recap need not send readers away.
- keyphrase-reused: the same keyphrase (same words and forms, in order) on another recap
  of the project is a `problem` (Yoast: orange for one other post).
Without a keyphrase, the keyphrase checks are `ok` and say to set one.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from recapdesk.core.editorial.prose import Prose, Span
from recapdesk.core.editorial.results import GOOD, OK, PROBLEM, Check
from recapdesk.core.editorial.words import WORD, sentences

__all__ = ["FUNCTION_WORDS", "Keyphrase", "SeoInput", "link_kind", "seo_checks", "stem",
           "synonyms"]

FUNCTION_WORDS = frozenset("""
a an the and or but nor so yet for of to in on at by with from into onto upon over under
about above after before between through during without within along across against
among around behind below beneath beside besides beyond near off out up down than as
is are was were be been being am do does did have has had will would shall should can
could may might must i me my mine you your yours he him his she her hers it its we us
our ours they them their theirs this that these those who whom whose which what when
where why how all any both each every few more most other some such no not only own
same too very just also here there then if because while until again once ever
""".split())

META_GOOD = (120, 156)
META_MIN = 100
TEXT_GOOD, TEXT_OK = 300, 250
DENSITY_MIN, DENSITY_MAX = 0.5, 3.5


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word's form for matching: lower case, no possessive, no plural ending."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def stems(text: str) -> list[str]:
    return [stem(m.group()) for m in WORD.finditer(text)]


@dataclass(frozen=True)
class Keyphrase:
    """A keyphrase as matched: all its word forms in order, and its content words."""

    text: str
    forms: tuple[str, ...]
    content: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Keyphrase | None:
        forms = tuple(stems(text))
        if not forms:
            return None
        content = tuple(dict.fromkeys(f for f in forms if f not in FUNCTION_WORDS)) or \
            tuple(dict.fromkeys(forms))
        return cls(text.strip(), forms, content)

    def count_in(self, counts: Counter[str]) -> int:
        """Matches in one sentence: how many times all content words are there."""
        return min(counts[c] for c in self.content)

    def share_in(self, found: set[str]) -> float:
        """The share of the content words among `found` forms."""
        return sum(c in found for c in self.content) / len(self.content)


@dataclass(frozen=True)
class SeoInput:
    """What the SEO checks read besides the prose: front-matter values and their places,
    the other recaps' keyphrases (by id) and the site's base URL."""

    title: str
    title_span: Span
    excerpt: str
    excerpt_span: Span
    keyphrase: Keyphrase | None
    keyphrase_span: Span
    synonyms: tuple[Keyphrase, ...] = ()
    others: Mapping[str, str] | None = None
    base_url: str = ""


def link_kind(href: str, base_url: str) -> str:
    """`internal`, `outbound` or `` (a link within the page, mail, or no address) for a
    Markdown link's href, given the site's base URL."""
    href = href.strip()
    if not href or href.startswith("#"):
        return ""
    scheme = urlsplit(href).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return ""
    if not base_url:
        return "outbound" if scheme or href.startswith("//") else "internal"
    base, target = urlsplit(base_url), urlsplit(urljoin(base_url, href))
    path = base.path if base.path.endswith("/") else base.path + "/"
    same_host = target.netloc.lower() == base.netloc.lower()
    inside = (target.path + "/").startswith(path) if target.path else path == "/"
    return "internal" if same_host and inside else "outbound"


def _check(check_id: str, status: str, message: str, spans: Iterable[Span] = ()) -> Check:
    return Check(check_id, "seo", status, message, tuple(spans))


def seo_checks(prose: Prose, seo: SeoInput) -> list[Check]:
    """The SEO checks of a recap, in order."""
    words = sum(len(b.words()) for b in prose.blocks)
    return [
        _title(seo),
        _intro(prose, seo),
        _meta(seo),
        _meta_length(seo),
        _density(prose, seo, words),
        _alt(prose, seo),
        _subheadings(prose, seo, words),
        _text_length(words),
        *_links(prose, seo),
        _reused(seo),
    ]


def _no_keyphrase(check_id: str, what: str, seo: SeoInput) -> Check:
    return _check(check_id, OK, f"Set a focus keyphrase (`keyphrase:` in the front matter) "
                                f"to check {what}.", [seo.keyphrase_span])


def _title(seo: SeoInput) -> Check:
    kp = seo.keyphrase
    if kp is None:
        return _no_keyphrase("keyphrase-title", "the title", seo)
    forms = stems(seo.title)
    n = len(kp.forms)
    at = next((i for i in range(len(forms) - n + 1) if tuple(forms[i:i + n]) == kp.forms), -1)
    lead = next((i for i, f in enumerate(forms) if f not in FUNCTION_WORDS), 0)
    if at >= 0 and at <= lead:
        return _check("keyphrase-title", GOOD, "The title starts with the keyphrase.",
                      [seo.title_span])
    if at >= 0:
        return _check("keyphrase-title", OK, "The keyphrase is in the title but not at its "
                                             "start: move it to the front.", [seo.title_span])
    if kp.share_in(set(forms)) == 1:
        return _check("keyphrase-title", OK, "The title has the keyphrase's words but not "
                                             "the keyphrase itself: write it as one phrase, "
                                             "at the start.", [seo.title_span])
    return _check("keyphrase-title", PROBLEM,
                  f"The title does not contain the keyphrase “{kp.text}”: put it at the "
                  "start of the title.", [seo.title_span])


def _phrases(seo: SeoInput) -> list[Keyphrase]:
    return [seo.keyphrase, *seo.synonyms] if seo.keyphrase is not None else []


def _intro(prose: Prose, seo: SeoInput) -> Check:
    if seo.keyphrase is None:
        return _no_keyphrase("keyphrase-intro", "the first paragraph", seo)
    paragraphs = prose.paragraphs()
    if not paragraphs:
        return _check("keyphrase-intro", PROBLEM, "Write a first paragraph that names the "
                                                  "keyphrase.")
    first = paragraphs[0]
    phrases = _phrases(seo)
    for sentence in first.sentences():
        found = {stem(w.text) for w in sentence.words}
        if any(kp.share_in(found) == 1 for kp in phrases):
            return _check("keyphrase-intro", GOOD, "The first paragraph names the keyphrase.",
                          [first.span])
    found = {stem(w.text) for w in first.words()}
    if any(kp.share_in(found) == 1 for kp in phrases):
        return _check("keyphrase-intro", OK, "The keyphrase's words are in the first "
                                             "paragraph but not in one sentence: bring them "
                                             "together.", [first.span])
    return _check("keyphrase-intro", PROBLEM,
                  f"The first paragraph does not name the keyphrase “{seo.keyphrase.text}”: "
                  "say it there, ideally in the first sentence.", [first.span])


def _meta(seo: SeoInput) -> Check:
    if seo.keyphrase is None:
        return _no_keyphrase("keyphrase-meta", "the excerpt", seo)
    if not seo.excerpt:
        return _check("keyphrase-meta", PROBLEM, "Write an `excerpt:` with the keyphrase: "
                                                 "it is the page's meta description.",
                      [seo.excerpt_span])
    matches = 0
    for sentence in sentences(seo.excerpt) or []:
        counts = Counter(stem(w.text) for w in sentence.words)
        matches += max(kp.count_in(counts) for kp in _phrases(seo))
    if matches == 0:
        return _check("keyphrase-meta", PROBLEM,
                      f"The excerpt (the meta description) does not contain the keyphrase "
                      f"“{seo.keyphrase.text}”: add it.", [seo.excerpt_span])
    if matches > 2:
        return _check("keyphrase-meta", PROBLEM, f"The excerpt has the keyphrase {matches} "
                                                 "times: once or twice is enough.",
                      [seo.excerpt_span])
    return _check("keyphrase-meta", GOOD, "The excerpt (the meta description) has the "
                                          "keyphrase.", [seo.excerpt_span])


def _meta_length(seo: SeoInput) -> Check:
    n = len(seo.excerpt)
    low, high = META_GOOD
    if not n:
        return _check("meta-length", PROBLEM, "Write an `excerpt:` of 120–156 characters: it "
                                              "is the meta description and the listing "
                                              "teaser.", [seo.excerpt_span])
    if n < META_MIN:
        return _check("meta-length", PROBLEM, f"The excerpt is {n} characters: write "
                                              f"{low}–{high} so search results show a full "
                                              "teaser.", [seo.excerpt_span])
    if n < low:
        return _check("meta-length", OK, f"The excerpt is {n} characters: up to {high} are "
                                         "shown in search results; add a few words.",
                      [seo.excerpt_span])
    if n > high:
        return _check("meta-length", OK, f"The excerpt is {n} characters: search results "
                                         f"cut it after about {high}; shorten it.",
                      [seo.excerpt_span])
    return _check("meta-length", GOOD, f"The excerpt is {n} characters: a good length.",
                  [seo.excerpt_span])


def _counted_pieces(prose: Prose) -> Iterable[tuple[list[str], Span, bool]]:
    """Every sentence (heading, cell) and caption as word forms, with a place; True for
    a caption (its words are not among the text's)."""
    for block in prose.blocks:
        if block.kind == "paragraph":
            for s in block.sentences():
                yield ([stem(w.text) for w in s.words], prose.place(s.start, s.end - s.start),
                       False)
        else:
            yield [stem(w.text) for w in block.words()], block.span, False
    for image in prose.images:
        if image.caption:
            yield stems(image.caption), image.span, True


def _density(prose: Prose, seo: SeoInput, words: int) -> Check:
    kp = seo.keyphrase
    if kp is None:
        return _no_keyphrase("keyphrase-density", "how often the recap uses it", seo)
    count, spans = 0, []
    extra = 0
    for forms, span, caption in _counted_pieces(prose):
        if caption:
            extra += len(forms)
        n = kp.count_in(Counter(forms))
        if n:
            count += n
            spans.append(span)
    total = words + extra
    if count == 0:
        return _check("keyphrase-density", PROBLEM,
                      f"The text never uses the keyphrase “{kp.text}”: use it in the "
                      "introduction, a caption or a paragraph.", [seo.keyphrase_span])
    density = 100.0 * count / max(total, 1) * (0.7 + len(kp.content) / 3)
    times = "once" if count == 1 else f"{count} times"
    if density < DENSITY_MIN:
        return _check("keyphrase-density", OK, f"The keyphrase is used {times} "
                                               f"(density {density:.1f}, aim for "
                                               f"{DENSITY_MIN}–{DENSITY_MAX}): use it once "
                                               "or twice more.", spans)
    if density > DENSITY_MAX:
        return _check("keyphrase-density", PROBLEM, f"The keyphrase is used {times} "
                                                    f"(density {density:.1f}, at most "
                                                    f"{DENSITY_MAX}): use it less often.",
                      spans)
    return _check("keyphrase-density", GOOD, f"The keyphrase is used {times}: a good "
                                             "density.", spans)


def _reflects(text: str, phrases: Sequence[Keyphrase]) -> bool:
    found = set(stems(text))
    return any(kp.share_in(found) >= 0.5 for kp in phrases)


def _alt(prose: Prose, seo: SeoInput) -> Check:
    if seo.keyphrase is None:
        return _no_keyphrase("keyphrase-alt", "the stills' alt text", seo)
    images = prose.images
    if not images:
        return _check("keyphrase-alt", OK, "There is no still: add one whose alt text "
                                           "reflects the keyphrase.")
    phrases = _phrases(seo)
    with_kp = [i for i in images if _reflects(i.alt, phrases)]
    share = 100.0 * len(with_kp) / len(images)
    if len(images) < 5:
        if with_kp:
            return _check("keyphrase-alt", GOOD, "A still's alt text reflects the keyphrase.",
                          [i.span for i in with_kp])
    elif 30 <= share <= 75:
        return _check("keyphrase-alt", GOOD, f"{len(with_kp)} of {len(images)} stills have "
                                             "alt text that reflects the keyphrase.",
                      [i.span for i in with_kp])
    elif share > 75:
        return _check("keyphrase-alt", OK, f"{len(with_kp)} of {len(images)} stills repeat "
                                           "the keyphrase in their alt text: describe what "
                                           "some of them show instead.",
                      [i.span for i in with_kp])
    return _check("keyphrase-alt", OK, f"{len(with_kp)} of {len(images)} stills have alt "
                                       "text that reflects the keyphrase: name it where it "
                                       "fits the picture.",
                  [i.span for i in images if i not in with_kp])


def _subheadings(prose: Prose, seo: SeoInput, words: int) -> Check:
    if seo.keyphrase is None:
        return _no_keyphrase("keyphrase-subheadings", "the subheadings", seo)
    heads = [b for b in prose.headings() if b.level <= 3]
    if not heads:
        status = GOOD if words <= TEXT_GOOD else OK
        return _check("keyphrase-subheadings", status,
                      "There is no subheading" + ("; the text is short enough."
                                                  if status == GOOD else
                                                  ": add ## headings, one with the "
                                                  "keyphrase."))
    phrases = _phrases(seo)
    with_kp = [h for h in heads if _reflects(h.text, phrases)]
    share = 100.0 * len(with_kp) / len(heads)
    if with_kp and (len(heads) == 1 or share <= 75):
        return _check("keyphrase-subheadings", GOOD, f"{len(with_kp)} of {len(heads)} "
                                                     "subheadings reflect the keyphrase.",
                      [h.span for h in with_kp])
    if share > 75:
        return _check("keyphrase-subheadings", OK, f"{len(with_kp)} of {len(heads)} "
                                                   "subheadings repeat the keyphrase: let "
                                                   "some name the scene instead.",
                      [h.span for h in with_kp])
    return _check("keyphrase-subheadings", OK, f"{len(with_kp)} of {len(heads)} subheadings "
                                               "reflect the keyphrase: use it in one or two "
                                               "(a \"Final Thoughts on …\" heading, say).",
                  [h.span for h in heads])


def _text_length(words: int) -> Check:
    if words >= TEXT_GOOD:
        return _check("text-length", GOOD, f"The text has {words} words.")
    status = OK if words >= TEXT_OK else PROBLEM
    return _check("text-length", status, f"The text has {words} words: write at least "
                                         f"{TEXT_GOOD}.")


def _links(prose: Prose, seo: SeoInput) -> list[Check]:
    internal = [link for link in prose.links
                if link.wiki or link_kind(link.href, seo.base_url) == "internal"]
    outbound = [link for link in prose.links
                if not link.wiki and link_kind(link.href, seo.base_url) == "outbound"]
    if internal:
        inner = _check("internal-links", GOOD, f"{len(internal)} link(s) to other recaps "
                                               "of the series.", [x.span for x in internal])
    else:
        inner = _check("internal-links", PROBLEM, "No link to another recap of the series: "
                                                  "link the previous episode with "
                                                  "[[s01e03]] (an “Also Read” box).")
    if outbound:
        outer = _check("outbound-links", GOOD, f"{len(outbound)} link(s) to other sites.",
                       [x.span for x in outbound])
    else:
        outer = _check("outbound-links", OK, "No link to another site: link a source, an "
                                             "article or where the show streams.")
    return [inner, outer]


def _reused(seo: SeoInput) -> Check:
    kp = seo.keyphrase
    if kp is None:
        return _no_keyphrase("keyphrase-reused", "that each recap has its own", seo)
    same = sorted(other for other, text in (seo.others or {}).items()
                  if tuple(stems(text)) == kp.forms)
    if same:
        return _check("keyphrase-reused", PROBLEM,
                      f"“{kp.text}” is also the keyphrase of {', '.join(same)}: give each "
                      "recap its own (its episode number, say).", [seo.keyphrase_span])
    return _check("keyphrase-reused", GOOD, "No other recap of the project has this "
                                            "keyphrase.", [seo.keyphrase_span])


def synonyms(value: object) -> tuple[Keyphrase, ...]:
    """`keyphrase_synonyms:` as keyphrases: a list, or one comma-separated line."""
    if isinstance(value, str):
        items: list[object] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return ()
    found = (Keyphrase.parse(str(item)) for item in items if item is not None)
    return tuple(kp for kp in found if kp is not None)
