"""Fault injection: the progress store breaks while the app runs (a full disk, a lock held by
another writer, a read-only or vanished or corrupted file, a damaged row, a schema that lies).
The app keeps running, says what was not saved, and every answer shown as saved is there."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.api import StoreError
from quiz.store.sqlite import DB_NAME, MIGRATIONS, SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen

from .conftest import Clock
from .test_app import keys_for


class FaultyConnection:
    """A real connection that fails on demand: writes (from BEGIN), or every statement."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real
        self.failure: str | None = None
        self.reads_fail = False

    def execute(self, sql: str, *args: Any) -> Any:
        if self.failure and (self.reads_fail or sql.startswith("BEGIN")):
            raise sqlite3.OperationalError(self.failure)
        return self.real.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def open_app(tmp_path: Path, small_bank_path: Path, **store_options: Any) -> QuizApp:
    store = SQLiteStore.open(tmp_path / "data", clock=Clock(), **store_options)
    return QuizApp(Study.open(load_bank(small_bank_path), store, "ana"), seed=3, answer_delay=0)


def faulty_app(tmp_path: Path, small_bank_path: Path) -> tuple[QuizApp, FaultyConnection]:
    """An app whose store's connection fails when told to."""
    app = open_app(tmp_path, small_bank_path)
    faulty = FaultyConnection(app.study.store.db)
    app.study.store.db = faulty  # type: ignore[assignment]
    return app, faulty


def saved_ids(app: QuizApp) -> set[str]:
    with sqlite3.connect(app.study.store.path) as db:  # type: ignore[arg-type]
        return {str(uuid.UUID(bytes=row[0])) for row in db.execute("SELECT uuid FROM answers")}


async def answer(app: QuizApp, pilot) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, QuestionScreen)
    await pilot.press(*keys_for(app, screen.session.current, True))
    await pilot.pause()


def not_saved_said(app: QuizApp) -> bool:
    return any(n.title == "Not saved" for n in app._notifications)


def shown_as_saved(app: QuizApp) -> set[str]:
    session = app.active
    assert session is not None
    return {r.answer_id for r in session.results if r.answer_id is not None}


@pytest.mark.parametrize(
    "failure", ["database or disk is full", "attempt to write a readonly database"]
)
async def test_a_write_that_fails_is_said_and_the_next_that_works_clears_it(
    tmp_path: Path, small_bank_path: Path, failure: str
) -> None:
    app, faulty = faulty_app(tmp_path, small_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        faulty.failure = failure
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        assert not_saved_said(app) and app.active and app.active.save_error
        assert ("disk is full" in app.active.save_error) == ("full" in failure)
        faulty.failure = None
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        assert app.active.save_error is None  # the warning went with the fault
        assert app.is_running
        shown = shown_as_saved(app)
    assert len(shown) == 2 and shown <= saved_ids(app)


async def test_a_lock_held_by_another_writer_does_not_freeze_or_crash(
    tmp_path: Path, small_bank_path: Path
) -> None:
    app = open_app(tmp_path, small_bank_path, busy_timeout=0.2)
    other = sqlite3.connect(tmp_path / "data" / DB_NAME, isolation_level=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await answer(app, pilot)
        assert app.active and "busy" in (app.active.save_error or "")
        other.execute("ROLLBACK")
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        assert app.active.save_error is None and app.is_running
        shown = shown_as_saved(app)
    assert len(shown) == 1 and shown <= saved_ids(app)


async def test_a_store_that_cannot_take_the_bank_in_still_starts_and_says_so(
    tmp_path: Path, small_bank_path: Path
) -> None:
    store = SQLiteStore.open(tmp_path / "data", clock=Clock())
    faulty = FaultyConnection(store.db)
    store.db = faulty  # type: ignore[assignment]
    faulty.failure = "attempt to write a readonly database"
    study = Study.open(load_bank(small_bank_path), store, "ana")
    assert study.problem  # kept, not raised
    faulty.failure = None
    app = QuizApp(study, seed=3, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert any(
            n.title == "Progress" and "cannot be found" in n.message for n in app._notifications
        )
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)  # studying goes on, and the answer is saved
        assert app.active is not None and app.active.save_error is None
        shown = shown_as_saved(app)
    assert len(shown) == 1 and shown <= saved_ids(app)


@pytest.mark.parametrize("damage", ["deleted", "replaced"])
async def test_a_database_removed_while_the_app_runs_is_noticed(
    tmp_path: Path, small_bank_path: Path, damage: str
) -> None:
    app = open_app(tmp_path, small_bank_path)
    path = tmp_path / "data" / DB_NAME
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        first = shown_as_saved(app)
        path.unlink()
        if damage == "replaced":
            path.write_bytes(b"")
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        assert not_saved_said(app) and "deleted or replaced" in (app.active.save_error or "")
        assert shown_as_saved(app) == first  # the second answer is not claimed as saved
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_a_database_corrupted_while_the_app_runs_keeps_the_app_running(
    tmp_path: Path, small_bank_path: Path
) -> None:
    app, faulty = faulty_app(tmp_path, small_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        faulty.failure, faulty.reads_fail = "database disk image is malformed", True
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        await pilot.press("escape")  # the summary, then home: both read the store
        await pilot.pause()
        await pilot.press("enter", "r", "s")
        await pilot.pause()
        assert app.is_running
        titles = [n.title for n in app._notifications]
        assert "Not saved" in titles and "Progress" in titles


async def test_a_damaged_card_is_skipped_with_a_warning(
    tmp_path: Path, small_bank_path: Path
) -> None:
    app = open_app(tmp_path, small_bank_path)
    owner = "(SELECT id FROM profiles WHERE name = 'ana'), (SELECT id FROM banks LIMIT 1)"
    with app.study.store._write() as db:
        db.execute("INSERT INTO profiles (name, display_name, created) VALUES ('ana', 'ana', 0)")
        db.execute(
            "INSERT INTO cards (profile, bank, question_id, topic, card, due)"
            f" VALUES ({owner}, 'a-choice', 'alpha', '{{not json', 0)"
        )
        db.execute(
            "INSERT INTO cards (profile, bank, question_id, topic, card, due)"
            f" VALUES ({owner}, 'a-tf', 'alpha', '{{}}', 0)"
        )
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)  # the home screen reads the cards too
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert any("2 review card(s)" in str(n.message) for n in app._notifications)


def test_a_schema_that_lacks_a_column_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:4]) + f"; PRAGMA user_version = {len(MIGRATIONS)};")
    db.close()  # claims the current version, but answers has no score column
    store = SQLiteStore.open(tmp_path, clock=Clock())
    assert store.backup is not None and store.backup.exists()
    session = store.start_session("ana", "Bank", "practice", None)
    store.end_session(session)
    store.close()


def test_every_store_fault_is_a_store_error(tmp_path: Path) -> None:
    store = SQLiteStore.open(tmp_path, clock=Clock())
    faulty = FaultyConnection(store.db)
    store.db = faulty  # type: ignore[assignment]
    faulty.failure, faulty.reads_fail = "disk I/O error", True
    with pytest.raises(StoreError, match="disk I/O error"):
        store.topic_summary("ana", "Bank", ["t"])
    with pytest.raises(StoreError):
        store.start_session("ana", "Bank", "practice", None)


def test_a_database_that_cannot_be_written_is_opened_for_nothing_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's read-only progress.db in a shared folder (root would ignore the file's
    permissions, so the driver's answer is injected): a clear reason, and the file kept."""
    SQLiteStore.open(tmp_path).close()

    def read_only(path: Path, busy_timeout: float = 0) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr("quiz.store.sqlite._connect", read_only)
    with pytest.raises(StoreError, match="read-only"):
        SQLiteStore.open(tmp_path)
    assert (tmp_path / DB_NAME).exists() and not list(tmp_path.glob("*.damaged-*"))


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE topic_stats SET last_at = 1e308",
        "UPDATE topic_stats SET last_at = 'nan'",
        "UPDATE topic_stats SET attempts = 'many'",
        "UPDATE session_topics SET attempts = 0",
        "UPDATE topic_stats SET best_streak = X'1b5b32'",
    ],
)
async def test_a_row_with_a_wrong_value_is_a_clear_error_not_a_crash(
    tmp_path: Path, small_bank_path: Path, damage: str
) -> None:
    app = open_app(tmp_path, small_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await answer(app, pilot)
        saved = shown_as_saved(app)
        with sqlite3.connect(tmp_path / "data" / DB_NAME) as other:
            other.execute(damage)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter", "s")  # home and statistics read the damaged rows
        await pilot.pause()
        assert app.is_running
        assert any(n.title == "Progress" or n.severity == "error" for n in app._notifications)
    assert saved <= saved_ids(app)
    with pytest.raises(StoreError, match="damaged row"):
        app.study.store.topic_summary("ana", app.study.key, app.study.bank.topics)
