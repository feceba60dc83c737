"""Pilot tests of every flow of the app, on a small bank with a fixed seed and clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import OptionList

from quiz.core.bank import Question
from quiz.core.session import StudySession
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.feedback import Feedback
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.topic_table import TopicTable

from .conftest import Clock, table_rows

MakeApp = Callable[..., QuizApp]


@pytest.fixture
def make_app(small_bank_path: Path, tmp_path: Path) -> MakeApp:
    def make(bank_path: Path = small_bank_path, **options: object) -> QuizApp:
        store = SQLiteStore.open(tmp_path / "data", clock=Clock())
        options.setdefault("seed", 7)
        options.setdefault("answer_delay", 0)  # the key guard has tests of its own
        return QuizApp(Study.open(load_bank(bank_path), store, "ana"), **options)  # type: ignore[arg-type]

    return make


def answers(app: QuizApp) -> int:
    return app.study.store.count_answers("ana", app.study.key)


async def start_with(app: QuizApp, pilot, qid: str) -> Question:  # type: ignore[no-untyped-def]
    question = app.study.bank.by_id()[qid]
    app.begin(StudySession(app.study, [question], seed=1))
    await pilot.pause()
    assert isinstance(app.screen, QuestionScreen)
    return question


def feedback(app: QuizApp) -> Feedback:
    return app.screen.query_one(Feedback)


def drawn(widget: Widget) -> str:
    """A widget's text as drawn on screen, line by line."""
    strips = widget.render_lines(Region(0, 0, *widget.outer_size))
    return "\n".join(strip.text.rstrip() for strip in strips)


def report_text(app: QuizApp) -> str:
    """The summary's list of questions (missed, or an exam's every question), as drawn."""
    return "\n".join(drawn(item) for item in app.screen.query(".missed"))


def feedback_text(app: QuizApp) -> str:
    """The verdict as drawn, line by line, without its frame."""
    box = feedback(app)
    assert box.display, "no verdict is shown"
    strips = box.render_lines(Region(0, 0, *box.outer_size))
    lines = (strip.text.strip(" ║╔╗╚╝═│╭╮╰╯─") for strip in strips)
    return "\n".join(text for text in lines if text)


def keys_for(app: QuizApp, question: Question, right: bool) -> list[str]:
    """The keys a learner presses to answer `question` rightly or wrongly."""
    assert isinstance(app.screen, QuestionScreen)
    shown = app.screen.session.choices(question)
    if question.type == "choice":
        wanted = (
            question.answers[0] if right else next(c for c in shown if c != question.answers[0])
        )
        return [str(shown.index(wanted) + 1)]
    if question.type == "multi":
        picks = question.answers if right else question.answers[:1]
        return [str(shown.index(c) + 1) for c in picks] + ["enter"]
    if question.type == "truefalse":
        return [
            question.answers[0][0] if right else ("t" if question.answers[0] == "false" else "f")
        ]
    if question.type == "short":
        return [*("attenshun" if not right else "Attention!"), "enter"]
    if question.type == "cloze":
        return [*("big" if right else "small"), "tab", *"models", "enter"]
    return ["space", "3" if right else "1"]


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("qid", ["a-choice", "a-multi", "a-tf", "b-short", "b-cloze", "b-card"])
async def test_each_type_answered_right_and_wrong(make_app: MakeApp, qid: str, right: bool) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        question = await start_with(app, pilot, qid)
        await pilot.press(*keys_for(app, question, right))
        await pilot.pause()
        verdict = feedback(app)
        text = feedback_text(app)
        assert verdict.has_class("right" if right else "wrong")
        verdict_line = text.splitlines()[0]
        assert verdict_line.startswith("✓") == right, text
        # The right answer is shown (a flashcard's back stays shown after grading); a multi
        # question marks each right option, a cloze shows each blank's answer.
        expected = {
            "multi": question.answers,
            "cloze": [alternatives[0] for alternatives in question.blanks],
        }.get(question.type, [question.answer_text])
        assert all(part in text for part in expected), text
        assert question.explanation in text
        assert answers(app) == 1  # saved at once, before moving on
        [attempt] = app.study.store.history("ana", app.study.key, qid)
        assert attempt.correct == right


async def test_feedback_shows_explanation_ref_and_a_close_miss(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_with(app, pilot, "a-choice")
        await pilot.press(
            "1"
            if app.screen.session.choices(app.study.bank.by_id()["a-choice"])[0]  # type: ignore[attr-defined]
            == "B"
            else "2"
        )
        await pilot.pause()
        text = feedback_text(app)
        assert "B is right." in text and re.search(r"Source +Section one", text)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_with(app, pilot, "b-short")
        await pilot.press(*"self-atention", "enter")
        await pilot.pause()
        text = feedback_text(app)
        assert "accepted with a small typo" in text
        # The near miss shows each text once, letter by letter: no second "You wrote" block.
        assert text.count("self-atention") == 1 and text.count("self-attention") == 1


async def test_a_full_session_from_home_to_summary_and_retry(make_app: MakeApp) -> None:
    app = make_app(count=None)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert screen.session.total == 6
        wrong = {"a-tf", "b-card"}
        for _ in range(6):
            question = screen.session.current
            await pilot.press(*keys_for(app, question, question.id not in wrong))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        score = str(app.screen.query_one("#score").render())
        assert "4 of 6 right" in score
        missed = report_text(app)
        assert "The sky is green." in missed and "False" in missed
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert {q.id for q in app.screen.session.questions} == wrong
        assert answers(app) == 6


async def test_selected_topics_only(make_app: MakeApp) -> None:
    app = make_app(count=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "space")  # select the second topic, beta
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert {q.topic for q in app.screen.session.questions} == {"beta"}


async def test_escape_mid_session_keeps_every_answer(make_app: MakeApp) -> None:
    app = make_app(count=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        session = app.screen.session  # type: ignore[attr-defined]
        await pilot.press(*keys_for(app, session.current, True))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "1 of 1 right" in str(app.screen.query_one("#score").render())
        assert "5 not reached" in str(app.screen.query_one("#score").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert answers(app) == 1
    [record] = app.study.store.sessions("ana", app.study.key)
    assert record.ended is not None


async def test_escape_before_any_answer_goes_home(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_quitting_mid_session_keeps_answers_and_a_relaunch_shows_them(
    make_app: MakeApp,
) -> None:
    app = make_app(count=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(2):
            session = app.screen.session  # type: ignore[attr-defined]
            await pilot.press(*keys_for(app, session.current, True), "enter")
            await pilot.pause()
        await pilot.press("ctrl+q")
    app.study.store.close()
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        rows = [str(row) for row in table_rows(again.screen.query_one(TopicTable))]
        # cells: "○ topic", mastery, right, tries, due, recall, studied, trend
        tries = [int(re.split(r"\s{2,}", row.strip())[3]) for row in rows]
        assert sum(tries) == 2, rows
        assert "2 answers" in str(again.screen.query_one("#home-summary").render())


async def test_the_key_bar_shows_the_keys_of_each_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()

        def shown() -> str:
            bar = app.screen.query_one(KeyBar)
            return " ".join(str(key.render()) for key in bar.children)

        for key in ("Practice", "Review", "Drill", "Exam", "Mistakes", "Stats", "Help"):
            assert key in shown()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert "End session" in shown()


async def test_stats_help_and_palette_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {
            "Start practice",
            "Start review",
            "Start drill",
            "Start exam",
            "Start mistakes",
            "Statistics",
            "Keys",
        } <= set(titles)
        assert any("theme" in t.lower() for t in titles)


async def test_every_binding_has_a_description(make_app: MakeApp) -> None:
    app = make_app(count=None)
    checked = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(6):  # every kind of answer widget is on screen once
            nodes = [app, *app.screen.walk_children(with_self=True)]
            for node in nodes:
                ours = [k for k in type(node).__mro__ if k.__module__.startswith("quiz.")]
                for cls in ours:
                    for binding in cls.__dict__.get("BINDINGS", []):
                        assert isinstance(binding, Binding) and binding.description, (cls, binding)
                        checked += 1
            question = app.screen.session.current  # type: ignore[attr-defined]
            await pilot.press(*keys_for(app, question, True), "enter")
            await pilot.pause()
    assert checked > 20


async def test_bank_text_is_never_markup(write_bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_bank("""\
        title: "[bold]Title[/] [@click=app.quit]x[/]"
        topics:
          t: "[red]Topic[/red]"
        questions:
          - id: q
            topic: t
            type: choice
            prompt: "[bold]Prompt[/] and [@click=app.quit]click[/]"
            choices: ["[b]one[/b]", "[/]"]
            answer: "[/]"
            explanation: "[i]why[/i]"
    """)
    store = SQLiteStore.open(tmp_path / "d", clock=Clock())
    app = QuizApp(Study.open(load_bank(path), store, "[u]ana[/u]"), seed=1, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert "[bold]Title[/] [@click=app.quit]x[/]" in str(home.query_one("#bank-title").render())
        assert "[u]ana[/u]" in str(home.query_one("#profile").render())
        [row] = table_rows(home.query_one(TopicTable))
        assert "[red]Topic[/red]" in str(row)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert "[bold]Prompt[/] and [@click=app.quit]click[/]" in str(
            screen.query_one("#prompt").render()
        )
        options = drawn(screen.query_one(OptionList))
        assert "[b]one[/b]" in options and "[/]" in options
        await pilot.click("#prompt")  # a click on the prompt's text must not quit
        await pilot.press(str(screen.session.choices(screen.session.current).index("[/]") + 1))  # type: ignore[attr-defined]
        await pilot.pause()
        text = feedback_text(app)
        assert "[/]" in text and "[i]why[/i]" in text
        assert app.is_running


async def test_an_unsaved_session_says_so(small_bank_path: Path) -> None:
    store = SQLiteStore.in_memory(clock=Clock())
    app = QuizApp(
        Study.open(load_bank(small_bank_path), store, "ana"),
        warning="Progress will not be saved: cannot create the data folder /x",
    )
    async with app.run_test(size=(80, 24)):
        assert "Progress will not be saved" in str(app.screen.query_one("#save-warning").render())


async def test_tiny_terminals_do_not_crash(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1", "enter", "escape")
        await pilot.pause()
        await pilot.resize_terminal(10, 3)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize(("key", "right"), [("1", False), ("2", True), ("f", True)])
async def test_true_false_takes_numbers_as_well_as_letters(
    make_app: MakeApp, key: str, right: bool
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_with(app, pilot, "a-tf")  # the answer is false
        await pilot.press(key)
        await pilot.pause()
        assert feedback(app).has_class("right" if right else "wrong")


async def test_keys_typed_ahead_are_handled_in_order(make_app: MakeApp) -> None:
    """Down, Space and Enter arriving together start a session over the selected topic."""
    from textual import events

    app = make_app(count=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key, character in (("down", None), ("space", " "), ("enter", "\r")):
            app.post_message(events.Key(key, character))  # no waiting between keys
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert {q.topic for q in app.screen.session.questions} == {"beta"}
