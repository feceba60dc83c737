"""`quiz report exams` and `quiz report items` as text tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from quiz.reports.exams import MIN_STUDENTS, Exam, ExamSitting, ItemReport, spread_range
from quiz.reports.formatting import figure, plural, rounded, spreadsheet_safe, utc_time
from quiz.reports.items import ItemStats
from quiz.reports.stats import when
from quiz.reports.table import clip, table


def exam_name(exam: Exam) -> str:
    seeds = ", ".join("none" if s is None else str(s) for s in exam.seeds)
    plural = "s" * (len(exam.seeds) > 1)
    return f"seed{plural} {seeds}, {len(exam.questions)} questions"


def minutes(seconds: float) -> str:
    """A duration as m:ss."""
    whole, rest = divmod(round(seconds), 60)
    return f"{whole}:{rest:02d}"


def decimal(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def exams_table(title: str, found: Sequence[Exam], width: int = 80) -> str:
    if not found:
        return f"{title}\nNo exam sittings yet.\n"
    parts = [f"{title}\n"]
    for number, exam in enumerate(found, 1):
        spread = exam.spread()
        parts.append(
            f"Exam {number}: {exam_name(exam)}, {plural(spread.students, 'student')}\n"
            f"First sittings: mean {figure(spread.mean)}, median {figure(spread.median)}, "
            f"SD {figure(spread.sd)}, range {spread_range(spread)}\n"
        )
        header = ["Student", "Score", "%", "Time", "Unanswered", "Ended", "Sat on"]
        rows = [sitting_cells(exam, s) for s in exam.sittings]
        parts.append(table(header, rows, width=width))
    return "\n".join(parts)


SITTING_FIELDS = [
    "exam", "seeds", "questions", "profile", "session", "first", "score", "percent", "seconds",
    "unanswered", "timed_out", "started",
]  # fmt: skip


def sitting_cells(exam: Exam, s: ExamSitting) -> list[str]:
    """A sitting as a row: student, score, %, time, unanswered, how it ended, when."""
    out_of = len(exam.questions)
    return [
        s.profile + ("" if s.first else " (again)"), f"{s.score:g}/{out_of}",
        f"{100 * s.score / out_of:.0f}%", minutes(s.seconds), str(s.unanswered),
        "timed out" if s.timed_out else "finished", when(s.sitting.started),
    ]  # fmt: skip


def item_cells(i: ItemStats) -> list[str]:
    """A question's figures as a row, each a percentage."""
    figures = (i.facility, i.sd, i.intended_weight, i.effective_weight, i.discrimination,
               i.efficiency)  # fmt: skip
    return [i.question, *(decimal(f) for f in figures)]


def _sitting_record(number: int, exam: Exam, s: ExamSitting) -> dict[str, Any]:
    return {
        "exam": number,
        "seeds": list(exam.seeds),
        "questions": len(exam.questions),
        "profile": s.profile,
        "session": s.sitting.uuid,
        "first": s.first,
        "score": round(s.score, 4),
        "percent": round(100 * s.score / len(exam.questions), 2),
        "seconds": round(s.seconds, 1),
        "unanswered": s.unanswered,
        "timed_out": s.timed_out,
        "started": utc_time(s.sitting.started),
    }


def exams_json(found: Sequence[Exam]) -> str:
    data = [
        {
            "exam": number,
            "seeds": list(exam.seeds),
            "questions": list(exam.questions),
            "spread": _rounded(asdict(exam.spread())),
            "sittings": [_sitting_record(number, exam, s) for s in exam.sittings],
        }
        for number, exam in enumerate(found, 1)
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def exams_csv(found: Sequence[Exam]) -> str:
    rows = [_sitting_record(n, exam, s) for n, exam in enumerate(found, 1) for s in exam.sittings]
    return _csv(rows, SITTING_FIELDS)


def items_table(
    title: str, reports: Sequence[ItemReport], width: int = 80, seed: int | None = None
) -> str:
    if not reports:
        which = "of this bank" if seed is None else f"with seed {seed}"
        return f"{title}\nNo exam sittings {which} yet.\n"
    parts = [f"{title}\n", *(f"{note}\n" for note in item_notes(reports))]
    for report in reports:
        test = report.test
        parts.append(
            f"Exam: {exam_name(report.exam)}; {plural(test.students, 'student')} (first sittings)\n"
            + (
                ""
                if report.judged
                else f"Too few to judge its questions: no flags below {MIN_STUDENTS}.\n"
            )
            + f"Mean {figure(test.mean, 1)}  median {figure(test.median, 1)}  "
            f"SD {figure(test.sd, 1)}  skewness {decimal(test.skewness, 3)}  "
            f"kurtosis {decimal(test.kurtosis, 3)}\n"
            f"CIC {figure(test.cic, 1)}  error ratio {figure(test.error_ratio, 1)}  "
            f"standard error {figure(test.standard_error, 1)}\n"
        )
        header = ["Question", "Facility", "SD", "Intended", "Effective", "Discrim.", "Efficiency"]
        rows = [item_cells(i) for i in report.items]
        parts.append("All figures in %.  Intended and effective: weights.\n")
        parts.append(table(header, rows, width=width))
        flagged = [
            f"  {clip(i.question)}: {clip(flag, width)}"
            for i in report.items
            for flag in report.flags(i.question)
        ]
        flagged += [f"  the test: {flag}" for flag in test.flags]
        parts.append("Flags:\n" + ("\n".join(flagged) if flagged else "  none") + "\n")
        for qid, options in report.options.items():
            rows = [
                [("✓ " if o.right else "  ") + o.option, str(o.picked), str(o.top), str(o.bottom)]
                for o in options
            ]
            who = f"top and bottom {report.third}" if report.third else "no thirds: < 3 students"
            parts.append(
                f"Options of {clip(qid)} (✓ right; {who}):\n"
                + table(["Option", "Picked", "Top", "Bottom"], rows, width=width)
            )
    return "\n".join(parts)


def items_json(reports: Sequence[ItemReport]) -> str:
    data = [
        {
            "seeds": list(r.exam.seeds),
            "questions": list(r.exam.questions),
            "test": {**_rounded(asdict(r.test)), "flags": list(r.test.flags)},
            "items": [
                {
                    **_rounded(asdict(i)),
                    "flags": list(r.flags(i.question)),
                    "options": [asdict(o) for o in r.options.get(i.question, ())],
                }
                for i in r.items
            ],
            "third": r.third,
        }
        for r in reports
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def items_csv(reports: Sequence[ItemReport]) -> str:
    rows = [
        {"seeds": " ".join(map(str, r.exam.seeds)), **_rounded(asdict(i)),
         "flags": "; ".join(r.flags(i.question))}
        for r in reports
        for i in r.items
    ]  # fmt: skip
    return _csv(rows, ["seeds", *(f.name for f in fields(ItemStats)), "flags"])


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: rounded(v, 6) if isinstance(v, float) else v for k, v in values.items()}


def item_notes(reports: Sequence[ItemReport]) -> list[str]:
    """What a teacher should know before reading the figures."""
    if len(reports) < 2:
        return []
    return [
        f"The sittings drew {len(reports)} different sets of questions, each analysed apart. "
        "For one analysis, give the class one seed (quiz --seed N, then e for the exam)."
    ]


def _csv(rows: Sequence[dict[str, Any]], header: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: " ".join(map(str, v)) if isinstance(v, list) else spreadsheet_safe(v)
                         for k, v in row.items()})  # fmt: skip
    return out.getvalue()
