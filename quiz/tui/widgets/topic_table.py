"""The home screen's table of topics: one line per topic and a cursor moved from the keyboard.

A DataTable would do, but it paints its rows a frame or two after the screen first appears
and roughly doubles the time to the first useful paint. This draws the visible lines in the
first frame, through Textual's Line API, so a thousand topics cost what a screenful does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style as RichStyle
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from quiz.tui.widgets.lines import plain_strip

MIN_TOPIC = 18  # narrower than this, the least useful columns make way for the topic's name
MAX_TOPIC = 40
MARK = 3  # " ○ " before each topic


@dataclass(frozen=True, slots=True)
class Column:
    """A column after the topic's name."""

    title: str
    left: bool = False  # text aligns left; numbers align right
    drop: int = 0  # where the table is narrow the highest goes first; 0: always shown


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


@dataclass(frozen=True, slots=True)
class Layout:
    """Which columns are shown and how wide each is, for one terminal width."""

    columns: tuple[Column, ...]
    widths: tuple[int, ...]
    shown: tuple[int, ...]
    topic: int  # the topic's name's width

    def line(self, mark: str, name: str, cells: Sequence[str]) -> str:
        parts = [fit(cells[i], self.widths[i], left=self.columns[i].left) for i in self.shown]
        return f" {mark} {fit(name, self.topic)}  " + " ".join(parts)

    @property
    def header(self) -> str:
        return self.line(" ", "Topic", [c.title for c in self.columns])


def layout(
    columns: Sequence[Column], rows: Iterable[tuple[str, Sequence[str]]], width: int
) -> Layout:
    """How to draw rows of (name, cells) in at most `width` cells, when that is possible.

    Each column is as wide as its widest cell. Where that leaves the topic's name fewer than
    MIN_TOPIC cells, columns are left out, highest `drop` first, and a name that still does
    not fit is cut.
    """
    widths = [cell_len(column.title) for column in columns]
    longest = cell_len("Topic")
    for name, cells in rows:
        longest = max(longest, cell_len(name))
        widths = [max(w, cell_len(cell)) for w, cell in zip(widths, cells, strict=True)]
    shown = list(range(len(columns)))

    def room() -> int:
        return width - MARK - 1 - sum(widths[i] + 1 for i in shown)  # the topic's gap is 2

    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if room() >= min(MIN_TOPIC, longest):
            break
        shown.remove(i)
    topic = max(1, min(MAX_TOPIC, longest, room()))
    return Layout(tuple(columns), tuple(widths), tuple(shown), topic)


class TopicTable(ScrollView, can_focus=True):
    """One line per topic, drawn only where it is visible: moving the cursor redraws two
    lines, whatever the number of topics. `line(i)` gives the text of the i-th."""

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    def __init__(self, count: int, line: Callable[[int], str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self.line = line
        self.drawn = 0  # lines drawn since mounting: what a key costs, for the tests

    def on_mount(self) -> None:
        self.virtual_size = Size(0, self.count)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        style = self.rich_style
        width = self.size.width
        if index >= self.count:
            return Strip.blank(width, style)
        self.drawn += 1
        if index == self.cursor:
            style += RichStyle(reverse=True) if self.has_focus else RichStyle(underline=True)
        return plain_strip(self.line(index), style, width)

    def watch_cursor(self, old: int, new: int) -> None:
        for index in (old, new):
            self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))
        if self.is_mounted:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.count:
            self.cursor = max(0, min(self.count - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 1))

    def action_move_to(self, index: int) -> None:
        if self.count:
            self.cursor = index % self.count

    def on_click(self, event: Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < self.count:
            self.cursor = index
