"""One question at a time: the prompt, the way to answer it, then the verdict."""

from __future__ import annotations

import contextlib
import time
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, ProgressBar, Static

from quiz.core.grading import Response
from quiz.core.session import SessionClosed, StudySession
from quiz.tui.background import call_store
from quiz.tui.widgets.answers import AnswerGiven, Answering, answer_widget
from quiz.tui.widgets.feedback import Feedback
from quiz.tui.widgets.keybar import KeyBar

TYPE_HINTS = {
    "choice": "Pick one: its number, or arrows and Enter.",
    "multi": "Pick every right one: numbers or Space toggle, Enter submits.",
    "truefalse": "True or false: t / f, or 1 / 2.",
    "short": "Type the answer and press Enter.",
    "cloze": "Fill each blank (Tab moves between them) and press Enter.",
    "card": "A flashcard: recall the answer, then Space.",
    "numeric": "Type a number (a point for decimals: 2.5) and press Enter.",
    "match": "↑ ↓ pick an item, then its match's number (or ← →); Enter submits.",
}


class QuestionBody(VerticalScroll):
    """The prompt, the answer and the verdict. PgUp and PgDn scroll it whatever has focus
    (the choices pass them on), and the key bar offers them only when there is more."""

    BINDINGS = [
        Binding("pagedown", "page_down", "More", key_display="PgDn", id="scroll-down"),
        Binding("pageup", "page_up", "Back", key_display="PgUp", id="scroll-up"),
    ]

    def on_mount(self) -> None:
        for changes in ("virtual_size", "scroll_y"):
            self.watch(self, changes, lambda _: self.refresh_bindings(), init=False)

    def on_resize(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """PgDn while there is more below, PgUp while there is more above."""
        if action == "page_down":
            return self.scroll_y < self.max_scroll_y
        if action == "page_up":
            return self.scroll_y > 0
        return True


class QuestionScreen(Screen[None]):
    """Asks the session's questions one by one; saving happens as each is answered."""

    BINDINGS = [
        Binding("enter", "next", "Next", priority=False, id="next"),
        Binding("o", "override", "I was right", id="override"),
        Binding("escape", "end", "End session", id="end-session"),
    ]

    class Ended(Message):
        """The session is over: every question answered, the time ran out, or the learner
        left early."""

        def __init__(self, session: StudySession) -> None:
            super().__init__()
            self.session = session

    def __init__(self, session: StudySession, answer_delay: float) -> None:
        """Keys that arrive within `answer_delay` seconds of a question appearing do not
        answer it."""
        super().__init__()
        self.session = session
        self.answer_delay = answer_delay
        self.ending = False
        self.saving = False  # an answer is on its way to the store
        self.waiting = False  # answers wait in the outbox for the server
        self.deadline_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="question-bar"):
            yield Label(id="question-topic", markup=False)
            if self.session.way.in_header:
                mode = self.session.way.title
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
        with QuestionBody(id="question-body", can_focus=False):
            yield Static(id="prompt", markup=False)
            yield Static(id="question-hint")
            # Always here and hidden until an answer: showing it then changes no widget tree,
            # so the verdict reaches the screen in the very next frame.
            yield Feedback()
        yield KeyBar()

    def on_resize(self) -> None:
        # Below 72 columns the header keeps the topic, the count and the time, not the bar.
        self.set_class(self.size.width < 72, "-narrow")

    async def on_mount(self) -> None:
        await self.show_question()
        left = self.session.time_left()
        if left is not None:
            await self.tick()
            self.set_interval(1, self.tick)
            # The exact moment, not the next tick: what is typed by then is what counts.
            self.deadline_timer = self.set_timer(left, self.time_up)

    async def tick(self) -> None:
        """Show the time left."""
        left = self.session.time_left()
        if left is None:
            return
        minutes, seconds = divmod(int(left + 0.999), 60)
        countdown = self.query_one("#countdown", Label)
        countdown.update(f"⏱ {minutes}:{seconds:02d} left")
        countdown.set_class(left < 60, "hurry")
        if left <= 0:
            await self.time_up()

    async def time_up(self) -> None:
        """The exam's time has run out: what is typed is graded and saved, the rest count as
        unanswered, and the exam ends, whatever dialog is open on top of it. An answer being
        saved at that moment finishes first, and then calls this again."""
        if self.ending or self.saving:
            return
        self.ending = True  # from here on no key answers
        await call_store(self.session.study.store, partial(self.session.time_up, self._pending()))
        self.ending = False
        self.notify(
            "Time is up: what you had typed was saved; the questions left count as unanswered.",
            title="Exam",
            severity="warning",
            timeout=8,
        )
        self._end_now()

    async def save_pending(self) -> None:
        """An exam ended by the learner counts what was typed or ticked but not submitted,
        as when its time runs out."""
        pending = None if self.session.feedback or self.saving else self._pending()
        if pending is not None:
            with contextlib.suppress(SessionClosed):
                await call_store(self.session.study.store, partial(self.session.answer, pending))

    def _pending(self) -> Response | None:
        if self.session.answered_current:
            return None
        answer = self.query("#answer").first()
        return answer.pending() if isinstance(answer, Answering) else None

    async def show_question(self) -> None:
        session = self.session
        question = session.current
        self.query_one("#question-topic", Label).update(
            session.study.bank.topic_name(question.topic)
        )
        self.query_one("#question-count", Label).update(
            f"Question {session.index + 1} of {session.total}"
        )
        self.query_one("#question-progress", ProgressBar).update(progress=session.index)
        self.query_one("#prompt", Static).update(question.display_prompt)
        hint = self.query_one("#question-hint", Static)
        hint.update(TYPE_HINTS[question.type])
        hint.display = True
        body = self.query_one("#question-body", VerticalScroll)
        await self.query("#answer").remove()
        self.query_one(Feedback).display = False
        answer = answer_widget(question, session.choices(question))
        if isinstance(answer, Answering):
            answer.ready_at = time.monotonic() + self.answer_delay
        await body.mount(answer, before=self.query_one(Feedback))
        self._focus_answer()  # before the question is painted, so no key typed at once is lost
        body.scroll_home(animate=False)  # a long prompt opens at its top
        session.show()
        self.refresh_bindings()

    def _focus_answer(self) -> None:
        answer = self.query_one("#answer")
        inputs = answer.query(Input)
        (inputs.first() if inputs else answer).focus(scroll_visible=False)

    @on(AnswerGiven)
    async def answered(self, event: AnswerGiven) -> None:
        event.stop()
        session = self.session
        if self.ending or self.saving or session.answered_current:
            return
        self.saving = True  # until it is saved, no second answer, and the time waits
        try:
            answer = partial(session.answer, event.response)
            result = await call_store(session.study.store, answer)
        except SessionClosed:  # the deadline passed before the timer fired
            self.saving = False
            await self.time_up()
            return
        self.saving = False
        if session.time_left() == 0:  # the time ran out while the answer was being saved
            await self.time_up()
            return
        self.query_one("#question-progress", ProgressBar).update(progress=session.index + 1)
        self._say_if_unsaved()
        if not session.feedback:  # an exam: no verdict until the end
            self.call_later(self.action_next)
            return
        self.query_one("#answer").display = False
        self.query_one("#question-hint").display = False  # room for the verdict
        feedback = self.query_one(Feedback)
        feedback.show(result, session.choices(result.question), session.clock(), self._keys())
        feedback.focus(scroll_visible=False)
        body = self.query_one("#question-body", VerticalScroll)
        # As little scrolling as shows the verdict: the question stays in view if it fits.
        self.call_after_refresh(body.scroll_to_widget, feedback, animate=False)
        self.refresh_bindings()

    def _keys(self) -> str:
        keys = "Enter: next"
        if self.session.can_override:
            keys += " · o: I was right"
        return keys

    def _say_if_unsaved(self) -> None:
        """Say when an answer is not saved; and, once each time, when answers start waiting
        locally for the server and when they have reached it."""
        if self.session.save_error:
            self.notify(self.session.save_error, title="Not saved", severity="error", markup=False)
            return
        waiting = self.session.study.store.pending > 0
        if waiting and not self.waiting:
            self.notify(
                "Saved locally, will sync: the database server cannot be reached; your "
                "answers are sent when it is back.",
                title="Saved locally",
                severity="warning",
            )
        elif self.waiting and not waiting:
            self.notify("Synced: the answers kept locally reached the server.", title="Synced")
        self.waiting = waiting

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.session.answered_current
        if action == "override":
            return self.session.can_override
        return True

    async def action_override(self) -> None:
        """ "I was right": the learner overrules a wrong verdict on a short or cloze answer."""
        if not self.session.can_override or self.saving:
            return
        self.saving = True
        try:
            result = await call_store(self.session.study.store, self.session.override)
        finally:
            self.saving = False
        self._say_if_unsaved()
        feedback = self.query_one(Feedback)
        feedback.show(result, (), self.session.clock(), self._keys())
        self.refresh_bindings()

    async def action_next(self) -> None:
        if not self.session.answered_current or self.ending:
            return
        if self.session.advance():
            await self.show_question()
        else:
            self._end_now()

    def action_end(self) -> None:
        """Escape: end the session. An exam or a review asks first, saying what is left."""
        session = self.session
        left = session.total - len(session.results)
        unfinished = session.way.unfinished
        if self.ending:
            return
        if unfinished is None or left <= 0:
            self._end_now()
            return
        from quiz.tui.screens.confirm import ConfirmScreen

        question = unfinished.question(session.mode, left)
        detail = unfinished.detail

        async def confirmed(yes: bool | None) -> None:
            if yes and not self.ending:
                await self.save_pending()
                self._end_now()

        self.app.push_screen(ConfirmScreen(question, detail), confirmed)

    def _end_now(self) -> None:
        if not self.ending:
            self.ending = True
            if self.deadline_timer is not None:
                self.deadline_timer.stop()
            self.post_message(self.Ended(self.session))
