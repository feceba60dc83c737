"""Every screen at scale: 100,000 questions in 1,000 topics, a progress store of 1,000,000
answers, on SQLite and on PostgreSQL.

In a headless 80x24 app, each interaction is timed from its key to the first frame that
paints what it leads to (the hooks of bench_keypress.py):
- return home, from a dialog (help) and after a session of each mode (one question answered,
  then Escape: from its summary, while which the home reads the answered topic again);
- start each mode, to the first question painted (exam through `app.start`: it has a dialog);
- open Statistics, to its topic lines painted;
- ↓, ↑, Space and `a` on the home screen, to the table painted again.
Each runs on the big store twice, its one profile holding all 1,000,000 answers and then one
of 200 profiles sharing them, and beside it (the baseline, in the same run) on a bank of 100
questions in 5 topics with 1,000 answers: the cost must not follow the bank or the history.

PostgreSQL runs on a throwaway server started by tests/pg.py (Unix socket, fsync off).

Run: python benchmarks/bench_scale.py [--questions 100000] [--topics 1000]
     [--answers 1000000] [--rounds 5] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_keypress import first_paint_after, painted, watch_render
from bench_store import BANK, fill_postgres, fill_sqlite, postgres

from quiz.core.bank import Bank, Question
from quiz.core.study import Study
from quiz.store import open_store
from quiz.tui.app import QuizApp
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionBody
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.lines import Lines
from quiz.tui.widgets.topic_table import TopicTable
from tests.test_app import keys_for

KEYS = {"practice": "enter", "review": "r", "drill": "d", "mistakes": "m"}


def bank(questions: int, topics: int) -> Bank:
    """Questions `q{n}` in topics `topic{n % topics}`, as the stores are filled."""
    return Bank(
        Path("scale.yaml"),
        BANK,
        tuple(
            Question(
                id=f"q{n}",
                topic=f"topic{n % topics:04d}",
                type="truefalse",
                prompt=f"Statement {n} is true.",
                answers=("true",),
            )
            for n in range(questions)
        ),
        {f"topic{i:04d}": f"Topic {i}" for i in range(topics)},
        id=BANK,
    )


async def until_painted(pilot, widget: type, act: Callable[[], object]) -> float:  # type: ignore[no-untyped-def]
    """From `act` to the first frame that paints a `widget`."""
    painted.clear()
    started = time.perf_counter()
    await act()  # type: ignore[misc]
    for _ in range(200):
        if painted.get(widget.__name__):
            break
        await pilot.pause(0.005)
    frames = painted.get(widget.__name__)
    assert frames, f"no {widget.__name__} painted"
    return frames[0] - started


async def back_home(app: QuizApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """End the session (Escape, then y where asked) and close its report."""
    for _ in range(6):
        await app.workers.wait_for_complete()
        if isinstance(app.screen, HomeScreen):
            return
        await pilot.press("y" if isinstance(app.screen, ConfirmScreen) else "escape")
        await pilot.pause()
    raise AssertionError(f"stuck on {app.screen}")


async def session(url: str, the_bank: Bank, profile: str, rounds: int) -> dict[str, float]:
    """Median milliseconds of each interaction."""
    store = open_store(url)
    app = QuizApp(Study.open(the_bank, store, profile), seed=1, count=10, answer_delay=0)
    times: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(rounds):
            for key in ("down", "up", "space", "space", "a", "a"):  # each undoes the last
                note(f"key {key}", await first_paint_after(pilot, key, TopicTable))
            await pilot.press("question_mark")
            await pilot.pause()
            note("home from help", await first_paint_after(pilot, "escape", TopicTable))
            note("open statistics", await first_paint_after(pilot, "s", Lines))
            await app.workers.wait_for_complete()
            await back_home(app, pilot)
            for mode, key in KEYS.items():
                note(f"start {mode}", await first_paint_after(pilot, key, QuestionBody))
                await app.workers.wait_for_complete()
                await pilot.press(*keys_for(app, app.screen.session.current, right=True))  # type: ignore[attr-defined]
                await pilot.pause()
                await pilot.press("escape")  # one answer: the session ends on its summary
                await pilot.pause()
                if isinstance(app.screen, ConfirmScreen):  # review asks first
                    await pilot.press("y")
                    await pilot.pause()
                assert isinstance(app.screen, SummaryScreen), app.screen
                await app.workers.wait_for_complete()  # home reads its topic again meanwhile
                note("home after a session", await first_paint_after(pilot, "escape", TopicTable))
                await app.workers.wait_for_complete()
            note(
                "start exam",
                await until_painted(pilot, QuestionBody, lambda: app.start("exam", count=20)),
            )
            await back_home(app, pilot)
    store.close()
    return {name: statistics.median(samples) * 1000 for name, samples in times.items()}


def run(engine: str, urls: Callable[[], str], args: argparse.Namespace) -> None:
    big_bank = bank(args.questions, args.topics)
    small_bank = bank(100, 5)
    results = {}
    for label, profiles, profile in (("1 profile", 1, "p000"), ("200 profiles", 200, "p007")):
        url, started = urls(), time.perf_counter()
        fill = fill_sqlite if engine == "sqlite" else fill_postgres
        fill(Path(url.removeprefix("sqlite://")) if engine == "sqlite" else url,  # type: ignore[arg-type]
             args.answers, profiles, args.questions, args.topics)  # fmt: skip
        print(f"{engine}: {args.answers:,} answers of {label} in "
              f"{time.perf_counter() - started:.0f}s", flush=True)  # fmt: skip
        open_store(url).close()  # the day's integrity check, as a first launch does
        results[label] = asyncio.run(session(url, big_bank, profile, args.rounds))
        print(label, {name: round(ms, 1) for name, ms in results[label].items()}, flush=True)
    url = urls()
    fill = fill_sqlite if engine == "sqlite" else fill_postgres
    fill(Path(url.removeprefix("sqlite://")) if engine == "sqlite" else url, 1000, 1, 100, 5)  # type: ignore[arg-type]
    open_store(url).close()
    results["baseline"] = asyncio.run(session(url, small_bank, "p000", args.rounds))
    sizes = f"{args.questions:,} questions, {args.topics:,} topics; baseline 100 and 5"
    print(f"\n{engine}, median ms over {args.rounds} rounds ({sizes})")
    print(f"{'':22}{'1 profile':>11}{'200 profiles':>14}{'baseline':>10}")
    for name in results["baseline"]:
        row = [results[label].get(name, float("nan")) for label in results]
        print(f"{name:22}{row[0]:11.1f}{row[1]:14.1f}{row[2]:10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    for widget in (TopicTable, QuestionBody, Lines):
        watch_render(widget)
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in engines:
            counter = iter(range(100))
            run("sqlite", lambda: f"sqlite://{tmp}/scale-{next(counter)}.db", args)
        if "postgres" in engines:
            with postgres() as database:
                run("postgres", database, args)


if __name__ == "__main__":
    main()
