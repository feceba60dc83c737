"""The class at a glance: one row per student, one column per topic (accuracy and attempts),
with when each last studied and their total. Counted as `quiz stats` counts: every answer
is an attempt (an exam's unanswered questions too), overridden answers are right."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quiz.core.bank import Bank
from quiz.reports.exams import Exam, ItemReport, exams, item_report
from quiz.reports.formatting import percent, plural, rounded, spreadsheet_safe, utc_time
from quiz.reports.stats import when
from quiz.reports.table import table
from quiz.store.api import Answer, Sitting


@dataclass(slots=True)
class Tally:
    attempts: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    def add(self, answer: Answer) -> None:
        self.attempts += 1
        self.correct += answer.correct


@dataclass(slots=True)
class Student:
    profile: str
    topics: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    last_studied: float | None = None


def class_rows(
    sittings: Iterable[tuple[Sitting, Sequence[Answer]]], topics: Sequence[str]
) -> tuple[list[str], list[Student]]:
    """The topics (the bank's, then any others answered, by name) and each student's row,
    sorted by name."""
    students: dict[str, Student] = {}
    for sitting, answers in sittings:
        student = students.setdefault(sitting.profile, Student(sitting.profile))
        for answer in answers:
            student.topics.setdefault(answer.topic, Tally()).add(answer)
            student.total.add(answer)
            at = answer.answered_at
            if at is not None and (student.last_studied is None or at > student.last_studied):
                student.last_studied = at
    others = sorted({t for s in students.values() for t in s.topics} - set(topics))
    return [*topics, *others], [students[name] for name in sorted(students)]


@dataclass(slots=True)
class ClassResults:
    """Everything the class reports show: the students by topic, the exams, and the item
    analysis of each set of exam questions (sittings of every seed pooled)."""

    topics: list[str] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)
    exams: list[Exam] = field(default_factory=list)
    items: list[ItemReport] = field(default_factory=list)
    problem: str | None = None  # why the results could not be read, if they could not


def class_results(
    sittings: Sequence[tuple[Sitting, Sequence[Answer]]], bank: Bank, seed: int | None = None
) -> ClassResults:
    """The class's results in `bank` from its sittings (exams only of `seed`, if given)."""
    topics, students = class_rows(sittings, list(bank.topics))
    sat = [(s, a) for s, a in sittings if seed is None or s.seed == seed]
    questions = bank.by_id()
    items = [item_report(exam, questions) for exam in exams(sat, by_seed=False)]
    return ClassResults(topics, students, exams(sat), items)


def class_records(topics: Sequence[str], students: Sequence[Student]) -> list[dict[str, Any]]:
    """One record per student and topic (JSON and CSV)."""
    return [
        {
            "profile": s.profile,
            "topic": topic,
            "attempts": s.topics.get(topic, Tally()).attempts,
            "correct": s.topics.get(topic, Tally()).correct,
            "accuracy": rounded(s.topics.get(topic, Tally()).accuracy),
            "student_attempts": s.total.attempts,
            "student_accuracy": rounded(s.total.accuracy),
            "last_studied": utc_time(s.last_studied),
        }
        for s in students
        for topic in topics
    ]


def class_json(topics: Sequence[str], students: Sequence[Student]) -> str:
    return json.dumps(class_records(topics, students), indent=2, ensure_ascii=False) + "\n"


CLASS_FIELDS = [
    "profile", "topic", "attempts", "correct", "accuracy", "student_attempts",
    "student_accuracy", "last_studied",
]  # fmt: skip


def class_csv(topics: Sequence[str], students: Sequence[Student]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CLASS_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in class_records(topics, students):
        writer.writerow({k: spreadsheet_safe(v) for k, v in record.items()})
    return out.getvalue()


def class_table(
    title: str, topics: Sequence[str], students: Sequence[Student], width: int = 80
) -> str:
    """Each cell is a topic's accuracy and attempts ("83% 12"); "—" for none."""
    if not students:
        return f"{title}\nNo answers yet.\n"
    header = ["Student", "Total", "Last studied", *topics]
    rows = [
        [s.profile, tally_text(s.total), when(s.last_studied)[:10],
         *(tally_text(s.topics.get(t, Tally())) for t in topics)]
        for s in students
    ]  # fmt: skip
    answers = sum(s.total.attempts for s in students)
    right = sum(s.total.correct for s in students)
    heading = (
        f"{title}\n{plural(len(students), 'student')}, {plural(answers, 'answer')}, "
        f"{percent(right / answers if answers else None)} right.  "
        "Each cell: accuracy and attempts.\n\n"
    )
    return heading + table(header, rows, width=width)


def tally_text(tally: Tally) -> str:
    """A topic's accuracy and attempts: "83% 12", or "—" with none."""
    return "—" if not tally.attempts else f"{percent(tally.accuracy)} {tally.attempts}"
