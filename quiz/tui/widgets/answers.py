"""The widgets a learner answers with, one per kind of question.

Each posts `AnswerGiven` with its response; the screen grades it. Bank text is never markup.
Nothing is picked when a question appears, and no widget answers before its `ready_at` time
(set by the screen): a key pressed twice, or typed ahead, cannot answer a question the
learner has not seen yet.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from quiz.core.bank import Question
from quiz.core.grading import CARD_GRADES, Response, parse_number


class AnswerGiven(Message):
    """The learner has answered the question on screen."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


class Answering:
    """What every answer widget shares: the time from which it accepts an answer, and what
    the learner has entered so far (graded if the time runs out before they submit)."""

    ready_at = 0.0  # time.monotonic() from which an answer counts
    given = False  # answered: a key that follows at once neither answers again nor nags

    @property
    def ready(self) -> bool:
        return not self.given and time.monotonic() >= self.ready_at

    def give(self, response: Response) -> None:
        """Answer with `response`, once."""
        assert isinstance(self, Widget)
        self.given = True
        self.post_message(AnswerGiven(response))

    def pending(self) -> Response | None:
        """The answer entered but not submitted yet, if any."""
        return None


class ChoiceAnswer(Answering, OptionList, inherit_bindings=False):
    """Choices numbered 1 to 9: a number picks one, or the arrows and Enter; in `multi`, a
    number or Space toggles and Enter submits. PgUp and PgDn are left to the question, which
    they scroll: the list's own bindings are not inherited."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="choice-up"),
        Binding("down", "cursor_down", "Down", show=False, id="choice-down"),
        Binding("home", "first", "First", show=False, id="choice-first"),
        Binding("end", "last", "Last", show=False, id="choice-last"),
        Binding("enter", "select", "Pick", show=False, id="choice-select"),
        *(
            Binding(str(n), f"pick({n})", "Pick", key_display="1-9", show=n == 1, id=f"pick-{n}")
            for n in range(1, 10)
        ),
        Binding("space", "toggle_choice", "Toggle", show=False, id="toggle-choice"),
    ]

    PICK_FIRST = "Pick a choice first: its number, or ↓ and Enter."

    def __init__(
        self,
        labels: Sequence[str],
        values: Sequence[str],
        *,
        multi: bool = False,
        id: str | None = None,
    ) -> None:
        self.labels = list(labels)
        self.values = list(values)
        self.multi = multi
        self.chosen: set[int] = set()
        super().__init__(
            *(Option(self._prompt(i), id=str(i)) for i in range(len(labels))), markup=False, id=id
        )
        self.highlighted = None  # OptionList highlights the first; nothing is picked for you
        if multi:
            self.border_subtitle = "number or Space: toggle · Enter: submit"

    def _prompt(self, index: int) -> Table:
        """ "2. text", where text that wraps stays under itself, not under the number."""
        mark = ("☑ " if index in self.chosen else "☐ ") if self.multi else ""
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(f"{mark}{index + 1}. ", Text(self.labels[index]))
        return grid

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return int(str(parameters[0])) <= len(self.labels)
        if action == "toggle_choice":
            return self.multi
        return True

    def action_pick(self, number: int) -> None:
        index = number - 1
        if self.multi:
            self.highlighted = index
            self._toggle(index)
        elif self.ready:  # the feedback replaces the list at once: no need to move the cursor
            self.give(self.values[index])

    def action_toggle_choice(self) -> None:
        if self.highlighted is not None:
            self._toggle(self.highlighted)

    def _toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def action_select(self) -> None:
        if self.given:
            return
        if self.multi:
            self._submit_chosen()
        elif self.highlighted is None:
            self.notify(self.PICK_FIRST, severity="warning")
        else:
            super().action_select()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.multi:
            self._submit_chosen()
        elif self.ready:
            self.give(self.values[event.option_index])

    def _submit_chosen(self) -> None:
        if self.given:
            return
        if not self.chosen:
            self.notify(
                "Pick at least one choice (its number or Space), then Enter.", severity="warning"
            )
        elif self.ready:
            self.give(self.pending_set())

    def pending_set(self) -> frozenset[str]:
        return frozenset(self.values[i] for i in self.chosen)

    def pending(self) -> Response | None:
        return self.pending_set() if self.multi and self.chosen else None


class TrueFalseAnswer(ChoiceAnswer):
    """True or False: t or f, or 1 or 2 (the footer shows t and f, each with its meaning)."""

    BINDINGS = [
        Binding("t,1", "say('true')", "True", key_display="t", id="true"),
        Binding("f,2", "say('false')", "False", key_display="f", id="false"),
    ]

    PICK_FIRST = "Answer with t (True) or f (False)."

    def __init__(self, id: str | None = None) -> None:
        super().__init__(["True", "False"], ["true", "false"], id=id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":  # the numbers are bound to `say` here, so the footer reads t / f
            return False
        return super().check_action(action, parameters)

    def action_say(self, value: str) -> None:
        if self.ready:
            self.give(value)


class TextBox(Input):
    """A text input that leaves PgUp and PgDn to the question, which they scroll."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("page_up", "page_down", "page_left", "page_right"):
            return False
        return super().check_action(action, parameters)


class ShortAnswer(Answering, TextBox):
    def __init__(self, id: str | None = None) -> None:
        super().__init__(placeholder="Type your answer, then Enter", id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.notify("Type an answer first, then Enter.", severity="warning")
        elif self.ready:
            self.give(event.value)

    def pending(self) -> Response | None:
        return self.value if self.value.strip() else None


class NumericAnswer(Answering, TextBox):
    """A number: what is not one (a comma for a decimal point, a word) is refused with a
    hint before it is graded, so a slip of notation never costs the answer."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(placeholder="Type a number (2.5, -3, 1e6), then Enter", id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.notify("Type a number first, then Enter.", severity="warning")
            return
        try:
            parse_number(event.value)
        except ValueError as exc:
            self.notify(f"Not taken: {exc}.", severity="warning", markup=False)
            return
        if self.ready:
            self.give(event.value)

    def pending(self) -> Response | None:
        return self.value if self.value.strip() else None


class MatchAnswer(Answering, Widget, can_focus=True):
    """Each left item matched to one of the right items, shown shuffled and numbered: ↑ ↓
    pick the left item, a number (or ← →) gives it its match, Backspace clears it, and
    Enter submits once every item has one."""

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("left", "cycle(-1)", "Previous match", show=False),
        Binding("right", "cycle(1)", "Next match", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
        Binding("enter", "submit", "Submit"),
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, question: Question, options: Sequence[str], id: str | None = None):
        super().__init__(id=id, classes="match")
        self.lefts = [left for left, _ in question.pairs]
        self.options = list(options)
        self.chosen = [""] * len(self.lefts)
        self.row = 0

    def render(self) -> Text:
        return self.lines(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width).plain.split("\n"))  # the height of the lines drawn

    def lines(self, room: int) -> Text:
        """Each left item with its match: on one line when they fit, else the match on a
        line of its own under the item; then the options, as many to a line as fit. No
        line wraps, so the widget is as tall as its lines and every option stays in reach
        (PgDn)."""
        room = max(20, room)
        width = max(map(len, self.lefts))
        longest = max(map(len, self.options))
        stacked = 2 + width + 5 + longest > room
        text = Text()
        for n, (left, chosen) in enumerate(zip(self.lefts, self.chosen, strict=True)):
            here = n == self.row
            text.append("▸ " if here else "  ", style="bold")
            text.append(left if stacked else left.ljust(width), style="bold" if here else "")
            text.append("\n    →  " if stacked else "  →  ")
            text.append(chosen or "____", style="reverse" if here else "dim" * (not chosen))
            text.append("\n")
        used = 0
        for n, option in enumerate(self.options, 1):
            entry = f"{n} {option}"
            if used and used + 3 + len(entry) > room:
                text.append("\n")
                used = 0
            text.append("   " if used else "\n" if n == 1 else "")
            text.append(f"{n} ", style="bold")
            text.append(option, style="dim" if option in self.chosen else "")
            used += len(entry) + 3
        return text

    def action_move(self, step: int) -> None:
        self.row = (self.row + step) % len(self.lefts)
        self.refresh()

    def action_choose(self, number: int) -> None:
        if number > len(self.options):
            return
        self.chosen[self.row] = self.options[number - 1]
        if self.row < len(self.lefts) - 1:
            self.row += 1
        self.refresh()

    def action_cycle(self, step: int) -> None:
        current = self.chosen[self.row]
        at = self.options.index(current) if current in self.options else (-1 if step > 0 else 0)
        self.chosen[self.row] = self.options[(at + step) % len(self.options)]
        self.refresh()

    def action_clear(self) -> None:
        self.chosen[self.row] = ""
        self.refresh()

    def action_submit(self) -> None:
        if "" in self.chosen:
            left = self.lefts[self.chosen.index("")]
            self.notify(f"Match every item first ('{left}' has none).", severity="warning",
                        markup=False)  # fmt: skip
        elif self.ready:
            self.give(tuple(self.chosen))

    def pending(self) -> Response | None:
        return tuple(self.chosen) if any(self.chosen) else None


class ClozeAnswer(Answering, Vertical):
    """One input per blank. Enter moves to the next empty blank, or submits them all."""

    def __init__(self, blanks: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blanks = blanks

    def compose(self) -> ComposeResult:
        for n in range(1, self.blanks + 1):
            yield TextBox(placeholder=f"Blank ({n})", id=f"blank-{n}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if not event.value.strip():  # the cursor stays where the learner is looking
            self.notify(
                f"Blank ({position + 1}) is empty: fill it in, or Tab to another.",
                severity="warning",
            )
            return
        for later in inputs[position + 1 :]:
            if not later.value.strip():
                later.focus()
                return
        if self.pending() is None:
            self.notify("Fill in the blanks first, then Enter.", severity="warning")
        elif self.ready:
            self.give(tuple(i.value for i in inputs))

    def pending(self) -> Response | None:
        values = tuple(i.value for i in self.query(Input))
        return values if any(v.strip() for v in values) else None


class CardAnswer(Answering, Widget, can_focus=True):
    """A flashcard: Space or Enter shows the back, then 1-4 grades how well it was recalled."""

    BINDINGS = [
        Binding("space,enter", "flip", "Show answer"),
        *(Binding(str(n), f"grade({n})", name, show=True) for n, name in enumerate(CARD_GRADES, 1)),
    ]

    def __init__(self, question: Question, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.flipped = False

    def compose(self) -> ComposeResult:
        yield Static("Recall the answer, then press Space to see it.", id="card-hint")
        yield Static(self.question.answer_text, markup=False, id="card-back")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "flip":
            return not self.flipped
        if action == "grade":
            return self.flipped
        return True

    def action_flip(self) -> None:
        if not self.ready:
            return
        self.flipped = True
        self.add_class("flipped")
        self.query_one("#card-hint", Static).update(
            "How well did you recall it?  1 Again · 2 Hard · 3 Good · 4 Easy"
        )
        self.refresh_bindings()

    def action_grade(self, number: int) -> None:
        if self.ready:
            self.give(number)


def answer_widget(question: Question, choices: Sequence[str]) -> Widget:
    """The widget for answering `question`, whose choices are shown in `choices` order."""
    if question.type in ("choice", "multi"):
        return ChoiceAnswer(choices, choices, multi=question.type == "multi", id="answer")
    if question.type == "truefalse":
        return TrueFalseAnswer(id="answer")
    if question.type == "short":
        return ShortAnswer(id="answer")
    if question.type == "cloze":
        return ClozeAnswer(len(question.blanks), id="answer")
    if question.type == "numeric":
        return NumericAnswer(id="answer")
    if question.type == "match":
        return MatchAnswer(question, choices, id="answer")
    return CardAnswer(question, id="answer")
