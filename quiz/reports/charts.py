"""The HTML report's charts, drawn by matplotlib as SVG: a histogram of exam scores, facility
against discrimination per question, and a student x topic heatmap.

matplotlib is an optional dependency (`pip install 'quiz[reports]'`): only the HTML report
needs it. Its Figure API is used directly (no pyplot, no GUI backend). Names (students,
topics, questions) are drawn as paths, never read as TeX (`text.parse_math` off), and the SVG
carries no date, so the same results give the same file.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from typing import Any

from quiz.reports.classroom import Student
from quiz.reports.exams import Exam, ItemReport
from quiz.reports.table import clip

STYLE: dict[Any, Any] = {
    "svg.hashsalt": "quiz",  # ids in the SVG do not change from run to run
    "svg.fonttype": "path",  # text as shapes: the file needs no font
    "text.parse_math": False,  # a '$' in a name is a dollar, not TeX
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
RIGHT, FLAGGED, PLAIN = "#2e7d32", "#c62828", "#1565c0"


class NeedsMatplotlib(Exception):
    """The HTML report was asked for where matplotlib is not installed."""


@contextlib.contextmanager
def _figure(width: float, height: float) -> Iterator[Any]:
    """A new figure, drawn in quiz's style."""
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure
    except ImportError:
        raise NeedsMatplotlib(
            "the HTML report draws its charts with matplotlib: pip install 'quiz[reports]'"
        ) from None
    with rc_context(STYLE):
        yield Figure(figsize=(width, height), layout="constrained")


def _svg(figure: Any) -> str:
    """The figure as an SVG element to put in a page (no XML prologue)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def score_histogram(exam: Exam) -> str:
    """How many students (first sittings) scored in each tenth of the maximum."""
    marks = [100 * s.score / len(exam.questions) for s in exam.first_sittings]
    with _figure(5.5, 2.8) as figure:
        axes = figure.add_subplot()
        axes.hist(marks, bins=[i * 10 for i in range(11)], color=PLAIN, edgecolor="white")
        axes.set_xlim(0, 100)
        axes.set_xlabel("score (% of the maximum)")
        axes.set_ylabel("students")
        axes.yaxis.get_major_locator().set_params(integer=True)
        return _svg(figure)


def facility_discrimination(report: ItemReport) -> str:
    """Each question as a point: facility across, discrimination up; flagged ones in red."""
    with _figure(5.5, 3.6) as figure:
        axes = figure.add_subplot()
        axes.axhspan(-100, 20, color="#fbe9e7", zorder=0)
        axes.axvspan(0, 20, color="#fff3e0", zorder=0)
        axes.axvspan(90, 100, color="#fff3e0", zorder=0)
        for item in report.items:
            if item.facility is None or item.discrimination is None:
                continue
            flagged = bool(report.flags(item.question))
            axes.scatter(
                item.facility, item.discrimination, color=FLAGGED if flagged else PLAIN, zorder=3,
                marker="X" if flagged else "o",
            )  # fmt: skip
            axes.annotate(
                clip(item.question, 16), (item.facility, item.discrimination), fontsize=7,
                xytext=(4, 3), textcoords="offset points",
            )  # fmt: skip
        axes.set_xlim(0, 100)
        axes.set_ylim(-100, 100)
        axes.axhline(0, color="#9e9e9e", linewidth=0.8)
        axes.set_xlabel("facility index (%)")
        axes.set_ylabel("discrimination index (%)")
        return _svg(figure)


def topic_heatmap(topics: Sequence[str], students: Sequence[Student]) -> str:
    """Each student's accuracy in each topic, red to green; blank where they have none."""
    import numpy
    from matplotlib.colors import BoundaryNorm

    grid = numpy.full((len(students), len(topics)), numpy.nan)
    for row, student in enumerate(students):
        for column, topic in enumerate(topics):
            tally = student.topics.get(topic)
            if tally is not None and tally.accuracy is not None:
                grid[row, column] = 100 * tally.accuracy
    with _figure(
        min(9.0, 2.5 + 0.45 * len(topics)), min(12.0, 1.2 + 0.28 * len(students))
    ) as figure:
        axes = figure.add_subplot()
        # Cells as vector shapes (not a raster image): crisp, and the page loads no data URL.
        # Ten steps of 10%: easier to read than a gradient, and the colour bar stays vector.
        steps = BoundaryNorm(range(0, 101, 10), ncolors=256)
        image = axes.pcolormesh(
            numpy.ma.masked_invalid(grid), cmap="RdYlGn", norm=steps, edgecolors="white",
            linewidth=1,
        )  # fmt: skip
        axes.invert_yaxis()
        axes.set_xticks(
            [c + 0.5 for c in range(len(topics))], [clip(t, 18) for t in topics],
            rotation=45, ha="right",
        )  # fmt: skip
        axes.set_yticks(
            [r + 0.5 for r in range(len(students))], [clip(s.profile, 18) for s in students]
        )
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        figure.colorbar(image, ax=axes, label="accuracy (%)", shrink=0.8)
        return _svg(figure)
