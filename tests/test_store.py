"""The SQLite engine's own ways: its file settings, its migrations of old files, damaged files
moved aside, the in-memory store. What every engine does is in test_store_engines.py."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from quiz.store.api import StoreError
from quiz.store.sqlite import CHECK_EVERY_S, DB_NAME, MIGRATIONS, SQLiteStore

from .conftest import Clock
from .test_store_engines import answer_all


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    opened = SQLiteStore.open(tmp_path / "data", clock=Clock())
    yield opened
    opened.close()


def test_settings_wal_busy_timeout_and_version(store: SQLiteStore) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def old_database(folder: Path, version: int, rights: list[int]) -> None:
    """A progress file as quiz wrote it at schema `version`: one session, answers to q0, q1…"""
    old = sqlite3.connect(folder / DB_NAME)
    old.executescript(";".join(MIGRATIONS[:version]) + f"; PRAGMA user_version = {version};")
    old.execute("INSERT INTO sessions VALUES (1, 'ana', 'Bank', 'practice', 3, 10.0, 20.0)")
    for i, correct in enumerate(rights):
        old.execute(
            "INSERT INTO answers (session_id, profile, bank, question_id, topic, given, correct,"
            " seconds, answered_at, question_hash) VALUES (1, 'ana', 'Bank', ?, 'alpha', 'x', ?,"
            " 1.0, ?, 'h')",
            (f"q{i}", correct, 11.0 + i),
        )
    old.commit()
    old.close()


def test_a_database_from_schema_version_1_is_migrated(tmp_path: Path) -> None:
    old_database(tmp_path, 1, [1, 1, 0, 1])
    store = SQLiteStore.open(tmp_path, clock=Clock())
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.attempts, alpha.correct, alpha.best_streak, alpha.trend) == (4, 3, 2, (0.75,))
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert len(store.history("ana", "Bank", "q2")) == 1
    assert sum(s.last_correct for s in store.question_stats("ana", "Bank").values()) == 3
    assert store.question_stats("ana", "Bank")["q2"].last_correct is False
    store.close()


def test_a_version_7_database_keeps_everything_under_integer_ids(tmp_path: Path) -> None:
    sid, aid = "6f1c7b1e-0d0f-4b7e-9a57-3f4d1d2c9b10", "0b8e7c1a-2f3d-4c5b-8a9e-1d2c3b4a5f60"
    old = sqlite3.connect(tmp_path / DB_NAME)
    old.executescript(";".join(MIGRATIONS[:7]) + "; PRAGMA user_version = 7;")
    for statement, values in [
        ("INSERT INTO profiles VALUES (?, ?, ?)", ("ana", "Ana", 5.0)),
        ("INSERT INTO banks VALUES (?, ?, ?)", ("bank-1", "Bank one", 5.0)),
        ("INSERT INTO sessions (id, profile, bank, mode, seed, started, ended, uuid)"
         " VALUES (1, 'ana', 'bank-1', 'practice', 3, 10.0, 20.0, ?)", (sid,)),
        ("INSERT INTO answers (session_id, profile, bank, question_id, topic, given, correct,"
         " seconds, answered_at, question_hash, score, uuid)"
         " VALUES (1, 'ana', 'bank-1', 'q0', 'alpha', 'x', 0, 1.0, 11.0, 'h', 0.0, ?)", (aid,)),
        ("INSERT INTO topic_stats VALUES ('ana', 'bank-1', 'alpha', 1, 0, 11.0, 0, 0)", ()),
        ("INSERT INTO session_topics VALUES ('ana', 'bank-1', 'alpha', 1, 1, 0)", ()),
        ("INSERT INTO question_stats VALUES ('ana', 'bank-1', 'q0', 'alpha', 1, 1, 0, 11.0)", ()),
        ("INSERT INTO cards VALUES ('ana', 'bank-1', 'q0', 'alpha', '{}', 12.0, 1, 2.0, 11.0)", ()),
        # Someone known only by a card (copied in from another store) is kept too.
        ("INSERT INTO cards VALUES ('ben', 'bank-1', 'q1', 'alpha', '{}', 12.0, 1, 2.0, 11.0)", ()),
    ]:  # fmt: skip
        old.execute(statement, values)
    old.commit()
    old.close()
    store = SQLiteStore.open(tmp_path, clock=Clock())
    assert store.db.execute("SELECT typeof(uuid), typeof(session_id) FROM answers").fetchall() == [
        ("blob", "integer")
    ]
    [(sitting, answers)] = list(store.export("ana"))
    assert (sitting.uuid, sitting.profile, sitting.bank, sitting.seed) == (sid, "ana", "bank-1", 3)
    assert [(a.id, a.question_id, a.correct) for a in answers] == [(aid, "q0", False)]
    assert [(p.name, p.display_name, p.answers) for p in store.profiles()] == [
        ("ana", "Ana", 1), ("ben", "ben", 0)
    ]  # fmt: skip
    assert sorted((p, b, sorted(cards)) for p, b, cards in store.card_sets()) == [
        ("ana", "bank-1", ["q0"]), ("ben", "bank-1", ["q1"])
    ]  # fmt: skip
    assert store.count_answers("ana", "bank-1") == 1
    assert store.override(aid)  # found by its UUID, kept in 16 bytes
    [alpha] = store.topic_summary("ana", "bank-1", ["alpha"])
    assert (alpha.attempts, alpha.correct, alpha.best_streak) == (1, 1, 1)
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close()


def test_a_database_from_a_newer_quiz_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer quiz"):
        SQLiteStore.open(tmp_path)


@pytest.mark.parametrize("damage", ["not a database", "damaged pages"])
def test_a_damaged_database_is_moved_aside_never_deleted(tmp_path: Path, damage: str) -> None:
    path = tmp_path / DB_NAME
    if damage == "not a database":
        path.write_bytes(b"this is a text file, not SQLite\n" * 200)
    else:
        store = SQLiteStore.open(tmp_path, clock=Clock())
        answer_all(store, [("alpha", True)] * 300)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        raw = bytearray(path.read_bytes())
        raw[4096 + 100 : 4096 * 3] = b"\xff" * (4096 * 2 - 100)  # garble b-tree pages
        path.write_bytes(bytes(raw))
        day_ago = time.time() - CHECK_EVERY_S - 1  # the last check was more than a day ago
        os.utime(path.with_name(path.name + ".checked"), (day_ago, day_ago))
    original = path.read_bytes()
    store = SQLiteStore.open(tmp_path, clock=Clock())
    assert store.backup is not None and store.backup.parent == tmp_path
    assert store.backup.read_bytes() == original
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].attempts == 0
    answer_all(store, [("alpha", True)])
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].attempts == 1
    store.close()


def test_a_folder_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        SQLiteStore.open(blocker / "data")


def test_in_memory_store_works_and_keeps_nothing() -> None:
    store = SQLiteStore.in_memory(clock=Clock())
    answer_all(store, [("alpha", True)])
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].attempts == 1
    assert store.path is None


def test_answers_from_before_scores_get_their_score_from_right_or_wrong(tmp_path: Path) -> None:
    old_database(tmp_path, 4, [1, 0])
    store = SQLiteStore.open(tmp_path, clock=Clock())
    [right] = store.history("ana", "Bank", "q0")
    [wrong] = store.history("ana", "Bank", "q1")
    assert (right.score, wrong.score) == (1.0, 0.0)
    assert not (right.unanswered or right.overridden)
    store.close()


def test_the_whole_file_is_checked_once_a_day_and_after_a_fault_that_says_it_is_damaged(
    tmp_path: Path,
) -> None:
    path = tmp_path / DB_NAME
    store = SQLiteStore.open(tmp_path, clock=Clock())
    answer_all(store, [("alpha", True)] * 300)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    checks: list[str] = []
    real_connect = sqlite3.connect

    def counting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)
        connection.set_trace_callback(
            lambda sql: checks.append(sql) if "quick_check" in sql else None
        )
        return connection

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", counting)
        SQLiteStore.open(tmp_path, clock=Clock()).close()
        assert checks == []  # checked when it was created, less than a day ago
        raw = bytearray(path.read_bytes())
        raw[4096 + 100 : 4096 * 3] = b"\xff" * (4096 * 2 - 100)  # garble b-tree pages
        path.write_bytes(bytes(raw))
        store = SQLiteStore.open(tmp_path, clock=Clock())  # opens: the check is not due
        assert store.backup is None and checks == []
        with pytest.raises(StoreError, match="malformed"):
            store.sessions("ana", "Bank")  # reads the damaged pages
        store.close()
        store = SQLiteStore.open(tmp_path, clock=Clock())  # the fault said: check it now
        assert checks and store.backup is not None and store.backup.read_bytes() == bytes(raw)
        assert store.count_answers("ana", "Bank") == 0
        store.close()
