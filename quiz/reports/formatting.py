"""Text renderings shared by the reports and the screens: bars, sparklines, percentages, times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

BLOCKS = " ▏▎▍▌▋▊▉█"
SPARKS = "▁▂▃▄▅▆▇█"


def bar(fraction: float, width: int = 10) -> str:
    """A horizontal bar `width` cells wide, filled to `fraction` in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (BLOCKS[part] if part else "")).ljust(width, "·")


def sparkline(values: Sequence[float]) -> str:
    """One character per value in 0..1, taller for higher."""
    return "".join(SPARKS[min(len(SPARKS) - 1, int(v * len(SPARKS)))] for v in values)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def ago(timestamp: float | None, now: float) -> str:
    """'never', 'just now', '5 min ago', 'today', 'yesterday', '3 days ago' or a date."""
    if timestamp is None:
        return "never"
    seconds = now - timestamp
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    then, today = datetime.fromtimestamp(timestamp).date(), datetime.fromtimestamp(now).date()
    days = (today - then).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 30:
        return f"{days} days ago"
    return then.isoformat()


def utc_time(timestamp: float | None) -> str | None:
    """A time as ISO 8601 in UTC to the second, for JSON and CSV; None for none."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
