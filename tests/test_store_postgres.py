"""The PostgreSQL engine when things go wrong: a server down at launch or killed mid-session
(answers wait in the outbox and arrive once), a wrong password, a database from a newer
quiz. Each is a clear StoreError, never a driver's exception, and loses nothing."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store import open_store
from quiz.store.api import Answer, Session, Sitting, StoreError, StoreUnavailable
from quiz.store.outbox import End, Outbox, Override, Record, Start, decode, encode
from quiz.store.postgres import MIGRATIONS, PostgresStore

from .conftest import Clock
from .pg import Cluster
from .test_store_engines import assert_summaries_agree


def question(i: int) -> Question:
    return Question(id=f"q{i}", topic=f"t{i % 2}", type="card", prompt="p", answers=("a",))


def answer(i: int, right: bool = True) -> Answer:
    return answer_for(question(i), "a" if right else "b", right, 1.5)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "data" / "outbox.db"


@contextlib.contextmanager
def opened(url: str, outbox: Path | None = None) -> Iterator[PostgresStore]:
    store = PostgresStore.open(url, clock=Clock(), outbox=outbox, timeout=2)
    try:
        yield store
    finally:
        store.close()


def server_count(cluster: Cluster, url: str) -> int:
    """The answers on the server, counted by a client of its own."""
    database = url.partition("@/")[2].partition("?")[0]
    with cluster.admin(database) as db:
        row = db.execute("SELECT COUNT(*) FROM answers").fetchone()
    assert row is not None
    return int(str(row[0]))


# --- the outbox, on its own -----------------------------------------------------------------


def test_every_operation_comes_back_from_the_outbox_as_it_went_in(outbox: Path) -> None:
    session = Session(0, "ana", "Bank", "review", 7, "8c1e8a9c-1d7e-4d8e-9a41-52f7d1b2f0aa")
    sitting = Sitting(session.uuid, "ana", "Bank", "review", 7, 10.0, None)
    rich = answer_for(
        question(1), "a", True, 2.0, card=('{"due": 3}', 9.5), response={"typed": "é"}
    )
    operations = [
        Start(sitting),
        Record(session, rich),
        End(session.uuid, 12.0),
        Override(rich.id, ("{}", 1.0)),
        Override(rich.id, None),
    ]
    assert [decode(*encode(op)) for op in operations] == operations
    box = Outbox.open(outbox)
    for op in operations:
        box.push(op)
    assert box.pending == len(operations)
    head = box.first()
    assert head is not None and head[1] == operations[0]
    box.sent(head[0])
    box.db.execute("UPDATE waiting SET body = 'not JSON' WHERE kind = 'record'")
    head = box.first()  # the damaged one is kept aside, not in the way
    assert head is not None and head[1] == operations[2]
    assert (box.pending, box.rejected) == (3, 1)
    box.close()


# --- faults on a real server ----------------------------------------------------------------


def test_a_server_down_at_launch_keeps_every_answer_in_the_outbox(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    with pg_cluster.down():
        with pytest.raises(StoreUnavailable, match="cannot reach the database server at /"):
            PostgresStore.open(pg_url, timeout=2)  # without an outbox: nowhere to keep them
        store = PostgresStore.open(pg_url, clock=Clock(), outbox=outbox, timeout=2)
        assert store.pending == 0
        with pytest.raises(StoreUnavailable):  # reads do not pretend there is no progress
            store.topic_summary("ana", "Bank", ["t0"])
        session = store.start_session("ana", "Bank", "practice", None)
        assert session.id == 0 and session.uuid
        ids = [store.record(session, answer(i, right=i != 1)) for i in range(3)]
        assert store.override(ids[1])
        store.end_session(session)
        assert store.pending == 6  # the start, three answers, the override, the end
    assert store.topic_summary("ana", "Bank", ["t0", "t1"])[1].correct == 1  # sent first
    assert store.pending == 0
    answers = assert_summaries_agree(store, "ana")
    assert [a.id for a in answers] == ids
    assert all(a.correct for a in answers) and answers[1].overridden
    [sitting] = [s for s, _ in store.export("ana")]
    assert sitting.uuid == session.uuid and sitting.ended is not None
    store.close()


def test_a_server_that_times_out_is_left_alone_for_a_while(
    pg_url: str, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host that does not answer costs a connect timeout; it is not paid on every answer."""
    import psycopg

    with opened(pg_url, outbox) as store:
        session = store.start_session("ana", "Bank", "practice", None)
        store._drop()  # the network goes away
        attempts = []

        def times_out(*args: object, **kwargs: object) -> None:
            attempts.append(1)
            time.sleep(0.6)
            raise psycopg.OperationalError("connection timeout expired")

        monkeypatch.setattr(psycopg, "connect", times_out)
        for i in range(5):
            store.record(session, answer(i))
        assert len(attempts) == 1 and store.pending == 5  # tried once, then kept aside
        monkeypatch.undo()
        store._retry_at = 0.0  # the while is over
        store.end_session(session)
        assert store.pending == 0 and store.count_answers("ana", "Bank") == 5


def test_a_server_killed_mid_session_gets_every_answer_once(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    with opened(pg_url, outbox) as store:
        session = store.start_session("ana", "Bank", "practice", None)
        assert session.id > 0
        ids = [store.record(session, answer(i, right=i % 3 != 0)) for i in range(5)]
        with pg_cluster.down():
            ids += [store.record(session, answer(i, right=i % 3 != 0)) for i in range(5, 10)]
            assert store.pending == 5
            with pytest.raises(StoreUnavailable, match="cannot reach the database server"):
                store.sessions("ana", "Bank")
        ids.append(store.record(session, answer(10)))  # the server is back: all sent, in order
        assert store.pending == 0
        assert [a.id for a in assert_summaries_agree(store, "ana")] == ids
    assert server_count(pg_cluster, pg_url) == 11


def test_an_answer_sent_twice_is_counted_once(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    """quiz stopped between sending queued answers and forgetting them: they are sent again
    at the next start, and change nothing."""
    with opened(pg_url, outbox) as store:
        session = store.start_session("ana", "Bank", "practice", None)
        sent = [answer(i, right=i % 2 == 0) for i in range(4)]
        for each in sent:
            store.record(session, each)
        store.override(sent[1].id)
    box = Outbox.open(outbox)
    box.push(Start(Sitting(session.uuid, "ana", "Bank", "practice", None, 1.0, None)))
    for each in sent:
        box.push(Record(session, each))
    box.push(Override(sent[1].id, None))
    box.close()
    with opened(pg_url, outbox) as store:
        assert store.pending == 0  # sent at open
        answers = assert_summaries_agree(store, "ana")
        assert [a.id for a in answers] == [a.id for a in sent]
        assert sum(a.correct for a in answers) == 3
    assert server_count(pg_cluster, pg_url) == 4


def test_a_lost_connection_is_made_again_by_the_next_call(pg_cluster: Cluster, pg_url: str) -> None:
    with opened(pg_url) as store:
        session = store.start_session("ana", "Bank", "practice", None)
        store.record(session, answer(0))
        with pg_cluster.down(), pytest.raises(StoreUnavailable):
            store.record(session, answer(1))  # without an outbox, said, not kept
        store.record(session, answer(2))
        pg_cluster.stop("fast")  # a restart between two answers goes unnoticed
        pg_cluster.start()
        store.record(session, answer(3))
        assert store.count_answers("ana", "Bank") == 3


def test_calls_from_worker_threads_share_one_connection_and_one_outbox(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    """The app makes a remote store's calls off its event loop, each on any worker thread,
    some at once."""
    with opened(pg_url, outbox) as store, ThreadPoolExecutor(4) as pool:
        session = pool.submit(store.start_session, "ana", "Bank", "practice", None).result()
        with pg_cluster.down():
            ids = list(pool.map(lambda i: store.record(session, answer(i)), range(8)))
            assert store.pending == 8
        assert pool.submit(store.count_answers, "ana", "Bank").result() == 8
        assert store.pending == 0
        ids += pool.map(lambda i: store.record(session, answer(i)), range(8, 16))
        answers = pool.submit(assert_summaries_agree, store, "ana").result()
        assert sorted(a.id for a in answers) == sorted(ids)


def test_a_wrong_password_is_a_clear_error_that_never_shows_it(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    user = pg_cluster.password_user("right-horse")
    database = pg_url.partition("@/")[2].partition("?")[0]
    wrong = pg_cluster.url(database, user, "wrong-horse")
    with pytest.raises(StoreError, match=f"refused the login for user {user} \\(wrong password"):
        PostgresStore.open(wrong, outbox=outbox)  # even with an outbox: a person must fix it
    with pytest.raises(StoreError) as caught:
        open_store(wrong, outbox=outbox)
    assert not isinstance(caught.value, StoreUnavailable)
    assert "horse" not in str(caught.value) and caught.value.__cause__ is None
    with opened(pg_cluster.url(database, user, "right-horse")) as store:
        assert "horse" not in store.location
        assert store.profiles() == []


def test_a_database_from_a_newer_quiz_is_refused_and_loses_nothing(
    pg_cluster: Cluster, pg_url: str, outbox: Path
) -> None:
    with opened(pg_url, outbox) as store:
        session = store.start_session("ana", "Bank", "practice", None)
        store.record(session, answer(0))
        with pg_cluster.down():
            store.record(session, answer(1))
    newer = len(MIGRATIONS) + 1
    database = pg_url.partition("@/")[2].partition("?")[0]
    with pg_cluster.admin(database) as db:
        db.execute("UPDATE schema_version SET version = %s", (newer,))
    with pytest.raises(StoreError, match=f"from a newer quiz \\(schema {newer}\\); upgrade quiz"):
        PostgresStore.open(pg_url, outbox=outbox)
    box = Outbox.open(outbox)
    assert (box.pending, box.rejected) == (1, 0)  # the answer still waits, untouched
    box.close()
    assert server_count(pg_cluster, pg_url) == 1
    with pg_cluster.admin(database) as db:
        db.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS),))
    with opened(pg_url, outbox) as store:  # the right quiz sends it
        assert store.pending == 0 and store.count_answers("ana", "Bank") == 2


def test_an_answer_the_server_refuses_for_good_is_kept_aside(pg_url: str, outbox: Path) -> None:
    stray = Session(0, "ana", "Bank", "practice", None, "0b6f4f2e-4a8e-4f59-8c0e-8d1f0e1d2c3b")
    box = Outbox.open(outbox)
    box.push(Record(stray, answer(0)))  # its session never reached the server
    box.close()
    with opened(pg_url, outbox) as store:
        assert store.pending == 0
        assert store.count_answers("ana", "Bank") == 0
    with contextlib.closing(sqlite3.connect(outbox)) as db:
        [(reason,)] = db.execute("SELECT reason FROM rejected").fetchall()
    assert "session is not in the progress database" in reason


def test_the_location_never_shows_a_password(outbox: Path) -> None:
    url = "postgresql://ada:s3cret-pw@/quiz?host=/nonexistent/socket&sslpassword=s3cret-pw"
    with opened(url, outbox) as store:  # unreachable, so it opens on the outbox
        assert store.location == "postgresql://ada@/quiz?host=/nonexistent/socket"
        with pytest.raises(StoreUnavailable) as caught:
            store.profiles()
        assert "s3cret" not in str(caught.value)
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://ada:s3cret-pw@[::1/quiz")
    assert "s3cret" not in str(caught.value)


def test_a_version_2_database_keeps_everything_under_integer_ids(
    pg_cluster: Cluster, pg_url: str
) -> None:
    sid, aid = "6f1c7b1e-0d0f-4b7e-9a57-3f4d1d2c9b10", "0b8e7c1a-2f3d-4c5b-8a9e-1d2c3b4a5f60"
    database = pg_url.partition("@/")[2].partition("?")[0]
    with pg_cluster.admin(database) as db:
        for migration in MIGRATIONS[:2]:
            db.execute(migration)
        db.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (2)")
        for statement, values in [
            ("INSERT INTO profiles VALUES (%s, %s, %s)", ("ana", "Ana", 5.0)),
            ("INSERT INTO banks VALUES (%s, %s, %s)", ("bank-1", "Bank one", 5.0)),
            ("INSERT INTO sessions (uuid, profile, bank, mode, seed, started, ended)"
             " VALUES (%s, 'ana', 'bank-1', 'practice', 3, 10.0, 20.0)", (sid,)),
            ("INSERT INTO answers (uuid, session_id, profile, bank, question_id, topic, given,"
             " correct, score, unanswered, late, overridden, seconds, answered_at, question_hash)"
             " SELECT %s, id, 'ana', 'bank-1', 'q0', 'alpha', 'x', false, 0, false, false, false,"
             " 1.0, 11.0, 'h' FROM sessions", (aid,)),
            ("INSERT INTO topic_stats VALUES ('ana', 'bank-1', 'alpha', 1, 0, 11.0, 0, 0)", ()),
            ("INSERT INTO session_topics SELECT 'ana', 'bank-1', 'alpha', id, 1, 0 FROM sessions",
             ()),
            ("INSERT INTO question_stats VALUES ('ana', 'bank-1', 'q0', 'alpha', 1, 1, false, 11)",
             ()),
            ("INSERT INTO cards VALUES ('ana', 'bank-1', 'q0', 'alpha', '{}', 12, 1, 2.0, 11)", ()),
            # Someone known only by a card (copied in from another store) is kept too.
            ("INSERT INTO cards VALUES ('ben', 'bank-1', 'q1', 'alpha', '{}', 12, 1, 2.0, 11)", ()),
        ]:  # fmt: skip
            db.execute(statement, values)
    with opened(pg_url) as store:
        [(sitting, answers)] = list(store.export("ana"))
        assert (sitting.uuid, sitting.profile, sitting.bank) == (sid, "ana", "bank-1")
        assert [(a.id, a.question_id, a.correct) for a in answers] == [(aid, "q0", False)]
        assert [(p.name, p.display_name, p.answers) for p in store.profiles()] == [
            ("ana", "Ana", 1), ("ben", "ben", 0)
        ]  # fmt: skip
        assert sorted((p, b, sorted(cards)) for p, b, cards in store.card_sets()) == [
            ("ana", "bank-1", ["q0"]), ("ben", "bank-1", ["q1"])
        ]  # fmt: skip
        assert store.count_answers("ana", "bank-1") == 1
        assert store.override(aid)
        [alpha] = store.topic_summary("ana", "bank-1", ["alpha"])
        assert (alpha.attempts, alpha.correct, alpha.best_streak) == (1, 1, 1)
        later = store.start_session("ana", "bank-1", "practice", None)  # ids go on from there
        assert later.id > 1


def test_a_version_3_database_keeps_each_version_of_a_question_once(
    pg_cluster: Cluster, pg_url: str
) -> None:
    database = pg_url.partition("@/")[2].partition("?")[0]
    with opened(pg_url) as store:  # made at the latest schema, then taken back to 3 by hand
        pass
    with pg_cluster.admin(database) as db:
        for table in ("answers", "question_versions", "session_topics", "topic_stats",
                      "question_stats", "cards", "sessions", "banks", "profiles",
                      "schema_version"):  # fmt: skip
            db.execute(f"DROP TABLE {table} CASCADE")
        for migration in MIGRATIONS[:3]:
            db.execute(migration)
        db.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (3)")
        db.execute("INSERT INTO profiles (name, display_name, created) VALUES ('ana', 'Ana', 1)")
        db.execute("INSERT INTO banks (key, title, created) VALUES ('bank-1', 'B', 1)")
        db.execute(
            "INSERT INTO sessions (uuid, profile, bank, mode, started)"
            " SELECT '6f1c7b1e-0d0f-4b7e-9a57-3f4d1d2c9b10', p.id, b.id, 'practice', 10"
            " FROM profiles p, banks b"
        )
        for n, (qid, topic, digest, right) in enumerate(
            [("q0", "alpha", "h1", True), ("q0", "alpha", "h1", False),
             ("q0", "alpha", "h2", True), ("q1", "beta", "h3", False)]
        ):  # fmt: skip
            db.execute(
                "INSERT INTO answers (uuid, session_id, question_id, topic, given, correct,"
                " score, unanswered, late, overridden, seconds, answered_at, question_hash,"
                " response) SELECT %s, id, %s, %s, 'x', %s, %s, false, false, false, 2.5, %s,"
                " %s, '{\"text\": \"x\"}' FROM sessions",
                (f"0b8e7c1a-2f3d-4c5b-8a9e-1d2c3b4a5f6{n}", qid, topic, right, float(right),
                 11.0 + n, digest),
            )  # fmt: skip
        db.execute(
            "INSERT INTO topic_stats SELECT p.id, b.id, t, n, c, 13, 0, 1"
            " FROM profiles p, banks b, (VALUES ('alpha', 3, 2), ('beta', 1, 0)) x(t, n, c)"
        )
    with opened(pg_url) as store:
        with pg_cluster.admin(database) as db:
            versions = db.execute(
                "SELECT question_id, topic, question_hash FROM question_versions ORDER BY 1, 3"
            ).fetchall()
        assert versions == [("q0", "alpha", "h1"), ("q0", "alpha", "h2"), ("q1", "beta", "h3")]
        [(_, answers)] = list(store.export())
        assert [(a.question_id, a.question_hash, a.correct, a.seconds, a.response)
                for a in answers] == [
            ("q0", "h1", True, 2.5, {"text": "x"}), ("q0", "h1", False, 2.5, {"text": "x"}),
            ("q0", "h2", True, 2.5, {"text": "x"}), ("q1", "h3", False, 2.5, {"text": "x"}),
        ]  # fmt: skip
        assert [a.question_hash for a in store.history("ana", "bank-1", "q0")] == ["h1"] * 2 + [
            "h2"
        ]
        session = store.start_session("ana", "bank-1", "practice", None)
        q0 = Question(id="q0", topic="alpha", type="short", prompt="p", answers=("a",))
        store.record(session, answer_for(q0, "a", True, 1.0))  # a version not seen before
        store.record(session, answer_for(q0, "a", True, 1.0))  # and now known
        assert store.count_answers("ana", "bank-1") == 6
        assert store.reset("ana", "bank-1", "beta") == 1
        assert store.count_answers("ana", "bank-1", "alpha") == 5
