"""The home screen: the bank, the learner, and their progress per topic; a key per mode."""

from __future__ import annotations

from collections import Counter

from fsrs import Scheduler
from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static

from quiz.core import modes
from quiz.core.modes import MODES
from quiz.core.scheduling import TopicRecall
from quiz.core.study import Study
from quiz.reports.formatting import ago, bar, percent, sparkline
from quiz.store.api import StoreError, TopicStats
from quiz.tui.background import call_store
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.topic_table import Column, Row, TopicTable, layout

COLUMNS = (
    Column("Mastery", left=True),
    Column("Right", drop=1),
    Column("Tries", drop=2),
    Column("New"),  # no card yet
    Column("Lrn"),  # (re)learning, due now
    Column("Due"),  # review cards due now
    Column("Recall"),
    Column("Studied", left=True, drop=3),
    Column("Trend", left=True, drop=4),
)
NO_CARDS = TopicRecall(0, 0, 0, None)
HINTS = ("Space: select or unselect", "a: all or none", "?: every key")  # kept while they fit
SCROLLBAR = 1  # room for the topics' scrollbar (see quiz.tcss), shown when they overflow


class HomeScreen(Screen[None]):
    BINDINGS = [
        *(
            Binding(mode.key, f"start({name!r})", mode.title, id=f"start-{name}")
            for name, mode in MODES.items()
        ),
        Binding("space", "toggle_topic", "Select or unselect", show=False, id="toggle-topic"),
        Binding("a", "toggle_all", "Select all or none", show=False, id="toggle-all"),
        Binding("s", "app.show_stats", "Stats", id="stats"),
    ]

    class StartRequested(Message):
        """Start a session of `mode` over these topics (all topics when empty)."""

        def __init__(self, mode: str, topics: tuple[str, ...]) -> None:
            super().__init__()
            self.mode = mode
            self.topics = topics

    def __init__(
        self,
        study: Study,
        scheduler: Scheduler,
        warning: str | None = None,
    ) -> None:
        super().__init__()
        self.study = study
        self.scheduler = scheduler
        self.warning = warning
        self.selected: set[str] = set()
        self.rows: list[TopicStats] = []
        self.known: dict[str, int] = {}
        self.recall: dict[str, TopicRecall] = {}
        self.fitted_width = 0  # the width the table was last fitted to
        self.stale = False  # a session was recorded since the scores were read
        self.in_session = False  # a session covers the screen: its end clears the selection

    def compose(self) -> ComposeResult:
        if self.study.store.remote:  # the scores come a moment later, from a worker thread
            self.rows = [TopicStats(topic) for topic in self.study.bank.topics]
        else:  # a local file: the first frame already shows them
            self.load()
        with Horizontal(id="home-bar"):
            yield Label(self.study.bank.title, id="bank-title", markup=False)
            yield Label(f"Profile: {self.study.profile}", id="profile", markup=False)
        if self.warning:
            yield Static(f"⚠ {self.warning}", id="save-warning", markup=False)
        yield Static(self.summary_text(), id="home-summary", markup=False)
        header, rows = self.table_lines()
        yield Static(header, id="topics-header")
        with VerticalScroll(id="topics-scroll", can_focus=False):
            yield TopicTable(rows, id="topics")
        yield Label(self.hint_text(), id="home-hint", markup=False)

    async def on_mount(self) -> None:
        self.query_one(TopicTable).focus()
        # The key bar is chrome: it comes a frame after the topics, not before them.
        self.call_after_refresh(self._add_key_bar)
        if self.study.store.remote:
            await self.reload()

    async def _add_key_bar(self) -> None:
        await self.mount(KeyBar())
        self.refresh_bindings()  # a key bar fills itself when the keys are announced

    def on_screen_suspend(self) -> None:
        from quiz.tui.screens.question import QuestionScreen  # loaded already if a session began

        # Only a session clears the selection when it ends: help, statistics, the palette or
        # a cancelled exam dialog leave it as it was.
        self.in_session = isinstance(self.app.screen, QuestionScreen)

    async def on_screen_resume(self) -> None:
        if self.in_session:
            self.in_session = False
            self.selected.clear()
        if self.stale:  # back from a session: show the new scores; help and the rest changed none
            self.stale = False
            await self.reload()

    def scores_changed(self) -> None:
        """A session ended: read the scores again when this screen is shown next."""
        self.stale = True

    async def reload(self) -> None:
        """Read the scores again (off the event loop if the store is across a network) and
        show them."""
        try:
            scores = await call_store(self.study.store, self._read_scores)
        except StoreError as exc:
            self._unreadable(exc)
        else:
            self.rows, self.known, self.recall = scores
        self.query_one("#home-summary", Static).update(self.summary_text())
        self._redraw()

    def on_resize(self) -> None:
        if self.app.size.width != self.fitted_width:  # compose already fitted the table
            self._redraw()

    def load(self) -> None:
        """Read the scores; a store that cannot be read leaves them empty, and says why."""
        try:
            self.rows, self.known, self.recall = self._read_scores()
        except StoreError as exc:
            self._unreadable(exc)

    def _unreadable(self, exc: StoreError) -> None:
        """No scores to show: the topics at zero, and why."""
        self.rows = [TopicStats(topic) for topic in self.study.bank.topics]
        self.known, self.recall = {}, {}
        self.notify(
            f"Your progress cannot be read: {exc}. You can still study; answers that "
            "cannot be saved are shown as not saved.",
            title="Progress",
            severity="error",
            markup=False,
            timeout=10,
        )

    def _read_scores(self) -> tuple[list[TopicStats], dict[str, int], dict[str, TopicRecall]]:
        """Per topic: the scores, the questions known, and the review cards' recall. Reads
        the store only, so it may run in a worker thread."""
        study = self.study
        now = study.store.clock()
        rows = study.store.topic_summary(study.profile, study.key, study.bank.topics)
        stats = study.store.question_stats(study.profile, study.key)
        known = Counter(s.topic for s in stats.values() if s.last_correct)
        return rows, dict(known), study.cards(self.scheduler).by_topic(study.bank, now, stats)

    def summary_text(self) -> str:
        bank = self.study.bank
        questions = len(bank.questions)
        counts = self.recall.values()
        lines = [
            f"{questions} question{'s' * (questions != 1)} · {len(bank.topics)} "
            f"topic{'s' * (len(bank.topics) != 1)} · "
            f"{sum(self.known.values())} known",
            f"{sum(r.new for r in counts)} new · {sum(r.learning for r in counts)} learning · "
            f"{sum(r.review for r in counts)} due",
        ]
        total = sum(r.attempts for r in self.rows)
        if total:
            right = percent(sum(r.correct for r in self.rows) / total)
            weakest = modes.weakest(self.rows, modes.mastery(self.rows, self.recall))
            names = ", ".join(bank.topic_name(t) for t in weakest)
            answers = "answer" if total == 1 else "answers"
            lines.append(f"{total} {answers}, {right} right · weakest: {names}")
        return "\n".join(lines)

    def selection_text(self) -> str:
        if not self.selected:
            return "All topics"
        return f"{len(self.selected)} of {len(self.study.bank.topics)} topics selected"

    def hint_text(self) -> str:
        """What sessions cover, then as many key hints as fit the width."""
        width = self.app.size.width - 2  # the hint's padding
        parts = [self.selection_text()]
        for hint in HINTS:
            if cell_len(" · ".join([*parts, hint])) > width:
                break
            parts.append(hint)
        return " · ".join(parts)

    def fill_table(self) -> None:
        header, rows = self.table_lines()
        self.query_one("#topics-header", Static).update(header)
        self.query_one(TopicTable).set_rows(rows)

    def table_lines(self) -> tuple[Content, list[Content]]:
        """The header and one line per topic, fitted to the terminal's width."""
        self.fitted_width = self.app.size.width
        sizes = self.study.bank.count_by_topic()
        now = self.study.store.clock()
        rows = []
        for stats in self.rows:
            mastery = self.known.get(stats.topic, 0) / max(1, sizes.get(stats.topic, 0))
            cards = self.recall.get(stats.topic, NO_CARDS)
            cells = (
                bar(mastery, 6),
                percent(stats.accuracy),
                str(stats.attempts),
                str(cards.new),
                str(cards.learning),
                str(cards.review),
                percent(cards.recall),
                ago(stats.last_studied, now),
                sparkline(stats.trend),
            )
            mark = "●" if stats.topic in self.selected else "○"
            rows.append(Row(mark, self.study.bank.topic_name(stats.topic), cells))
        header, lines = layout(COLUMNS, rows, self.fitted_width - SCROLLBAR)
        return Content(header), [Content(line) for line in lines]  # bank text stays plain

    def _current_topic(self) -> str | None:
        if not self.rows:
            return None
        return self.rows[self.query_one(TopicTable).cursor].topic

    def _redraw(self) -> None:
        """Fit the table and the hint again: the selection, the scores or the width changed."""
        self.fill_table()
        self.query_one("#home-hint", Label).update(self.hint_text())

    def action_toggle_topic(self) -> None:
        """Select or unselect the topic under the cursor; the cursor stays on it."""
        topic = self._current_topic()
        if topic is not None:
            self.selected ^= {topic}
            self._redraw()

    def action_toggle_all(self) -> None:
        self.selected = set() if self.selected else set(self.study.bank.topics)
        self._redraw()

    def action_start(self, mode: str) -> None:
        ordered = tuple(t for t in self.study.bank.topics if t in self.selected)
        self.post_message(self.StartRequested(mode, ordered))
