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

from quiz.reports.formatting import percent, plural, spreadsheet_safe, utc_time
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


def class_records(topics: Sequence[str], students: Sequence[Student]) -> list[dict[str, Any]]:
    """One record per student and topic (JSON and CSV)."""
    return [
        {
            "profile": s.profile,
            "topic": topic,
            "attempts": s.topics.get(topic, Tally()).attempts,
            "correct": s.topics.get(topic, Tally()).correct,
            "accuracy": _round(s.topics.get(topic, Tally()).accuracy),
            "student_attempts": s.total.attempts,
            "student_accuracy": _round(s.total.accuracy),
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
        [s.profile, _cell(s.total), when(s.last_studied)[:10],
         *(_cell(s.topics.get(t, Tally())) for t in topics)]
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


def _cell(tally: Tally) -> str:
    return "—" if not tally.attempts else f"{percent(tally.accuracy)} {tally.attempts}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
