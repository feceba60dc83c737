"""Keypress: from an answer key to the feedback frame, saving included.

In a headless 80x24 app on a real progress file, each round shows a choice question and
presses its right number; the time runs from the key until the frame that paints the
feedback (answer graded, committed to SQLite, feedback mounted, laid out and rendered).
Beside it, in the same state, the down arrow moves the highlight and is timed to the frame
that paints the moved highlight: the cheapest visible answer to a key, the baseline.

Run: python benchmarks/bench_keypress.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from quiz.core.bank import shipped_bank_path
from quiz.core.session import StudySession
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.widgets.answers import ChoiceAnswer
from quiz.tui.widgets.feedback import Feedback

painted: dict[str, list[float]] = {}  # widget class -> when it rendered, since the last key


def watch_render(cls: type) -> None:
    original = cls.render_lines

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        painted.setdefault(cls.__name__, []).append(time.perf_counter())
        return original(self, crop)

    cls.render_lines = render_lines


async def first_paint_after(pilot, key: str, widget: type) -> float:  # type: ignore[no-untyped-def]
    """From pressing `key` to the first frame that paints a `widget`."""
    painted.clear()
    started = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    frames = painted.get(widget.__name__)
    assert frames, f"no {widget.__name__} painted after {key!r}"
    return frames[0] - started


async def measure(rounds: int, folder: Path) -> tuple[list[float], list[float]]:
    bank = load_bank(shipped_bank_path())
    choices = [q for q in bank.questions if q.type == "choice"]
    store = SQLiteStore.open(folder)
    study = Study.open(bank, store, "bench")
    app = QuizApp(study, seed=1, answer_delay=0)  # the key guard is not timed
    answer, idle = [], []
    async with app.run_test(size=(80, 24)) as pilot:
        for i in range(rounds):
            app.begin(StudySession(study, [choices[i % len(choices)]], seed=i))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuestionScreen)
            question = screen.session.current
            key = str(screen.session.choices(question).index(question.answers[0]) + 1)
            idle.append(await first_paint_after(pilot, "down", ChoiceAnswer))
            answer.append(await first_paint_after(pilot, key, Feedback))
            assert screen.query("#feedback"), "no feedback was shown"
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("enter")  # from the summary back home
            await pilot.pause()
    store.close()
    return answer, idle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    watch_render(Feedback)
    watch_render(ChoiceAnswer)
    with tempfile.TemporaryDirectory() as folder:
        answer, idle = asyncio.run(measure(args.rounds, Path(folder)))
    a, b = statistics.median(answer) * 1000, statistics.median(idle) * 1000
    print(f"rounds {args.rounds}")
    print(
        f"answer key to feedback frame: median {a:5.1f} ms (p90 "
        f"{statistics.quantiles(answer, n=10)[-1] * 1000:.1f})"
    )
    print(f"down arrow to moved highlight: median {b:5.1f} ms")
    print(f"answering costs:              {a - b:5.1f} ms (target: within one frame, ~17 ms)")


if __name__ == "__main__":
    main()
