"""Plain-text tables that fit the terminal: columns too many for one width go on further
blocks, each repeating the first columns (the student, the question), so every block reads
on its own."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from quiz.core.bank import printable

GAP = "  "
MAX_CELL = 28  # a longer cell (a name, an option) is cut with "…"


def clip(text: str, width: int = MAX_CELL) -> str:
    """One line of untrusted text, no longer than `width`: no control code reaches the
    terminal, and a long name cannot push the table out of shape."""
    text = printable(text)
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def cell_len(text: str) -> int:
    """How many terminal cells text takes: two for a wide (East Asian) character, none for
    a combining mark."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, keep: int = 1, width: int = 80
) -> str:
    """`rows` under `header`: the first column left-aligned, the others right-aligned.
    Columns past `width` go on further blocks, separated by a blank line, each starting with
    the first `keep` columns again."""
    cells = [[clip(c) for c in header], *([clip(c) for c in row] for row in rows)]
    widths = [max(cell_len(line[i]) for line in cells) for i in range(len(header))]
    fixed = sum(widths[:keep]) + len(GAP) * keep
    blocks: list[list[int]] = []
    for column in range(keep, len(header)):
        used = fixed + sum(widths[c] + len(GAP) for c in blocks[-1]) if blocks else width
        if not blocks or used + widths[column] > width:
            blocks.append([])
        blocks[-1].append(column)
    if not blocks:
        blocks = [[]]
    text = []
    for block in blocks:
        chosen = [*range(keep), *block]
        for line in cells:
            parts = [_pad(line[c], widths[c], left=c < keep) for c in chosen]
            text.append(GAP.join(parts).rstrip())
        text.append("")
    return "\n".join(text[:-1]) + "\n"


def _pad(text: str, width: int, *, left: bool) -> str:
    """Text padded to `width` terminal cells (a wide character takes two)."""
    room = " " * (width - cell_len(text))
    return text + room if left else room + text
