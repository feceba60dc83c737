"""Scores you can trust: only the learner's own answers are recorded, exams are stored as they
were sat, and review says what it does. Pilot tests of each flow, plus the store and session
rules under them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fsrs import Card
from textual import events
from textual.widgets import Input

from quiz.core.bank import Question
from quiz.core.session import SessionClosed, StudySession
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.screens.exam_setup import ExamSetupScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.summary import SummaryScreen

from .conftest import Clock, stored_cards
from .test_app import feedback, feedback_text, keys_for, report_text
from .test_modes import ManualClock


def make(bank_path: Path, data: Path, clock=None, **options) -> QuizApp:  # type: ignore[no-untyped-def]
    store = SQLiteStore.open(data, clock=clock or Clock())
    options.setdefault("seed", 5)
    options.setdefault("answer_delay", 0)
    return QuizApp(Study.open(load_bank(bank_path), store, "ana"), **options)


def stored(app: QuizApp) -> int:
    return app.study.store.count_answers("ana", app.study.key)


async def ask(app: QuizApp, pilot, *qids: str, mode: str = "practice", **options) -> None:  # type: ignore[no-untyped-def]
    by_id = app.study.bank.by_id()
    session = StudySession(app.study, [by_id[q] for q in qids], mode=mode, seed=1, **options)
    app.begin(session)
    await pilot.pause()
    assert isinstance(app.screen, QuestionScreen)


def screen_of(app: QuizApp) -> QuestionScreen:
    assert isinstance(app.screen, QuestionScreen)
    return app.screen


# --- 1. only the learner's own answers are recorded ---------------------------------------


@pytest.mark.parametrize("qid", ["a-choice", "a-tf", "b-short", "b-cloze"])
async def test_enter_enter_after_feedback_never_answers_the_next_question(
    small_bank_path: Path, tmp_path: Path, qid: str
) -> None:
    """The real guard (no answer_delay override): Enter moves on, a second Enter posted at
    once lands on a question nobody has read, and nothing is recorded for it."""
    app = make(small_bank_path, tmp_path, answer_delay=0.4)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-multi", qid)
        await pilot.pause(0.5)  # read it
        await pilot.press("1", "3", "enter")  # a-multi, answered on purpose
        await pilot.pause()
        assert stored(app) == 1
        for _ in range(3):  # Enter, Enter, Enter without waiting
            app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        screen = screen_of(app)
        assert screen.session.current.id == qid
        assert not screen.session.answered_current
        assert stored(app) == 1


async def test_a_fresh_choice_has_nothing_picked_and_enter_only_hints(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice")
        answer = screen_of(app).query_one("#answer")
        assert answer.highlighted is None  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert stored(app) == 0
        assert any("Pick a choice first" in str(n.message) for n in app._notifications)
        await pilot.press("down", "enter")  # picking with the arrows still works
        await pilot.pause()
        assert stored(app) == 1


async def test_an_empty_short_answer_is_not_submitted(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "b-short")
        await pilot.press("enter", "space", "enter")
        await pilot.pause()
        assert stored(app) == 0


async def test_keys_that_arrive_before_the_delay_are_ignored(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path, answer_delay=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice")
        await pilot.press("1", "2")
        await pilot.pause()
        assert stored(app) == 0


@pytest.mark.parametrize("mode", ["exam", "review"])
async def test_escape_asks_before_ending_an_exam_or_a_review(
    small_bank_path: Path, tmp_path: Path, mode: str
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", "a-tf", "b-short", mode=mode)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        left = "3 questions unanswered" if mode == "exam" else "3 cards not reviewed"
        assert left in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape", "escape")  # Escape in the dialog means no
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("question_mark")  # help opens over the session...
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # ...and Escape closes it first
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen if mode == "exam" else HomeScreen)
    assert stored(app) == (3 if mode == "exam" else 0)  # an exam's unanswered are recorded


async def test_escape_ends_practice_at_once(small_bank_path: Path, tmp_path: Path) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", "a-tf")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_i_was_right_overrides_a_wrong_short_answer(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "b-short")
        await pilot.press(*"self attending", "enter")
        await pilot.pause()
        assert feedback(app).has_class("wrong")
        assert "o: I was right" in feedback_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert feedback(app).has_class("right")
        assert "you said you were right" in feedback_text(app)
        await pilot.press("o")  # once only
        await pilot.pause()
    [attempt] = app.study.store.history("ana", app.study.key, "b-short")
    assert attempt.correct and attempt.overridden and attempt.score == 1.0
    [beta] = app.study.store.topic_summary("ana", app.study.key, ["beta"])
    assert (beta.attempts, beta.correct, beta.best_streak) == (1, 1, 1)
    [stats] = app.study.store.question_stats("ana", app.study.key).values()
    assert (stats.wrong, stats.last_correct) == (0, True)


async def test_no_override_in_exams_nor_for_choices(small_bank_path: Path, tmp_path: Path) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice")
        question = screen_of(app).session.current
        await pilot.press(*keys_for(app, question, right=False), "o")
        await pilot.pause()
        assert not screen_of(app).session.can_override
    [attempt] = app.study.store.history("ana", app.study.key, "a-choice")
    assert not attempt.correct and not attempt.overridden
    session = StudySession(app.study, [app.study.bank.by_id()["b-short"]], mode="exam", seed=1)
    session.answer("wrong")
    assert not session.can_override
    with pytest.raises(SessionClosed):
        session.override()


async def test_an_override_in_review_reschedules_the_card_as_right(
    small_bank_path: Path, tmp_path: Path
) -> None:
    clock = ManualClock()
    app = make(small_bank_path, tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        while screen_of(app).session.current.type != "short":
            await pilot.press(*keys_for(app, screen_of(app).session.current, True), "enter")
            await pilot.pause()
        await pilot.press(*"selfish", "enter")
        await pilot.pause()
        assert "Wrong: Again" in feedback_text(app)
        again_due = screen_of(app).session.results[-1].due
        await pilot.press("o")
        await pilot.pause()
        result = screen_of(app).session.results[-1]
        assert result.rating is not None and result.rating >= 2
        assert result.due is not None and again_due is not None and result.due > again_due
        assert "Right" in feedback_text(app) and "next in" in feedback_text(app)
    stored_card = Card.from_json(stored_cards(app.study.store, "ana", app.study.key)["b-short"])
    assert stored_card.due.timestamp() == pytest.approx(result.due)


# --- 2. exams are stored and reported as they were sat ------------------------------------


async def test_time_running_out_saves_what_is_typed(small_bank_path: Path, tmp_path: Path) -> None:
    clock = ManualClock()
    app = make(small_bank_path, tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "b-short", "a-choice", mode="exam", time_limit=60)
        await pilot.press(*"attention")  # typed, never submitted
        clock.advance(61)
        await screen_of(app).time_up()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "time ran out" in str(app.screen.query_one("#exam-title").render())
        assert "Score: 1 of 2" in str(app.screen.query_one("#score").render())
    [attempt] = app.study.store.history("ana", app.study.key, "b-short")
    assert attempt.given == "attention" and attempt.correct
    [left] = app.study.store.history("ana", app.study.key, "a-choice")
    assert left.unanswered and not left.correct


async def test_time_running_out_under_help_ends_the_exam_for_real(
    small_bank_path: Path, tmp_path: Path
) -> None:
    clock = ManualClock()
    app = make(small_bank_path, tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", "a-tf", mode="exam", time_limit=60)
        session = screen_of(app).session
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        clock.advance(61)
        await pilot.pause(1.3)  # the countdown's next tick notices
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert not any(isinstance(s, (HelpScreen, QuestionScreen)) for s in app.screen_stack)
        await pilot.press("escape")  # home, never back to the exam at 0:00
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with pytest.raises(SessionClosed):
        session.answer("B")
    assert stored(app) == 2


def test_the_session_refuses_answers_after_its_deadline(small_bank_path: Path) -> None:
    clock = ManualClock()
    bank = load_bank(small_bank_path)
    store = SQLiteStore.in_memory(clock=clock)
    questions = [bank.by_id()["a-choice"], bank.by_id()["a-tf"]]
    session = StudySession(Study(bank, store, "ana"), questions, mode="exam", seed=1, time_limit=30)
    session.answer("B")
    session.advance()
    clock.advance(31)
    with pytest.raises(SessionClosed):
        session.answer("false")
    session.time_up(None)
    assert store.count_answers("ana", bank.key) == 2
    assert session.score == (1, 2) and session.unanswered == 1
    [left] = store.history("ana", bank.key, "a-tf")
    assert left.unanswered and left.late  # left by the clock, so the exam says it timed out


async def test_an_exam_with_unanswered_questions_scores_over_all_of_them(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", "a-tf", "a-multi", "b-short", "b-cloze", mode="exam")
        await pilot.press(*keys_for(app, screen_of(app).session.current, True))
        await pilot.pause()
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Score: 1 of 5 (20%) · 4 unanswered" in str(app.screen.query_one("#score").render())
        changes = [t.change for t in app.screen.session.topic_results()]
        assert changes == ["first", "first"]
    alpha, beta = app.study.store.topic_summary("ana", app.study.key, ["alpha", "beta"])
    assert (alpha.attempts, alpha.correct, beta.attempts, beta.correct) == (3, 1, 2, 0)
    [record] = app.study.store.sessions("ana", app.study.key)
    assert (record.answered, record.correct) == (5, 1)


async def test_the_exam_report_explains_each_question(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", mode="exam")
        await pilot.press(*keys_for(app, screen_of(app).session.current, False))
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        report = report_text(app)
        assert "B is right." in report and "Section one" in report


async def test_e_opens_the_exam_setup_with_defaults(small_bank_path: Path, tmp_path: Path) -> None:
    app = make(small_bank_path, tmp_path, seed=42)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExamSetupScreen)
        assert [i.value for i in dialog.query(Input)] == ["20", "", "42"]
        assert "1 flashcard is not asked in exams" in str(
            dialog.query_one("#exam-available").render()
        )
        await pilot.press("backspace", "backspace", *"0", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen)  # 0 questions: said, not started
        assert "at least 1" in str(app.screen.query_one("#exam-error").render())
        count, time_limit, seed = app.screen.query(Input)
        count.value, time_limit.value, seed.value = "3", "10m", "9"
        count.focus()
        await pilot.press("enter")
        await pilot.pause()
        session = screen_of(app).session
        assert (session.total, session.seed, session.mode) == (3, 9, "exam")
        assert session.deadline is not None and session.deadline - session.started == 600
        await pilot.press("escape", "y", "escape")
        await pilot.pause()
        await pilot.press("e", "escape")  # Escape cancels the setup
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_flashcards_left_out_of_an_exam_are_said(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path, mode="exam", count=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_of(app).session.total == 5
        messages = [str(n.message) for n in app._notifications]
        assert "5 questions (20 asked for): 1 flashcard is not asked in exams" in messages


# --- 3 and 4. partial credit is stored; review says what it did ---------------------------


async def test_a_multi_answer_stores_its_partial_score_and_marks_each_option(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-multi")  # right: A and C
        shown = screen_of(app).session.choices(app.study.bank.by_id()["a-multi"])
        await pilot.press(str(shown.index("A") + 1), str(shown.index("B") + 1), "enter")
        await pilot.pause()
        text = feedback_text(app)
        assert "✓" in text and "✗" in text and "(missed)" in text
    [attempt] = app.study.store.history("ana", app.study.key, "a-multi")
    assert not attempt.correct and attempt.score == 0.0  # (1 right - 1 wrong) / 2
    app = make(small_bank_path, tmp_path / "again")
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-multi")
        shown = screen_of(app).session.choices(app.study.bank.by_id()["a-multi"])
        await pilot.press(str(shown.index("A") + 1), "enter")
        await pilot.pause()
        assert "Partly right" in feedback_text(app)
    [attempt] = app.study.store.history("ana", app.study.key, "a-multi")
    assert not attempt.correct and attempt.score == 0.5


async def test_review_feedback_says_the_rating_and_when_it_is_due(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice")
        await pilot.press(*keys_for(app, screen_of(app).session.current, True))
        await pilot.pause()
        assert "next in" not in feedback_text(app)  # practice moves no card
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        question: Question = screen_of(app).session.current
        await pilot.press(*keys_for(app, question, True))
        await pilot.pause()
        text = feedback_text(app)
        assert "Review" in text and "next in" in text
        assert any(word in text for word in ("Hard", "Good", "Easy"))


# --- found by trying it as a learner ---------------------------------------------------------


async def test_enter_in_an_empty_blank_hints_and_stays(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "b-cloze")
        await pilot.press("enter", *"big")
        await pilot.pause()
        first, second = screen_of(app).query(Input)
        assert (first.value, second.value) == ("big", "")  # typed where the learner looked
        assert any("Blank (1) is empty" in str(n.message) for n in app._notifications)
    assert stored(app) == 0


@pytest.mark.parametrize("how", ["escape", "ctrl+q"])
async def test_ending_an_exam_counts_what_was_typed(
    small_bank_path: Path, tmp_path: Path, how: str
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "b-short", "a-choice", mode="exam")
        await pilot.press(*"attention")
        await pilot.press(*(["escape", "y"] if how == "escape" else ["ctrl+q"]))
        await pilot.pause()
    [typed] = app.study.store.history("ana", app.study.key, "b-short")
    assert typed.given == "attention" and typed.correct and not typed.unanswered
    [left] = app.study.store.history("ana", app.study.key, "a-choice")
    assert left.unanswered


async def test_the_exam_report_shows_partial_credit_and_each_option(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-multi", mode="exam")
        shown = screen_of(app).session.choices(app.study.bank.by_id()["a-multi"])
        await pilot.press(str(shown.index("A") + 1), "enter")
        await pilot.pause()
        report = report_text(app)
        assert "◐ 1." in report and "Score" in report and "50%" in report
        assert "○" in report and "(missed)" in report


async def test_the_exam_setup_says_which_field_is_wrong(
    small_bank_path: Path, tmp_path: Path
) -> None:
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("e", "tab", *"ten minutes", "enter")
        await pilot.pause()
        error = app.screen.query_one("#exam-error")
        assert isinstance(app.screen, ExamSetupScreen)
        assert str(error.render()).startswith("⚠ Time limit: expected a duration")
        assert error.size.height > 1  # it wraps rather than being cut


async def test_a_key_right_after_the_answer_neither_answers_again_nor_nags(
    small_bank_path: Path, tmp_path: Path
) -> None:
    """`1` then Enter typed in one go: the Enter reaches the list before the verdict
    replaces it; it must not say "Pick a choice first"."""
    app = make(small_bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "a-choice", "a-tf")
        app.post_message(events.Key("1", "1"))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        assert not [n for n in app._notifications if "first" in str(n.message)]
        assert stored(app) == 1
