"""The command line on a big store: `quiz stats` and `quiz --version`, each launched in a fresh
process against a progress file of 1,000,000 answers (one profile, 1,000 topics), beside the
same command against an empty progress file, launched alternately round by round.

Run: python benchmarks/bench_cli.py [--answers 1000000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import fill_sqlite

TOPICS = 1000


def bank_file(folder: Path) -> Path:
    """A bank whose key and topics are those of the filled store."""
    lines = ["title: Bank", "id: Bank", "questions:"]
    for n in range(2 * TOPICS):
        lines += [f"  - id: q{n}", f"    topic: topic{n % TOPICS:04d}", "    type: truefalse",
                  f"    prompt: Statement {n} is true.", "    answer: true"]  # fmt: skip
    path = folder / "bank.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(command: list[str], data: Path, cache: Path) -> float:
    env = {**os.environ, "QUIZ_DATA_DIR": str(data), "QUIZ_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    quiz = shutil.which("quiz")
    assert quiz, "install quiz first"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, empty = folder / "big", folder / "empty"
        big.mkdir()
        empty.mkdir()
        fill_sqlite(big / "progress.db", args.answers, 1, 100_000, TOPICS)
        fill_sqlite(empty / "progress.db", 0, 1)
        bank = bank_file(folder)
        commands = {
            "quiz stats": [quiz, "stats", "--bank", str(bank), "--profile", "p000"],
            "quiz --version": [quiz, "--version"],
        }
        for name, command in commands.items():
            for data in (big, empty):  # warm: the day's check, the parse cache, the OS cache
                timed(command, data, folder / "cache")
            ours, base = [], []
            for _ in range(args.rounds):
                ours.append(timed(command, big, folder / "cache"))
                base.append(timed(command, empty, folder / "cache"))
            o, b = statistics.median(ours) * 1000, statistics.median(base) * 1000
            print(f"{name:16} {args.answers:,} answers: {o:6.0f} ms   empty store: {b:6.0f} ms"
                  f"   ratio {o / b:.2f} (target at most 1.5)")  # fmt: skip


if __name__ == "__main__":
    main()
