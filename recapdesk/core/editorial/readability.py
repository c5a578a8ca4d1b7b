"""Readability checks of a recap's prose (English), after Yoast's readability analysis,
and its Flesch reading ease.

Flesch reading ease = 206.835 − 1.015 × words/sentences − 84.6 × syllables/words, over
the sentences of the prose paragraphs (headings, table cells, captions and "Also Read"
boxes are not sentences). Syllables are counted offline (`syllables`).

Thresholds (Yoast's for English unless said):
- subheading-distribution: a section (the text before the first heading, or under one)
  over 300 words is `ok`, over 350 a `problem`; a text over 300 words without any
  heading is a `problem`.
- paragraph-length: a paragraph over 150 words is `ok`, over 200 a `problem`.
- sentence-length: sentences over 20 words: up to 25 % `good`, up to 30 % `ok`, more a
  `problem`.
- consecutive-sentences: three or more sentences in a row starting with the same word
  are a `problem` (an article or number and the word after it count as the start).
- passive-voice: sentences with a passive: up to 10 % `good`, up to 15 % `ok`, more a
  `problem`.
- transition-words: sentences with a transition word: 30 % or more `good`, 20 % `ok`;
  fewer are `ok` too, not a `problem` (Yoast: red). A recap retells scenes in order and
  leans on names and times more than on connectives; texts under 200 words are not
  rated (as Yoast).
- flesch: 60 or more `good`, 50–60 `ok`, under 50 a `problem`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from recapdesk.core.editorial.prose import Block, Prose, Span
from recapdesk.core.editorial.results import GOOD, OK, PROBLEM, Check
from recapdesk.core.editorial.syllables import count_syllables
from recapdesk.core.editorial.words import Sentence

__all__ = ["TRANSITION_PHRASES", "TRANSITION_WORDS", "flesch_reading_ease", "has_passive",
           "readability_checks", "sentence_start"]

LONG_SENTENCE = 20
SECTION_OK, SECTION_MAX = 300, 350
PARAGRAPH_OK, PARAGRAPH_MAX = 150, 200

TRANSITION_WORDS = frozenset("""
accordingly additionally afterward afterwards albeit also although altogether another
because before besides but consequently conversely correspondingly finally first firstly
further furthermore hence however identically indeed instead last lastly later likewise
meanwhile moreover namely nevertheless next nonetheless notably now obviously once
otherwise overall particularly previously second secondly similarly simultaneously since
so soon still subsequently such then therefore third thirdly thus too ultimately unless
until whereas while yet suddenly eventually immediately initially meantime earlier
specifically especially surely undoubtedly certainly admittedly alternatively
""".split())
TRANSITION_PHRASES = (
    "above all", "after all", "after that", "all in all", "all of a sudden", "as a result",
    "as long as", "as soon as", "as well as", "at first", "at last", "at the same time",
    "at this point", "because of", "by the time", "by contrast", "even if", "even so",
    "even though", "for example", "for instance", "for this reason", "in addition",
    "in contrast", "in fact", "in other words", "in short", "in the end", "in the meantime",
    "in turn", "just as", "on the contrary", "on the other hand", "so that", "such as",
    "that is", "to begin with", "to sum up", "up to", "no sooner", "rather than",
    "not only", "as if", "in spite of", "despite this", "until then", "by then",
)
_PHRASES = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in TRANSITION_PHRASES) + r")\b")

_BE = frozenset("am is are was were be been being get gets got gotten getting "
                "isn't aren't wasn't weren't".split())
_BETWEEN = frozenset("not never also just still already often always really "
                     "then being been quickly".split())
IRREGULAR_PARTICIPLES = frozenset("""
arisen awoken beaten become begun bent bet bid bitten bled blown broken brought built
burnt bought caught chosen come cost crept cut dealt dug done drawn dreamt driven drunk
eaten fallen fed felt fought found fled flung flown forbidden forgotten forgiven frozen
given gone ground grown hung had heard hidden hit held hurt kept knelt known laid led
leant left lent let lain lit lost made meant met paid proven put quit read ridden rung
risen run said seen sought sold sent set sewn shaken shed shone shot shown shrunk shut
sung sunk sat slain slept slid slung spoken spent spun split spread sprung stood stolen
stuck stung struck sworn swept swum swung taken taught torn told thought thrown
understood woken worn woven wept won wound written
""".split())
_NOT_PARTICIPLES = frozenset("bed red need seed feed speed shed bred hundred sacred "
                             "naked wicked ragged rugged wretched beloved crooked".split())
# a sentence start that is not a start of its own: "The man …", "Two days …"
FIRST_WORD_EXCEPTIONS = frozenset("""
a an the this that these those one two three four five six seven eight nine ten
""".split())


@dataclass(frozen=True)
class _Read:
    """The prose paragraphs and their sentences, split once."""

    paragraphs: list[Block]
    sentences: list[Sentence]
    starts: list[int] = field(default_factory=list)  # each paragraph's first character


def flesch_reading_ease(sentences: list[Sentence]) -> float | None:
    """Flesch reading ease of these sentences (None without any word)."""
    total_words = sum(len(s.words) for s in sentences)
    if not sentences or not total_words:
        return None
    syllables = sum(count_syllables(w.text) for s in sentences for w in s.words)
    return 206.835 - 1.015 * total_words / len(sentences) - 84.6 * syllables / total_words


def has_passive(sentence: Sentence) -> bool:
    """A form of *be* or *get*, maybe an adverb or two, then a past participle."""
    ws = [w.text.lower().replace("’", "'") for w in sentence.words]
    for i, word in enumerate(ws):
        if word not in _BE:
            continue
        for nxt in ws[i + 1:i + 4]:
            if _is_participle(nxt):
                return True
            if nxt not in _BETWEEN and not nxt.endswith("ly"):
                break
    return False


def _is_participle(word: str) -> bool:
    if word in IRREGULAR_PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PARTICIPLES


def has_transition(sentence: Sentence) -> bool:
    lowered = [w.text.lower() for w in sentence.words]
    if any(w in TRANSITION_WORDS for w in lowered):
        return True
    return bool(_PHRASES.search(" ".join(lowered)))


def sentence_start(sentence: Sentence) -> str:
    """The start that counts for repetition: the first word, lower-cased, or the first
    two when the first is an article or a number."""
    ws = [w.text.lower() for w in sentence.words[:2]]
    if len(ws) == 2 and (ws[0] in FIRST_WORD_EXCEPTIONS or ws[0].isdigit()):
        return " ".join(ws)
    return ws[0] if ws else ""


def _share(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def readability_checks(prose: Prose) -> tuple[list[Check], float | None]:
    """The readability checks of a recap, in order, and its Flesch reading ease."""
    paragraphs = prose.paragraphs()
    read = _Read(paragraphs, [s for p in paragraphs for s in p.sentences()],
                 [p.span.start for p in paragraphs])
    checks = [
        _subheading_distribution(prose),
        _paragraph_length(read),
        _sentence_length(read),
        _consecutive(read),
        _passive(read),
        _transitions(read),
    ]
    score = flesch_reading_ease(read.sentences)
    checks.append(_flesch(score, read))
    return checks, score


def _check(check_id: str, status: str, message: str, spans: list[Span] | None = None
           ) -> Check:
    return Check(check_id, "readability", status, message, tuple(spans or ()))


def _subheading_distribution(prose: Prose) -> Check:
    sections: list[tuple[int, Span | None]] = [(0, None)]
    for block in prose.blocks:
        if block.kind == "heading":
            sections.append((0, block.span))
        elif block.kind in ("paragraph", "cell"):
            count, where = sections[-1]
            sections[-1] = (count + len(block.words()), where or block.span)
    total = sum(count for count, _ in sections)
    if len(sections) == 1:
        if total > SECTION_OK:
            return _check("subheading-distribution", PROBLEM,
                          f"The text has {total} words and no subheading: add a ## heading "
                          f"every {SECTION_OK} words or so.")
        return _check("subheading-distribution", GOOD,
                      "The text is short enough not to need subheadings.")
    too_long = [(c, s) for c, s in sections if c > SECTION_MAX]
    long = [(c, s) for c, s in sections if SECTION_OK < c <= SECTION_MAX]
    worst = too_long or long
    if not worst:
        return _check("subheading-distribution", GOOD,
                      f"Every section is under {SECTION_OK} words.")
    spans = [s for _, s in worst if s is not None]
    status = PROBLEM if too_long else OK
    limit = SECTION_MAX if too_long else SECTION_OK
    return _check("subheading-distribution", status,
                  f"{_plural(len(worst), 'section')} run over {limit} words without a "
                  "subheading: split them with a ## heading.", spans)


def _paragraph_length(read: _Read) -> Check:
    lengths = [(len(p.words()), p) for p in read.paragraphs]
    too_long = [p for n, p in lengths if n > PARAGRAPH_MAX]
    long = [p for n, p in lengths if PARAGRAPH_OK < n <= PARAGRAPH_MAX]
    if too_long:
        return _check("paragraph-length", PROBLEM,
                      f"{_plural(len(too_long), 'paragraph')} over {PARAGRAPH_MAX} words: "
                      "break them up.", [p.span for p in too_long])
    if long:
        return _check("paragraph-length", OK,
                      f"{_plural(len(long), 'paragraph')} over {PARAGRAPH_OK} words: "
                      "consider breaking them up.", [p.span for p in long])
    return _check("paragraph-length", GOOD, f"No paragraph is over {PARAGRAPH_OK} words.")


def _sentence_spans(sentences: list[Sentence], read: _Read) -> list[Span]:
    """Sentences' places: their characters, and their paragraph's lines."""
    spans = []
    for s in sentences:
        index = max(0, bisect.bisect_right(read.starts, s.start) - 1)
        block = read.paragraphs[index]
        spans.append(Span(block.span.line, block.span.end_line, s.start, s.end))
    return spans


def _sentence_length(read: _Read) -> Check:
    long = [s for s in read.sentences if len(s.words) > LONG_SENTENCE]
    share = _share(len(long), len(read.sentences))
    if share <= 25:
        return _check("sentence-length", GOOD,
                      f"{share:.0f}% of the sentences are over {LONG_SENTENCE} words "
                      "(at most 25% is fine).")
    status = OK if share <= 30 else PROBLEM
    return _check("sentence-length", status,
                  f"{share:.0f}% of the sentences are over {LONG_SENTENCE} words (keep it "
                  "to 25%): split the longest ones.",
                  _sentence_spans(long, read))


def _consecutive(read: _Read) -> Check:
    runs: list[list[Sentence]] = []
    run: list[Sentence] = []
    for s in read.sentences:
        if run and sentence_start(s) == sentence_start(run[-1]):
            run.append(s)
        else:
            run = [s]
            runs.append(run)
    repeated = [r for r in runs if len(r) >= 3]
    if not repeated:
        return _check("consecutive-sentences", GOOD,
                      "No three sentences in a row start with the same word.")
    longest = max(repeated, key=len)
    start = longest[0].words[0].text
    spans = _sentence_spans([s for r in repeated for s in r], read)
    return _check("consecutive-sentences", PROBLEM,
                  f"{len(longest)} sentences in a row start with “{start}”: vary how they "
                  "begin.", spans)


def _passive(read: _Read) -> Check:
    passive = [s for s in read.sentences if has_passive(s)]
    share = _share(len(passive), len(read.sentences))
    if share <= 10:
        return _check("passive-voice", GOOD,
                      f"{share:.0f}% of the sentences are passive (at most 10% is fine).")
    status = OK if share <= 15 else PROBLEM
    return _check("passive-voice", status,
                  f"{share:.0f}% of the sentences are passive (keep it to 10%): say who "
                  "does what.", _sentence_spans(passive, read))


def _transitions(read: _Read) -> Check:
    total_words = sum(len(s.words) for s in read.sentences)
    with_transition = sum(has_transition(s) for s in read.sentences)
    share = _share(with_transition, len(read.sentences))
    if total_words < 200:
        return _check("transition-words", GOOD,
                      "The text is too short to rate its transition words.")
    if share >= 30:
        return _check("transition-words", GOOD,
                      f"{share:.0f}% of the sentences have a transition word.")
    return _check("transition-words", OK,
                  f"Only {share:.0f}% of the sentences have a transition word (aim for "
                  "30%): link scenes with words like then, later, meanwhile or however.")


def _flesch(score: float | None, read: _Read) -> Check:
    if score is None:
        return _check("flesch", OK, "There is no prose to rate yet: write a paragraph.")
    if score >= 60:
        return _check("flesch", GOOD, f"Flesch reading ease {score:.1f}: easy to read.")
    long = sorted(read.sentences, key=lambda s: len(s.words), reverse=True)[:3]
    spans = _sentence_spans(long, read)
    if score >= 50:
        return _check("flesch", OK, f"Flesch reading ease {score:.1f}: fairly difficult; "
                                    "use shorter sentences and shorter words.", spans)
    return _check("flesch", PROBLEM, f"Flesch reading ease {score:.1f}: difficult to read; "
                                     "use shorter sentences and shorter words.", spans)
