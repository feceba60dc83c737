"""SVG snapshots of each screen at 80x24, with a fixed seed, clock and history.

Update them on purpose after a visible change: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.core.session import answer_for
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp

from .conftest import Clock

SIZE = (80, 24)


@pytest.fixture
def app(small_bank_path: Path, tmp_path: Path) -> QuizApp:
    """The small bank, two earlier sessions of history, seed 7, no animations."""
    bank = load_bank(small_bank_path)
    store = SQLiteStore.open(tmp_path / "data", clock=Clock())
    study = Study.open(bank, store, "ana")
    questions = bank.by_id()
    for rights in ([True, False, True, False], [True, True, True, False]):
        session = store.start_session("ana", study.key, "practice", 3)
        for qid, right in zip(["a-choice", "a-multi", "b-short", "b-card"], rights, strict=True):
            store.record(session, answer_for(questions[qid], "x", right, 4.0))
        store.end_session(session)
    quiz = QuizApp(study, seed=7, count=None, answer_delay=0)
    quiz.animation_level = "none"
    return quiz


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the key bar, which comes a frame after the first paint, arrive."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_home(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, run_before=settle, terminal_size=SIZE)


def test_question(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["enter"], terminal_size=SIZE)


def test_feedback_wrong(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    async def answer_wrong(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("enter")
        await pilot.pause()
        question = pilot.app.screen.session.current
        keys = {
            "truefalse": ["t"],
            "card": ["space", "1"],
            "multi": ["2", "enter"],
            "short": ["x", "enter"],
            "cloze": ["x", "tab", "y", "enter"],
        }
        await pilot.press(*keys.get(question.type, ["2"]))
        await pilot.pause()

    assert snap_compare(app, run_before=answer_wrong, terminal_size=SIZE)


def test_summary(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    async def answer_two_and_leave(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(2):
            question = pilot.app.screen.session.current
            if question.type == "card":
                await pilot.press("space", "1")
            elif question.type in ("short", "cloze"):
                await pilot.press("x", "enter")
            elif question.type == "multi":
                await pilot.press("1", "enter")
            else:
                await pilot.press("1")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app, run_before=answer_two_and_leave, terminal_size=SIZE)


def test_stats(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["s"], terminal_size=SIZE)


def test_help(snap_compare, app: QuizApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE)
