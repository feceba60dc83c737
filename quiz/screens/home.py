"""The home screen: the bank, the learner, and their progress per topic. Enter starts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from quiz.bank import Bank
from quiz.formatting import ago, bar, percent, sparkline
from quiz.store import ProgressStore, TopicStats

# Every column but the topic, each with its padding of one cell a side, and the scrollbar.
FIXED_COLUMNS = (1 + 2) + (10 + 2) + (5 + 2) + (5 + 2) + (9 + 2) + (5 + 2) + 2 + 2


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("space", "toggle_topic", "Select topic"),
        Binding("a", "toggle_all", "All/none"),
        Binding("s", "app.show_stats", "Stats"),
    ]

    class StartRequested(Message):
        """Start a session over these topics (all topics when empty)."""

        def __init__(self, topics: tuple[str, ...]) -> None:
            super().__init__()
            self.topics = topics

    def __init__(
        self, bank: Bank, store: ProgressStore, profile: str, warning: str | None = None
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.profile = profile
        self.warning = warning
        self.selected: set[str] = set()
        self.rows: list[TopicStats] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-bar"):
            yield Label(self.bank.title, id="bank-title", markup=False)
            yield Label(f"Profile: {self.profile}", id="profile", markup=False)
        if self.warning:
            yield Static(f"⚠ {self.warning}", id="save-warning", markup=False)
        yield Static(id="home-summary", markup=False)
        table: DataTable[Text | str] = DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield table
        yield Label(
            "Space: select topics · Enter: practise them (all when none is selected)",
            id="home-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_topics()

    def on_screen_resume(self) -> None:
        self.refresh_topics()

    def on_resize(self) -> None:
        self.fill_table()

    def refresh_topics(self) -> None:
        self.rows = self.store.topic_summary(self.profile, self.bank.title, self.bank.topics)
        self.known = self.store.known_per_topic(self.profile, self.bank.title)
        self.fill_table()
        total = sum(r.attempts for r in self.rows)
        right = sum(r.correct for r in self.rows)
        questions = len(self.bank.questions)
        known = sum(self.known.values())
        summary = (
            f"{questions} questions · {len(self.bank.topics)} topics · {known} of {questions} known"
        )
        if total:
            summary += f" · {total} answers, {percent(right / total)} right"
        self.query_one("#home-summary", Static).update(summary)

    def fill_table(self) -> None:
        table = self.query_one("#topics", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        width = max(12, min(40, self.size.width - FIXED_COLUMNS))
        table.add_column("", width=1, key="mark")
        table.add_column("Topic", width=width, key="topic")
        table.add_column("Mastery", width=10)
        table.add_column("Right", width=5)
        table.add_column("Tries", width=5)
        table.add_column("Studied", width=9)
        table.add_column("Trend", width=5)
        sizes = self.bank.count_by_topic()
        now = self.store.clock()
        for row in self.rows:
            mastery = self.known.get(row.topic, 0) / max(1, sizes.get(row.topic, 0))
            name = Text(self.bank.topic_name(row.topic), no_wrap=True, overflow="ellipsis")
            table.add_row(
                Text("●" if row.topic in self.selected else "○"),
                name,
                Text(bar(mastery, 10)),
                Text(percent(row.accuracy), justify="right"),
                Text(str(row.attempts), justify="right"),
                Text(ago(row.last_studied, now)),
                Text(sparkline(row.trend)),
                key=row.topic,
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def _current_topic(self) -> str | None:
        table = self.query_one("#topics", DataTable)
        if not self.rows:
            return None
        return self.rows[table.cursor_row].topic

    def action_toggle_topic(self) -> None:
        topic = self._current_topic()
        if topic is None:
            return
        self.selected ^= {topic}
        table = self.query_one("#topics", DataTable)
        table.update_cell(topic, "mark", Text("●" if topic in self.selected else "○"))
        if table.cursor_row < len(self.rows) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_toggle_all(self) -> None:
        self.selected = set() if self.selected else set(self.bank.topics)
        self.fill_table()

    def action_start(self) -> None:
        ordered = tuple(t for t in self.bank.topics if t in self.selected)
        self.post_message(self.StartRequested(ordered))
