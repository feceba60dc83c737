"""At scale, the work of each interaction follows the screen and the session, not the bank or
the history: 10,000 questions in 500 topics and 100,000 answers. Counted, never timed."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from quiz.core import modes
from quiz.core.bank import Bank, Question
from quiz.core.scheduling import Cards, make_scheduler
from quiz.core.session import answer_for
from quiz.core.study import Study
from quiz.store.api import Sitting
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.background import CHUNK, FIRST
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.lines import Lines
from quiz.tui.widgets.topic_table import TopicTable

from .test_app import keys_for

QUESTIONS, TOPICS, ANSWERS = 10_000, 500, 100_000
READS = (
    "topic_summary", "topic_cards", "question_stats", "due_cards", "carded", "missed",
    "sessions", "session_topic_history",
)  # fmt: skip


def big_bank() -> Bank:
    topics = {f"t{i:03d}": f"Topic {i}" for i in range(TOPICS)}
    questions = tuple(
        Question(
            id=f"q{i:05d}",
            topic=f"t{i % TOPICS:03d}",
            type="truefalse",
            prompt=f"Statement {i}",
            answers=("true",),
        )
        for i in range(QUESTIONS)
    )
    return Bank(Path("big.yaml"), "Big bank", questions, topics, id="big")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bank, Path]:
    """The bank, and a progress file where ana answered 100,000 times and holds a card for
    every question, a tenth of them due."""
    bank = big_bank()
    folder = tmp_path_factory.mktemp("scale")
    store = SQLiteStore.open(folder, clock=lambda: 1.9e9)
    rng = random.Random(1)
    cards = Cards({}, make_scheduler(fuzz=False))
    for start in range(0, ANSWERS, 10_000):
        sitting = Sitting(f"00000000-0000-4000-8000-{start:012d}", "ana", bank.key, "practice",
                          None, 1.8e9 + start, 1.8e9 + start + 1)  # fmt: skip
        answers = []
        for i in range(start, start + 10_000):
            q = bank.questions[i % QUESTIONS]
            answer = answer_for(q, "x", rng.random() < 0.7, 3.0)
            answers.append(replace(answer, answered_at=1.8e9 + i))
        store.merge(sitting, answers)
    kept = {}
    for i, q in enumerate(bank.questions):
        card = cards.review(q, Rating.Good, 1.8e9 - (86_400 * 30 if i % 10 == 0 else 0))
        kept[q.id] = (q.topic, card)
    store.merge_cards("ana", bank.key, kept)
    store.close()
    return bank, folder


@pytest.fixture
def watched(
    filled: tuple[Bank, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Bank, SQLiteStore, list[tuple[str, int]]]]:
    """The bank, its store opened, and every store read as (name, rows it returned)."""
    bank, folder = filled
    store = SQLiteStore.open(folder, clock=lambda: 1.9e9)
    seen: list[tuple[str, int]] = []
    for name in READS:
        original = getattr(store, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            found = _original(*args, **kw)
            seen.append((_name, len(found)))
            return found

        monkeypatch.setattr(store, name, spy)
    yield bank, store, seen
    store.close()


def rows_read(seen: list[tuple[str, int]]) -> int:
    return sum(rows for _, rows in seen)


async def test_home_and_the_modes_do_work_bounded_by_the_screen_and_the_session(
    watched: tuple[Bank, SQLiteStore, list[tuple[str, int]]],
) -> None:
    bank, store, seen = watched
    app = QuizApp(Study.open(bank, store, "ana"), seed=3, count=5, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        first = seen[:2]  # before the first frame: one screenful of topics
        assert first == [("topic_summary", FIRST), ("topic_cards", FIRST)]
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert home.progress.complete  # the rest came between frames
        assert "10000 questions · 500 topics" in str(home.query_one("#home-summary").render())

        table = home.query_one(TopicTable)
        for key in ("down", "space", "a", "a"):
            drawn = table.drawn
            await pilot.press(key)
            await pilot.pause()
            assert table.drawn - drawn <= table.size.height, key  # what shows, not 500 lines

        seen.clear()
        await pilot.press("s")  # statistics: the recent sessions, one screenful of topics
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert sorted(seen[:3]) == [
            ("session_topic_history", FIRST), ("sessions", 10), ("topic_summary", FIRST)
        ]  # fmt: skip
        lines = app.screen.query_one(Lines)
        assert lines.drawn <= 3 * app.size.height  # a frame or three of what shows, not 500
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        seen.clear()
        await pilot.press("enter")  # practice: five questions; the scores of their topics only
        await pilot.pause()
        assert seen == [("topic_summary", len({q.topic for q in app.screen.session.questions}))]  # type: ignore[attr-defined]
        session = app.screen.session  # type: ignore[attr-defined]
        await pilot.press(*keys_for(app, session.current, right=True))
        await pilot.pause()
        seen.clear()
        await pilot.press("escape")  # one answer: the session ends on its summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()
        # Meanwhile home reads again the one topic answered, and nothing else.
        assert ("topic_cards", 1) in seen and ("topic_summary", 1) in seen
        assert [r for r in seen if r[0] == "topic_cards"] == [("topic_cards", 1)]
        seen.clear()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # Home shows it at once and reads the others again a chunk at a time, between frames.
        assert all(rows <= CHUNK for _, rows in seen), seen

        await app.workers.wait_for_complete()
        for mode in ("review", "mistakes", "drill"):
            seen.clear()
            await app.start(mode)
            await pilot.pause()
            rows = Counter[str]()
            for name, found in seen:
                rows[name] += found
            # Review reads 5 due cards, mistakes 5 missed ids, drill the stats of the (at most
            # five) topics it drew; each session the scores of its topics (at most five):
            # never the 10,000 questions or the 100,000 answers.
            assert rows_read(seen) <= 5 * QUESTIONS // TOPICS + 5, (mode, seen)
            assert rows["topic_summary"] <= 5 and rows["topic_cards"] == 0, mode
            if mode == "review":
                assert len(app.screen.session.cards.cards) == 5  # type: ignore[attr-defined]
            await pilot.press("escape")
            await pilot.pause()
            if not isinstance(app.screen, HomeScreen):  # review asks first
                await pilot.press("y")
                await pilot.pause()
            await app.workers.wait_for_complete()


def test_mistakes_and_review_read_pages_not_the_history(
    watched: tuple[Bank, SQLiteStore, list[tuple[str, int]]],
) -> None:
    bank, store, seen = watched
    study = Study(bank, store, "ana")
    for pick in (modes.review, modes.mistakes):
        seen.clear()
        draw = modes.Draw(study, ("t007",), 20, 1, random.Random(1), make_scheduler())
        picked = pick(draw)
        assert picked and {q.topic for q in picked} == {"t007"}
        assert rows_read(seen) <= 20 * 2, seen
