"""A store across a network is called off the event loop: a slow server never freezes the
screen, and what is shown as saved is what the server holds."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from quiz.core.session import StudySession
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store import open_store
from quiz.store.api import Answer, ProgressStore, Session
from quiz.tui.app import QuizApp
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.widgets.feedback import Feedback

from .pg import Cluster


class SlowServer:
    """A PostgreSQL store whose every answer waits at a gate, as on a slow network."""

    def __init__(self, inner: ProgressStore) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.opened_in_time: list[bool] = []
        self.threads: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def record(self, session: Session, answer: Answer) -> str:
        self.threads.add(threading.current_thread().name)
        # Only the app's own timer opens the gate: a call made on the event loop would block
        # that timer, and the wait would run out.
        self.opened_in_time.append(self.gate.wait(timeout=5))
        return self.inner.record(session, answer)


async def test_a_slow_server_never_freezes_the_screen(small_bank_path: Path, pg_url: str) -> None:
    server = SlowServer(open_store(pg_url))
    study = Study.open(load_bank(small_bank_path), server, "ana")  # type: ignore[arg-type]
    app = QuizApp(study, seed=5, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        question = study.bank.by_id()["b-short"]
        app.begin(StudySession(study, [question], seed=1))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        await pilot.press(*"attention")
        seen = []

        def open_gate() -> None:  # runs on the event loop while the answer is on its way
            seen.append((screen.saving, screen.query_one(Feedback).display))
            server.gate.set()

        app.set_timer(0.5, open_gate)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert server.opened_in_time == [True]
        assert seen == [(True, False)]  # saving, no verdict yet, and the screen running
        assert not screen.saving and screen.query_one(Feedback).display
        assert threading.main_thread().name not in server.threads
        await pilot.press("enter")  # the summary
        await pilot.pause(0.3)
        await pilot.press("enter")  # home, its scores read off the event loop too
        await pilot.pause(0.5)
        assert isinstance(app.screen, HomeScreen)
        assert sum(row.attempts for row in app.screen.progress.stats.values()) == 1
    [attempt] = server.inner.history("ana", study.key, "b-short")
    assert attempt.given == "attention" and attempt.correct
    server.inner.close()


def notices(app: QuizApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_server_going_away_mid_session_loses_nothing(
    small_bank_path: Path, pg_url: str, pg_cluster: Cluster, tmp_path: Path
) -> None:
    store = open_store(pg_url, outbox=tmp_path / "outbox.db")
    study = Study.open(load_bank(small_bank_path), store, "ana")
    app = QuizApp(study, seed=5, answer_delay=0)
    by_id = study.bank.by_id()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.begin(
            StudySession(
                study, [by_id[q] for q in ("b-short", "a-tf", "b-card", "a-choice")], seed=1
            )
        )
        await pilot.pause()
        await pilot.press(*"attention", "enter")
        await pilot.pause()
        assert not any("Saved locally" in n for n in notices(app))
        await pilot.press("enter")
        await pilot.pause()
        with pg_cluster.down():  # the server is killed while the learner answers
            await pilot.press("t")
            await pilot.pause()
            assert store.pending >= 1
            assert any(n.startswith("Saved locally, will sync") for n in notices(app))
            assert not any("Not saved" in n for n in notices(app))
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("space", "3")  # the flashcard: show its back, then "Good"
            await pilot.pause()
            assert store.pending >= 2
            await pilot.press("enter")
            await pilot.pause()
        # The server is back: the next answer sends what waited, then itself.
        await pilot.press("1", "enter")
        await pilot.pause()
        assert store.pending == 0
        said = notices(app)
        assert sum(n.startswith("Saved locally") for n in said) == 1  # once, not per answer
        assert said[-1].startswith("Synced")
    store.close()
    server = open_store(pg_url)
    for qid in ("b-short", "a-tf", "b-card", "a-choice"):
        assert len(server.history("ana", study.key, qid)) == 1
    server.close()
