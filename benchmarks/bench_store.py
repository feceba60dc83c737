"""The progress store on both engines: recording an answer, and the home screen's reads with
1,000,000 answers of 200 profiles.

Each figure is measured beside a baseline in the same run:
- record: `store.record` (the answer row, three summary upserts, one commit) beside a bare
  one-row INSERT and COMMIT on a raw connection of the same engine;
- home reads: `topic_summary` and `topic_cards` (20 topics) for one profile, on the
  big store, beside the same reads on a store of 1,000 answers (the cost must not grow with the
  history) and beside the naive GROUP BY over that profile's answers;
- SQLite only: opening the big file (`PRAGMA quick_check` reads all of it);
- bytes per answer: what the history costs (each answer's row, its indexes and its session's
  per-topic summary), then the whole database over the answers (with a card and the latest
  result per profile and question: bounded by profiles x questions, not by the history).

PostgreSQL runs on a throwaway server started by tests/pg.py (Unix socket, fsync off).

Run: python benchmarks/bench_store.py [--answers 1000000] [--profiles 200]
     [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from quiz.core.bank import Question
from quiz.core.scheduling import curve, make_scheduler
from quiz.core.session import answer_for
from quiz.store import open_store
from quiz.store.api import ProgressStore

QUESTIONS, TOPIC_COUNT = 5000, 20


def topic_names(count: int) -> list[str]:
    """The fill's topics: question `q{n}` is in the topic `n % count`."""
    return [f"topic{i:04d}" for i in range(count)]


TOPICS = topic_names(TOPIC_COUNT)
ASKED = {t: [f"q{n}" for n in range(i, QUESTIONS, TOPIC_COUNT)] for i, t in enumerate(TOPICS)}
PER_SESSION = 200
BANK = "Bank"
# A learner's card as fsrs writes it, about as long as the real ones.
CARD = (
    '{"card_id": 1796298044469, "state": 2, "step": null, "stability": 10.0, "difficulty":'
    ' 5.1, "due": "2001-09-19T01:46:40+00:00", "last_review": "2001-09-09T01:46:40+00:00"}'
)

# One statement per summary table, built from the answers by GROUP BY.
SUMMARIES = [
    "INSERT INTO topic_stats SELECT s.profile, s.bank, a.topic, COUNT(*), SUM({int_correct}),"
    " MAX(a.answered_at), 0, 0 FROM {answers} JOIN sessions s ON s.id = a.session_id"
    " GROUP BY s.profile, s.bank, a.topic",
    "INSERT INTO session_topics SELECT s.profile, s.bank, a.topic, a.session_id, COUNT(*),"
    " SUM({int_correct}) FROM {answers} JOIN sessions s ON s.id = a.session_id"
    " GROUP BY s.profile, s.bank, a.topic, a.session_id",
    "INSERT INTO question_stats SELECT s.profile, s.bank, a.question_id, MIN(a.topic), COUNT(*),"
    " SUM(1 - {int_correct}), {last}, MAX(a.answered_at)"
    " FROM {answers} JOIN sessions s ON s.id = a.session_id"
    " GROUP BY s.profile, s.bank, a.question_id",
    # A review card, stability 10 days, for each question answered right: all due by now.
    "INSERT INTO cards SELECT s.profile, s.bank, a.question_id, MIN(a.topic), '"
    + CARD.replace("{", "{{").replace("}", "}}")
    + "',"
    " MAX(a.answered_at) + 864000, 2, 10.0, MAX(a.answered_at)"
    " FROM {answers} JOIN sessions s ON s.id = a.session_id WHERE {int_correct} = 1"
    " GROUP BY s.profile, s.bank, a.question_id",
]


def fill_sqlite(
    path: Path, answers: int, profiles: int, questions: int = QUESTIONS, topics: int = 20
) -> None:
    open_store(f"sqlite://{path}").close()
    db = sqlite3.connect(path)
    sessions = max(1, answers // PER_SESSION)
    db.execute("PRAGMA synchronous = OFF")
    db.executemany(
        "INSERT INTO profiles VALUES (?, ?, ?, 1e9)",
        ((p + 1, f"p{p:03d}", f"p{p:03d}") for p in range(profiles)),
    )
    db.execute("INSERT OR IGNORE INTO banks VALUES (1, 'Bank', 'Bank', 1e9)")
    db.executemany(
        "INSERT INTO sessions (id, profile, bank, mode, seed, started, ended, uuid)"
        " VALUES (?, ?, 1, 'practice', NULL, ?, ?, ?)",
        ((s, s % profiles + 1, 1e9 + s, 1e9 + s + 600, str(uuid.uuid4()))
         for s in range(1, sessions + 1)),
    )  # fmt: skip
    db.executemany(
        "INSERT INTO answers (session_id, question_id, topic, given, correct, seconds,"
        " answered_at, question_hash, score, unanswered, late, overridden, uuid)"
        " VALUES (?, ?, ?, 'x', ?, 3.0, ?, ?, ?, 0, 0, 0, ?)",
        (
            (i // PER_SESSION % sessions + 1, f"q{i % questions}", f"topic{i % topics:04d}",
             int(i % 10 < 7), 1e9 + i + 0.25, question_hash(i % questions), float(i % 10 < 7),
             answer_uuid(i).bytes)
            for i in range(answers)
        ),
    )  # fmt: skip
    for statement in SUMMARIES:
        db.execute(
            statement.format(int_correct="correct", last="MAX(correct)", answers="answers a")
        )
    db.commit()
    db.close()


# PostgreSQL keeps each answer's question (id, topic, hash) once, in question_versions.
PG_ANSWERS = (
    "(SELECT a.*, v.question_id, v.topic FROM answers a"
    " JOIN question_versions v ON v.id = a.question) a"
)


def fill_postgres(
    url: str, answers: int, profiles: int, questions: int = QUESTIONS, topics: int = 20
) -> None:
    import psycopg

    open_store(url).close()
    sessions = max(1, answers // PER_SESSION)
    with psycopg.connect(url) as db:
        db.execute(
            "INSERT INTO profiles (name, display_name, created)"
            " SELECT 'p' || lpad(p::text, 3, '0'), 'p', 1e9 FROM generate_series(0, %s - 1) p",
            (profiles,),
        )
        db.execute(
            "INSERT INTO banks (key, title, created) VALUES ('Bank', 'Bank', 1e9)"
            " ON CONFLICT DO NOTHING"
        )
        db.execute(
            "INSERT INTO sessions (uuid, profile, bank, mode, started, ended)"
            " SELECT gen_random_uuid(), s %% %s + (SELECT MIN(id) FROM profiles),"
            " (SELECT id FROM banks WHERE key = 'Bank'), 'practice', 1e9 + s, 1e9 + s + 600"
            " FROM generate_series(1, %s) s ORDER BY s",
            (profiles, sessions),
        )
        db.execute(  # each question once, as the store keeps it (its id, topic and hash)
            "INSERT INTO question_versions (bank, question_id, topic, question_hash)"
            " SELECT (SELECT id FROM banks WHERE key = 'Bank'), 'q' || n,"
            " 'topic' || lpad((n %% %s)::text, 4, '0'), substr(md5(n::text), 1, 16)"
            " FROM generate_series(0, %s - 1) n",
            (topics, questions),
        )
        db.execute(  # UUIDs of version 7, a second apart, as quiz makes them (`new_id`)
            "INSERT INTO answers (answered_at, score, seconds, uuid, session_id, question,"
            " correct, unanswered, late, overridden, given)"
            " SELECT 1e9 + i + 0.25, (i %% 10 < 7)::int, 3.0,"
            " (lpad(to_hex(1700000000000::bigint + 1000 * i), 12, '0') || '7'"
            "  || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text || '.'), 1, 15))::uuid,"
            " s.id, (SELECT MIN(id) FROM question_versions) + i %% %s, i %% 10 < 7, false,"
            " false, false, 'x'"
            " FROM generate_series(0, %s - 1) i"
            " JOIN sessions s ON s.id = (i / %s) %% %s + (SELECT MIN(id) FROM sessions)",
            (questions, answers, PER_SESSION, sessions),
        )
        for statement in SUMMARIES:
            db.execute(
                statement.format(
                    int_correct="correct::int", last="bool_or(correct)", answers=PG_ANSWERS
                ).replace("%", "%%")
            )
        db.execute("ANALYZE")


def answer_uuid(i: int) -> uuid.UUID:
    """The i-th answer's UUID, of version 7 as quiz makes them (`new_id`), a second apart."""
    millis = 1_700_000_000_000 + 1000 * i
    return uuid.UUID(int=millis << 80 | 0x7 << 76 | 0x2 << 62 | int.from_bytes(os.urandom(7)))


def question_hash(n: int) -> str:
    """A question's content hash, as long as the real ones."""
    return hashlib.sha256(str(n).encode()).hexdigest()[:16]


# What every answer adds: its row, its indexes and its session's per-topic summary. The
# rest (a card and the latest result per profile and question, the per-topic totals) is
# bounded by profiles x questions, however long the history grows.
HISTORY = ("answers", "session_topics")


def stored_bytes(engine: str, url: str) -> tuple[int, int]:
    """The size of the history's tables with their indexes, and of the whole database."""
    if engine == "sqlite":
        path = url.removeprefix("sqlite://")
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = db.execute(
                "SELECT SUM(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name"
                f" WHERE s.tbl_name IN {HISTORY}"
            ).fetchone()
        return int(row[0]), Path(path).stat().st_size
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT SUM(pg_total_relation_size(oid)) FILTER (WHERE relname = ANY(%s)),"
            " SUM(pg_total_relation_size(oid)) FROM pg_class"
            " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
            (list(HISTORY),),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


def home_reads(store: ProgressStore, profile: str) -> Callable[[], None]:
    """What the home screen reads before its first frame: a screenful of topics."""

    def read() -> None:
        store.topic_summary(profile, BANK, TOPICS)
        store.topic_cards(profile, BANK, ASKED, time.time(), curve(make_scheduler()))

    return read


def bare_insert(engine: str, url: str) -> Callable[[], None]:
    """A one-row INSERT and COMMIT on a raw connection, the baseline of `record`."""
    if engine == "sqlite":
        db: Any = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS bare (a TEXT, b INTEGER, c REAL)")

        def insert() -> None:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bare VALUES ('a', 1, 2.0)")
            db.execute("COMMIT")

        return insert
    import psycopg

    pg = psycopg.connect(url)
    pg.execute("CREATE TABLE IF NOT EXISTS bare (a text, b integer, c double precision)")
    pg.commit()

    def insert_pg() -> None:
        pg.execute("INSERT INTO bare VALUES ('a', 1, 2.0)")
        pg.commit()

    return insert_pg


def naive(engine: str, url: str, profile: str) -> Callable[[], None]:
    """What the summary tables replace: a GROUP BY over the profile's answers."""
    query = (
        "SELECT a.topic, COUNT(*), SUM({c}), MAX(a.answered_at) FROM {answers}"
        " JOIN sessions s ON s.id = a.session_id JOIN profiles p ON p.id = s.profile"
        " WHERE p.name = '{p}' GROUP BY a.topic"
    )
    if engine == "sqlite":
        db: Any = sqlite3.connect(url.removeprefix("sqlite://"))
        return lambda: db.execute(
            query.format(c="correct", p=profile, answers="answers a")
        ).fetchall()
    import psycopg

    pg = psycopg.connect(url, autocommit=True)
    return lambda: pg.execute(
        query.format(c="correct::int", p=profile, answers=PG_ANSWERS)
    ).fetchall()


def measure(engine: str, url: str, small_url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    (fill_sqlite if engine == "sqlite" else fill_postgres)(  # type: ignore[operator]
        Path(url.removeprefix("sqlite://")) if engine == "sqlite" else url,
        args.answers,
        args.profiles,
    )
    (fill_sqlite if engine == "sqlite" else fill_postgres)(  # type: ignore[operator]
        Path(small_url.removeprefix("sqlite://")) if engine == "sqlite" else small_url, 1000, 1
    )
    print(f"\n{engine}: filled {args.answers:,} answers of {args.profiles} profiles in "
          f"{time.perf_counter() - started:.0f}s")  # fmt: skip
    if engine == "sqlite":
        size = Path(url.removeprefix("sqlite://")).stat().st_size / 2**20
        Path(url.removeprefix("sqlite://") + ".checked").unlink()  # the day's first open
        started = time.perf_counter()
        open_store(url).close()
        opened = 1000 * (time.perf_counter() - started)
        print(f"  first open, with quick_check ({size:.0f} MiB): {opened:7.1f} ms")
        started = time.perf_counter()
        open_store(url).close()
        print(f"  next open, checked today:       {1000 * (time.perf_counter() - started):7.1f} ms")
    history, whole = stored_bytes(engine, url)
    print(
        f"  bytes per answer, its row, indexes and session summary: {history / args.answers:5.0f}"
    )
    print(
        f"  bytes per answer, whole database (with cards and totals): {whole / args.answers:5.0f}"
    )
    store, small = open_store(url), open_store(small_url)
    session = store.start_session("p000", BANK, "practice", None)
    counter = iter(range(10**9))

    def record() -> None:
        n = next(counter) % args.rounds
        q = Question(id=f"q{n % QUESTIONS}", topic=TOPICS[n % 20], type="card", prompt="p",
                     answers=("a",))  # fmt: skip
        store.record(session, answer_for(q, "a", n % 3 > 0, 2.0))

    # The questions answered first are new to the store (PostgreSQL adds each version the
    # first time it is answered); then the same questions again, as a class mostly answers.
    first = timed(record, args.rounds)
    ours, bare = timed(record, args.rounds), timed(bare_insert(engine, url), args.rounds)
    print(f"  record one answer, median:          {ours:7.2f} ms   bare INSERT+COMMIT {bare:.2f} ms"
          f"   ratio {ours / bare:.1f}   (first answer to a question: {first:.2f} ms)")  # fmt: skip
    big = timed(home_reads(store, "p007"), 60)
    little = timed(home_reads(small, "p000"), 60)
    group = timed(naive(engine, url, "p007"), 20)
    print(f"  home reads at {args.answers:,}, median: {big:7.2f} ms"
          f"   at 1,000 answers {little:.2f} ms   naive GROUP BY {group:.1f} ms")  # fmt: skip
    store.close()
    small.close()


@contextlib.contextmanager
def postgres() -> Iterator[Callable[[], str]]:
    from tests.pg import Cluster

    cluster = Cluster.create()
    try:
        yield lambda: cluster.url(cluster.create_database())
    finally:
        cluster.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=500, help="answers recorded (default 500)")
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in engines:
            measure("sqlite", f"sqlite://{tmp}/big.db", f"sqlite://{tmp}/small.db", args)
        if "postgres" in engines:
            with postgres() as database:
                measure("postgres", database(), database(), args)


if __name__ == "__main__":
    main()
