"""Reading the values a learner types for a session (count, time limit, seed), for the command
line and the exam setup dialog alike."""

from __future__ import annotations

import re

MAX_SEED = 2**63 - 1  # what SQLite stores as an integer
MAX_TIME_LIMIT = 24 * 3600.0  # an exam of more than a day is a typo
_DIGITS = re.compile(r"[0-9]{1,20}")  # ASCII digits only: "²" is a digit to str.isdigit


def parse_count(raw: str) -> int:
    """A number of questions: a whole number of at least 1."""
    text = raw.strip()
    if not _DIGITS.fullmatch(text) or int(text) < 1:
        raise ValueError(f"expected a whole number of at least 1, not {raw!r}")
    return int(text)


def parse_duration(raw: str) -> float:
    """'90s', '10m', '1h', '1h30m', or a number of minutes, as seconds (up to a day)."""
    text = raw.strip().lower()
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):  # a bare number is minutes
        text += "m"
    match = re.fullmatch(
        r"(?:([0-9]{1,6})h)?\s*(?:([0-9]{1,6}(?:\.[0-9]{1,6})?)m)?\s*(?:([0-9]{1,6})s)?", text
    )
    seconds = 0.0
    if match and text:
        hours, minutes, secs = match.groups()
        seconds = int(hours or 0) * 3600 + float(minutes or 0) * 60 + int(secs or 0)
    if seconds <= 0:
        raise ValueError(f"expected a duration such as 10m, 90s or 1h30m, not {raw!r}")
    if seconds > MAX_TIME_LIMIT:
        raise ValueError(f"a time limit may be at most 24h, not {raw!r}")
    return seconds


def parse_seed(raw: str) -> int:
    """A seed: a whole number from 0 to 2^63 - 1."""
    text = raw.strip()
    if not _DIGITS.fullmatch(text) or int(text) > MAX_SEED:
        raise ValueError(f"expected a whole number from 0 to {MAX_SEED}, not {raw!r}")
    return int(text)


def format_duration(seconds: float) -> str:
    """The inverse of `parse_duration`, for showing a default: 900 -> '15m'."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts) or "0s"
