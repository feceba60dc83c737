"""A list of plain lines drawn only where they are visible (Textual's Line API): a thousand
lines inside a scrolling screen cost what a screenful does."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget


class Lines(Widget):
    """`count` lines; `line(i, width)` gives the text of the i-th, plain (never markup)."""

    DEFAULT_CSS = "Lines { height: auto; }"

    def __init__(self, count: int, line: Callable[[int, int], str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self.line = line
        self.drawn = 0  # lines drawn since mounting: what showing them costs, for the tests

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return self.count

    def render_line(self, y: int) -> Strip:
        style, width = self.rich_style, self.size.width
        if y >= self.count:
            return Strip.blank(width, style)
        self.drawn += 1
        return plain_strip(self.line(y, width), style, width)


def plain_strip(text: str, style: Style, width: int) -> Strip:
    """One line of plain text (never markup) in `style`, cut or padded to `width` cells."""
    return Strip([Segment(text, style)], cell_len(text)).crop_extend(0, width, style)
