"""The end of a session: the score, each topic against its earlier sessions, what was missed."""

from __future__ import annotations

import time

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from quiz.core.bank import Question
from quiz.core.session import Result, StudySession
from quiz.reports.formatting import percent
from quiz.tui.widgets.feedback import ROWS, Rows, answer_rows, labelled, mark
from quiz.tui.widgets.keybar import KeyBar

REPORT_ROWS = {"score": "Score"} | {name: label for name, label in ROWS.items() if name != "review"}
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

    def __init__(self, session: StudySession, key_delay: float = 0.0) -> None:
        """Keys within `key_delay` seconds of the summary appearing do not leave it: a
        second Enter after the last question must not skip the results."""
        super().__init__()
        self.session = session
        self.ready_at = time.monotonic() + key_delay

    def compose(self) -> ComposeResult:
        session = self.session
        with VerticalScroll(id="summary-body"):
            if not session.feedback:
                taken = int(session.clock() - session.started) if session.ended else 0
                if session.deadline is not None:
                    taken = min(taken, int(session.deadline - session.started))
                ran_out = " · time ran out" if session.timed_out else ""
                yield Label(
                    f"Exam results · seed {session.seed} · {len(session.questions)} "
                    f"questions · {taken // 60}:{taken % 60:02d} taken{ran_out}",
                    id="exam-title",
                )
            yield Label(self._headline(), id="score")
            table: DataTable[Text] = DataTable(id="summary-topics", cursor_type="none")
            yield table
            if not session.feedback:
                yield Label("Every question, with your answer and the right one", id="missed-title")
                yield from self._report()
            elif missed := session.missed():
                yield Label(f"Missed ({len(missed)}) — press r to retry them", id="missed-title")
                for number, result in enumerate(missed, 1):
                    yield Static(self._item(number, result.question, result), classes="missed")
            elif session.results:
                yield Label("Nothing missed. Well done!", id="missed-title")
        yield KeyBar()

    def _report(self) -> ComposeResult:
        """An exam's full report: each question, what was given, what was right, and why."""
        results = {r.question.id: r for r in self.session.results}
        for number, question in enumerate(self.session.questions, 1):
            yield Static(self._item(number, question, results.get(question.id)), classes="missed")

    def _item(self, number: int, question: Question, result: Result | None) -> Table:
        """One question of the report, its rows lined up under their labels."""
        if result is None or result.unanswered:
            verdict = "—"
            rows: Rows = {
                "given": Text("(not answered)"),
                "expected": Text(question.answer_text, style="bold"),
            }
        else:
            grade = result.grade
            verdict = mark(grade)
            rows = answer_rows(question, grade, self.session.choices(question))
            if grade.score > 0 and not grade.correct:
                rows["score"] = Text(f"{grade.score:.0%}")
        if question.ref:
            rows["source"] = Text(question.ref)
        body: list[Text | Table] = [Text(question.display_prompt), labelled(rows, REPORT_ROWS)]
        if question.explanation:
            body.append(Text(question.explanation, style="italic"))
        item = Table.grid(padding=(0, 1, 0, 0))
        item.add_column(no_wrap=True)
        item.add_column(ratio=1)
        item.add_row(Text(f"{verdict} {number}.", style="bold"), Group(*body))
        return item

    def _headline(self) -> str:
        session = self.session
        right, counted = session.score
        if not session.feedback:  # an exam counts every question, answered or not
            total = len(session.questions)
            unanswered = session.unanswered + max(0, total - counted)
            left = f" · {unanswered} unanswered" if unanswered else ""
            return f"Score: {right} of {total} ({percent(right / total)}){left}"
        if not counted:
            return "No questions answered."
        skipped = f" · {session.total - counted} not reached" if counted < session.total else ""
        return f"Score: {right} of {counted} right ({percent(right / counted)}){skipped}"

    def on_mount(self) -> None:
        table = self.query_one("#summary-topics", DataTable)
        # The other columns take about 40 cells: the topic gets the rest, cut with "…".
        table.add_column("Topic", width=max(8, min(40, self.app.size.width - 46)))
        table.add_columns("This session", "Before", "Change")
        bank = self.session.study.bank
        for topic in self.session.topic_results():
            table.add_row(
                Text(bank.topic_name(topic.topic), overflow="ellipsis", no_wrap=True),
                Text(f"{topic.right}/{topic.total} {percent(topic.accuracy)}"),
                Text(percent(topic.before)),
                Text(CHANGE[topic.change]),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return bool(self.session.missed())
        return True

    def action_retry(self) -> None:
        if time.monotonic() < self.ready_at:
            return
        missed = [r.question for r in self.session.missed()]
        if missed:
            self.post_message(self.RetryRequested(missed))

    def action_home(self) -> None:
        if time.monotonic() >= self.ready_at:
            self.dismiss()
