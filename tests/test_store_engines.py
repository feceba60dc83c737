"""The progress store on every engine (SQLite, PostgreSQL): what it records, what it answers,
and that nothing is lost, with one student or thirty answering at once.

Each test runs once per engine (the `store_url` fixture); the PostgreSQL runs use a
throwaway server the tests start themselves (tests/pg.py)."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fsrs import Rating

from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store import open_store, sqlite_path
from quiz.store.api import Answer, ProgressStore, Sitting, StoreError

from .conftest import Clock, stored_cards


def question(qid: str = "q1", topic: str = "alpha", prompt: str = "Pick B") -> Question:
    return Question(
        id=qid, topic=topic, type="choice", prompt=prompt, answers=("B",), choices=("A", "B")
    )


@pytest.fixture
def store(store_url: str) -> Iterator[ProgressStore]:
    opened = open_store(store_url, clock=Clock())
    yield opened
    opened.close()


def answer_all(
    store: ProgressStore, results: list[tuple[str, bool]], mode: str = "practice"
) -> None:
    session = store.start_session("ana", "Bank", mode, 7)
    for topic, right in results:
        store.record(
            session, answer_for(question(f"{topic}-q", topic), "B" if right else "A", right, 2.5)
        )
    store.end_session(session)


def by_hand(url: str, statement: str) -> None:
    """Run one statement on the database behind a store, as someone editing it would."""
    if url.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(sqlite_path(url))) as db:
            db.execute(statement)
            db.commit()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement)


def longest_run(answers: list[Answer]) -> int:
    best = run = 0
    for answer in answers:
        run = run + 1 if answer.correct else 0
        best = max(best, run)
    return best


def assert_summaries_agree(store: ProgressStore, profile: str, bank: str = "Bank") -> list[Answer]:
    """Every summary the store keeps for `profile` (per topic, per session, per question)
    agrees with its answers, counted again one by one; those answers, oldest first."""
    answers = sorted(
        (a for sitting, batch in store.export(profile) if sitting.bank == bank for a in batch),
        key=lambda a: a.answered_at or 0.0,
    )
    assert store.count_answers(profile, bank) == len(answers)
    assert len({a.id for a in answers}) == len(answers)
    topics = sorted({a.topic for a in answers})
    for stats in store.topic_summary(profile, bank, topics):
        mine = [a for a in answers if a.topic == stats.topic]
        assert (stats.attempts, stats.correct) == (len(mine), sum(a.correct for a in mine))
        if not any(a.overridden for a in mine):  # an override counts only the run it ends
            assert stats.best_streak == longest_run(mine)
    sessions = store.sessions(profile, bank, limit=1000)
    assert sum(s.answered for s in sessions) == len(answers)
    assert sum(s.correct for s in sessions) == sum(a.correct for a in answers)
    for topic, visits in store.session_topic_history(profile, bank, topics, 1000).items():
        mine = [a for a in answers if a.topic == topic]
        if len(visits) == 1:
            assert visits[0][1] == pytest.approx(sum(a.correct for a in mine) / len(mine))
    stats = store.question_stats(profile, bank)
    assert set(stats) == {a.question_id for a in answers}
    for qid, record in stats.items():
        mine = [a for a in answers if a.question_id == qid]
        assert (record.attempts, record.wrong) == (len(mine), sum(not a.correct for a in mine))
        assert record.last_correct == mine[-1].correct
    return answers


# --- what it records and answers -----------------------------------------------------------


def test_summary_per_topic_across_sessions(store: ProgressStore) -> None:
    answer_all(store, [("alpha", True), ("alpha", False), ("beta", True)])
    answer_all(store, [("alpha", True), ("alpha", True), ("alpha", True)])
    alpha, beta, gamma = store.topic_summary("ana", "Bank", ["alpha", "beta", "gamma"])
    assert (alpha.attempts, alpha.correct) == (5, 4)
    assert alpha.accuracy == pytest.approx(0.8)
    assert alpha.trend == (0.5, 1.0)
    assert alpha.last_session_accuracy == 1.0
    assert alpha.recent_accuracy == pytest.approx(0.75)
    assert alpha.best_streak == 3
    assert alpha.last_studied is not None and beta.last_studied is not None
    assert alpha.last_studied > beta.last_studied
    assert (beta.attempts, beta.correct, beta.best_streak) == (1, 1, 1)
    assert (gamma.attempts, gamma.accuracy, gamma.trend, gamma.last_studied) == (0, None, (), None)
    assert_summaries_agree(store, "ana")


def test_trend_covers_only_the_last_n_sessions(store: ProgressStore) -> None:
    for i in range(8):
        answer_all(store, [("alpha", i % 2 == 0)])
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"], last_sessions=3)
    assert alpha.trend == (0.0, 1.0, 0.0)
    assert alpha.attempts == 8


def test_profiles_and_banks_are_kept_apart(store: ProgressStore) -> None:
    answer_all(store, [("alpha", True)])
    other = store.start_session("ben", "Bank", "practice", None)
    store.record(other, answer_for(question(), "A", False, 1.0))
    elsewhere = store.start_session("ana", "Other bank", "practice", None)
    store.record(elsewhere, answer_for(question(), "A", False, 1.0))
    [ana] = store.topic_summary("ana", "Bank", ["alpha"])
    [ben] = store.topic_summary("ben", "Bank", ["alpha"])
    assert (ana.attempts, ana.correct, ben.attempts, ben.correct) == (1, 1, 1, 0)
    assert [(p.name, p.display_name, p.answers) for p in store.profiles()] == [
        ("ana", "ana", 2),
        ("ben", "ben", 1),
    ]
    assert store.profile_count() == 2


def test_history_keeps_the_hash_the_response_and_survives_an_edit(store: ProgressStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    before, after = question(prompt="Pick B"), question(prompt="Now pick B, please")
    store.record(session, answer_for(before, "A", False, 3.0, response={"chosen": ["A"]}))
    store.record(session, answer_for(after, "B", True, 1.5))
    history = store.history("ana", "Bank", "q1")
    assert [(a.given, a.correct, a.seconds) for a in history] == [
        ("A", False, 3.0),
        ("B", True, 1.5),
    ]
    assert history[0].question_hash == before.content_hash
    assert history[1].question_hash == after.content_hash != before.content_hash
    assert history[0].mode == "practice"
    assert (history[0].response, history[1].response) == ({"chosen": ["A"]}, None)


def test_reset_one_topic_removes_only_that_topic(store: ProgressStore) -> None:
    answer_all(store, [("alpha", True), ("beta", False), ("beta", True)])
    assert store.reset("ana", "Bank", "beta") == 2
    alpha, beta = store.topic_summary("ana", "Bank", ["alpha", "beta"])
    assert (alpha.attempts, beta.attempts, beta.trend) == (1, 0, ())
    assert store.count_answers("ana", "Bank") == 1
    assert store.reset("ana", "Bank") == 1
    assert store.count_answers("ana", "Bank") == 0
    assert store.sessions("ana", "Bank") == []


def test_question_stats_follow_the_latest_answer(store: ProgressStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    store.record(session, answer_for(question("q1"), "A", False, 1.0))
    store.record(session, answer_for(question("q2"), "B", True, 1.0))
    store.record(session, answer_for(question("q1"), "A", False, 1.0))
    stats = store.question_stats("ana", "Bank")
    assert (stats["q1"].attempts, stats["q1"].wrong, stats["q1"].last_correct) == (2, 2, False)
    assert [q for q, s in store.question_stats("ana", "Bank").items() if s.last_correct] == ["q2"]
    store.record(session, answer_for(question("q1"), "B", True, 1.0))
    assert store.question_stats("ana", "Bank")["q1"].last_correct is True
    assert all(s.last_correct for s in store.question_stats("ana", "Bank").values())
    store.end_session(session)
    [record] = store.sessions("ana", "Bank")
    assert (record.answered, record.correct, record.mode) == (4, 2, "practice")
    assert record.ended is not None and record.ended > record.started


def test_scores_unanswered_and_overrides_are_recorded(store: ProgressStore) -> None:
    session = store.start_session("ana", "Bank", "exam", 3)
    store.record(session, answer_for(question("q1"), "A, C", False, 1.0, score=0.5))
    left = store.record(
        session, answer_for(question("q2"), "", False, 0.0, score=0.0, unanswered=True)
    )
    [partial] = store.history("ana", "Bank", "q1")
    [unanswered] = store.history("ana", "Bank", "q2")
    assert (partial.score, partial.unanswered) == (0.5, False)
    assert (unanswered.score, unanswered.unanswered) == (0, True)
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.attempts, alpha.correct) == (2, 0)  # unanswered counts in the exam's score
    assert not store.override(left)  # a question left unanswered cannot be declared right
    assert not store.override("no such answer")


def test_an_override_corrects_every_summary(store: ProgressStore) -> None:
    session = store.start_session("ana", "Bank", "practice", None)
    for right in (True, True):
        store.record(session, answer_for(question("q1"), "B", right, 1.0))
    wrong = store.record(session, answer_for(question("q2"), "A", False, 1.0))
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.correct, alpha.best_streak, alpha.trend) == (2, 2, (2 / 3,))
    assert store.override(wrong, ("{}", 99.0))
    assert not store.override(wrong)  # once
    [alpha] = store.topic_summary("ana", "Bank", ["alpha"])
    assert (alpha.attempts, alpha.correct, alpha.best_streak, alpha.trend) == (3, 3, 3, (1.0,))
    stats = store.question_stats("ana", "Bank")["q2"]
    assert (stats.wrong, stats.last_correct) == (0, True)
    [attempt] = store.history("ana", "Bank", "q2")
    assert (attempt.correct, attempt.score, attempt.overridden) == (True, 1.0, True)
    assert stored_cards(store, "ana", "Bank") == {"q2": "{}"}
    store.record(session, answer_for(question("q1"), "A", False, 1.0))  # the streak goes on
    store.record(session, answer_for(question("q1"), "B", True, 1.0))
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].best_streak == 3


def test_an_answer_recorded_twice_is_stored_once(store: ProgressStore) -> None:
    session = store.start_session("ana", "Bank", "review", None)
    answer = answer_for(question(), "B", True, 2.0, card=('{"due": 1}', 50.0))
    assert store.record(session, answer) == store.record(session, answer) == answer.id
    assert store.count_answers("ana", "Bank") == 1
    assert store.topic_summary("ana", "Bank", ["alpha"])[0].attempts == 1
    assert stored_cards(store, "ana", "Bank") == {"q1": '{"due": 1}'}
    assert store.paces("ana", "Bank") == [("q1", 2.0)]
    assert_summaries_agree(store, "ana")


def test_a_bank_given_an_id_keeps_the_progress_kept_under_its_title(store: ProgressStore) -> None:
    answer_all(store, [("alpha", True), ("alpha", False)])  # under the title "Bank"
    store.use_bank("bank-id", "Bank")
    assert store.topic_summary("ana", "bank-id", ["alpha"])[0].attempts == 2
    assert store.count_answers("ana", "Bank") == 0
    store.use_bank("bank-id", "Bank, renamed")  # a new title moves nothing
    assert store.count_answers("ana", "bank-id") == 2
    assert_summaries_agree(store, "ana", "bank-id")


def test_a_damaged_row_is_a_store_error_not_a_crash(store: ProgressStore, store_url: str) -> None:
    answer_all(store, [("alpha", True)])
    by_hand(store_url, "UPDATE topic_stats SET attempts = -1")
    with pytest.raises(StoreError, match="damaged row"):
        store.topic_summary("ana", "Bank", ["alpha"])


def test_export_and_merge_copy_a_history_between_engines(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = f"sqlite://{tmp_path}/progress.db"
    with contextlib.closing(open_store(sqlite_url, clock=Clock())) as source:
        answer_all(source, [("alpha", True), ("beta", False)])
        sittings = list(source.export())
        cards = list(source.card_sets())
    for url in (pg_url, f"sqlite://{tmp_path}/copy.db"):
        with contextlib.closing(open_store(url, clock=Clock())) as target:
            for expected in (2, 0):  # copying again adds nothing
                assert [target.merge(sitting, batch) for sitting, batch in sittings] == [expected]
            for profile, bank, card_set in cards:
                target.merge_cards(profile, bank, card_set)
            copied = list(target.export())
            assert [(s.uuid, [a.id for a in answers]) for s, answers in copied] == [
                (s.uuid, [a.id for a in answers]) for s, answers in sittings
            ]
            assert isinstance(copied[0][0], Sitting)
            assert_summaries_agree(target, "ana")


# --- many at once, and killed ---------------------------------------------------------------

STUDENT = """
import sys
from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store import open_store

url, profile, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()  # every student starts at the same moment
store = open_store(url, busy_timeout=60)
session = store.start_session(profile, "Bank", "practice", None)
for i in range(count):
    q = Question(id=f"q{i % 40}", topic=f"t{i % 3}", type="card", prompt="p", answers=("a",))
    store.record(session, answer_for(q, "a", i % 4 != 0, 0.1))
    print(i + 1, flush=True)
store.end_session(session)
store.close()
"""


def students(url: str, names: list[str], count: int) -> list[subprocess.Popen[str]]:
    """One process per student, each ready to open the store and answer `count` questions;
    they start together once all are ready."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STUDENT, url, name, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return procs


def test_thirty_students_answering_at_once_lose_nothing(store_url: str) -> None:
    names = [f"student{n:02}" for n in range(30)]
    procs = students(store_url, names, 200)  # the database is new: they migrate it at once
    deadline = time.monotonic() + 300
    for proc in procs:
        _, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        assert proc.returncode == 0, err
    with contextlib.closing(open_store(store_url)) as store:
        total = 0
        for name in names:
            answers = assert_summaries_agree(store, name)
            assert len(answers) == 200
            assert sum(a.correct for a in answers) == 150
            total += len(answers)
        assert total == 6000
        assert sum(p.answers for p in store.profiles()) == 6000


def test_killing_a_process_mid_session_loses_no_recorded_answer(store_url: str) -> None:
    [proc] = students(store_url, ["ana"], 100_000)
    assert proc.stdout is not None
    reported = 0
    while reported < 200:
        reported = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    with contextlib.closing(open_store(store_url)) as store:
        answers = assert_summaries_agree(store, "ana")
        assert len(answers) >= reported  # every answer reported as recorded is there


def test_a_topic_s_cards_due_and_recall_are_counted_the_same_on_every_engine(
    store: ProgressStore,
) -> None:
    from datetime import UTC, datetime

    from quiz.core.scheduling import Cards, curve, make_scheduler

    scheduler = make_scheduler(fuzz=False)
    cards = Cards({}, scheduler)
    start = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    good, again = question("good", "alpha"), question("again", "alpha")
    session = store.start_session("ana", "bank", "review", None)
    for q, grade, right in ((good, Rating.Good, True), (again, Rating.Again, False)):
        card = cards.review(q, grade, start)
        store.record(session, answer_for(q, "x", right, 3.0, card=card))
    wrong = question("wrong", "beta")
    store.record(session, answer_for(wrong, "x", False, 3.0))
    now = start + 3 * 86_400
    asked = {"alpha": ["good", "again"], "beta": ["wrong"], "gamma": ["none"]}
    counted = store.topic_cards("ana", "bank", asked, now, curve(scheduler))
    alpha = counted["alpha"]
    counts = (alpha.cards, alpha.learning, alpha.review, alpha.recalled, alpha.known)
    assert counts == (2, 2, 0, 2, 1)  # both cards in their learning steps, due in minutes
    recall = scheduler.get_card_retrievability(
        cards.cards["good"], datetime.fromtimestamp(now, UTC)
    )
    assert alpha.recall == pytest.approx(recall)  # the card last answered wrong counts 0
    assert "beta" not in counted and "gamma" not in counted  # no card, nothing known
    assert [qid for qid, _ in store.due_cards("ana", "bank", (), now, 10)] == ["again", "good"]
    assert store.due_cards("ana", "bank", ("beta",), now, 10) == []
    assert store.carded("ana", "bank", ["good", "wrong", "nothing"]) == {"good"}
    assert store.missed("ana", "bank", (), 10) == ["wrong", "again"]  # the latest first
    assert store.missed("ana", "bank", ("alpha",), 10, skip=0) == ["again"]
    assert store.missed("ana", "bank", (), 1, skip=1) == ["again"]


def test_cards_count_where_the_bank_says_and_not_for_questions_it_lost(
    store: ProgressStore,
) -> None:
    from quiz.core.scheduling import Cards, curve, make_scheduler

    scheduler = make_scheduler(fuzz=False)
    cards = Cards({}, scheduler)
    session = store.start_session("ana", "bank", "review", None)
    for qid in ("kept", "moved", "deleted"):
        q = question(qid, "alpha")
        store.record(session, answer_for(q, "B", True, 3.0, card=cards.review(q, Rating.Good, 1e9)))
    # The bank now has "kept" in alpha, "moved" in beta and no "deleted"; alpha also has
    # more questions than any batch of the engine's query, so its counts are summed.
    bank = {"alpha": ["kept", *(f"new{n}" for n in range(1200))], "beta": ["moved"], "empty": []}
    counted = store.topic_cards("ana", "bank", bank, 2e9, curve(scheduler))
    assert (counted["alpha"].cards, counted["alpha"].known) == (1, 1)
    assert (counted["beta"].cards, counted["beta"].known) == (1, 1)
    assert "empty" not in counted  # a topic with no questions has nothing to count
    assert counted["alpha"].review + counted["alpha"].learning == 1  # due long since


def test_answers_stay_with_their_session_when_its_bank_is_given_an_id(
    store: ProgressStore,
) -> None:
    """A bank kept under its title is re-keyed to its id (by another window, say) while a
    session runs: the session's later answers still count where its earlier ones do."""
    from quiz.core.scheduling import Cards, make_scheduler

    store.use_bank("Bank", "Bank")
    session = store.start_session("ana", "Bank", "review", None)
    store.record(session, answer_for(question("q0", "alpha"), "B", True, 3.0))
    store.use_bank("bank-id", "Bank")
    q1 = question("q1", "alpha")
    card = Cards({}, make_scheduler(fuzz=False)).review(q1, Rating.Good, 1e9)
    store.record(session, answer_for(q1, "B", False, 3.0, card=card))
    [alpha] = store.topic_summary("ana", "bank-id", ["alpha"])
    assert (alpha.attempts, alpha.correct) == (2, 1)
    assert set(store.question_stats("ana", "bank-id")) == {"q0", "q1"}
    assert store.carded("ana", "bank-id", ["q0", "q1"]) == {"q1"}
    assert store.count_answers("ana", "bank-id") == 2 == store.reset("ana", "bank-id")
    assert store.topic_summary("ana", "bank-id", ["alpha"])[0].attempts == 0
