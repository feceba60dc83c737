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
        return math.fsum(a.points for a in self.answers)

    @property
    def unanswered(self) -> int:
        return sum(a.unanswered for a in self.answers)

    @property
    def timed_out(self) -> bool:
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
    options: Mapping[str, tuple[OptionCount, ...]]  # by question id
    third: int  # students in each of the top and bottom thirds (0: fewer than 3)

    def flags(self, question: str) -> tuple[str, ...]:
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
        if question is not None and question.type in ("choice", "multi"):
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


def _picks(sittings: Iterable[ExamSitting], qid: str, option: str) -> int:
    """How many of these sittings picked `option` in question `qid`."""
    count = 0
    for sitting in sittings:
        for answer in sitting.answers:
            if answer.question_id == qid and answer.response is not None:
                picked = answer.response.get("picked") or ()
                count += any(isinstance(p, dict) and p.get("text") == option for p in picked)
    return count
