"""The home screen: the bank, the learner, and their progress per topic; a key per mode."""

from __future__ import annotations

from fsrs import Scheduler
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static

from quiz import modes
from quiz.bank import Bank
from quiz.formatting import ago, bar, percent, sparkline
from quiz.review import Cards, TopicRecall
from quiz.store import ProgressStore, TopicStats
from quiz.widgets.keybar import KeyBar
from quiz.widgets.topic_table import TopicTable

HEADER = (" ", "Topic", "Mastery", "Right", "Tries", "Due", "Recall", "Studied", "Trend")


def _line(cells: tuple[str, ...], topic_width: int) -> str:
    """One row of the topics table, in fixed columns (bank text stays plain text)."""
    mark, topic, mastery, right, tries, due, recall, studied, trend = cells
    if len(topic) > topic_width:
        topic = topic[: topic_width - 1] + "…"
    return (
        f" {mark} {topic:<{topic_width}} {mastery:<7} {right:>5} {tries:>5} {due:>4} "
        f"{recall:>6}  {studied:<10} {trend}"
    )


# Every column but the topic, with the gaps between them and room for a scrollbar.
FIXED_COLUMNS = len(_line(("", "", "", "", "", "", "", "", "·····"), 0)) + 2


def _topic_width(screen_width: int) -> int:
    return max(12, min(40, screen_width - FIXED_COLUMNS))


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start('practice')", "Practice"),
        Binding("r", "start('review')", "Review"),
        Binding("d", "start('drill')", "Drill"),
        Binding("e", "start('exam')", "Exam"),
        Binding("m", "start('mistakes')", "Mistakes"),
        Binding("space", "toggle_topic", "Select topic", show=False),
        Binding("a", "toggle_all", "Select all or none", show=False),
        Binding("s", "app.show_stats", "Stats"),
    ]

    class StartRequested(Message):
        """Start a session of `mode` over these topics (all topics when empty)."""

        def __init__(self, mode: str, topics: tuple[str, ...]) -> None:
            super().__init__()
            self.mode = mode
            self.topics = topics

    def __init__(
        self,
        bank: Bank,
        store: ProgressStore,
        profile: str,
        scheduler: Scheduler,
        warning: str | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.profile = profile
        self.scheduler = scheduler
        self.warning = warning
        self.selected: set[str] = set()
        self.rows: list[TopicStats] = []
        self.known: dict[str, int] = {}
        self.recall: dict[str, TopicRecall] = {}
        self.topic_width = 0  # the width the table was last fitted to
        self.stale = False  # True once the screen has been shown: resuming reloads the scores

    def compose(self) -> ComposeResult:
        self.load()
        with Horizontal(id="home-bar"):
            yield Label(self.bank.title, id="bank-title", markup=False)
            yield Label(f"Profile: {self.profile}", id="profile", markup=False)
        if self.warning:
            yield Static(f"⚠ {self.warning}", id="save-warning", markup=False)
        yield Static(self.summary_text(), id="home-summary", markup=False)
        header, rows = self.table_lines()
        yield Static(header, id="topics-header")
        with VerticalScroll(id="topics-scroll", can_focus=False):
            yield TopicTable(rows, id="topics")
        yield Label(
            "Space: select topics · a: all/none · ?: every key · Ctrl+Q: quit", id="home-hint"
        )

    def on_mount(self) -> None:
        self.query_one(TopicTable).focus()
        # The key bar is chrome: it comes a frame after the topics, not before them.
        self.call_after_refresh(self._add_key_bar)

    async def _add_key_bar(self) -> None:
        await self.mount(KeyBar())
        self.refresh_bindings()  # a key bar fills itself when the keys are announced

    def on_screen_resume(self) -> None:
        if self.stale:  # back from a session or the statistics: show the new scores
            self.load()
            self.query_one("#home-summary", Static).update(self.summary_text())
            self.fill_table()
        self.stale = True

    def on_resize(self) -> None:
        if _topic_width(self.app.size.width) != self.topic_width:  # compose already fitted it
            self.fill_table()

    def load(self) -> None:
        now = self.store.clock()
        self.rows = self.store.topic_summary(self.profile, self.bank.title, self.bank.topics)
        self.known = self.store.known_per_topic(self.profile, self.bank.title)
        cards = Cards.load(self.store, self.profile, self.bank, self.scheduler)
        self.recall = cards.by_topic(self.bank, now)

    def summary_text(self) -> str:
        questions = len(self.bank.questions)
        due = sum(r.due for r in self.recall.values())
        lines = [
            f"{questions} questions · {len(self.bank.topics)} topics · "
            f"{sum(self.known.values())} known · {due} due for review"
        ]
        total = sum(r.attempts for r in self.rows)
        if total:
            right = percent(sum(r.correct for r in self.rows) / total)
            weakest = modes.weakest(self.rows, modes.mastery(self.rows, self.recall))
            names = ", ".join(self.bank.topic_name(t) for t in weakest)
            lines.append(f"{total} answers, {right} right · weakest: {names}")
        return "\n".join(lines)

    def fill_table(self) -> None:
        header, rows = self.table_lines()
        self.query_one("#topics-header", Static).update(header)
        self.query_one(TopicTable).set_rows(rows)

    def table_lines(self) -> tuple[Content, list[Content]]:
        """The header and one line per topic, fitted to the terminal's width."""
        width = self.topic_width = _topic_width(self.app.size.width)
        sizes = self.bank.count_by_topic()
        now = self.store.clock()
        lines = []
        for row in self.rows:
            mastery = self.known.get(row.topic, 0) / max(1, sizes.get(row.topic, 0))
            recall = self.recall.get(row.topic, TopicRecall(0, None))
            cells = (
                "●" if row.topic in self.selected else "○",
                self.bank.topic_name(row.topic),
                bar(mastery, 6),
                percent(row.accuracy),
                str(row.attempts),
                str(recall.due),
                percent(recall.recall),
                ago(row.last_studied, now),
                sparkline(row.trend),
            )
            lines.append(Content(_line(cells, width)))
        return Content(_line(HEADER, width)), lines

    def _current_topic(self) -> str | None:
        if not self.rows:
            return None
        return self.rows[self.query_one(TopicTable).cursor].topic

    def action_toggle_topic(self) -> None:
        topic = self._current_topic()
        if topic is None:
            return
        self.selected ^= {topic}
        self.fill_table()
        self.query_one(TopicTable).action_move(1)

    def action_toggle_all(self) -> None:
        self.selected = set() if self.selected else set(self.bank.topics)
        self.fill_table()

    def action_start(self, mode: str) -> None:
        ordered = tuple(t for t in self.bank.topics if t in self.selected)
        self.post_message(self.StartRequested(mode, ordered))
