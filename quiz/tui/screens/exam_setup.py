"""Before an exam: how many questions, how long, and which seed (the same seed, the same
exam for the whole class)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from quiz.core.options import format_duration, parse_count, parse_duration, parse_seed
from quiz.tui.widgets.keybar import KeyBar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ExamSetup:
    count: int
    time_limit: float | None  # seconds; None: no limit
    seed: int


def _field(name: str, parse: Callable[[str], T], text: str) -> T:
    """One field read by its parser; a mistake says which field it is in."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


class ExamSetupScreen(ModalScreen[ExamSetup | None]):
    """The exam's settings, defaults filled in; Enter starts it, Escape goes back."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="exam-cancel")]

    def __init__(self, count: int, time_limit: float | None, seed: int, available: str) -> None:
        super().__init__()
        self.defaults = (str(count), format_duration(time_limit) if time_limit else "", str(seed))
        self.available = available

    def compose(self) -> ComposeResult:
        count, time_limit, seed = self.defaults
        with Vertical(id="exam-box"):
            yield Label("Exam", id="exam-setup-title")
            yield Static(self.available, id="exam-available", markup=False)
            with Horizontal(classes="exam-field"):
                yield Label("Questions", classes="exam-label")
                yield Input(count, id="exam-count", restrict=r"\d*", max_length=6, compact=True)
            with Horizontal(classes="exam-field"):
                yield Label("Time limit", classes="exam-label")
                yield Input(
                    time_limit,
                    id="exam-time",
                    placeholder="none (15m, 1h30m; a number is minutes)",
                    compact=True,
                )
            with Horizontal(classes="exam-field"):
                yield Label("Seed", classes="exam-label")
                yield Input(seed, id="exam-seed", restrict=r"\d*", max_length=19, compact=True)
            yield Static("", id="exam-error", markup=False)
            yield Label("Tab: next field · Enter: start · Escape: cancel", id="exam-keys")
        yield KeyBar()  # the keys of this dialog, not of the screen under it

    def on_mount(self) -> None:
        self.query_one("#exam-count", Input).focus()

    def read(self) -> ExamSetup:
        """The settings typed, or ValueError with what is wrong."""
        value = {i.id: i.value.strip() for i in self.query(Input)}
        return ExamSetup(
            _field("Questions", parse_count, value["exam-count"]),
            _field("Time limit", parse_duration, value["exam-time"])
            if value["exam-time"]
            else None,
            _field("Seed", parse_seed, value["exam-seed"]),
        )

    @on(Input.Submitted)
    def start(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            setup = self.read()
        except ValueError as exc:
            self.query_one("#exam-error", Static).update(f"⚠ {exc}")
            return
        self.dismiss(setup)

    def action_cancel(self) -> None:
        self.dismiss(None)
