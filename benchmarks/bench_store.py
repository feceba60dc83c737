"""The progress store on both engines: recording an answer, and the home screen's reads with
1,000,000 answers of 200 profiles.

Each figure is measured beside a baseline in the same run:
- record: `store.record` (the answer row, three summary upserts, one commit) beside a bare
  one-row INSERT and COMMIT on a raw connection of the same engine;
- home reads: `topic_summary` (20 topics), `question_stats` and `cards` for one profile, on the
  big store, beside the same reads on a store of 1,000 answers (the cost must not grow with the
  history) and beside the naive GROUP BY over that profile's answers;
- SQLite only: opening the big file (`PRAGMA quick_check` reads all of it).

PostgreSQL runs on a throwaway server started by tests/pg.py (Unix socket, fsync off).

Run: python benchmarks/bench_store.py [--answers 1000000] [--profiles 200]
     [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import statistics
import sys
import tempfile
import time
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

# One statement per summary table, built from the answers by GROUP BY.
SUMMARIES = [
    "INSERT INTO topic_stats SELECT profile, bank, topic, COUNT(*), SUM({int_correct}),"
    " MAX(answered_at), 0, 0 FROM answers GROUP BY profile, bank, topic",
    "INSERT INTO session_topics SELECT profile, bank, topic, session_id, COUNT(*),"
    " SUM({int_correct}) FROM answers GROUP BY profile, bank, topic, session_id",
    "INSERT INTO question_stats SELECT profile, bank, question_id, MIN(topic), COUNT(*),"
    " SUM(1 - {int_correct}), {last}, MAX(answered_at) FROM answers"
    " GROUP BY profile, bank, question_id",
    # A review card, stability 10 days, for each question answered right: all due by now.
    "INSERT INTO cards SELECT profile, bank, question_id, MIN(topic), '{{}}',"
    " MAX(answered_at) + 864000, 2, 10.0, MAX(answered_at)"
    " FROM answers WHERE {int_correct} = 1 GROUP BY profile, bank, question_id",
]


def fill_sqlite(
    path: Path, answers: int, profiles: int, questions: int = QUESTIONS, topics: int = 20
) -> None:
    open_store(f"sqlite://{path}").close()
    db = sqlite3.connect(path)
    sessions = max(1, answers // PER_SESSION)
    db.execute("PRAGMA synchronous = OFF")
    db.executemany(
        "INSERT INTO profiles VALUES (?, ?, 1e9)",
        ((f"p{p:03d}", f"p{p:03d}") for p in range(profiles)),
    )
    db.executemany(
        "INSERT INTO sessions (id, profile, bank, mode, seed, started, ended, uuid)"
        " VALUES (?, ?, 'Bank', 'practice', NULL, ?, ?, ?)",
        ((s, f"p{s % profiles:03d}", 1e9 + s, 1e9 + s + 600, f"s-{s}")
         for s in range(1, sessions + 1)),
    )  # fmt: skip
    db.executemany(
        "INSERT INTO answers (session_id, profile, bank, question_id, topic, given, correct,"
        " seconds, answered_at, question_hash, score, uuid)"
        " VALUES (?, ?, 'Bank', ?, ?, 'x', ?, 3.0, ?, 'h', ?, ?)",
        (
            (s := i // PER_SESSION % sessions + 1, f"p{s % profiles:03d}", f"q{i % questions}",
             f"topic{i % topics:04d}", int(i % 10 < 7), 1e9 + i, float(i % 10 < 7), f"a-{i}")
            for i in range(answers)
        ),
    )  # fmt: skip
    for statement in SUMMARIES:
        db.execute(statement.format(int_correct="correct", last="MAX(correct)"))
    db.commit()
    db.close()


def fill_postgres(
    url: str, answers: int, profiles: int, questions: int = QUESTIONS, topics: int = 20
) -> None:
    import psycopg

    open_store(url).close()
    sessions = max(1, answers // PER_SESSION)
    with psycopg.connect(url) as db:
        db.execute(
            "INSERT INTO profiles SELECT 'p' || lpad(p::text, 3, '0'), 'p', 1e9"
            " FROM generate_series(0, %s - 1) p",
            (profiles,),
        )
        db.execute(
            "INSERT INTO sessions (uuid, profile, bank, mode, started, ended)"
            " SELECT gen_random_uuid(), 'p' || lpad((s %% %s)::text, 3, '0'), 'Bank',"
            " 'practice', 1e9 + s, 1e9 + s + 600 FROM generate_series(1, %s) s ORDER BY s",
            (profiles, sessions),
        )
        db.execute(
            "INSERT INTO answers (uuid, session_id, profile, bank, question_id, topic, given,"
            " correct, score, unanswered, late, overridden, seconds, answered_at, question_hash)"
            " SELECT gen_random_uuid(), s.id, s.profile, 'Bank', 'q' || (i %% %s),"
            " 'topic' || lpad((i %% %s)::text, 4, '0'), 'x', i %% 10 < 7,"
            " (i %% 10 < 7)::int, false, false, false, 3.0, 1e9 + i, 'h'"
            " FROM generate_series(0, %s - 1) i"
            " JOIN sessions s ON s.id = (i / %s) %% %s + (SELECT MIN(id) FROM sessions)",
            (questions, topics, answers, PER_SESSION, sessions),
        )
        for statement in SUMMARIES:
            db.execute(
                statement.format(int_correct="correct::int", last="bool_or(correct)").replace(
                    "%", "%%"
                )
            )
        db.execute("ANALYZE")


def stored_bytes(engine: str, url: str) -> int:
    """The size of the database: the file (after a checkpoint), or every table and index."""
    if engine == "sqlite":
        path = url.removeprefix("sqlite://")
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(path).stat().st_size
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT SUM(pg_total_relation_size(oid)) FROM pg_class"
            " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        ).fetchone()
    return int(row[0]) if row else 0


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
        "SELECT topic, COUNT(*), SUM({c}), MAX(answered_at) FROM answers"
        " WHERE profile = '{p}' AND bank = 'Bank' GROUP BY topic"
    )
    if engine == "sqlite":
        db: Any = sqlite3.connect(url.removeprefix("sqlite://"))
        return lambda: db.execute(query.format(c="correct", p=profile)).fetchall()
    import psycopg

    pg = psycopg.connect(url, autocommit=True)
    return lambda: pg.execute(query.format(c="correct::int", p=profile)).fetchall()


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
    print(f"  bytes per answer, whole database: {stored_bytes(engine, url) / args.answers:7.0f}")
    store, small = open_store(url), open_store(small_url)
    session = store.start_session("p000", BANK, "practice", None)
    counter = iter(range(10**9))

    def record() -> None:
        n = next(counter)
        q = Question(id=f"q{n % QUESTIONS}", topic=TOPICS[n % 20], type="card", prompt="p",
                     answers=("a",))  # fmt: skip
        store.record(session, answer_for(q, "a", n % 3 > 0, 2.0))

    ours, bare = timed(record, args.rounds), timed(bare_insert(engine, url), args.rounds)
    print(f"  record one answer, median:          {ours:7.2f} ms   bare INSERT+COMMIT {bare:.2f} ms"
          f"   ratio {ours / bare:.1f}")  # fmt: skip
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
