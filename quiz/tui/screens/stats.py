"""Statistics: each topic's accuracy over its sessions, and the recent sessions."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from quiz.core.study import Study
from quiz.reports.formatting import ago, percent, sparkline
from quiz.store.api import SessionRecord, StoreError, TopicStats
from quiz.tui.widgets.keybar import KeyBar

SESSIONS_SHOWN = 30  # the sparkline's width: one cell per session, the newest on the right


@dataclass(frozen=True, slots=True)
class Statistics:
    """What the screen shows, read from the store before it opens."""

    history: dict[str, list[tuple[float, float]]]
    rows: list[TopicStats]
    recent: list[SessionRecord]
    problem: str | None = None  # why the store could not be read


def read_statistics(study: Study) -> Statistics:
    """Read the store only, so that this may run in a worker thread."""
    store, profile, key = study.store, study.profile, study.key
    try:
        return Statistics(
            store.session_topic_history(profile, key),
            store.topic_summary(profile, key, study.bank.topics),
            store.sessions(profile, key, limit=30),
        )
    except StoreError as exc:
        return Statistics({}, [TopicStats(t) for t in study.bank.topics], [], str(exc))


class StatsScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "close", "Back")]

    def __init__(self, study: Study, statistics: Statistics) -> None:
        super().__init__()
        self.study = study
        self.statistics = statistics
        self.recent = statistics.recent

    def compose(self) -> ComposeResult:
        bank, profile = self.study.bank, self.study.profile
        history = self.statistics.history
        if self.statistics.problem:
            self.notify(
                f"Statistics cannot be read: {self.statistics.problem}",
                severity="error",
                markup=False,
            )
        summary = {t.topic: t for t in self.statistics.rows}
        with VerticalScroll(id="stats-body"):
            yield Label(f"Statistics · {bank.title} · {profile}", id="stats-title", markup=False)
            yield Static(
                f"Accuracy per session (▁ 0% … █ 100%), the last {SESSIONS_SHOWN}, newest right",
                classes="stats-caption",
            )
            for topic, name in bank.topics.items():
                points = [accuracy for _, accuracy in history.get(topic, [])]
                with Horizontal(classes="stats-topic"):
                    yield Label(name, classes="stats-name", markup=False)
                    yield Label(sparkline(points[-SESSIONS_SHOWN:]), classes="stats-spark")
                    yield Label(
                        f"{percent(summary[topic].accuracy):>4} of {summary[topic].attempts}",
                        classes="stats-figure",
                    )
            yield Label("Recent sessions", classes="stats-caption")
            yield DataTable(id="stats-sessions", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

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

    def action_close(self) -> None:
        self.dismiss()
