"""Progress reports as text: a table for people, JSON and CSV for scripts."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from quiz.core.bank import Bank
from quiz.reports.formatting import percent, rounded, spreadsheet_safe, utc_time
from quiz.store.api import TREND_SESSIONS, TopicStats

FIELDS = [
    "profile", "bank", "topic", "topic_name", "attempts", "correct", "accuracy",
    "last_session_accuracy", "recent_accuracy", "recent_sessions", "last_studied",
    "best_streak",
]  # fmt: skip


def when(timestamp: float | None) -> str:
    if timestamp is None:
        return "never"
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def records(bank: Bank, profile: str, rows: list[TopicStats]) -> list[dict[str, Any]]:
    return [
        {
            "profile": profile,
            "bank": bank.title,
            "topic": row.topic,
            "topic_name": bank.topic_name(row.topic),
            "attempts": row.attempts,
            "correct": row.correct,
            "accuracy": rounded(row.accuracy),
            "last_session_accuracy": rounded(row.last_session_accuracy),
            "recent_accuracy": rounded(row.recent_accuracy),
            "recent_sessions": len(row.trend),
            "last_studied": utc_time(row.last_studied),
            "best_streak": row.best_streak,
        }
        for row in rows
    ]


def stats_json(bank: Bank, profile: str, rows: list[TopicStats]) -> str:
    return json.dumps(records(bank, profile, rows), indent=2, ensure_ascii=False) + "\n"


def stats_csv(bank: Bank, profile: str, rows: list[TopicStats]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records(bank, profile, rows):
        writer.writerow({k: spreadsheet_safe(v) for k, v in record.items()})
    return out.getvalue()


def stats_table(bank: Bank, profile: str, rows: list[TopicStats]) -> str:
    """A table that fits 80 columns."""
    header = ("Topic", "Tries", "Right", "Last", "Recent", "Streak", "Studied")
    body = [
        (_clip(bank.topic_name(r.topic), 34), str(r.attempts), percent(r.accuracy),
         percent(r.last_session_accuracy), percent(r.recent_accuracy), str(r.best_streak),
         when(r.last_studied)[:10])
        for r in rows
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    total = sum(r.attempts for r in rows)
    right = sum(r.correct for r in rows)
    lines = [
        f"{bank.title} — profile {profile}",
        f"{total} answer{'s' * (total != 1)}, {percent(right / total if total else None)} right",
        "",
        *(_row(line, widths) for line in [header, *body]),
        "",
        "Right: over all sessions.  Last: in the last session.",
        f"Recent: over the last {TREND_SESSIONS} sessions.  Streak: most right answers in a row.",
    ]
    return "\n".join(lines) + "\n"


def _row(cells: tuple[str, ...], widths: list[int]) -> str:
    first, *rest = cells
    return "  ".join(
        [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
