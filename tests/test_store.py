"""The progress store: what it records, what it answers, and that nothing is ever lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store.api import StoreError
from quiz.store.sqlite import DB_NAME, MIGRATIONS, SQLiteStore

from .conftest import Clock


def question(qid: str = "q1", topic: str = "alpha", prompt: str = "Pick B") -> Question:
    return Question(
        id=qid, topic=topic, type="choice", prompt=prompt, answers=("B",), choices=("A", "B")
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    opened = SQLiteStore.open(tmp_path / "data", clock=Clock())
    yield opened
    opened.close()


def answer_all(store: SQLiteStore, results: list[tuple[str, bool]], mode: str = "practice") -> None:
    session = store.start_session("ana", "Bank", mode, 7)
    for topic, right in results:
        store.record(
            session, answer_for(question(f"{topic}-q", topic), "B" if right else "A", right, 2.5)
        )
    store.end_session(session)


def test_summary_per_topic_across_sessions(store: SQLiteStore) -> None:
    answer_all(store, [("alpha", True), ("alpha", False), ("beta", True)])
    answer_all(store, [("alpha", True), ("alpha", True), ("alpha", True)])
    alpha, beta, gamma = store.topic_summary("ana", "Bank", ["alpha", "beta", "gamma"])
    assert (alpha.attempts, alpha.correct) == (5, 4)
    assert alpha.accuracy == pytest.approx(0.8)
    assert alpha.trend == (0.5, 1.0)
    assert alpha.last_session_accuracy == 1.0
    assert alpha.recent_accuracy == pytest.approx(0.75)
    assert alpha.best_streak == 3
    assert alpha.last_studied is not None and beta.last_studied is not None
    assert alpha.last_studied > beta.last_studied
    assert (beta.attempts, beta.correct, beta.best_streak) == (1, 1, 1)
    assert (gamma.attempts, gamma.accuracy, gamma.trend, gamma.last_studied) == (0, None, (), None)


def test_trend_covers_only_the_last_n_sessions(store: SQLiteStore) -> None:
    for i in range(8):
        answer_all(store, [("alpha", i % 2 == 0)])
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"], last_sessions=3)
    assert alpha.trend == (0.0, 1.0, 0.0)
    assert alpha.attempts == 8


def test_profiles_and_banks_are_kept_apart(store: SQLiteStore) -> None:
    answer_all(store, [("alpha", True)])
    other = store.start_session("ben", "Bank", "practice", None)
    store.record(other, answer_for(question(), "A", False, 1.0))
    elsewhere = store.start_session("ana", "Other bank", "practice", None)
    store.record(elsewhere, answer_for(question(), "A", False, 1.0))
    [ana] = store.topic_summary("ana", "Bank", ["alpha"])
    [ben] = store.topic_summary("ben", "Bank", ["alpha"])
    assert (ana.attempts, ana.correct, ben.attempts, ben.correct) == (1, 1, 1, 0)


def test_history_keeps_the_hash_and_survives_an_edit(store: SQLiteStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    before, after = question(prompt="Pick B"), question(prompt="Now pick B, please")
    store.record(session, answer_for(before, "A", False, 3.0))
    store.record(session, answer_for(after, "B", True, 1.5))
    history = store.history("ana", "Bank", "q1")
    assert [(a.given, a.correct, a.seconds) for a in history] == [
        ("A", False, 3.0),
        ("B", True, 1.5),
    ]
    assert history[0].question_hash == before.content_hash
    assert history[1].question_hash == after.content_hash != before.content_hash
    assert history[0].mode == "practice"


def test_reset_one_topic_removes_only_that_topic(store: SQLiteStore) -> None:
    answer_all(store, [("alpha", True), ("beta", False), ("beta", True)])
    assert store.reset("ana", "Bank", "beta") == 2
    alpha, beta = store.topic_summary("ana", "Bank", ["alpha", "beta"])
    assert (alpha.attempts, beta.attempts, beta.trend) == (1, 0, ())
    assert store.count_answers("ana", "Bank") == 1
    assert store.reset("ana", "Bank") == 1
    assert store.count_answers("ana", "Bank") == 0


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


WRITER = """
import sys
from pathlib import Path
from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store.sqlite import SQLiteStore
store = SQLiteStore.open(Path(sys.argv[1]))
profile, count = sys.argv[2], int(sys.argv[3])
session = store.start_session(profile, "Bank", "practice", None)
for i in range(count):
    q = Question(id=f"q{i}", topic=f"t{i % 3}", type="card", prompt="p", answers=("a",))
    store.record(session, answer_for(q, "a", i % 2 == 0, 0.1))
    print(i + 1, flush=True)
"""


def test_killing_a_process_mid_session_loses_no_recorded_answer(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), "ana", "100000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    reported = 0
    while reported < 200:
        reported = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = SQLiteStore.open(tmp_path)
    rows = store.count_answers("ana", "Bank")
    summary = store.topic_summary("ana", "Bank", ["t0", "t1", "t2"])
    assert rows >= reported  # every answer reported as recorded is there
    assert sum(t.attempts for t in summary) == rows  # and the summaries agree with the rows
    store.close()


def test_two_processes_recording_at_once_both_keep_every_answer(tmp_path: Path) -> None:
    SQLiteStore.open(tmp_path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, "300"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ana", "ben")
    ]
    deadline = time.monotonic() + 120
    for proc in procs:
        _, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        assert proc.returncode == 0, err
    store = SQLiteStore.open(tmp_path)
    for name in ("ana", "ben"):
        assert store.count_answers(name, "Bank") == 300
        assert sum(t.attempts for t in store.topic_summary(name, "Bank", ["t0", "t1", "t2"])) == 300
    store.close()


def test_question_stats_follow_the_latest_answer(store: SQLiteStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    store.record(session, answer_for(question("q1"), "A", False, 1.0))
    store.record(session, answer_for(question("q2"), "B", True, 1.0))
    store.record(session, answer_for(question("q1"), "A", False, 1.0))
    stats = store.question_stats("ana", "Bank")
    assert (stats["q1"].attempts, stats["q1"].wrong, stats["q1"].last_correct) == (2, 2, False)
    assert [q for q, s in store.question_stats("ana", "Bank").items() if s.last_correct] == ["q2"]
    store.record(session, answer_for(question("q1"), "B", True, 1.0))
    assert store.question_stats("ana", "Bank")["q1"].last_correct is True
    assert all(s.last_correct for s in store.question_stats("ana", "Bank").values())
    store.end_session(session)
    [record] = store.sessions("ana", "Bank")
    assert (record.answered, record.correct, record.mode) == (4, 2, "practice")


def test_scores_unanswered_and_overrides_are_recorded(store: SQLiteStore) -> None:
    session = store.start_session("ana", "Bank", "exam", 3)
    store.record(session, answer_for(question("q1"), "A, C", False, 1.0, score=0.5))
    store.record(session, answer_for(question("q2"), "", False, 0.0, score=0.0, unanswered=True))
    [partial] = store.history("ana", "Bank", "q1")
    [left] = store.history("ana", "Bank", "q2")
    assert (partial.score, partial.unanswered, left.score, left.unanswered) == (0.5, False, 0, True)
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.attempts, alpha.correct) == (2, 0)  # unanswered counts in the exam's score
    assert not store.override(store.db.execute("SELECT max(id) FROM answers").fetchone()[0])


def test_an_override_corrects_every_summary(store: SQLiteStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    for right in (True, True):
        store.record(session, answer_for(question("q1"), "B", right, 1.0))
    wrong = store.record(session, answer_for(question("q2"), "A", False, 1.0))
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.correct, alpha.best_streak, alpha.trend) == (2, 2, (2 / 3,))
    assert store.override(wrong, ("{}", 99.0))
    assert not store.override(wrong)  # once
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.attempts, alpha.correct, alpha.best_streak, alpha.trend) == (3, 3, 3, (1.0,))
    stats = store.question_stats("ana", "Bank")["q2"]
    assert (stats.wrong, stats.last_correct) == (0, True)
    [attempt] = store.history("ana", "Bank", "q2")
    assert (attempt.correct, attempt.score, attempt.overridden) == (True, 1.0, True)
    assert store.cards("ana", "Bank") == {"q2": "{}"}
    store.record(
        session, answer_for(question("q1"), "A", False, 1.0)
    )  # the streak goes on from there
    store.record(session, answer_for(question("q1"), "B", True, 1.0))
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].best_streak == 3


def test_answers_from_before_scores_get_their_score_from_right_or_wrong(tmp_path: Path) -> None:
    old_database(tmp_path, 4, [1, 0])
    store = SQLiteStore.open(tmp_path, clock=Clock())
    [right] = store.history("ana", "Bank", "q0")
    [wrong] = store.history("ana", "Bank", "q1")
    assert (right.score, wrong.score) == (1.0, 0.0)
    assert not (right.unanswered or right.overridden)
    store.close()
