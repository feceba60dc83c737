"""Every key, on one page. Opened with ? or F1 from anywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from quiz.core.modes import MODES

CLOSE = "Escape, q or ? closes this help"
KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Anywhere", (
        ("?  F1", "this help"),
        ("Ctrl+P", "command palette: screens, actions, themes"),
        ("Ctrl+Q", "quit (every answer is already saved)"),
    )),
    ("Home (a session covers the selected topics, or all of them)", (
        ("↑ ↓", "move between topics"),
        ("Space", "select or unselect the topic under the cursor"),
        ("a", "select all topics, or none"),
        *((mode.key_display, f"{name}: {mode.key_help}") for name, mode in MODES.items()),
        ("s", "statistics"),
        ("c", "the class: everyone's results (when the database keeps several people)"),
        ("New Lrn Due", "never reviewed · learning, due now · review, due now"),
    )),
    ("Question", (
        ("1-9", "choice: pick;  multi: toggle"),
        ("↑ ↓ Enter", "choice: move and pick"),
        ("Space", "multi: toggle;  card: show the answer"),
        ("t  f", "true/false: true, false"),
        ("Enter", "submit the answer, then go on to the next question"),
        ("Tab", "cloze: next blank"),
        ("1 2 3 4", "card: grade Again / Hard / Good / Easy"),
        ("o", 'after answering: "I was right", when a short or cloze answer was '
              "marked wrong (not in exams)"),
        ("PgUp PgDn", "scroll a long question"),
        ("F1", "help (? types a question mark in a text box)"),
        ("Escape", "end the session (asks first in an exam or review)"),
    )),
    ("Summary", (
        ("r", "retry the missed questions"),
        ("Enter Esc", "back home"),
        ("s", "statistics"),
    )),
    ("Statistics", (
        ("Escape  q", "back"),
    )),
    ("Class", (
        ("1 2 3", "students · exams · items (the item analysis of the exam chosen)"),
        ("↑ ↓ Enter", "exams: choose one and see its items;  items: see a question's flags"),
        ("Escape  q", "back"),
    )),
)  # fmt: skip


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = CLOSE  # on the frame: seen however far it scrolls
            for heading, keys in KEYS:
                yield Label(heading, classes="help-heading")
                for key, text in keys:
                    # Two columns, so that a description that wraps stays in its column.
                    with Horizontal(classes="help-row"):
                        yield Label(key, classes="help-key", markup=False)
                        yield Label(text, classes="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss()
