"""One question at a time: the prompt, the way to answer it, then the verdict."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, ProgressBar, Static

from quiz.session import StudySession
from quiz.widgets.answers import AnswerGiven, answer_widget
from quiz.widgets.feedback import Feedback
from quiz.widgets.keybar import KeyBar

TYPE_HINTS = {
    "choice": "Pick one: its number, or arrows and Enter.",
    "multi": "Pick every right one: numbers or Space toggle, Enter submits.",
    "truefalse": "True or false: t / f, or 1 / 2.",
    "short": "Type the answer and press Enter.",
    "cloze": "Fill each blank (Tab moves between them) and press Enter.",
    "card": "A flashcard: recall the answer, then Space.",
}


class QuestionScreen(Screen[None]):
    """Asks the session's questions one by one; saving happens as each is answered."""

    BINDINGS = [
        Binding("enter", "next", "Next", priority=False),
        Binding("escape", "end", "End session"),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False),
    ]

    class Ended(Message):
        """The session is over: every question answered, or the learner left early."""

        def __init__(self, session: StudySession) -> None:
            super().__init__()
            self.session = session

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.ending = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="question-bar"):
            yield Label(id="question-topic", markup=False)
            if self.session.mode != "practice":
                mode = self.session.mode.capitalize()
                if not self.session.feedback:
                    mode += f" · seed {self.session.seed}"  # a class can sit the same exam
                yield Label(mode, id="session-mode")
            if self.session.deadline is not None:
                yield Label(id="countdown")
            yield Label(id="question-count")
            yield ProgressBar(
                total=self.session.total,
                show_eta=False,
                show_percentage=False,
                id="question-progress",
            )
        # The body never takes focus, so a click cannot pull the keys away from the answer.
        with VerticalScroll(id="question-body", can_focus=False):
            yield Static(id="prompt", markup=False)
            yield Label(id="question-hint")
            # Always here and hidden until an answer: showing it then changes no widget tree,
            # so the verdict reaches the screen in the very next frame.
            yield Feedback()
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.show_question()
        if self.session.deadline is not None:
            self.tick()
            self.set_interval(1, self.tick)

    def tick(self) -> None:
        """Show the time left; when it runs out, the exam ends and the rest go unanswered."""
        left = self.session.time_left()
        if left is None:
            return
        minutes, seconds = divmod(int(left + 0.999), 60)
        countdown = self.query_one("#countdown", Label)
        countdown.update(f"⏱ {minutes}:{seconds:02d} left")
        countdown.set_class(left < 60, "hurry")
        if left <= 0 and not self.ending:
            self.notify(
                "Time is up: the questions not answered count as unanswered.",
                title="Exam",
                severity="warning",
            )
            self.action_end()

    async def show_question(self) -> None:
        session = self.session
        question = session.current
        self.query_one("#question-topic", Label).update(session.bank.topic_name(question.topic))
        self.query_one("#question-count", Label).update(
            f"Question {session.index + 1} of {session.total}"
        )
        self.query_one("#question-progress", ProgressBar).update(progress=session.index)
        self.query_one("#prompt", Static).update(question.display_prompt)
        self.query_one("#question-hint", Label).update(TYPE_HINTS[question.type])
        body = self.query_one("#question-body", VerticalScroll)
        await self.query("#answer").remove()
        self.query_one(Feedback).display = False
        await body.mount(
            answer_widget(question, session.choices(question)), before=self.query_one(Feedback)
        )
        body.scroll_home(animate=False)
        self._focus_answer()  # before the question is painted, so no key typed at once is lost
        session.show()
        self.refresh_bindings()

    def _focus_answer(self) -> None:
        answer = self.query_one("#answer")
        inputs = answer.query(Input)
        (inputs.first() if inputs else answer).focus()

    @on(AnswerGiven)
    def answered(self, event: AnswerGiven) -> None:
        event.stop()
        session = self.session
        if session.answered_current:
            return
        result = session.answer(event.response)
        self.query_one("#question-progress", ProgressBar).update(progress=session.index + 1)
        if session.save_error:
            self.notify(session.save_error, title="Not saved", severity="error", markup=False)
        if not session.feedback:  # an exam: no verdict until the end
            self.call_later(self.action_next)
            return
        self.query_one("#answer").display = False
        feedback = self.query_one(Feedback)
        feedback.show(session.current, result)
        feedback.focus()
        self.call_after_refresh(feedback.scroll_visible, animate=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.session.answered_current
        return True

    async def action_next(self) -> None:
        if not self.session.answered_current:
            return
        if self.session.advance():
            await self.show_question()
        else:
            self.action_end()

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one("#question-body", VerticalScroll)
        (body.scroll_page_down if direction > 0 else body.scroll_page_up)(animate=False)

    def action_end(self) -> None:
        if not self.ending:
            self.ending = True
            self.post_message(self.Ended(self.session))
