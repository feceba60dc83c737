"""The home screen: the bank, the learner, and their progress per topic; a key per mode."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence

from fsrs import Scheduler
from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from quiz.core import modes
from quiz.core.modes import MODES
from quiz.core.progress import Progress, Reading
from quiz.core.scheduling import TopicRecall
from quiz.core.study import Study
from quiz.reports.formatting import ago, bar, percent, sparkline
from quiz.store.api import StoreError
from quiz.tui.background import FIRST, call_store, read_in_chunks
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.topic_table import Column, TopicTable, layout

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
UNREAD = ("…",) * len(COLUMNS)  # a topic whose scores are still being read
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
        Binding("c", "show_class", "Class", id="class"),
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
        self.warning = warning
        self.topics = list(study.bank.topics)
        self.selected: set[str] = set()
        self.progress = Progress(study, scheduler)  # the scores read so far, per topic
        self.cells: dict[str, tuple[str, ...]] = {}  # each read topic's row, as text
        self.fitted = layout(COLUMNS, [], 80)  # the table's columns, fitted to the width
        self.fitted_width = 0  # the width they were last fitted to
        self.changed: set[str] = set()  # topics a session answered since they were read
        self.updated: set[str] = set()  # those read again since, not yet shown
        self.reader: Worker[None] | None = None  # reading them again, if it is
        self.in_session = False  # a session covers the screen: its end clears the selection
        self.classroom = False  # the store keeps more than one profile: the class can be seen

    def compose(self) -> ComposeResult:
        if not self.study.store.remote:  # a local file: the first frame already shows them
            self._read_now(self.topics[:FIRST])
        self._fit()
        with Horizontal(id="home-bar"):
            yield Label(self.study.bank.title, id="bank-title", markup=False)
            yield Label(f"Profile: {self.study.profile}", id="profile", markup=False)
        if self.warning:
            yield Static(f"⚠ {self.warning}", id="save-warning", markup=False)
        yield Static(self.summary_text(), id="home-summary", markup=False)
        yield Static(Content(self.fitted.header), id="topics-header")
        yield TopicTable(len(self.topics), self.topic_line, id="topics")
        yield Label(self.hint_text(), id="home-hint", markup=False)

    async def on_mount(self) -> None:
        self.query_one(TopicTable).focus()
        # The key bar is chrome: it comes a frame after the topics, not before them.
        self.call_after_refresh(self._add_key_bar)
        self.call_after_refresh(self._read_rest, self.progress.missing(self.topics))

    async def _add_key_bar(self) -> None:
        await self.mount(KeyBar())
        self.refresh_bindings()  # a key bar fills itself when the keys are announced
        self.call_after_refresh(self._count_profiles)

    async def _count_profiles(self) -> None:
        """Offer the class's results (c) when the store keeps more than one profile."""
        store = self.study.store
        try:
            self.classroom = await call_store(store, store.profile_count) > 1
        except StoreError:
            return  # the home screen says so where it reads the scores
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        if action == "show_class":
            return self.classroom  # hidden for one person alone
        return True

    async def action_show_class(self) -> None:
        await self.app.run_action("show_class")

    def on_screen_suspend(self) -> None:
        from quiz.tui.screens.question import QuestionScreen  # loaded already if a session began

        # Only a session clears the selection when it ends: help, statistics, the palette or
        # a cancelled exam dialog leave it as it was.
        self.in_session = isinstance(self.app.screen, QuestionScreen)

    async def on_screen_resume(self) -> None:
        if self.changed or self.updated:  # back from a session; help and the rest change none
            await self.reload()
        if self.in_session:
            self.in_session = False
            if self.selected:
                self.selected.clear()
                self._redraw()

    def scores_changed(self, topics: Iterable[str]) -> None:
        """A session answered questions of these topics: read them again now, while its
        summary is on screen, so that this screen shows them at once when it comes back."""
        self.changed.update(topics)
        if self.changed:  # a store that fails here is told of by reload
            self.reader = self.run_worker(
                self._read_changed(), group="changed", exclusive=True, exit_on_error=False
            )

    async def _read_changed(self) -> None:
        painted = asyncio.Event()  # what covers this screen (the summary) is drawn first
        self.app.call_after_refresh(painted.set)
        await painted.wait()
        topics = [t for t in self.topics if t in self.changed]
        await self._read_again(topics)
        self.changed.difference_update(topics)
        self.updated.update(topics)

    async def reload(self) -> None:
        """Show the topics a session changed: read while its summary was shown, or now
        (before the next frame) if it closed first. The others are read again between
        frames: their cards may have come due since."""
        while (reader := self.reader) is not None:  # a later session may start another
            with contextlib.suppress(WorkerFailed, WorkerCancelled):
                await reader.wait()
            if self.reader is reader:
                self.reader = None
        first = [t for t in self.topics if t in self.changed]
        if first:  # not read yet: the summary closed at once, or the reading failed
            try:
                await self._read_again(first)
            except StoreError as exc:
                self._unreadable(exc)  # they are tried again with the others, below
                self.changed.difference_update(first)
        shown = self.changed | self.updated
        self.changed.clear()
        self.updated.clear()
        self._redraw(fit=True, topics=[t for t in self.topics if t in shown])
        self.call_after_refresh(self._read_rest, [t for t in self.topics if t not in shown])

    async def _read_again(self, topics: Sequence[str]) -> None:
        """Read these topics from the store (off the event loop if it is across a network)."""
        reading = await call_store(self.study.store, lambda: self.progress.read(topics))
        self.progress.keep(reading)

    def _read_now(self, topics: Sequence[str]) -> None:
        try:
            self.progress.load(topics)
        except StoreError as exc:
            self._unreadable(exc)

    def _read_rest(self, topics: list[str]) -> None:
        """Read these topics a chunk at a time, between frames, then show them."""
        if topics:
            self.run_worker(self._read_chunks(topics), group="scores", exclusive=True)

    async def _read_chunks(self, topics: list[str]) -> None:
        def take(chunk: Sequence[str], reading: Reading) -> None:
            self.progress.keep(reading)
            self._format(chunk)  # the columns are fitted once, at the end

        try:
            await read_in_chunks(self.study.store, topics, self.progress.read, take)
        except StoreError as exc:
            self._unreadable(exc)
        self._redraw(fit=True, topics=())

    def on_resize(self) -> None:
        if self.app.size.width != self.fitted_width:  # compose already fitted the table
            self._redraw(fit=True)

    def _unreadable(self, exc: StoreError) -> None:
        """No scores to show: the topics at zero, and why."""
        self.progress.blank(self.topics)
        self.notify(
            f"Your progress cannot be read: {exc}. You can still study; answers that "
            "cannot be saved are shown as not saved.",
            title="Progress",
            severity="error",
            markup=False,
            timeout=10,
        )

    def summary_text(self) -> str:
        bank, progress = self.study.bank, self.progress
        questions = len(bank.questions)
        lines = [
            f"{questions} question{'s' * (questions != 1)} · {len(bank.topics)} "
            f"topic{'s' * (len(bank.topics) != 1)} · "
            + (f"{sum(progress.known.values())} known" if progress.complete else "…"),
        ]
        if not progress.complete:
            return "\n".join([*lines, "Reading your progress…"])
        counts = progress.recall.values()
        lines.append(
            f"{sum(r.new for r in counts)} new · {sum(r.learning for r in counts)} learning · "
            f"{sum(r.review for r in counts)} due"
        )
        rows = progress.stats.values()
        total = sum(r.attempts for r in rows)
        if total:
            right = percent(sum(r.correct for r in rows) / total)
            weakest = modes.weakest(rows, modes.mastery(rows, progress.recall))
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

    def _fit(self, topics: Iterable[str] | None = None) -> None:
        """The rows of these topics (None: of every topic read) as text, then the columns
        fitted to every row and to the width."""
        self._format(topics)
        self.fitted_width = self.app.size.width
        rows = ((self.study.bank.topic_name(t), cells) for t, cells in self.cells.items())
        self.fitted = layout(COLUMNS, rows, self.fitted_width - SCROLLBAR)

    def _format(self, topics: Iterable[str] | None = None) -> None:
        """The rows of these topics (None: of every topic read) as text."""
        bank, progress = self.study.bank, self.progress
        sizes = bank.count_by_topic()
        now = self.study.store.clock()
        for topic in progress.stats if topics is None else topics:
            stats = progress.stats.get(topic)
            if stats is None:  # not read yet
                continue
            mastery = progress.known.get(topic, 0) / max(1, sizes[topic])
            cards = progress.recall.get(topic, NO_CARDS)
            self.cells[topic] = (
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

    def topic_line(self, index: int) -> str:
        """The table's line for the index-th topic."""
        topic = self.topics[index]
        mark = "●" if topic in self.selected else "○"
        cells = self.cells.get(topic, UNREAD)
        return self.fitted.line(mark, self.study.bank.topic_name(topic), cells)

    def _current_topic(self) -> str | None:
        if not self.topics:
            return None
        return self.topics[self.query_one(TopicTable).cursor]

    def _redraw(self, *, fit: bool = False, topics: Iterable[str] | None = None) -> None:
        """Draw the visible lines and the hint again; with `fit`, the scores of `topics` (None:
        all) or the width changed: fit the table and say the totals again too."""
        if fit:
            self._fit(topics)
            self.query_one("#topics-header", Static).update(Content(self.fitted.header))
            self.query_one("#home-summary", Static).update(self.summary_text())
        self.query_one(TopicTable).refresh()
        self.query_one("#home-hint", Label).update(self.hint_text())

    def action_toggle_topic(self) -> None:
        """Select or unselect the topic under the cursor; the cursor stays on it."""
        topic = self._current_topic()
        if topic is not None:
            self.selected ^= {topic}
            self._redraw()

    def action_toggle_all(self) -> None:
        self.selected = set() if self.selected else set(self.topics)
        self._redraw()

    def action_start(self, mode: str) -> None:
        ordered = tuple(t for t in self.topics if t in self.selected)
        self.post_message(self.StartRequested(mode, ordered))
