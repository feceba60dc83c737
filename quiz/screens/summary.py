"""The end of a session: the score, each topic against its earlier sessions, what was missed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from quiz.bank import Question
from quiz.formatting import percent
from quiz.session import StudySession
from quiz.widgets.keybar import KeyBar

CHANGE = {"better": "▲ better", "worse": "▼ worse", "same": "= same", "first": "• first time"}


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "retry", "Retry missed"),
        Binding("enter,escape", "home", "Home"),
        Binding("s", "app.show_stats", "Stats"),
    ]

    class RetryRequested(Message):
        def __init__(self, questions: list[Question]) -> None:
            super().__init__()
            self.questions = questions

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        right, answered = session.score
        with VerticalScroll(id="summary-body"):
            yield Label(self._headline(right, answered), id="score")
            table: DataTable[Text] = DataTable(id="summary-topics", cursor_type="none")
            yield table
            missed = session.missed()
            if missed:
                yield Label(f"Missed ({len(missed)}) — press r to retry them", id="missed-title")
                for result in missed:
                    yield Static(
                        Content.assemble(
                            ("✗ ", "bold"),
                            result.question.display_prompt,
                            "\n",
                            ("  Answer: ", "dim"),
                            (result.grade.expected, "bold"),
                        ),
                        classes="missed",
                    )
            elif answered:
                yield Label("Nothing missed. Well done!", id="missed-title")
        yield KeyBar()

    def _headline(self, right: int, answered: int) -> str:
        total = self.session.total
        if not answered:
            return "No questions answered."
        skipped = f" · {total - answered} not reached" if answered < total else ""
        return f"Score: {right} of {answered} right ({percent(right / answered)}){skipped}"

    def on_mount(self) -> None:
        table = self.query_one("#summary-topics", DataTable)
        table.add_columns("Topic", "This session", "Before", "Change")
        for topic in self.session.topic_results():
            table.add_row(
                Text(self.session.bank.topic_name(topic.topic), overflow="ellipsis"),
                Text(f"{topic.right}/{topic.total} {percent(topic.accuracy)}"),
                Text(percent(topic.before)),
                Text(CHANGE[topic.change]),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return bool(self.session.missed())
        return True

    def action_retry(self) -> None:
        missed = [r.question for r in self.session.missed()]
        if missed:
            self.post_message(self.RetryRequested(missed))

    def action_home(self) -> None:
        self.dismiss()
