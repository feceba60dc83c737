"""Every screen fits, from 80x24 down to 60x20 and below: long prompts scroll from their top,
wrapped text lines up under its label, names are cut with "…", and the header's progress bar
shows in every theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ProgressBar

from quiz.core.session import StudySession
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.widgets.feedback import Feedback
from quiz.tui.widgets.keybar import KeyBar

from .conftest import SMALL_BANK, Clock

LONG = " ".join(f"Line {n} of a long prompt that goes on." for n in range(60))
LONG_BANK = f"""\
title: Long prompts
topics:
  t: "A topic whose name is far too long to fit in the header of a narrow terminal window"
questions:
  - {{id: choice, topic: t, type: choice, prompt: "{LONG}", choices: [A, B], answer: A}}
  - {{id: multi, topic: t, type: multi, prompt: "{LONG}", choices: [A, B], answer: [A]}}
  - {{id: tf, topic: t, type: truefalse, prompt: "{LONG}", answer: true}}
  - {{id: short, topic: t, type: short, prompt: "{LONG}", answer: word}}
  - {{id: cloze, topic: t, type: cloze, prompt: "{LONG} {{{{word}}}}"}}
  - {{id: card, topic: t, type: card, prompt: "{LONG}", answer: back}}
"""


def app_on(path: Path, data: Path) -> QuizApp:
    store = SQLiteStore.open(data, clock=Clock())
    return QuizApp(Study.open(load_bank(path), store, "ana"), seed=1, answer_delay=0)


async def ask(app: QuizApp, pilot, qid: str, mode: str = "practice") -> QuestionScreen:  # type: ignore[no-untyped-def]
    question = app.study.bank.by_id()[qid]
    app.begin(StudySession(app.study, [question], mode=mode, seed=1))
    await pilot.pause()
    assert isinstance(app.screen, QuestionScreen)
    return app.screen


def line(widget: Widget, y: int = 0) -> str:
    """The text of one line of a widget as drawn."""
    [strip] = widget.render_lines(Region(0, y, widget.outer_size.width, 1))
    return strip.text


def keys_shown(app: QuizApp) -> str:
    return " ".join(str(key.render()) for key in app.screen.query_one(KeyBar).children)


@pytest.mark.parametrize("qid", ["choice", "multi", "tf", "short", "cloze", "card"])
async def test_a_long_prompt_opens_at_its_top_and_pages_on_every_type(
    write_bank: Callable[[str], Path], tmp_path: Path, qid: str
) -> None:
    app = app_on(write_bank(LONG_BANK), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask(app, pilot, qid)
        await pilot.pause()
        body = screen.query_one("#question-body")
        await pilot.pause()
        assert body.max_scroll_y > 0 and body.scroll_y == 0  # the prompt's first line shows
        assert "PgDn More" in keys_shown(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert body.scroll_y == 0


async def test_the_topic_in_the_header_is_cut_with_an_ellipsis(
    write_bank: Callable[[str], Path], tmp_path: Path
) -> None:
    app = app_on(write_bank(LONG_BANK), tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await ask(app, pilot, "choice", mode="exam")
        topic = screen.query_one("#question-topic")
        assert line(topic).rstrip().endswith("…")


@pytest.mark.parametrize("width", [1, 4, 8, 10])
@pytest.mark.parametrize("qid", ["a-choice", "a-multi", "a-tf", "b-short", "b-cloze", "b-card"])
async def test_terminals_ten_columns_wide_or_less_never_crash(
    write_bank: Callable[[str], Path], tmp_path: Path, qid: str, width: int
) -> None:
    app = app_on(write_bank(SMALL_BANK), tmp_path)
    async with app.run_test(size=(width, 5)) as pilot:
        await ask(app, pilot, qid)
        await pilot.press("down", "1", "space", "enter", "pagedown")
        await pilot.pause()
        await pilot.resize_terminal(width + 30, 12)
        await pilot.pause()
        assert app.is_running


async def test_true_false_shows_both_keys(
    write_bank: Callable[[str], Path], tmp_path: Path
) -> None:
    app = app_on(write_bank(SMALL_BANK), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-tf")
        await pilot.pause()
        shown = keys_shown(app)
        assert "t True" in shown and "f False" in shown and "Pick" not in shown


async def test_wrapped_feedback_lines_up_under_its_label(
    write_bank: Callable[[str], Path], tmp_path: Path
) -> None:
    long_answer = "a very long expected answer " * 6
    bank = SMALL_BANK.replace("answer: self-attention", f"answer: {long_answer.strip()}")
    app = app_on(write_bank(bank), tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await ask(app, pilot, "b-short")
        await pilot.press(*"nothing like it", "enter")
        await pilot.pause()
        box = app.screen.query_one(Feedback)
        lines = [line(box, y) for y in range(box.outer_size.height)]
        first = next(n for n, text in enumerate(lines) if "Answer " in text)
        column = lines[first].index("a very long")
        assert lines[first + 1][column] != " " and not lines[first + 1][:column].strip("║ ")


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = map(channel, rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_the_header_progress_bar_shows_in_every_theme(
    write_bank: Callable[[str], Path], tmp_path: Path
) -> None:
    app = app_on(write_bank(SMALL_BANK), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask(app, pilot, "a-choice")
        progress = screen.query_one("#question-progress", ProgressBar)
        progress.update(total=4, progress=2)  # half done: both parts of the bar show
        themes = [t for t in app.available_themes if "ansi" not in t]  # ANSI: no RGB to check
        assert len(themes) > 10
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            background = screen.query_one("#question-bar").styles.background.rgb
            bar = progress.query_one("Bar")
            [strip] = bar.render_lines(Region(0, 0, bar.size.width, 1))
            colours = {
                tuple(s.style.color.triplet)
                for s in strip
                if s.text.strip() and s.style and s.style.color and s.style.color.triplet
            }
            assert len(colours) == 2, (theme, colours)  # done and to do, told apart
            for colour in colours:
                assert contrast(colour, background) >= 1.8, (theme, colour, background)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_longest_verdicts_fit_or_offer_their_scroll_keys(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """The shipped bank's multi question with the most text, and a near miss: either the
    verdict fits, or PgDn is in the key bar."""
    from quiz.core.bank import shipped_bank_path

    app = app_on(shipped_bank_path(), tmp_path)
    multi = max(
        (q for q in app.study.bank.questions if q.type == "multi"),
        key=lambda q: len(q.prompt) + sum(map(len, q.choices)) + len(q.explanation),
    )
    short = next(q for q in app.study.bank.questions if q.type == "short" and len(q.answers[0]) > 8)
    async with app.run_test(size=size) as pilot:
        for question, keys in ((multi, ["1", "enter"]), (short, [*short.answers[0][:-2], "enter"])):
            screen = await ask(app, pilot, question.id)
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            assert screen.query_one(Feedback).display
            body = screen.query_one("#question-body")
            assert body.max_scroll_y == 0 or "PgDn More" in keys_shown(app)
            await pilot.press("escape")
            await pilot.pause()


async def test_page_keys_follow_the_scroll(
    write_bank: Callable[[str], Path], tmp_path: Path
) -> None:
    app = app_on(write_bank(LONG_BANK), tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await ask(app, pilot, "card")
        await pilot.pause()
        assert "PgDn More" in keys_shown(app) and "PgUp" not in keys_shown(app)
        body = screen.query_one("#question-body")
        body.scroll_end(animate=False)
        await pilot.pause()
        assert "PgUp Back" in keys_shown(app) and "PgDn" not in keys_shown(app)


@pytest.mark.parametrize("qid", ["a-tf", "b-short", "b-card"])
async def test_the_key_bar_fits_whole_at_60_columns(
    write_bank: Callable[[str], Path], tmp_path: Path, qid: str
) -> None:
    from rich.cells import cell_len

    app = app_on(write_bank(SMALL_BANK), tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await ask(app, pilot, qid)
        for keys in (["space"] if qid == "b-card" else [], ["1"] if qid == "b-card" else []):
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            bar = app.screen.query_one(KeyBar)
            used = sum(cell_len(str(key.render())) for key in bar.children)
            assert used <= 60, keys_shown(app)
