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


def plural(count: int, noun: str) -> str:
    """ "1 answer", "2 answers"."""
    return f"{count} {noun}{'s' * (count != 1)}"


def figure(value: float | None, digits: int = 0) -> str:
    """A figure that is already a percentage: "46%"; "—" when there is none."""
    return "—" if value is None else f"{value:.{digits}f}%"


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


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that starts like a formula (=, +, -, @)
    gets a leading apostrophe, as spreadsheets themselves write it. Numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def utc_time(timestamp: float | None) -> str | None:
    """A time as ISO 8601 in UTC to the second, for JSON and CSV; None for none."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A share for JSON and CSV: four places are plenty; None stays None."""
    return None if value is None else round(value, digits)
