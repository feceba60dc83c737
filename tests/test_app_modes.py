"""Pilot tests of each learning mode's screens, from the home screen and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.summary import SummaryScreen

from .conftest import Clock, stored_cards
from .test_app import keys_for, report_text
from .test_cli_validate import run
from .test_modes import ManualClock


def make(bank_path: Path, data: Path, clock=None, **options) -> QuizApp:  # type: ignore[no-untyped-def]
    store = SQLiteStore.open(data, clock=clock or Clock())
    options.setdefault("seed", 5)
    options.setdefault("answer_delay", 0)  # the key guard has tests of its own
    return QuizApp(Study.open(load_bank(bank_path), store, "ana"), **options)


async def answer_current(app: QuizApp, pilot, right: bool = True) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, QuestionScreen)
    await pilot.press(*keys_for(app, screen.session.current, right))
    await pilot.pause()


@pytest.mark.parametrize(
    ("key", "mode"), [("enter", "practice"), ("r", "review"), ("d", "drill"), ("e", "exam")]
)
async def test_each_mode_starts_from_its_home_key(
    small_bank_path: Path, tmp_path: Path, key: str, mode: str
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        if mode == "exam":  # the exam's setup comes first: Enter takes its defaults
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.session.mode == mode


async def test_mistakes_from_home_says_when_there_are_none_then_asks_them(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # nothing to ask yet, and it says so
        await pilot.press("enter")
        await pilot.pause()
        missed = app.screen.session.current  # type: ignore[attr-defined]
        await answer_current(app, pilot, right=False)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # summary -> home
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert [q.id for q in app.screen.session.questions] == [missed.id]


async def test_review_moves_cards_and_an_exam_does_not(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        for _ in range(2):
            await answer_current(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("escape", "y")  # a review asks before it ends
        await pilot.pause()
        cards = stored_cards(app.study.store, "ana", app.study.key)
        assert len(cards) == 2
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        while isinstance(app.screen, QuestionScreen):
            assert not app.screen.query("#feedback.right, #feedback.wrong")
            await answer_current(app, pilot, right=False)
        assert isinstance(app.screen, SummaryScreen)
        assert stored_cards(app.study.store, "ana", app.study.key) == cards


async def test_command_line_mode_topics_count_and_seed(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path, mode="exam", topics=("alpha",), count=2, seed=9)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert screen.session.mode == "exam" and screen.session.total == 2
        assert {q.topic for q in screen.session.questions} == {"alpha"}
        assert "seed 9" in str(screen.query_one("#session-mode").render())


async def test_the_time_limit_ends_an_exam(small_bank_path: Path, tmp_path: Path) -> None:
    clock = ManualClock()
    app = make(small_bank_path, tmp_path, clock=clock, mode="exam", time_limit=60, count=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "1:00 left" in str(app.screen.query_one("#countdown").render())
        await answer_current(app, pilot)
        clock.advance(61)
        await pilot.pause(1.3)  # the countdown ticks once a second
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        score = str(app.screen.query_one("#score").render())
        assert "of 4" in score and "3 unanswered" in score
        report = report_text(app)
        assert report.count("(not answered)") == 3
    history = [
        app.study.store.history("ana", app.study.key, q.id) for q in app.study.bank.questions
    ]
    recorded = [attempt for attempts in history for attempt in attempts]
    assert len(recorded) == 4 and sum(a.unanswered for a in recorded) == 3


def test_exam_report_snapshot(snap_compare, small_bank_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make(small_bank_path, tmp_path, mode="exam", count=3, seed=11)
    app.animation_level = "none"

    async def sit_the_exam(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        for right in (True, False, True):
            await answer_current(app, pilot, right)
        await pilot.pause()

    assert snap_compare(app, run_before=sit_the_exam, terminal_size=(80, 24))


def test_help_documents_the_modes() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in (
        "practice",
        "review",
        "drill",
        "exam",
        "mistakes",
        "--mode",
        "--topics",
        "--count",
        "--time",
        "--seed",
        "--retention",
    ):
        assert word in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "cram"], "invalid choice: 'cram'"),
        (["--topics", "purpose,nope"], "no topic 'nope'"),
        (["--time", "soon"], "expected a duration"),
        (["--count", "0"], "at least 1"),
        (["--retention", "1.5"], "0.7 to 0.99"),
        (["--seed", str(2**63)], "from 0 to 9223372036854775807"),
        (["--seed", "-5"], "from 0 to 9223372036854775807"),
        (["--time", "99999h"], "at most 24h"),
    ],
)
def test_bad_mode_flags_are_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
