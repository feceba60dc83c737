"""The home screen's table of topics: one line per topic and a cursor moved from the keyboard.

A DataTable would do, but it paints its rows a frame or two after the screen first appears
and roughly doubles the time to the first useful paint; this draws every row at once.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget


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
