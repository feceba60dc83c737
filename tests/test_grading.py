"""Grading rules, tested directly on the core."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.bank import Question
from quiz.grading import allowed_typos, distance, grade, match_text, normalise


def short(answer: str, *accept: str) -> Question:
    return Question(id="s", topic="t", type="short", prompt="p", answers=(answer, *accept))


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("self-attention", "Self-Attention"),
        ("  SELF-ATTENTION!  ", "self-attention"),
        ("Cafe", "Café"),
        ("“Transformer”.", "Transformer"),
        ("natural   language processing", "natural language processing"),
    ],
)
def test_case_accents_spaces_and_surrounding_punctuation_are_ignored(
    typed: str, answer: str
) -> None:
    result = grade(short(answer), typed)
    assert result.correct and not result.typo


def test_typo_tolerance_grows_with_length_and_is_none_for_short_answers() -> None:
    assert [allowed_typos("x" * n) for n in (1, 4, 5, 8, 9, 16, 17, 40)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert not grade(short("GPT"), "GTP").correct  # too short for any typo
    assert not grade(short("bias"), "bais").correct
    tolerated = grade(short("overfitting"), "overfiting")
    assert tolerated.correct and tolerated.typo
    assert not grade(short("overfitting"), "overfeating and more").correct


def test_accepted_alternatives() -> None:
    question = short("Generative Adversarial Network", "GAN networks")
    assert grade(question, "gan networks").correct
    assert not grade(question, "gan").correct


def test_a_close_miss_shows_how_it_differed() -> None:
    result = grade(short("transformer"), "transfomrers")
    assert not result.correct
    [diff] = result.diffs
    assert "".join(text for text, _ in diff.expected) == "transformer"
    assert any(not same for _, same in diff.given)


def test_a_different_word_is_not_a_close_miss() -> None:
    assert grade(short("big"), "x").diffs == ()
    assert grade(short("misinformation"), "bias").diffs == ()


def test_choice_multi_truefalse_cloze_card() -> None:
    choice = Question(
        id="c", topic="t", type="choice", prompt="p", answers=("B",), choices=("A", "B")
    )
    assert grade(choice, "B").correct and not grade(choice, "A").correct
    multi = Question(
        id="m", topic="t", type="multi", prompt="p", answers=("A", "C"), choices=("A", "B", "C")
    )
    assert grade(multi, frozenset({"A", "C"})).correct
    assert not grade(multi, frozenset({"A"})).correct
    assert not grade(multi, frozenset({"A", "B", "C"})).correct
    assert grade(multi, frozenset({"C", "A"})).given == "A, C"
    tf = Question(id="tf", topic="t", type="truefalse", prompt="p", answers=("false",))
    assert grade(tf, "false").correct and grade(tf, "true").expected == "False"
    cloze = Question(
        id="z",
        topic="t",
        type="cloze",
        prompt="{{a|b}} {{transformer}}",
        blanks=(("large", "big"), ("transformer",)),
    )
    assert grade(cloze, ("Big", "transformer")).correct
    missed = grade(cloze, ("big", "transfomer"))
    assert missed.correct and missed.typo and missed.diffs[0].label == "blank (2)"
    assert not grade(cloze, ("small", "transformer")).correct
    card = Question(id="k", topic="t", type="card", prompt="p", answers=("back",))
    assert [grade(card, n).correct for n in (1, 2, 3, 4)] == [False, True, True, True]
    assert grade(card, 3).given == "Good"


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(max_size=12), st.text(max_size=12))
def test_distance_is_a_metric(a: str, b: str) -> None:
    assert distance(a, b) == distance(b, a)
    assert (distance(a, b) == 0) == (a == b)
    assert distance(a, b) <= max(len(a), len(b))


@given(st.text(min_size=1, max_size=20))
def test_the_exact_answer_is_always_right(answer: str) -> None:
    right, typo, diff = match_text(answer, [answer])
    assert right and not typo and diff is None
