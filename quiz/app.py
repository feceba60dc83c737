"""The Textual app: built from a bank, a progress store and a profile; screens do the rest."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from quiz.bank import Bank, Question
from quiz.screens.home import HomeScreen
from quiz.session import DEFAULT_COUNT, StudySession, practice_questions
from quiz.store import ProgressStore

if TYPE_CHECKING:
    from quiz.screens.question import QuestionScreen
    from quiz.screens.summary import SummaryScreen

# Only the home screen is imported at start-up; the others load when first opened, which
# keeps the time to the first paint close to that of an empty Textual app.


class QuizApp(App[None]):
    """Study a bank. Every answer is saved in `store` the moment it is given."""

    CSS_PATH = "quiz.tcss"
    TITLE = "quiz"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="help"),
    ]

    def __init__(
        self,
        bank: Bank,
        store: ProgressStore,
        profile: str,
        *,
        seed: int | None = None,
        count: int | None = DEFAULT_COUNT,
        warning: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.profile = profile
        self.seed = seed
        self.count = count
        self.warning = warning
        self.rng = rng or random.Random(seed)
        self.active: StudySession | None = None

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.bank, self.store, self.profile, self.warning))
        if self.warning:
            self.notify(self.warning, title="Progress", severity="warning", markup=False, timeout=8)

    # --- sessions -------------------------------------------------------------------------

    def _session_seed(self) -> int:
        """The seed of the next session: the one given, else a fresh one that is recorded."""
        return self.seed if self.seed is not None else self.rng.randrange(1, 1_000_000)

    def begin(self, questions: Sequence[Question], seed: int, mode: str = "practice") -> None:
        if not questions:
            self.notify("No questions to ask in the chosen topics.", severity="warning")
            return
        session = StudySession(
            self.bank,
            self.store,
            self.profile,
            questions,
            mode=mode,
            seed=seed,
            rng=random.Random(seed),
        )
        self.active = session
        from quiz.screens.question import QuestionScreen

        self.push_screen(QuestionScreen(session))

    def start_practice(self, topics: Iterable[str] = ()) -> None:
        seed = self._session_seed()
        self.begin(practice_questions(self.bank, topics, random.Random(seed), self.count), seed)

    def on_home_screen_start_requested(self, event: HomeScreen.StartRequested) -> None:
        self.start_practice(event.topics)

    def on_question_screen_ended(self, event: QuestionScreen.Ended) -> None:
        session = event.session
        session.end()
        self.active = None
        if session.results:
            from quiz.screens.summary import SummaryScreen

            self.switch_screen(SummaryScreen(session))
        else:
            self.pop_screen()

    def on_summary_screen_retry_requested(self, event: SummaryScreen.RetryRequested) -> None:
        seed = self._session_seed()
        questions = list(event.questions)
        random.Random(seed).shuffle(questions)
        self.pop_screen()
        self.begin(questions, seed)

    # --- screens and commands -------------------------------------------------------------

    def action_show_stats(self) -> None:
        from quiz.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.bank, self.store, self.profile))

    def action_help(self) -> None:
        from quiz.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_go_home(self) -> None:
        if self.active is not None:
            self.notify("Finish or end the session first (Escape).", severity="warning")
            return
        while not isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 2:
            self.pop_screen()

    async def action_quit(self) -> None:
        if self.active is not None:
            self.active.end()
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.active is None:
            yield SystemCommand(
                "Practice all topics",
                "Start a practice session over every topic",
                self.start_practice,
            )
            yield SystemCommand("Home", "Back to the topics", self.action_go_home)
        yield SystemCommand(
            "Statistics", "Accuracy per topic over sessions", self.action_show_stats
        )
        yield SystemCommand("Keys", "Every key, on one page", self.action_help)
