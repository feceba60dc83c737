"""A yes/no question before something that cannot be undone, such as ending an exam."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from quiz.tui.widgets.keybar import KeyBar


class ConfirmScreen(ModalScreen[bool]):
    """Asks `question`; y answers yes, n, Escape or Enter answer no (the safe default)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape,enter", "answer(False)", "No", key_display="n", id="confirm-no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            yield Label("y: yes · n or Escape: no", id="confirm-keys")
        yield KeyBar()  # the keys of this dialog, not of the screen under it

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
