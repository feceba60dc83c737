"""Statistics: each topic's accuracy over its sessions, and the recent sessions.

The screen opens with the first screenful of topics read and reads the others between
frames; each topic's line is drawn only when it is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from quiz.core.study import Study
from quiz.reports.formatting import ago, percent, sparkline
from quiz.store.api import SessionRecord, StoreError, TopicStats
from quiz.tui.background import FIRST, read_in_chunks
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.lines import Lines
from quiz.tui.widgets.topic_table import fit

SESSIONS_SHOWN = 30  # the sparkline's width: one cell per session, the newest on the right
NAME_MAX, SPARK, FIGURE = 38, 32, 10  # widths: a topic's name at most, its sparkline, "75% of 4"


@dataclass(slots=True)
class Statistics:
    """What the screen shows, read from the store a chunk of topics at a time."""

    history: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    rows: dict[str, TopicStats] = field(default_factory=dict)
    recent: list[SessionRecord] = field(default_factory=list)
    problem: str | None = None  # why the store could not be read

    def add(self, study: Study, topics: Sequence[str]) -> Statistics:
        """These topics' scores and sessions, read from the store only, so that this may
        run in a worker thread; a store that fails leaves them at zero, and says why."""
        store, profile, key = study.store, study.profile, study.key
        try:
            history = store.session_topic_history(profile, key, topics, SESSIONS_SHOWN)
            rows = store.topic_summary(profile, key, topics)
        except StoreError as exc:
            history, rows, self.problem = {}, [TopicStats(t) for t in topics], str(exc)
        self.history |= history
        self.rows |= {row.topic: row for row in rows}
        return self


def read_statistics(study: Study) -> Statistics:
    """The recent sessions and the first screenful of topics (may run in a worker thread)."""
    statistics = Statistics()
    try:
        statistics.recent = study.store.sessions(study.profile, study.key, limit=30)
    except StoreError as exc:
        statistics.problem = str(exc)
    return statistics.add(study, list(study.bank.topics)[:FIRST])


class StatsScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "close", "Back")]

    def __init__(self, study: Study, statistics: Statistics) -> None:
        super().__init__()
        self.study = study
        self.statistics = statistics
        self.recent = statistics.recent
        self.topics = list(study.bank.topics)

    def compose(self) -> ComposeResult:
        bank, profile = self.study.bank, self.study.profile
        if self.statistics.problem:
            self.notify(
                f"Statistics cannot be read: {self.statistics.problem}",
                severity="error",
                markup=False,
            )
        with VerticalScroll(id="stats-body"):
            yield Label(f"Statistics · {bank.title} · {profile}", id="stats-title", markup=False)
            yield Static(
                f"Accuracy per session (▁ 0% … █ 100%), the last {SESSIONS_SHOWN}, newest right",
                classes="stats-caption",
            )
            yield Lines(len(self.topics), self.topic_line, id="stats-topics")
            yield Label("Recent sessions", classes="stats-caption")
            yield DataTable(id="stats-sessions", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def topic_line(self, index: int, width: int) -> str:
        """A topic's name, its sparkline and its accuracy ("…" while still being read)."""
        topic = self.topics[index]
        room = max(1, min(NAME_MAX, width - 2 - SPARK - FIGURE))
        name = fit(self.study.bank.topic_name(topic), room)
        row = self.statistics.rows.get(topic)
        if row is None:
            return f"{name} {fit('…', SPARK)} "
        points = [accuracy for _, accuracy in self.statistics.history.get(topic, [])]
        figure = f"{percent(row.accuracy):>4} of {row.attempts}"
        return f"{name} {fit(sparkline(points[-SESSIONS_SHOWN:]), SPARK)} {figure}"

    def on_mount(self) -> None:
        table = self.query_one("#stats-sessions", DataTable)
        table.add_columns("When", "Mode", "Seed", "Answers", "Right")
        now = self.study.store.clock()
        for record in self.recent:
            table.add_row(
                Text(ago(record.started, now)),
                Text(record.mode),
                Text("" if record.seed is None else str(record.seed)),
                Text(str(record.answered), justify="right"),
                Text(percent(record.correct / record.answered), justify="right"),
            )
        if not table.row_count:
            table.add_row(Text("no sessions yet"), Text(""), Text(""), Text(""), Text(""))
        rest = [t for t in self.topics if t not in self.statistics.rows]
        if rest:  # after the first frame
            self.call_after_refresh(self._read_later, rest)

    def _read_later(self, topics: list[str]) -> None:
        self.run_worker(self._read_rest(topics), group="statistics", exclusive=True)

    async def _read_rest(self, topics: list[str]) -> None:
        lines = self.query_one(Lines)

        def take(chunk: Sequence[str], statistics: Statistics) -> None:
            lines.refresh()  # `add` kept what it read

        read = partial(self.statistics.add, self.study)
        await read_in_chunks(self.study.store, topics, read, take)

    def action_close(self) -> None:
        self.dismiss()
