"""Item analysis of an exam, as Moodle's quiz statistics report defines it.

The input is a score matrix: one row per student (their first sitting), one column per
question, each score from 0 to 1 (an unanswered question scores 0). Variances and
covariances divide by n - 1. Figures are percentages, as Moodle shows them, except skewness
and kurtosis; a figure that cannot be computed (too few students, no spread) is None.
Each definition is in the README ("Item analysis").
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

LOW_FACILITY, HIGH_FACILITY = 20.0, 90.0  # percent
LOW_DISCRIMINATION = 20.0
LOW_CIC = 64.0


@dataclass(frozen=True, slots=True)
class TestStats:
    """The whole test: `mean`, `median` and `sd` are percentages of the maximum score."""

    students: int
    questions: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # coefficient of internal consistency (Cronbach's alpha), percent
    error_ratio: float | None
    standard_error: float | None  # percent of the maximum score

    @property
    def flags(self) -> tuple[str, ...]:
        if self.cic is not None and self.cic < LOW_CIC:
            return (f"CIC below {LOW_CIC:.0f}%: the test as a whole is not consistent",)
        return ()


@dataclass(frozen=True, slots=True)
class ItemStats:
    """One question's figures, each a percentage."""

    question: str
    facility: float | None
    sd: float | None
    intended_weight: float
    effective_weight: float | None
    discrimination: float | None
    efficiency: float | None
    negative_covariance: bool = False  # with the total: then no effective weight

    @property
    def flags(self) -> tuple[str, ...]:
        found = []
        if self.negative_covariance:
            found.append("negative covariance with the total: no effective weight")
        if self.facility is not None and self.facility < LOW_FACILITY:
            found.append(f"facility below {LOW_FACILITY:.0f}%: too hard")
        elif self.facility is not None and self.facility > HIGH_FACILITY:
            found.append(f"facility above {HIGH_FACILITY:.0f}%: too easy")
        if self.discrimination is not None and self.discrimination < 0:
            found.append("negative discrimination: weaker students do better")
        elif self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            found.append(f"discrimination below {LOW_DISCRIMINATION:.0f}%")
        return tuple(found)


def analyse(questions: Sequence[str], scores: Sequence[Sequence[float]]) -> tuple[
    TestStats, list[ItemStats]
]:  # fmt: skip
    """The test's and each question's figures from `scores` (a row per student, a column per
    question of `questions`)."""
    n, p = len(scores), len(questions)
    totals = [math.fsum(row) for row in scores]
    columns = [[row[q] for row in scores] for q in range(p)]
    test = _test(totals, columns, n, p)
    # A question whose score varies against the total (negative covariance) has no effective
    # weight; the others share 100% among themselves, as in Moodle.
    with_total = [_covariance(column, totals) for column in columns]
    roots = [_root(c) for c in with_total]
    weight_sum = math.fsum(r for r in roots if r is not None)
    items = []
    for q, column in enumerate(columns):
        rest = [total - score for total, score in zip(totals, column, strict=True)]
        variance = _variance(column)
        items.append(
            ItemStats(
                question=questions[q],
                facility=100 * statistics.fmean(column) if n else None,
                sd=None if variance is None else 100 * math.sqrt(variance),
                intended_weight=100 / p,
                effective_weight=_share(roots[q], weight_sum),
                discrimination=_correlation(column, rest),
                efficiency=_efficiency(column, rest),
                negative_covariance=(with_total[q] or 0.0) < 0,
            )
        )
    return test, items


def _root(covariance: float | None) -> float | None:
    return None if covariance is None or covariance < 0 else math.sqrt(covariance)


def _share(root: float | None, total: float) -> float | None:
    return None if root is None or not total else 100 * root / total


def _test(totals: list[float], columns: list[list[float]], n: int, p: int) -> TestStats:
    scale = 100 / p if p else 0.0  # a score as a percentage of the maximum, p
    variance = _variance(totals)
    sd = None if variance is None else math.sqrt(variance)
    skewness = kurtosis = cic = error_ratio = standard_error = None
    if n and variance:
        mean = statistics.fmean(totals)
        m2, m3, m4 = (math.fsum((t - mean) ** k for t in totals) / n for k in (2, 3, 4))
        k2 = n * m2 / (n - 1)
        if n >= 3:
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
        if n >= 4:
            k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
            kurtosis = k4 / (k2 * k2)
        if p >= 2 and n >= 3:  # Moodle's minimum for these
            item_variances = math.fsum(_variance(column) or 0.0 for column in columns)
            cic = 100 * p / (p - 1) * (1 - item_variances / variance)
            error_ratio = 100 * math.sqrt(1 - cic / 100)
            assert sd is not None
            standard_error = error_ratio / 100 * sd * scale
    return TestStats(
        students=n,
        questions=p,
        mean=scale * statistics.fmean(totals) if n else None,
        median=scale * statistics.median(totals) if n else None,
        sd=None if sd is None else scale * sd,
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )


def _variance(values: Sequence[float]) -> float | None:
    return _covariance(values, values)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The sample covariance (divided by n - 1); None with fewer than two values."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """100 x Pearson's r; None when either has no spread."""
    vx, vy, c = _variance(xs), _variance(ys), _covariance(xs, ys)
    if not vx or not vy or c is None:
        return None
    return 100 * c / math.sqrt(vx * vy)


def _efficiency(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """100 x the covariance over the largest covariance the same two lists of values could
    have (each sorted, paired in rank order); None when that is not above 0."""
    c, most = _covariance(xs, ys), _covariance(sorted(xs), sorted(ys))
    if c is None or not most or most <= 0:
        return None
    return 100 * c / most
