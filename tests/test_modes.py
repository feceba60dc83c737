"""Learning modes on the core: FSRS review, drill, exam and mistakes, with a fixed clock."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Card, Rating

from quiz.core import modes
from quiz.core.bank import Bank, Question, shipped_bank_path
from quiz.core.modes import Draw
from quiz.core.progress import Progress
from quiz.core.scheduling import Cards, expected_seconds, make_scheduler, personal_pace, rating
from quiz.core.session import StudySession, answer_for
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.api import QuestionStats
from quiz.store.sqlite import SQLiteStore

from .conftest import stored_cards

DAY = 86_400.0


class ManualClock:
    """A clock that stands still until moved."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(shipped_bank_path())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> SQLiteStore:
    opened = SQLiteStore.open(tmp_path, clock=clock)
    yield opened
    opened.close()


def right(q: Question) -> object:
    """The right response to any question (a flashcard is graded Good)."""
    return {"multi": frozenset(q.answers), "cloze": tuple(b[0] for b in q.blanks), "card": 3}.get(
        q.type, q.answers[0] if q.answers else ""
    )


def answer(session: StudySession, clock: ManualClock, response: object, seconds: float) -> None:
    session.show()
    clock.advance(seconds)
    session.answer(response)  # type: ignore[arg-type]
    session.advance()


def review_session(
    bank: Bank, store: SQLiteStore, clock: ManualClock, questions: list[Question]
) -> StudySession:
    scheduler = make_scheduler(fuzz=False)
    cards = Cards(stored_cards(store, "ana", bank.key), scheduler)
    return StudySession(
        Study(bank, store, "ana"), questions, mode="review", seed=1, clock=clock, cards=cards
    )


# --- review (FSRS) --------------------------------------------------------------------------


def test_fsrs_state_matches_the_fsrs_package_across_reviews(
    bank: Bank, store: SQLiteStore, clock: ManualClock
) -> None:
    card_q = next(q for q in bank.questions if q.type == "card")
    tf_q = next(q for q in bank.questions if q.type == "truefalse")
    scheduler = make_scheduler(fuzz=False)
    expected = {card_q.id: Card(), tf_q.id: Card()}
    # (days later, card grade, true/false right?, seconds for the true/false answer)
    plan = [
        (0, 3, True, expected_seconds(tf_q)),
        (1, 1, False, 5.0),
        (3, 4, True, 1.0),
        (10, 2, True, expected_seconds(tf_q) * 3),
    ]
    for days, card_grade, right, seconds in plan:
        clock.advance(days * DAY)
        session = review_session(bank, store, clock, [card_q, tf_q])
        at = clock.now
        answer(session, clock, card_grade, 4.0)
        tf_answer = (
            tf_q.answers[0] if right else ("true" if tf_q.answers[0] == "false" else "false")
        )
        tf_at = clock.now
        answer(session, clock, tf_answer, seconds)
        session.end()
        wanted = rating(tf_q, right, seconds, 1.0)
        expected[card_q.id], _ = scheduler.review_card(
            expected[card_q.id],
            Rating(card_grade),
            review_datetime=datetime.fromtimestamp(at + 4.0, UTC),
        )
        expected[tf_q.id], _ = scheduler.review_card(
            expected[tf_q.id], wanted, review_datetime=datetime.fromtimestamp(tf_at + seconds, UTC)
        )
        stored = {
            qid: Card.from_json(text) for qid, text in stored_cards(store, "ana", bank.key).items()
        }
        for qid, card in expected.items():
            assert stored[qid].stability == pytest.approx(card.stability)
            assert stored[qid].difficulty == pytest.approx(card.difficulty)
            assert stored[qid].due == card.due and stored[qid].state == card.state
    assert [rating(tf_q, r, s, 1.0) for _, _, r, s in plan] == [
        Rating.Good,
        Rating.Again,
        Rating.Easy,
        Rating.Hard,
    ]


def test_only_due_cards_are_asked_and_a_day_later_they_are_due_again(
    bank: Bank, store: SQLiteStore, clock: ManualClock
) -> None:
    first, second, *rest = [q for q in bank.questions if q.topic == "purpose"]
    session = review_session(bank, store, clock, [first, second])
    answer(session, clock, right(first), expected_seconds(first))  # a usual pace: Good
    answer(session, clock, right(second), expected_seconds(second))
    scheduler = make_scheduler(fuzz=False)

    def due_now() -> list[str]:  # what a relaunch would ask, from the stored cards
        draw = Draw(Study(bank, store, "ana"), ("purpose",), 100, 1, random.Random(1), scheduler)
        draw.now = clock.now
        return [q.id for q in modes.review(draw)]

    assert first.id not in due_now() and second.id not in due_now()
    assert len(due_now()) == len(rest)  # only the new cards
    clock.advance(DAY)  # relaunched a day later: Good on a new card is due within the day
    assert set(due_now()[:2]) == {first.id, second.id}  # overdue cards come before new ones
    assert len(due_now()) == len(rest) + 2
    progress = Progress(Study(bank, store, "ana"), scheduler)
    progress.load()
    recall = progress.recall
    assert recall["purpose"].due == len(rest) + 2
    assert recall["purpose"].recall is not None and 0 < recall["purpose"].recall < 1
    assert recall["operation"].recall is None


def test_rating_is_calibrated_to_length_and_to_the_person() -> None:
    short = Question(id="s", topic="t", type="truefalse", prompt="Yes?", answers=("true",))
    long = Question(
        id="l",
        topic="t",
        type="choice",
        prompt="x" * 400,
        answers=("a",),
        choices=("a" * 50, "b" * 50),
    )
    assert expected_seconds(long) > expected_seconds(short)
    assert rating(short, False, 1.0, 1.0) == Rating.Again
    assert rating(short, True, expected_seconds(short), 1.0) == Rating.Good
    assert rating(short, True, expected_seconds(short) * 2, 1.0) == Rating.Hard
    assert rating(short, True, expected_seconds(short) * 0.3, 1.0) == Rating.Easy
    # 20 s is slow for a short question and quick for a long one
    assert rating(short, True, 20, 1.0) == Rating.Hard
    assert rating(long, True, 10, 1.0) == Rating.Easy
    # a person who is usually twice as slow is not marked Hard for their usual speed
    assert rating(short, True, expected_seconds(short) * 2, 2.0) == Rating.Good
    assert rating(short, True, 1.0, 1.0, card_grade=2) == Rating.Hard


def test_personal_pace_is_the_median_of_recent_answers(bank: Bank) -> None:
    questions = bank.questions[:6]
    paces = [(q.id, expected_seconds(q) * 2) for q in questions]
    assert personal_pace(paces, bank) == pytest.approx(2.0)
    assert personal_pace(paces[:3], bank) == 1.0  # too few to judge


# --- drill ------------------------------------------------------------------------------------


def test_drill_picks_weak_topics_more_often_and_missed_questions_first(
    bank: Bank, store: SQLiteStore, clock: ManualClock
) -> None:
    session = StudySession(Study(bank, store, "ana"), [], clock=clock)
    weak_missed = next(q for q in bank.questions if q.topic == "operation")
    for _ in range(3):
        store.record(session.record, answer_for(weak_missed, "x", False, 5.0))
        clock.advance(1)

    def stats(topic: str) -> dict[str, QuestionStats]:
        return store.question_stats("ana", bank.key, (topic,))

    mastery = {
        "definitions": 0.95,
        "purpose": 0.9,
        "operation": 0.2,
        "data": 0.85,
        "challenges": 0.9,
    }
    rng = random.Random(3)
    firsts = Counter()
    for _ in range(1000):
        [first] = modes.drill(bank, (), rng, 1, mastery, stats)
        firsts[first.topic] += 1
    assert firsts["operation"] > 3 * max(firsts[t] for t in mastery if t != "operation")
    drawn = modes.drill(bank, ("operation",), random.Random(1), 5, mastery, stats)
    assert drawn[0] == weak_missed  # the most missed question of the topic comes first
    assert len({q.id for q in drawn}) == 5


def test_mastery_and_weakest_topics(bank: Bank, store: SQLiteStore, clock: ManualClock) -> None:
    session = StudySession(Study(bank, store, "ana"), [], clock=clock)
    for q in bank.questions:
        if q.topic in ("purpose", "data"):
            store.record(session.record, answer_for(q, "x", q.topic == "data", 3.0))
    store.end_session(session.record)
    summary = store.topic_summary("ana", bank.key, bank.topics)
    mastery = modes.mastery(summary, {})
    assert mastery["purpose"] == 0.0 and mastery["data"] == 1.0
    assert mastery["operation"] == modes.UNKNOWN_MASTERY
    assert modes.weakest(summary, mastery) == ["purpose", "data"]


# --- exam ------------------------------------------------------------------------------------


def test_exam_sets_are_identical_for_equal_seeds_and_differ_otherwise(bank: Bank) -> None:
    first = modes.exam(bank, (), 42, 20)
    assert [q.id for q in first] == [q.id for q in modes.exam(bank, (), 42, 20)]
    assert [q.id for q in first] != [q.id for q in modes.exam(bank, (), 43, 20)]
    assert len(first) == 20 and len({q.id for q in first}) == 20
    assert all(q.type != "card" for q in first)
    only = modes.exam(bank, ("data",), 42, 50)
    assert {q.topic for q in only} == {"data"}


def test_the_same_seed_shows_the_same_choices_in_the_same_order(
    bank: Bank, store: SQLiteStore
) -> None:
    questions = modes.exam(bank, (), 7, 20)
    orders = [
        StudySession(
            Study(bank, store, name), questions, mode="exam", seed=7, rng=random.Random(7)
        ).choice_order
        for name in ("ana", "ben")
    ]
    assert orders[0] == orders[1]


def test_an_exam_leaves_review_schedules_untouched(
    bank: Bank, store: SQLiteStore, clock: ManualClock
) -> None:
    reviewed = [q for q in bank.questions if q.type == "truefalse"][:3]
    session = review_session(bank, store, clock, reviewed)
    for q in reviewed:
        answer(session, clock, q.answers[0], 5.0)
    before = stored_cards(store, "ana", bank.key)
    exam = StudySession(Study(bank, store, "ana"), reviewed, mode="exam", seed=1, clock=clock)
    for q in reviewed:
        answer(exam, clock, "false" if q.answers[0] == "true" else "true", 5.0)
    exam.end()
    assert stored_cards(store, "ana", bank.key) == before
    assert store.sessions("ana", bank.key)[0].mode == "exam"


# --- mistakes --------------------------------------------------------------------------------


def test_mistakes_empty_as_questions_are_corrected(
    bank: Bank, store: SQLiteStore, clock: ManualClock
) -> None:
    q1, q2, q3 = [q for q in bank.questions if q.type == "truefalse"][:3]
    session = StudySession(Study(bank, store, "ana"), [], clock=clock)
    for q, right in ((q1, False), (q2, False), (q3, True)):
        clock.advance(10)
        store.record(session.record, answer_for(q, "x", right, 2.0))

    def mistakes() -> list[str]:
        draw = Draw(Study(bank, store, "ana"), (), 20, 1, random.Random(1), make_scheduler())
        return [q.id for q in modes.mistakes(draw)]

    assert mistakes() == [q2.id, q1.id]  # most recent first
    clock.advance(10)
    store.record(session.record, answer_for(q2, "x", True, 2.0))
    assert mistakes() == [q1.id]
    clock.advance(10)
    store.record(session.record, answer_for(q1, "x", True, 2.0))
    assert mistakes() == []


def test_each_mode_has_a_key_of_its_own() -> None:
    keys = [mode.key for mode in modes.MODES.values()]
    assert len(set(keys)) == len(keys)
    assert all(name == mode.name for name, mode in modes.MODES.items())
