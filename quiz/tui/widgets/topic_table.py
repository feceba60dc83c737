"""The home screen's table of topics: one line per topic and a cursor moved from the keyboard.

A DataTable would do, but it paints its rows a frame or two after the screen first appears
and roughly doubles the time to the first useful paint; this draws every row at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget

MIN_TOPIC = 18  # narrower than this, the least useful columns make way for the topic's name
MAX_TOPIC = 40
MARK = 3  # " ○ " before each topic


@dataclass(frozen=True, slots=True)
class Column:
    """A column after the topic's name."""

    title: str
    left: bool = False  # text aligns left; numbers align right
    drop: int = 0  # where the table is narrow the highest goes first; 0: always shown


@dataclass(frozen=True, slots=True)
class Row:
    mark: str
    name: str  # the topic's name, bank text
    cells: tuple[str, ...]  # one per column


def fit(text: str, width: int, *, left: bool = True) -> str:
    """`text` padded to exactly `width` terminal cells, or cut to them ending in "…".

    Widths are counted in cells, not characters, so wide (CJK, emoji) names stay aligned.
    """
    if width <= 0:
        return ""
    if cell_len(text) > width:
        cut = set_cell_size(text, width - 1).rstrip()  # a wide letter cut in half is a space
        return set_cell_size(cut + "…", width)
    padding = " " * (width - cell_len(text))
    return text + padding if left else padding + text


def layout(columns: Sequence[Column], rows: Sequence[Row], width: int) -> tuple[str, list[str]]:
    """The header and one line per row, each at most `width` cells when that is possible.

    Each column is as wide as its widest cell. Where that leaves the topic's name fewer than
    MIN_TOPIC cells, columns are left out, highest `drop` first, and a name that still does
    not fit is cut.
    """
    widths = [
        max(cell_len(column.title), *(cell_len(row.cells[i]) for row in rows))
        for i, column in enumerate(columns)
    ]
    longest = max([cell_len("Topic"), *(cell_len(row.name) for row in rows)])
    shown = list(range(len(columns)))

    def room() -> int:
        return width - MARK - 1 - sum(widths[i] + 1 for i in shown)  # the topic's gap is 2

    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if room() >= min(MIN_TOPIC, longest):
            break
        shown.remove(i)
    topic = max(1, min(MAX_TOPIC, longest, room()))

    def line(mark: str, name: str, cells: Sequence[str]) -> str:
        parts = [fit(cells[i], widths[i], left=columns[i].left) for i in shown]
        return f" {mark} {fit(name, topic)}  " + " ".join(parts)

    header = line(" ", "Topic", [c.title for c in columns])
    return header, [line(row.mark, row.name, row.cells) for row in rows]


class TopicTable(Widget, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    def __init__(self, rows: list[Content], id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows

    def set_rows(self, rows: list[Content]) -> None:
        self.rows = rows
        self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.refresh(layout=True)

    def render(self) -> Content:
        lines = [
            row.stylize("reverse" if self.has_focus else "underline") if i == self.cursor else row
            for i, row in enumerate(self.rows)
        ]
        return Content("\n").join(lines)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.rows)

    def watch_cursor(self) -> None:
        self.refresh()
        if self.parent is not None and self.is_mounted:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_move_to(self, index: int) -> None:
        if self.rows:
            self.cursor = index % len(self.rows)

    def on_click(self, event: Click) -> None:
        if 0 <= event.y < len(self.rows):
            self.cursor = event.y
