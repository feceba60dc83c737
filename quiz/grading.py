"""Grading: is a response right, and if it is nearly right, how did it differ?"""

from __future__ import annotations

import difflib
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.bank import Question

CARD_GRADES = ("Again", "Hard", "Good", "Easy")  # a flashcard's self-grade, 1 to 4
_PUNCTUATION = string.punctuation + "“”‘’«»…–—¿¡"

Response = str | frozenset[str] | tuple[str, ...] | int
"""choice, truefalse, short: the text; multi: the chosen texts; cloze: one text per blank;
card: the learner's grade, 1 (Again) to 4 (Easy)."""


@dataclass(frozen=True, slots=True)
class Diff:
    """How a typed answer differed from the nearest accepted one, letter by letter."""

    given: tuple[tuple[str, bool], ...]  # (text, matches) runs of what was typed
    expected: tuple[tuple[str, bool], ...]  # (text, matches) runs of the accepted answer
    label: str = ""  # which blank of a cloze, if any


@dataclass(frozen=True, slots=True)
class Grade:
    correct: bool
    given: str  # the response as text, as it is recorded and shown
    expected: str  # the right answer as the learner should read it
    typo: bool = False  # right, but only thanks to typo tolerance
    diffs: tuple[Diff, ...] = ()  # for short and cloze answers that were close


def normalise(text: str) -> str:
    """Casefold, drop accents, collapse spaces and trim surrounding punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split()).strip(_PUNCTUATION + " ")


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


def distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def match_text(typed: str, accepted: Sequence[str]) -> tuple[bool, bool, Diff | None]:
    """(right, right only by typo tolerance, diff against the nearest accepted answer)."""
    given = normalise(typed)
    best, best_distance = accepted[0], None
    for answer in accepted:
        wanted = normalise(answer)
        if given == wanted:
            return True, False, None
        d = distance(given, wanted)
        if best_distance is None or d < best_distance:
            best, best_distance = answer, d
    assert best_distance is not None
    wanted = normalise(best)
    limit = allowed_typos(wanted)
    right = best_distance <= limit
    # A near miss is worth showing letter by letter; a different word is not.
    close = best_distance <= max(1, limit + 1) and best_distance < len(wanted) / 2
    return right, right, _diff(typed.strip(), best) if close else None


def _diff(given: str, expected: str) -> Diff:
    matcher = difflib.SequenceMatcher(None, given.casefold(), expected.casefold(), autojunk=False)
    mine: list[tuple[str, bool]] = []
    theirs: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            mine.append((given[i1:i2], tag == "equal"))
        if j2 > j1:
            theirs.append((expected[j1:j2], tag == "equal"))
    return Diff(tuple(mine), tuple(theirs))


def grade(question: Question, response: Response) -> Grade:
    """Grade one response to one question."""
    expected = question.answer_text
    if question.type == "card":
        assert isinstance(response, int)
        return Grade(response >= 2, CARD_GRADES[response - 1], expected)
    if question.type == "multi":
        assert isinstance(response, frozenset)
        given = ", ".join(c for c in question.choices if c in response)
        return Grade(response == frozenset(question.answers), given, expected)
    if question.type == "cloze":
        assert isinstance(response, tuple)
        results = [
            match_text(typed, alts) for typed, alts in zip(response, question.blanks, strict=True)
        ]
        return Grade(
            all(right for right, _, _ in results),
            " / ".join(response),
            expected,
            typo=any(typo for _, typo, _ in results),
            diffs=tuple(
                Diff(diff.given, diff.expected, f"blank ({n})")
                for n, (right, typo, diff) in enumerate(results, 1)
                if diff and (typo or not right)
            ),
        )
    assert isinstance(response, str)
    if question.type == "short":
        right, typo, diff = match_text(response, question.answers)
        return Grade(right, response.strip(), expected, typo, (diff,) if diff else ())
    if question.type == "truefalse":
        return Grade(response == question.answers[0], response.capitalize(), expected)
    return Grade(response == question.answers[0], response, expected)
