"""`quiz report exams` and `quiz report items` as text tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from quiz.reports.exams import Exam, ExamSitting, ItemReport
from quiz.reports.formatting import utc_time
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
            f"Exam {number}: {exam_name(exam)}, {spread.students} students\n"
            f"First sittings: mean {decimal(spread.mean)}%, median {decimal(spread.median)}%, "
            f"SD {decimal(spread.sd)}%, range {decimal(spread.low)}–{decimal(spread.high)}%\n"
        )
        header = ["Student", "Score", "%", "Time", "Unanswered", "Ended", "Sat on"]
        rows = [
            [s.profile + ("" if s.first else " (again)"),
             f"{s.score:g}/{len(exam.questions)}", f"{100 * s.score / len(exam.questions):.0f}",
             minutes(s.seconds), str(s.unanswered), "timed out" if s.timed_out else "finished",
             when(s.sitting.started)]
            for s in exam.sittings
        ]  # fmt: skip
        parts.append(table(header, rows, width=width))
    return "\n".join(parts)


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
    header = list(_sitting_record(0, found[0], found[0].sittings[0])) if found else ["exam"]
    return _csv(rows, header)


def items_table(title: str, reports: Sequence[ItemReport], width: int = 80) -> str:
    if not reports:
        return f"{title}\nNo exam sittings of this bank yet.\n"
    parts = [f"{title}\n"]
    for report in reports:
        test = report.test
        parts.append(
            f"Exam: {exam_name(report.exam)}; {test.students} students (first sittings)\n"
            f"Mean {decimal(test.mean, 1)}%  median {decimal(test.median, 1)}%  "
            f"SD {decimal(test.sd, 1)}%  skewness {decimal(test.skewness, 3)}  "
            f"kurtosis {decimal(test.kurtosis, 3)}\n"
            f"CIC {decimal(test.cic, 1)}%  error ratio {decimal(test.error_ratio, 1)}%  "
            f"standard error {decimal(test.standard_error, 1)}%\n"
        )
        header = ["Question", "Facility", "SD", "Intended", "Effective", "Discrim.", "Efficiency"]
        rows = [
            [i.question, decimal(i.facility), decimal(i.sd), decimal(i.intended_weight),
             decimal(i.effective_weight), decimal(i.discrimination), decimal(i.efficiency)]
            for i in report.items
        ]  # fmt: skip
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
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()}


def _csv(rows: Sequence[dict[str, Any]], header: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: " ".join(map(str, v)) if isinstance(v, list) else v
                         for k, v in row.items()})  # fmt: skip
    return out.getvalue()
