"""Exam sittings, grouped into exams, with each student's score and each exam's spread; and
the item analysis and distractor analysis of an exam's questions.

An exam is the sittings of one bank with the same seed and the same questions. A student's
score is out of every question of the exam (an unanswered one scores 0). Statistics over
students use each student's first sitting, as Moodle's do.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from quiz.core.bank import Question
from quiz.reports.items import ItemStats, TestStats, analyse
from quiz.store.api import Answer, Sitting

MIN_STUDENTS = 3  # fewer cannot say whether a question works: no flags then


@dataclass(frozen=True, slots=True)
class ExamSitting:
    """One student's sitting of an exam."""

    sitting: Sitting
    answers: tuple[Answer, ...]
    first: bool  # the student's first sitting of this exam

    @property
    def profile(self) -> str:
        return self.sitting.profile

    @property
    def score(self) -> float:
        """The sum of its questions' scores, each question counted once (its latest answer)."""
        return math.fsum({a.question_id: a.points for a in self.answers}.values())

    @property
    def unanswered(self) -> int:
        return sum(a.unanswered for a in self.answers)

    @property
    def timed_out(self) -> bool:
        """Whether its time ran out: what was typed then, and the questions left, are late."""
        return any(a.late for a in self.answers)

    @property
    def seconds(self) -> float:
        """From start to end; if the sitting never ended, the time its answers took."""
        if self.sitting.ended is not None:
            return max(0.0, self.sitting.ended - self.sitting.started)
        return math.fsum(a.seconds for a in self.answers)

    def scores(self, questions: Sequence[str]) -> list[float]:
        """This sitting's score on each of `questions` (0 for one it does not hold)."""
        by_id = {a.question_id: a.points for a in self.answers}
        return [by_id.get(q, 0.0) for q in questions]


@dataclass(frozen=True, slots=True)
class Exam:
    seeds: tuple[int | None, ...]  # one, unless sittings of several seeds were pooled
    questions: tuple[str, ...]  # in the order first asked
    sittings: tuple[ExamSitting, ...]  # by student, then oldest first

    @property
    def first_sittings(self) -> list[ExamSitting]:
        return [s for s in self.sittings if s.first]

    def spread(self) -> Spread:
        """Mean, median, standard deviation and range of the first sittings' scores, as
        percentages of the maximum."""
        marks = [100 * s.score / len(self.questions) for s in self.first_sittings]
        return Spread(
            len(marks),
            statistics.fmean(marks) if marks else None,
            statistics.median(marks) if marks else None,
            statistics.stdev(marks) if len(marks) > 1 else None,
            min(marks, default=None),
            max(marks, default=None),
        )


@dataclass(frozen=True, slots=True)
class Spread:
    students: int
    mean: float | None
    median: float | None
    sd: float | None
    low: float | None
    high: float | None


def spread_range(spread: Spread) -> str:
    """ "30–90%", or "—" with no sitting."""
    if spread.low is None or spread.high is None:
        return "—"
    return f"{spread.low:.0f}–{spread.high:.0f}%"


def exams(
    sittings: Iterable[tuple[Sitting, Sequence[Answer]]], *, by_seed: bool = True
) -> list[Exam]:
    """The exam sittings among `sittings`, grouped into exams by seed and questions (or by
    questions only, pooling seeds), oldest exam first."""
    groups: dict[tuple[int | None, frozenset[str]], list[tuple[Sitting, Sequence[Answer]]]] = {}
    for sitting, answers in sittings:
        if sitting.mode != "exam" or not answers:
            continue
        key = (sitting.seed if by_seed else None, frozenset(a.question_id for a in answers))
        groups.setdefault(key, []).append((sitting, answers))
    found = []
    for members in groups.values():
        members.sort(key=lambda item: (item[0].profile, item[0].started))
        ordered = sorted(members, key=lambda item: item[0].started)
        questions = tuple(dict.fromkeys(a.question_id for a in ordered[0][1]))
        seen: set[str] = set()
        exam_sittings = []
        for sitting, answers in members:
            exam_sittings.append(ExamSitting(sitting, tuple(answers), sitting.profile not in seen))
            seen.add(sitting.profile)
        seeds = tuple(sorted({s.seed for s, _ in members}, key=lambda s: (s is not None, s)))
        found.append(Exam(seeds, questions, tuple(exam_sittings)))
    return sorted(found, key=lambda e: min(s.sitting.started for s in e.sittings))


@dataclass(frozen=True, slots=True)
class OptionCount:
    """How often one option of a choice or multi question was picked (first sittings)."""

    option: str
    right: bool
    picked: int
    top: int  # by the top third of the class (by exam score)
    bottom: int  # by the bottom third


@dataclass(frozen=True, slots=True)
class ItemReport:
    """An exam's item analysis: the test, each question, each choice question's options,
    and the flags a teacher acts on."""

    exam: Exam
    test: TestStats
    items: tuple[ItemStats, ...]
    options: Mapping[str, tuple[OptionCount, ...]]  # by question id, where responses say
    third: int  # students in each of the top and bottom thirds (0: fewer than 3)

    @property
    def judged(self) -> bool:
        """Whether there are students enough (MIN_STUDENTS) for its flags to mean anything."""
        return self.test.students >= MIN_STUDENTS

    def flags(self, question: str) -> tuple[str, ...]:
        if not self.judged:
            return ()
        item = next(i for i in self.items if i.question == question)
        found = list(item.flags)
        options = self.options.get(question, ())
        keys = [o for o in options if o.right]
        for option in options:
            if option.right:
                continue
            if option.picked == 0:
                found.append(f"distractor '{option.option}' is never picked")
            if self.third and keys and option.top > min(k.top for k in keys):
                found.append(f"the top third picks '{option.option}' more than the key")
        return tuple(found)


def item_report(exam: Exam, questions: Mapping[str, Question]) -> ItemReport:
    """Item analysis of `exam` over its students' first sittings; `questions` (the bank's,
    by id) gives each choice question's options and key."""
    firsts = exam.first_sittings
    test, items = analyse(exam.questions, [s.scores(exam.questions) for s in firsts])
    ranked = sorted(firsts, key=lambda s: (-s.score, s.profile))
    third = len(ranked) // 3
    top, bottom = ranked[:third], ranked[len(ranked) - third :] if third else []
    options = {}
    for qid in exam.questions:
        question = questions.get(qid)
        # Counted only where the sittings say what was picked (imported results may not).
        if (
            question is not None
            and question.type in ("choice", "multi")
            and any(
                _picked(a) is not None for s in firsts for a in s.answers if a.question_id == qid
            )
        ):
            options[qid] = tuple(
                OptionCount(
                    option,
                    option in question.answers,
                    _picks(firsts, qid, option),
                    _picks(top, qid, option),
                    _picks(bottom, qid, option),
                )
                for option in question.choices
            )
    return ItemReport(exam, test, tuple(items), options, third)


def _picked(answer: Answer) -> list[str] | None:
    """The options an answer picked, by their text; None if its response does not say."""
    picked = answer.response.get("picked") if answer.response is not None else None
    if not isinstance(picked, list):
        return None
    return [p["text"] for p in picked if isinstance(p, dict) and isinstance(p.get("text"), str)]


def _picks(sittings: Iterable[ExamSitting], qid: str, option: str) -> int:
    """How many of these sittings picked `option` in question `qid`."""
    return sum(
        option in (_picked(a) or ())
        for sitting in sittings
        for a in sitting.answers
        if a.question_id == qid
    )
