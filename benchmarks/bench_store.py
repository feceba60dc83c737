"""The progress store: recording an answer, and the per-topic summary at 1,000,000 answers.

Each figure is measured beside a baseline in the same run:
- record: `ProgressStore.record` (answer row + two summary upserts, one commit) beside a bare
  one-row INSERT and commit on a connection with the same settings;
- summary: `topic_summary` and `question_stats` for 20 topics and 5,000 questions (what the
  home screen reads) beside the naive GROUP BY over every answer that the summary tables
  replace;
- open: `ProgressStore.open` (which runs PRAGMA quick_check) on the 1M-answer database.

Run: python benchmarks/bench_store.py [--answers 1000000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from quiz.core.bank import Question
from quiz.store.sqlite import ProgressStore

TOPICS = [f"topic{i:02d}" for i in range(20)]
PER_SESSION = 200


def fill(folder: Path, answers: int) -> None:
    """Bulk-load a profile's history, then build the summaries the store keeps in step."""
    ProgressStore.open(folder).close()
    db = sqlite3.connect(folder / "progress.db")
    rng = random.Random(1)
    sessions = answers // PER_SESSION
    db.executemany(
        "INSERT INTO sessions (id, profile, bank, mode, seed, started, ended)"
        " VALUES (?, 'ana', 'Bank', 'practice', NULL, ?, ?)",
        ((s, 1e9 + s * 3600, 1e9 + s * 3600 + 600) for s in range(1, sessions + 1)),
    )
    db.executemany(
        "INSERT INTO answers (session_id, profile, bank, question_id, topic, given, correct,"
        " seconds, answered_at, question_hash)"
        " VALUES (?, 'ana', 'Bank', ?, ?, 'x', ?, 3.0, ?, 'h')",
        ((i // PER_SESSION + 1, f"q{i % 5000}", TOPICS[i % 20], rng.random() < 0.7, 1e9 + i)
         for i in range(answers)),
    )  # fmt: skip
    db.execute(
        "INSERT INTO topic_stats SELECT profile, bank, topic, COUNT(*), SUM(correct),"
        " MAX(answered_at), 0, 0 FROM answers GROUP BY profile, bank, topic"
    )
    db.execute(
        "INSERT INTO session_topics SELECT profile, bank, topic, session_id, COUNT(*),"
        " SUM(correct) FROM answers GROUP BY profile, bank, topic, session_id"
    )
    db.execute(
        "INSERT INTO question_stats SELECT profile, bank, question_id, topic, COUNT(*),"
        " SUM(1 - correct), MAX(correct), MAX(answered_at) FROM answers"
        " GROUP BY profile, bank, question_id"
    )
    db.commit()
    db.close()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_record(folder: Path, rounds: int = 500) -> tuple[float, float]:
    store = ProgressStore.open(folder)
    session = store.start_session("bench", "Bank", "practice", None)
    bare = sqlite3.connect(folder / "progress.db", isolation_level=None)
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute("CREATE TABLE IF NOT EXISTS bare (a TEXT, b INTEGER, c REAL)")
    ours, base = [], []
    for i in range(rounds):
        q = Question(id=f"q{i}", topic=TOPICS[i % 20], type="card", prompt="p", answers=("a",))
        started = time.perf_counter()
        store.record(session, q, "a", i % 3 > 0, 2.0)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("INSERT INTO bare VALUES (?, ?, ?)", ("a", i, 2.0))
        bare.execute("COMMIT")
        base.append(time.perf_counter() - started)
    store.close()
    bare.close()
    return median_ms(ours), median_ms(base)


def bench_summary(folder: Path, rounds: int = 30) -> tuple[float, float, float]:
    started = time.perf_counter()
    store = ProgressStore.open(folder)
    opened = time.perf_counter() - started
    ours, naive = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        store.topic_summary("ana", "Bank", TOPICS)  # what the home screen reads at start
        store.question_stats("ana", "Bank")  # mastery: the latest result per question
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.db.execute(
            "SELECT topic, COUNT(*), SUM(correct), MAX(answered_at) FROM answers"
            " WHERE profile = 'ana' AND bank = 'Bank' GROUP BY topic"
        ).fetchall()
        naive.append(time.perf_counter() - started)
    store.close()
    return median_ms(ours), median_ms(naive), opened * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        fill(folder, args.answers)
        size = (folder / "progress.db").stat().st_size / 2**20
        print(
            f"filled {args.answers:,} answers ({size:.0f} MiB) in "
            f"{time.perf_counter() - started:.0f}s"
        )
        ours, bare = bench_record(folder)
        print(f"record one answer, median:  {ours:6.2f} ms   (bare INSERT+COMMIT {bare:.2f} ms)")
        ours, naive, opened = bench_summary(folder)
        print(f"per-topic summary, median:  {ours:6.2f} ms   (naive GROUP BY {naive:.1f} ms)")
        print(f"open with quick_check:      {opened:6.0f} ms")


if __name__ == "__main__":
    main()
