"""Grading: is a response right, how much of it, and if it is nearly right, how did it differ?

Typed answers (short answers and cloze blanks) are compared word by word after
normalising both sides, so what a knowing student writes is an exact match: either
spelling of British and American word pairs, singular or plural, a leading article, and
an abbreviation in brackets after its full form. Beyond that, a few letter typos are
forgiven, but never a typo that makes another word, and never a different digit or symbol.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from quiz.core.bank import BLANK, Question

CARD_GRADES = ("Again", "Hard", "Good", "Easy")  # a flashcard's self-grade, 1 to 4

Response = str | frozenset[str] | tuple[str, ...] | int
"""choice, truefalse, short, numeric: the text; multi: the chosen texts; cloze: one text per
blank; match: the right item chosen for each left item, in order ("" for none); card: the
learner's grade, 1 (Again) to 4 (Easy)."""

Mark = Literal["right", "wrong", "missed", "unpicked"]
"""A multi option: picked and right, picked and wrong, right but not picked, neither."""


@dataclass(frozen=True, slots=True)
class Diff:
    """How a typed answer differed from the nearest accepted one, letter by letter."""

    given: tuple[tuple[str, bool], ...]  # (text, matches) runs of what was typed
    expected: tuple[tuple[str, bool], ...]  # (text, matches) runs of the accepted answer
    label: str = ""  # which blank of a cloze, if any


@dataclass(frozen=True, slots=True)
class Grade:
    """The verdict on one response, with what to show the learner about it."""

    correct: bool
    given: str  # the response as text, as it is recorded and shown
    expected: str  # the right answer as the learner should read it
    score: float = 0.0  # 0 to 1: the share of the question answered right (1.0 when correct)
    typo: bool = False  # right, but only thanks to typo tolerance
    diffs: tuple[Diff, ...] = ()  # for short and cloze answers that were close
    marks: tuple[tuple[str, Mark], ...] = ()  # multi only: each choice, in order, with its mark
    matched: tuple[tuple[str, str], ...] = ()  # match only: each left item and the one chosen


# ── Normalising ────────────────────────────────────────────────────────────────────────────

# Only what ends, opens or quotes a sentence is trimmed: signs such as + # % - $ are part
# of an answer ("C++", "-1", "5%"). "…" needs no entry: NFKD turns it into "...".
_SENTENCE_END = ".!?,;:"
_SENTENCE_START = "¿¡"
_PAIRS = {
    '"': '"',
    "'": "'",
    "“": "”",
    "‘": "’",
    "„": "“",
    "«": "»",
    "‹": "›",
    "(": ")",
    "[": "]",
}


def normalise(text: str) -> str:
    """The form answers are compared in: casefolded, accents dropped, spaces collapsed, and
    sentence punctuation around it trimmed, but never down to nothing ("?!" stays "?!")."""
    return _trim(" ".join(_fold(text).split()))


def _fold(text: str) -> str:
    """Casefold and drop accents. Twice, because decomposing can uncover capitals (ℌ → H)."""
    for _ in range(2):
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text


def _trim(text: str) -> str:
    """Drop sentence punctuation and enclosing quotes or brackets, in any nesting, but keep
    what would leave nothing: an answer made only of punctuation is its own answer."""
    previous = None
    while text != previous:
        previous = text
        text = text.rstrip(_SENTENCE_END + " ").lstrip(_SENTENCE_START + " ") or text
        if _enclosed(text):
            text = text[1:-1].strip() or text
    return text


def _enclosed(text: str) -> bool:
    """Whether one pair of quotes or brackets encloses the whole text: "(a) or (b)" is not."""
    if len(text) < 2 or _PAIRS.get(text[0]) != text[-1]:
        return False
    return not {text[0], text[-1]} & set(text[1:-1])


# ── Words ──────────────────────────────────────────────────────────────────────────────────

_LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters, without digits or underscores
_PIECES = re.compile(r"[^\W\d_]+|\S")  # letter runs, and every other character on its own
_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # words of running text, inner hyphens kept

# British spellings rewritten to American ones, so that either is an exact match. The
# minimum stem lengths keep words like "rise", "noise", "four" and "hour" as they are.
_SPELLINGS = (
    (re.compile(r"^(\w{3,})is(e|ed|ing|er|ation)$"), r"\1iz\2"),  # optimise, organisation
    (re.compile(r"^(\w{2,})ys(e|ed|ing|er)$"), r"\1yz\2"),  # analyse
    (re.compile(r"^(\w{2,})our(ed|ing|ful|ite|able|al|ally|er)?$"), r"\1or\2"),  # colour
    (re.compile(r"^(\w{2,})tre$"), r"\1ter"),  # centre
    # modelling → modeling, but not spelling or filling: a vowel before the stem's last syllable
    (re.compile(r"^(\w*[aeiouy][^aeiouy]+[ae])ll(ing|ed|er)$"), r"\1l\2"),
)

_ARTICLES = frozenset({"the", "a", "an"})
# A word with one of these in front is its opposite, or at least another word, never a typo.
_NEGATING_PREFIXES = ("non", "dis", "mis", "in", "un", "ir", "il", "im")


def _american(word: str) -> str:
    """The word with each run of letters in its American spelling."""

    def respell(run: re.Match[str]) -> str:
        letters = run.group()
        respelt = _respell(letters)
        if respelt == letters and letters.endswith("s"):
            respelt = _respell(letters[:-1]) + "s"  # colours, optimisings, centres
        return respelt

    return _LETTERS.sub(respell, word)


def _respell(letters: str) -> str:
    """A run of letters through every spelling rule."""
    for pattern, replacement in _SPELLINGS:
        letters = pattern.sub(replacement, letters)
    return letters


_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")  # between two letters


def _words(text: str) -> tuple[str, ...]:
    """The words of an answer, normalised and in one spelling. A hyphen between letters
    separates words as a space does ("self-attention" is "self attention"); a minus sign or a
    hyphen next to a digit stays ("-1", "GPT-4")."""
    return tuple(_american(word) for word in _WORD_HYPHEN.sub(" ", normalise(text)).split())


def _is_plural(plural: str, singular: str) -> bool:
    """Whether `plural` is the regular English plural of `singular` (law → laws, bias → biases,
    story → stories)."""
    if len(singular) < 3 or not singular[-1].isalpha():
        return False  # "as" is not the plural of "a", and "1980s" not that of "1980"
    if plural == singular + "s":
        # "bias" ends in s but is singular; a short stem ending in a vowel ("bia") is a clipped
        # word more often than a singular.
        return not singular.endswith("s") and (len(singular) > 3 or singular[-1] not in "aiou")
    if plural == singular + "es":
        return singular.endswith(("s", "x", "z", "ch", "sh", "o"))
    if plural == singular[:-1] + "ies":
        return singular[-1] == "y" and singular[-2] not in "aeiou"
    return False


def _same_word(a: str, b: str) -> bool:
    """Whether two normalised words are the same word, in the singular or the plural."""
    return a == b or _is_plural(a, b) or _is_plural(b, a)


def _number_forms(word: str) -> set[str]:
    """The word, with its singular or plural where regular English makes one."""
    candidates = {word + "s", word + "es", word[:-1] + "ies", word[:-1], word[:-2], word[:-3] + "y"}
    return {word} | {other for other in candidates if _same_word(word, other)}


def _without_negation(word: str) -> str | None:
    """The word without its negating prefix, if it has one ("inconsistent" → "consistent")."""
    for prefix in _NEGATING_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return None


def _negates(a: str, b: str) -> bool:
    """Whether two different words differ only by a negating prefix: "consistent" and
    "inconsistent", or "disinformation" and "misinformation"."""
    bare_a, bare_b = _without_negation(a), _without_negation(b)
    return a != b and (bare_a == b or bare_b == a or (bare_a is not None and bare_a == bare_b))


class Vocabulary:
    """The words of a bank's own text (prompts, choices, answers, accept lists, cloze
    alternatives, explanations), normalised, to tell a typo from another word of the subject.

    Built lazily on first use, so creating one costs nothing.
    """

    __slots__ = ("_questions", "_words")

    def __init__(self, questions: Iterable[Question]) -> None:
        self._questions = questions  # read only when the first typed answer is checked
        self._words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        """Whether the word, or its singular or plural, occurs in the bank."""
        if self._words is None:
            self._words = frozenset(self._collect())
        words = self._words
        return any(form in words for form in _number_forms(_american(normalise(word))))

    def _collect(self) -> Iterable[str]:
        """Every word of the bank, and every run of letters of a hyphenated word, respelt."""
        for question in self._questions:
            texts = [question.prompt, question.explanation, *question.answers, *question.choices]
            texts += [alternative for blank in question.blanks for alternative in blank]
            for text in texts:
                # A cloze prompt's "{{laws|regularities}}" holds words too: keep them apart.
                for word in _WORDS.findall(normalise(BLANK.sub(r" \1 ", text).replace("|", " "))):
                    yield _american(word)
                    yield from (_american(part) for part in _LETTERS.findall(word))


# ── Accepted forms of an answer ────────────────────────────────────────────────────────────


def _without_article(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words without a leading "the", "a" or "an", unless that is all there is."""
    return words[1:] if len(words) > 1 and words[0] in _ARTICLES else words


def _bracketed_abbreviation(words: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """(full form, abbreviation) of an answer ending in one bracketed word: "... Network (GAN)"."""
    if len(words) < 2:
        return None
    last = words[-1]
    inner = last[1:-1]
    if len(last) > 2 and last[0] == "(" and last[-1] == ")" and not set("()") & set(inner):
        return words[:-1], inner
    return None


def _abbreviates(abbreviation: str, full: tuple[str, ...]) -> bool:
    """Whether the abbreviation is made of the initials of the full form, hyphenated parts
    counted or not, singular or plural: "VAEs" of "Variational Auto-Encoders"."""
    by_word = "".join(word[0] for word in full)
    by_part = "".join(part[0] for word in full for part in word.split("-") if part)
    return any(_same_word(abbreviation, initials) for initials in (by_word, by_part))


def _forms(text: str, *, typed: bool) -> set[tuple[str, ...]]:
    """The word sequences that stand for an answer, leading article dropped.

    An accepted answer ending in a bracketed abbreviation stands for its full form and for
    the abbreviation alone as well. A typed one stands for its full form only when the
    brackets really hold its initials, so that a wrong guess in brackets is not ignored.
    """
    words = _without_article(_words(text))
    forms = {words}
    split = _bracketed_abbreviation(words)
    if split is not None:
        full, abbreviation = split
        if not typed or _abbreviates(abbreviation, full):
            forms |= {full, (abbreviation,)}
    return forms


# ── Typos ──────────────────────────────────────────────────────────────────────────────────


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance: a swap of two letters is one
    edit. rapidfuzz is imported on first use, so the app starts without it."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


def allowed_typos(answer: str) -> int:
    """How many letters may be wrong: none for very short answers, more for longer ones."""
    length = len(answer)
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 16:
        return 2
    return 3


def _word_typos(typed: str, expected: str, vocabulary: Vocabulary | None) -> int | None:
    """How many letter typos (a transposition counts as one) turn `expected` into `typed`;
    None if `typed` is not a misspelling of it but another word, number or sign."""
    if _same_word(typed, expected):
        return 0
    mine, theirs = _PIECES.findall(typed), _PIECES.findall(expected)
    if len(mine) != len(theirs):
        return None
    typos = 0
    for a, b in zip(mine, theirs, strict=True):
        if _same_word(a, b):
            continue
        if not (a.isalpha() and b.isalpha()):
            return None  # digits and symbols are never forgiven: 65536 is not 75536
        if _negates(a, b) or (vocabulary is not None and a in vocabulary):
            return None  # "consistent" for "inconsistent", "content" for "context"
        typos += _distance(a, b)
    return typos


def _typos(
    typed: tuple[str, ...], expected: tuple[str, ...], vocabulary: Vocabulary | None
) -> int | None:
    """Letter typos between two answers compared word by word; None if they differ otherwise."""
    if len(typed) != len(expected):
        return None
    total = 0
    for a, b in zip(typed, expected, strict=True):
        typos = _word_typos(a, b, vocabulary)
        if typos is None:
            return None
        total += typos
    return total


# ── Matching a typed answer ────────────────────────────────────────────────────────────────


class _Match(NamedTuple):
    right: bool
    typo: bool  # right only by typo tolerance
    diff: Diff | None  # against the nearest accepted answer, when close


def _match(typed: str, accepted: Sequence[str], vocabulary: Vocabulary | None) -> _Match:
    """Grade one typed answer against the answers accepted for it."""
    given = normalise(typed)
    if not given:
        return _Match(False, False, None)  # an empty answer is never right
    mine = _forms(typed, typed=True)
    misspelt: list[tuple[int, str]] = []  # (typos, accepted answer) within the allowance
    for answer in accepted:
        for theirs in _forms(answer, typed=False):
            for form in mine:
                typos = _typos(form, theirs, vocabulary)
                if typos == 0:
                    return _Match(True, False, None)
                if typos is not None and typos <= allowed_typos(" ".join(theirs)):
                    misspelt.append((typos, answer))
    if misspelt:
        _, answer = min(misspelt, key=lambda pair: pair[0])
        return _Match(True, True, _diff(typed.strip(), answer))
    nearest = min(accepted, key=lambda answer: _distance(given, normalise(answer)))
    return _Match(False, False, _near_miss_diff(typed, nearest))


def _near_miss_diff(typed: str, answer: str) -> Diff | None:
    """The letter-by-letter diff of a wrong answer, if it came close enough to be worth it."""
    given, wanted = normalise(typed), normalise(answer)
    distance = _distance(given, wanted)
    # A near miss is worth showing letter by letter, even one that makes another word; an
    # altogether different answer is not.
    close = distance <= max(1, allowed_typos(wanted) + 1) and distance < len(wanted) / 2
    return _diff(typed.strip(), answer) if close else None


def _diff(given: str, expected: str) -> Diff:
    """Runs of matching and differing letters of both texts, as typed and as accepted."""
    matcher = difflib.SequenceMatcher(None, given.casefold(), expected.casefold(), autojunk=False)
    mine: list[tuple[str, bool]] = []
    theirs: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            mine.append((given[i1:i2], tag == "equal"))
        if j2 > j1:
            theirs.append((expected[j1:j2], tag == "equal"))
    return Diff(tuple(mine), tuple(theirs))


# ── Grading by question type ───────────────────────────────────────────────────────────────


def grade(question: Question, response: Response, vocabulary: Vocabulary | None = None) -> Grade:
    """Grade one response to one question. With the bank's vocabulary, a typed word that is
    another word of the bank is not forgiven as a typo."""
    expected = question.answer_text
    if question.type == "card":
        assert isinstance(response, int)
        return Grade(response >= 2, CARD_GRADES[response - 1], expected, float(response >= 2))
    if question.type == "multi":
        assert isinstance(response, frozenset)
        return _grade_multi(question, response)
    if question.type == "cloze":
        assert isinstance(response, tuple)
        return _grade_cloze(question, response, vocabulary)
    if question.type == "match":
        assert isinstance(response, tuple)
        return _grade_match(question, response)
    assert isinstance(response, str)
    if question.type == "numeric":
        return _grade_numeric(question, response)
    if question.type == "short":
        right, typo, diff = _match(response, question.answers, vocabulary)
        diffs = (diff,) if diff else ()
        return Grade(right, response.strip(), expected, float(right), typo, diffs)
    right = response == question.answers[0]
    given = response.capitalize() if question.type == "truefalse" else response
    return Grade(right, given, expected, float(right))


# A number as a learner or a bank writes it: a sign, digits, a decimal point, an exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float:
    """The number `text` writes; ValueError with a hint if it is not one. A comma is never
    read as a decimal point nor as a thousands separator: "1,5" is refused, not misread."""
    written = text.strip().replace("\u2212", "-")  # a typographic minus
    if "," in written:
        raise ValueError(
            f"'{text.strip()}': write a decimal point (1.5) and no thousands separator (1822)"
        )
    if not _NUMBER.fullmatch(written):
        raise ValueError(f"'{text.strip()}' is not a number")
    number = float(written)
    if not math.isfinite(number):
        raise ValueError(f"'{text.strip()}' is too large")
    return number


def in_ranges(number: float, ranges: Iterable[tuple[float, float]]) -> bool:
    """Whether `number` is in one of the (lowest, highest) ranges, give or take the
    rounding of a float (a tolerance of 0.1 around 0.3 accepts 0.4)."""
    for low, high in ranges:
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        if low - slack <= number <= high + slack:
            return True
    return False


def _grade_numeric(question: Question, response: str) -> Grade:
    """Right if the number is in an accepted range; graded on the number, never as text."""
    try:
        right = in_ranges(parse_number(response), question.ranges)
    except ValueError:
        right = False  # only a time-out grades what is not a number: the widget refuses it
    return Grade(right, response.strip(), question.answer_text, float(right))


def _grade_match(question: Question, response: tuple[str, ...]) -> Grade:
    """Each pair on its own: the score is the share of left items matched right."""
    rights = sum(given == right for given, (_, right) in zip(response, question.pairs, strict=True))
    given = "; ".join(
        f"{left} → {chosen or '—'}"
        for (left, _), chosen in zip(question.pairs, response, strict=True)
    )
    total = len(question.pairs)
    matched = tuple(
        (left, chosen) for (left, _), chosen in zip(question.pairs, response, strict=True)
    )
    score = rights / total if total else 1.0
    return Grade(rights == total, given, question.answer_text, score, matched=matched)


def _mark(picked: bool, right: bool) -> Mark:
    """How a multi option fared: picked or not, against right or not."""
    if picked:
        return "right" if right else "wrong"
    return "missed" if right else "unpicked"


def _grade_multi(question: Question, response: frozenset[str]) -> Grade:
    """Exactly the right choices are correct; each right pick scores and each wrong one costs."""
    answers = frozenset(question.answers)
    marks = tuple((c, _mark(c in response, c in answers)) for c in question.choices)
    right = sum(mark == "right" for _, mark in marks)
    wrong = sum(mark == "wrong" for _, mark in marks)
    correct = response == answers
    score = 1.0 if correct else max(0.0, (right - wrong) / max(1, len(answers)))
    given = ", ".join(c for c in question.choices if c in response)
    return Grade(correct, given, question.answer_text, score, marks=marks)


def _grade_cloze(
    question: Question, response: tuple[str, ...], vocabulary: Vocabulary | None
) -> Grade:
    """Each blank on its own: the score is the share of blanks right."""
    results = [
        _match(typed, alternatives, vocabulary)
        for typed, alternatives in zip(response, question.blanks, strict=True)
    ]
    rights = sum(result.right for result in results)
    return Grade(
        rights == len(results),
        " / ".join(response),
        question.answer_text,
        rights / len(results) if results else 1.0,
        typo=any(result.typo for result in results),
        diffs=tuple(
            Diff(result.diff.given, result.diff.expected, f"blank ({n})")
            for n, result in enumerate(results, 1)
            if result.diff and (result.typo or not result.right)
        ),
    )
