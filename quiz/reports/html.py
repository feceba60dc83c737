"""The teacher's report as one self-contained HTML page: the class, exams and items tables
with their charts. It opens offline: styles and charts (SVG) are inline, and its content
security policy forbids every script and every request. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from pathlib import Path

from quiz.reports.charts import facility_discrimination, score_histogram, topic_heatmap
from quiz.reports.classroom import ClassResults, Student, Tally, tally_text
from quiz.reports.exam_tables import (
    decimal,
    exam_name,
    item_cells,
    item_notes,
    sitting_cells,
)
from quiz.reports.exams import MIN_STUDENTS, Exam, ItemReport, spread_range
from quiz.reports.formatting import figure, plural
from quiz.reports.stats import when

# The page's styles, kept beside this module.
STYLE = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")


def html_report(title: str, results: ClassResults, now: float) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} — quiz report</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="lede">quiz report, {datetime.fromtimestamp(now):%Y-%m-%d %H:%M}. '
        "Definitions of every figure: the README, “Reports for teachers”.</p>",
        *_class(results.topics, results.students),
        *_exams(results.exams),
        *_items(results.items),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


Cell = str | tuple[str, str]


def _table(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A table of text, each cell escaped; a cell given as ("class", text) gets a class."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        kind, text = cell
        return f'<td class="{kind}">{escape(text)}</td>'
    return f"<td>{escape(cell)}</td>"


def _flagged(cells: list[str], at: int, flag: bool) -> list[Cell]:
    """A row whose cell `at` is shown as a flag when `flag`."""
    return [("flag", c) if n == at and flag else c for n, c in enumerate(cells)]


def _chart(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _class(topics: Sequence[str], students: Sequence[Student]) -> list[str]:
    parts = ["<h2>The class</h2>"]
    if not students:
        return [*parts, "<p>No answers yet.</p>"]
    parts.append(
        "<p>Each cell: accuracy and attempts in the topic (every answer counts, an exam's "
        "unanswered questions too).</p>"
    )

    rows = [
        [s.profile, tally_text(s.total), when(s.last_studied),
         *(tally_text(s.topics.get(t, Tally())) for t in topics)]
        for s in students
    ]  # fmt: skip
    parts.append(_table(["Student", "Total", "Last studied", *topics], rows))
    parts.append(_chart(topic_heatmap(topics, students), "Accuracy by student and topic."))
    return parts


def _exams(exams: Sequence[Exam]) -> list[str]:
    parts = ["<h2>Exams</h2>"]
    if not exams:
        return [*parts, "<p>No exam sittings yet.</p>"]
    for number, exam in enumerate(exams, 1):
        spread = exam.spread()
        parts.append(f"<h3>Exam {number}: {escape(exam_name(exam))}</h3>")
        parts.append(
            f"<p>{plural(spread.students, 'student')} (first sittings): "
            f"mean {figure(spread.mean)}, median {figure(spread.median)}, "
            f"standard deviation {figure(spread.sd)}, range {spread_range(spread)}.</p>"
        )
        parts.append(_chart(score_histogram(exam), "Scores of the first sittings."))
        rows = [_flagged(sitting_cells(exam, s), 5, s.timed_out) for s in exam.sittings]
        header = ["Student", "Score", "%", "Time", "Unanswered", "Ended", "Sat on"]
        parts.append(_table(header, rows))
    return parts


def _items(reports: Sequence[ItemReport]) -> list[str]:
    parts = ["<h2>Questions (item analysis)</h2>"]
    if not reports:
        return [*parts, "<p>No exam sittings of this bank yet.</p>"]
    parts.extend(f"<p>{escape(note)}</p>" for note in item_notes(reports))
    for report in reports:
        test = report.test
        parts.append(f"<h3>Exam: {escape(exam_name(report.exam))}</h3>")
        if not report.judged:
            parts.append(
                f"<p>Too few students to judge its questions: no flags below {MIN_STUDENTS}.</p>"
            )
        parts.append(
            _table(
                [
                    "Students",
                    "Mean",
                    "Median",
                    "SD",
                    "Skewness",
                    "Kurtosis",
                    "CIC",
                    "Error ratio",
                    "Standard error",
                ],
                [
                    [
                        str(test.students),
                        figure(test.mean, 1),
                        figure(test.median, 1),
                        figure(test.sd, 1),
                        decimal(test.skewness, 3),
                        decimal(test.kurtosis, 3),
                        figure(test.cic, 1),
                        figure(test.error_ratio, 1),
                        figure(test.standard_error, 1),
                    ]
                ],
            )
        )
        parts.extend(f'<p class="flag">{escape(flag)}</p>' for flag in test.flags)
        parts.append(
            _chart(
                facility_discrimination(report),
                "Facility against discrimination, one point per question; flagged ones are "
                "red crosses. Shaded: facility below 20% or above 90%, discrimination below 20%.",
            )
        )
        rows: list[list[Cell]] = [
            [*item_cells(i), ("flag", "; ".join(report.flags(i.question)))] for i in report.items
        ]
        header = ["Question", "Facility %", "SD %", "Intended weight %", "Effective weight %",
                  "Discrimination %", "Efficiency %", "Flags"]  # fmt: skip
        parts.append(_table(header, rows))
        if report.options:
            thirds = f"{report.third} students each" if report.third else "fewer than 3 students"
            parts.append(f"<p>Distractor analysis (✓ right; thirds by test score: {thirds}).</p>")
        for qid, options in report.options.items():
            parts.append(f"<h4>Options of {escape(qid)}</h4>")
            option_rows: list[list[Cell]] = [
                [("right", f"✓ {o.option}") if o.right else o.option, str(o.picked),
                 str(o.top), str(o.bottom)]
                for o in options
            ]  # fmt: skip
            parts.append(_table(["Option", "Picked", "Top third", "Bottom third"], option_rows))
    return parts
