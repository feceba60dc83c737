"""The Textual app: built from a study (bank, progress store, profile); screens do the rest."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from quiz import config
from quiz.core import modes
from quiz.core.bank import Question, Questions
from quiz.core.grading import Vocabulary
from quiz.core.modes import MODES, Draw, Mode
from quiz.core.scheduling import DEFAULT_RETENTION, make_scheduler
from quiz.core.session import StudySession
from quiz.core.study import Study
from quiz.store.api import StoreError
from quiz.tui.background import call_store
from quiz.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from quiz.tui.screens.question import QuestionScreen
    from quiz.tui.screens.summary import SummaryScreen

# Keys that arrive this soon after a question appears do not answer it: the learner has not
# read it yet (a second Enter after "next", or a key pressed twice).
ANSWER_DELAY_S = 0.4
EXIT_GRACE_S = 3.0  # after a signal, once the answers are saved, the longest the exit may take

# Only the home screen is imported at start-up; the others load when first opened, which
# keeps the time to the first paint close to that of an empty Textual app.


class QuizApp(App[None]):
    """Study a bank. Every answer is saved in the study's store the moment it is given."""

    CSS_PATH = "quiz.tcss"
    TITLE = "quiz"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit", show=False),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="help"),
    ]

    def __init__(
        self,
        study: Study,
        *,
        mode: str | None = None,
        topics: tuple[str, ...] = (),
        count: int | None = None,
        seed: int | None = None,
        time_limit: float | None = None,
        retention: float = DEFAULT_RETENTION,
        warning: str | None = None,
        rng: random.Random | None = None,
        answer_delay: float = ANSWER_DELAY_S,
    ) -> None:
        """`study` is made by `Study.open`; `mode` (a name in `MODES`) starts a session of that
        mode at launch; `count` None means the mode's own
        default; `seed` fixes every session's questions and order; `time_limit` (seconds)
        applies to exams; keys that arrive within `answer_delay` seconds of a question
        appearing do not answer it."""
        super().__init__()
        self.study = study
        self.start_mode = mode
        self.topics = topics
        self.count = count
        self.seed = seed
        self.time_limit = time_limit
        self.scheduler = make_scheduler(retention)
        self.warning = warning
        self.rng = rng or random.Random(seed)
        self.active: StudySession | None = None
        self.answer_delay = answer_delay
        self.vocabulary = Vocabulary(study.bank.questions)  # built on the first typed answer

    def on_mount(self) -> None:
        # SIGTERM and SIGHUP (a closed terminal) end like Ctrl+Q: answers saved, the session
        # ended, and the terminal given back as it was found.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self.call_later, self.quit_on_signal, signum)
        self._apply_saved_theme()
        self.home = HomeScreen(self.study, self.scheduler, self.warning)
        self.push_screen(self.home)
        if self.warning:
            self.notify(self.warning, title="Progress", severity="warning", markup=False, timeout=8)
        if self.study.problem:
            self.notify(
                f"This bank's progress cannot be found: {self.study.problem}. You can still "
                "study; answers that cannot be saved are shown as not saved.",
                title="Progress",
                severity="error",
                markup=False,
                timeout=10,
            )
        if self.start_mode:
            self.call_after_refresh(self.start, self.start_mode)
        if isinstance(self.study.bank.questions, Questions):  # read the rest between frames
            self.call_after_refresh(self.run_worker, self._read_questions(), group="questions")

    async def _read_questions(self) -> None:
        """Read a large bank's questions a part at a time after the first frame, so that the
        first session does not wait for them."""
        questions = self.study.bank.questions
        assert isinstance(questions, Questions)
        while questions.load_next():
            await asyncio.sleep(0)

    # --- sessions -------------------------------------------------------------------------

    def _session_seed(self) -> int:
        """The seed of the next session: the one given, else a fresh one that is recorded."""
        return self.seed if self.seed is not None else self.rng.randrange(1, 1_000_000)

    async def start(
        self,
        name: str,
        topics: tuple[str, ...] = (),
        *,
        count: int | None = None,
        seed: int | None = None,
        time_limit: float | None = None,
    ) -> None:
        """Start a session of the mode `name` over `topics` (else those given at launch, else
        all). `count`, `seed` and `time_limit` default to those given at launch."""
        mode = MODES[name]
        topics = topics or self.topics
        seed = self._session_seed() if seed is None else seed
        rng = random.Random(seed)
        count = count or self.count or mode.count
        if time_limit is None:
            time_limit = self.time_limit
        draw = Draw(self.study, topics, count, seed, rng, self.scheduler, self.home.progress)

        def prepare() -> tuple[list[Question], StudySession | None]:
            """Everything the session needs from the store: its questions, then the sitting."""
            questions = mode.pick(draw)
            if not questions:
                return questions, None
            cards, pace = (draw.cards, draw.pace()) if mode.moves_cards else (None, 1.0)
            session = self.session(
                questions,
                mode=name,
                seed=seed,
                rng=rng,
                cards=cards,
                pace=pace,
                time_limit=time_limit if mode.timed else None,
            )
            return questions, session

        try:
            questions, session = await call_store(self.study.store, prepare)
        except StoreError as exc:
            self.notify(
                f"{mode.title} needs your progress, which cannot be read: {exc}",
                title="Progress",
                severity="error",
                markup=False,
            )
            return
        finally:
            self._say_if_damaged(draw)
        if session is None:
            self.notify(mode.empty, title=mode.title, severity="information")
            return
        if mode.notice is not None and (notice := mode.notice(draw, questions)):
            self.notify(notice, title=mode.title, markup=False, timeout=6)
        self.begin(session)

    def _say_if_damaged(self, draw: Draw) -> None:
        """Review cards that were read but are damaged were skipped: say so."""
        cards = draw.loaded_cards
        if cards is not None and cards.damaged:
            self.notify(
                f"{cards.damaged} review card(s) in the progress database are damaged and "
                "were skipped; those questions start again as new.",
                title="Progress",
                severity="warning",
            )

    async def open_mode(self, name: str, topics: tuple[str, ...] = ()) -> None:
        """Start a session of the mode `name`, through its setup dialog if it has one."""
        mode = MODES[name]
        if mode.setup:
            self.set_up(mode, topics)
        else:
            await self.start(name, topics)

    def set_up(self, mode: Mode, topics: tuple[str, ...] = ()) -> None:
        """Ask for the exam's questions, time limit and seed (defaults filled in), then start.
        The exam is the one mode with a setup dialog."""
        from quiz.tui.screens.exam_setup import ExamSetup, ExamSetupScreen

        topics = topics or self.topics
        count = self.count or mode.count
        available, cards = modes.exam_pool(self.study.bank, topics)
        text = f"{len(available)} questions in {'the chosen' if topics else 'all'} topics"
        if cards:
            text += f": {modes.cards_left_out(cards)}"

        async def chosen(setup: ExamSetup | None) -> None:
            if setup is not None:
                await self.start(
                    mode.name,
                    topics,
                    count=setup.count,
                    seed=setup.seed,
                    time_limit=setup.time_limit,
                )

        self.push_screen(
            ExamSetupScreen(count, self.time_limit, self._session_seed(), text), chosen
        )

    def session(self, questions: list[Question], **options: Any) -> StudySession:
        """A sitting over `questions` in this app's study."""
        return StudySession(self.study, questions, vocabulary=self.vocabulary, **options)

    def begin(self, session: StudySession) -> None:
        from quiz.tui.screens.question import QuestionScreen

        self.active = session
        self.push_screen(QuestionScreen(session, self.answer_delay))

    async def on_home_screen_start_requested(self, event: HomeScreen.StartRequested) -> None:
        await self.open_mode(event.mode, event.topics)

    async def on_question_screen_ended(self, event: QuestionScreen.Ended) -> None:
        from quiz.tui.screens.question import QuestionScreen

        session = event.session
        await call_store(self.study.store, session.end)
        self.active = None
        self.home.scores_changed({r.question.topic for r in session.results})
        # Help, the palette or a dialog may be open on top (the time ran out under it): they
        # close with the session, so that nothing leads back to it.
        while not isinstance(self.screen, QuestionScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()
        if session.results or not session.feedback:
            from quiz.tui.screens.summary import SummaryScreen

            await self.switch_screen(SummaryScreen(session, self.answer_delay))
        else:
            await self.pop_screen()

    async def on_summary_screen_retry_requested(self, event: SummaryScreen.RetryRequested) -> None:
        seed = self._session_seed()
        questions = list(event.questions)
        random.Random(seed).shuffle(questions)
        session = await call_store(self.study.store, partial(self.session, questions, seed=seed))
        self.pop_screen()
        self.begin(session)

    # --- screens and commands -------------------------------------------------------------

    async def action_show_stats(self) -> None:
        from quiz.tui.screens.stats import StatsScreen, read_statistics

        if not isinstance(self.screen, StatsScreen):
            statistics = await call_store(self.study.store, partial(read_statistics, self.study))
            self.push_screen(StatsScreen(self.study, statistics))

    async def action_show_class(self) -> None:
        from quiz.tui.screens.classroom import ClassScreen, read_class

        if not isinstance(self.screen, ClassScreen):
            results = await call_store(self.study.store, partial(read_class, self.study))
            self.push_screen(ClassScreen(self.study, results))

    def action_help(self) -> None:
        from quiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_go_home(self) -> None:
        if self.active is not None:
            self.notify("Finish or end the session first (Escape).", severity="warning")
            return
        while not isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 2:
            self.pop_screen()

    async def quit_on_signal(self, signum: int) -> None:
        await self.action_quit(128 + signum)
        # A terminal closed under quiz can leave the toolkit waiting for ever to restore it
        # (its writer thread gone): the answers are saved by now, so the process ends
        # within EXIT_GRACE_S whatever happens.
        grace = threading.Timer(EXIT_GRACE_S, os._exit, (128 + signum,))
        grace.daemon = True
        grace.start()

    async def action_quit(self, return_code: int = 0) -> None:
        from quiz.tui.screens.question import QuestionScreen

        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen):
                await screen.save_pending()  # an exam counts what was typed when it ended
        if self.active is not None:
            await call_store(self.study.store, self.active.end)
        self.exit(return_code=return_code)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Each command once: the toolkit's theme and quit, then ours. The toolkit's other
        entries (its keys panel, maximize, screenshot) duplicate ours or do nothing here."""
        for command in super().get_system_commands(screen):
            if command.title in TOOLKIT_COMMANDS:
                yield command
        if self.active is None:
            for name, mode in MODES.items():
                yield SystemCommand(f"Start {name}", mode.help, partial(self.open_mode, name))
            if not isinstance(screen, HomeScreen):
                yield SystemCommand("Home", "Back to the topics", self.action_go_home)
        yield SystemCommand(
            "Statistics", "Accuracy per topic over sessions", self.action_show_stats
        )
        yield SystemCommand(
            "Class", "Everyone's results in this bank: students, exams, items",
            self.action_show_class,
        )  # fmt: skip
        yield SystemCommand("Keys", "Every key, on one page", self.action_help)

    def get_key_display(self, binding: Binding) -> str:
        """In a text box ? types a question mark, so there the key bar offers F1 for help."""
        if binding.id == "help" and self._typing():
            return "F1"
        return super().get_key_display(binding)

    def _typing(self) -> bool:
        from textual.widgets import Input  # loaded with the first text box anyway

        return isinstance(self.focused, Input)

    # --- the theme, remembered across launches ----------------------------------------------

    def _apply_saved_theme(self) -> None:
        """Start in the theme chosen last time (if it still exists); save each new choice."""
        theme = self.saved_theme = config.saved_theme()
        if theme is not None and theme in self.available_themes:  # else keep the default
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.saved_theme and config.save_theme(theme.name):
            self.saved_theme = theme.name


TOOLKIT_COMMANDS = {"Theme", "Quit"}  # the toolkit's palette entries worth keeping
