"""The widgets a learner answers with, one per kind of question.

Each posts `AnswerGiven` with its response; the screen grades it. Bank text is never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from quiz.bank import Question
from quiz.grading import CARD_GRADES, Response


class AnswerGiven(Message):
    """The learner has answered the question on screen."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


def _pick_bindings(count: int, description: str) -> list[Binding]:
    return [
        Binding(str(n), f"pick({n})", description, key_display=f"1-{count}", show=n == 1)
        for n in range(1, count + 1)
    ]


class ChoiceAnswer(OptionList):
    """Choices numbered 1 to 9: a number or Enter picks one; in `multi`, they toggle."""

    BINDINGS = [
        *_pick_bindings(9, "Pick"),
        Binding("space", "toggle_choice", "Toggle", show=False),
    ]

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
        if multi:
            self.border_subtitle = "number or Space: toggle · Enter: submit"

    def _prompt(self, index: int) -> Content:
        mark = ("☑ " if index in self.chosen else "☐ ") if self.multi else ""
        return Content(f"{mark}{index + 1}. {self.labels[index]}")

    def on_mount(self) -> None:
        self.highlighted = 0

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
        else:  # the feedback replaces the list at once: moving the highlight would cost a frame
            self.post_message(AnswerGiven(self.values[index]))

    def action_toggle_choice(self) -> None:
        if self.highlighted is not None:
            self._toggle(self.highlighted)

    def _toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.multi:
            self.post_message(AnswerGiven(self.values[event.option_index]))
        elif self.chosen:
            self.post_message(AnswerGiven(frozenset(self.values[i] for i in self.chosen)))
        else:
            self.notify(
                "Pick at least one choice (its number or Space), then Enter.", severity="warning"
            )


class TrueFalseAnswer(ChoiceAnswer):
    BINDINGS = [
        Binding("t", "pick(1)", "True"),
        Binding("f", "pick(2)", "False"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(["True", "False"], ["true", "false"], id=id)


class ShortAnswer(Input):
    def __init__(self, id: str | None = None) -> None:
        super().__init__(placeholder="Type your answer, then Enter", id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(AnswerGiven(event.value))


class ClozeAnswer(Vertical):
    """One input per blank. Enter moves to the next empty blank, or submits them all."""

    def __init__(self, blanks: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blanks = blanks

    def compose(self) -> ComposeResult:
        for n in range(1, self.blanks + 1):
            yield Input(placeholder=f"Blank ({n})", id=f"blank-{n}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        for later in inputs[position + 1 :]:
            if not later.value.strip():
                later.focus()
                return
        self.post_message(AnswerGiven(tuple(i.value for i in inputs)))


class CardAnswer(Widget, can_focus=True):
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
        yield Label("Recall the answer, then press Space to see it.", id="card-hint")
        yield Static(self.question.answer_text, markup=False, id="card-back")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "flip":
            return not self.flipped
        if action == "grade":
            return self.flipped
        return True

    def action_flip(self) -> None:
        self.flipped = True
        self.add_class("flipped")
        self.query_one("#card-hint", Label).update(
            "How well did you recall it?  1 Again · 2 Hard · 3 Good · 4 Easy"
        )
        self.refresh_bindings()

    def action_grade(self, number: int) -> None:
        self.post_message(AnswerGiven(number))


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
    return CardAnswer(question, id="answer")
