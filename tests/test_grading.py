"""Grading rules, tested directly on the core."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.bank import Bank, Question
from quiz.core.grading import Grade, Vocabulary, allowed_typos, grade, normalise
from quiz.formats.yaml_bank import load_bank

from .conftest import SHIPPED_BANK


def short(answer: str, *accept: str) -> Question:
    return Question(id="s", topic="t", type="short", prompt="p", answers=(answer, *accept))


def cloze(*blanks: tuple[str, ...]) -> Question:
    prompt = " ".join("{{" + "|".join(alternatives) + "}}" for alternatives in blanks)
    return Question(id="z", topic="t", type="cloze", prompt=prompt, blanks=blanks)


def multi(choices: str, answers: str) -> Question:
    return Question(
        id="m", topic="t", type="multi", prompt="p", answers=tuple(answers), choices=tuple(choices)
    )


def vocabulary_of(*texts: str) -> Vocabulary:
    """A vocabulary of a bank whose only question mentions these texts."""
    return Vocabulary([Question(id="v", topic="t", type="card", prompt=" ".join(texts))])


def exact(result: Grade) -> bool:
    """Right without any typo tolerance, so nothing to show letter by letter."""
    return result.correct and not result.typo and result.diffs == () and result.score == 1.0


# ── Normalising ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("self-attention", "Self-Attention"),
        ("  SELF-ATTENTION!  ", "self-attention"),
        ("Cafe", "Café"),
        ("“Transformer”.", "Transformer"),
        ("'Transformer'?", "Transformer"),
        ("(Transformer);", "Transformer"),
        ("¿Transformer?", "Transformer"),
        ("natural   language processing", "natural language processing"),
    ],
)
def test_case_accents_spaces_and_sentence_punctuation_around_are_ignored(
    typed: str, answer: str
) -> None:
    assert exact(grade(short(answer), typed))


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  Crème  BRÛLÉE. ", "creme brulee"),
        ("“C++”!", "c++"),
        ("-1.", "-1"),
        ("5%", "5%"),
        ("$5,", "$5"),
        ("C#?", "c#"),
        ("(a) or (b)", "(a) or (b)"),  # the brackets do not enclose the whole answer
        ("?!", "?!"),  # an answer made only of punctuation is kept whole
        ("…", "..."),
    ],
)
def test_normalise_keeps_signs_and_trims_only_sentence_punctuation(
    text: str, normalised: str
) -> None:
    assert normalise(text) == normalised


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(max_size=20))
def test_the_exact_answer_is_right_unless_it_is_empty(answer: str) -> None:
    assert grade(short(answer), answer).correct == bool(normalise(answer))


@pytest.mark.parametrize("answer", ["?!", "...", "!", "Transformer", " "])
@pytest.mark.parametrize("typed", ["", "   ", "\t"])
def test_an_empty_response_is_never_right(answer: str, typed: str) -> None:
    result = grade(short(answer), typed)
    assert not result.correct and result.score == 0.0
    assert not grade(cloze((answer,)), (typed,)).correct


@pytest.mark.parametrize(("answer", "typed"), [("?!", "?!"), ("...", "…"), ("?!", "“?!”")])
def test_an_answer_made_of_punctuation_is_matched_by_itself(answer: str, typed: str) -> None:
    assert exact(grade(short(answer), typed))


@pytest.mark.parametrize(("answer", "typed"), [("?!", "?"), ("...", "."), ("?!", "!?")])
def test_an_answer_made_of_punctuation_is_not_matched_by_other_punctuation(
    answer: str, typed: str
) -> None:
    assert not grade(short(answer), typed).correct


# ── A typo never turns into another word ───────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("inconsistent", "consistent"),
        ("consistent", "inconsistent"),
        ("irregularities", "regularities"),
        ("regularities", "irregularities"),
        ("unbiased model", "biased model"),
        ("illogical", "logical"),
        ("impossible", "possible"),
        ("nonlinear", "linear"),
        ("disagreement", "agreement"),
        ("disinformation", "misinformation"),  # two prefixes on one stem: still other words
    ],
)
def test_a_negating_prefix_makes_another_word_even_without_a_vocabulary(
    answer: str, typed: str
) -> None:
    result = grade(short(answer), typed)
    assert not result.correct and not result.typo
    assert result.diffs, "the learner should see what differed"


def test_a_word_of_the_bank_is_another_word_not_a_typo() -> None:
    vocabulary = vocabulary_of("generated content", "based on a given context")
    result = grade(short("context"), "content", vocabulary)
    assert not result.correct and result.diffs
    # Without the bank's words there is no telling: one letter off is a typo.
    assert grade(short("context"), "content").typo


def test_a_misspelling_next_to_a_right_word_is_still_a_typo() -> None:
    result = grade(short("natural language processing"), "natrual language procesing")
    assert result.correct and result.typo


# ── Transposed letters are one typo ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("articles", "articels"),  # 8 letters: one typo allowed, and a swap is one
        ("language", "langauge"),
        ("overfitting", "ovrefititng"),  # two swaps in 11 letters
        ("transformer", "transfomrers"),  # a swap and an extra letter
    ],
)
def test_transposed_letters_are_one_typo(answer: str, typed: str) -> None:
    result = grade(short(answer), typed)
    assert result.correct and result.typo and result.score == 1.0
    [diff] = result.diffs
    assert "".join(text for text, _ in diff.expected) == answer


def test_typo_tolerance_grows_with_length_and_is_none_for_short_answers() -> None:
    assert [allowed_typos("x" * n) for n in (1, 4, 5, 8, 9, 16, 17, 40)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert not grade(short("GPT"), "GTP").correct  # too short for any typo
    assert not grade(short("bias"), "bais").correct
    assert not grade(short("bias"), "bia").correct  # nor is a clipped word a singular
    tolerated = grade(short("overfitting"), "overfiting")
    assert tolerated.correct and tolerated.typo
    assert not grade(short("overfitting"), "overfeating and more").correct
    assert not grade(short("articles"), "artcels").correct  # two typos in 8 letters


# ── Numbers and symbols are never forgiven ─────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("65536", "75536"),
        ("65536", "65563"),
        ("1988-11-08", "1989-11-09"),
        ("1988-11-08", "1988/11/08"),
        ("C++", "C"),
        ("C++", "C#"),
        ("C++", "C+"),
        ("-1", "1"),
        ("5%", "5"),
        ("$100", "100"),
        ("GPT-4 model", "GPT-3 model"),
        ("100", "100s"),
    ],
)
def test_numbers_and_symbols_are_never_forgiven(answer: str, typed: str) -> None:
    result = grade(short(answer), typed)
    assert not result.correct and result.score == 0.0
    assert not grade(short(typed), answer).correct


@pytest.mark.parametrize(
    ("answer", "typed"),
    [("C++", "c++."), ("-1", "“-1”"), ("5%", "5%!"), ("1988-11-08", "(1988-11-08)")],
)
def test_numbers_and_symbols_are_right_as_written(answer: str, typed: str) -> None:
    assert exact(grade(short(answer), typed))


# ── What a knowing student writes is an exact match ────────────────────────────────────────


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("story", "stories"),
        ("stories", "story"),
        ("law", "laws"),
        ("laws", "law"),
        ("bias", "biases"),
        ("biases", "bias"),
        ("model", "models"),
        ("patterns and laws", "pattern and law"),
        ("GAN", "GANs"),
        ("Variational Auto-Encoder", "variational auto-encoders"),
    ],
)
def test_singular_and_plural_are_the_same_answer(answer: str, typed: str) -> None:
    assert exact(grade(short(answer), typed))


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("context", "the context"),
        ("transformer", "a transformer"),
        ("encoder", "an encoder"),
        ("The textual side", "textual side"),
        ("the GPT family", "a GPT family"),
    ],
)
def test_a_leading_article_is_ignored(answer: str, typed: str) -> None:
    assert exact(grade(short(answer), typed))


def test_an_article_alone_is_still_an_answer() -> None:
    assert exact(grade(short("a"), "A"))
    assert not grade(short("a"), "the").correct


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("Generative Adversarial Network (GAN)", "Generative Adversarial Network"),
        ("Generative Adversarial Network (GAN)", "GAN"),
        ("Generative Adversarial Network (GAN)", "the GAN"),
        ("Generative Adversarial Network (GAN)", "generative adversarial network (gan)"),
        ("Generative Adversarial Network", "Generative Adversarial Network (GAN)"),
        ("Generative Adversarial Networks", "Generative Adversarial Networks (GANs)"),
        ("Variational Auto-Encoder", "Variational Auto-Encoder (VAE)"),
        ("natural language processing", "natural language processing (NLP)"),
    ],
)
def test_an_abbreviation_in_brackets_after_the_full_form(answer: str, typed: str) -> None:
    assert exact(grade(short(answer), typed))


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("Generative Adversarial Network", "GAN"),  # what the abbreviation stands for is asked
        ("Generative Adversarial Network", "Generative Adversarial Network (VAE)"),
        ("Generative Adversarial Network (GAN)", "VAE"),
    ],
)
def test_a_wrong_or_bare_abbreviation_is_not_the_full_form(answer: str, typed: str) -> None:
    assert not grade(short(answer), typed).correct


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("modelling", "modeling"),
        ("modelled", "modeled"),
        ("optimise", "optimize"),
        ("optimising", "optimizing"),
        ("optimised", "optimized"),
        ("organisation", "organization"),
        ("text summarisation", "text summarization"),
        ("colour", "color"),
        ("colours", "colors"),
        ("behaviour", "behavior"),
        ("behavioural", "behavioral"),
        ("centre", "center"),
        ("centres", "centers"),
        ("analyse", "analyze"),
        ("analysing", "analyzing"),
    ],
)
def test_british_and_american_spelling_are_the_same_answer(british: str, american: str) -> None:
    assert exact(grade(short(british), american))
    assert exact(grade(short(american), british))


@pytest.mark.parametrize(
    ("answer", "typed"),
    [("four", "for"), ("hour", "hor"), ("spelling", "speling"), ("filling", "filing")],
)
def test_spelling_rules_leave_other_words_alone(answer: str, typed: str) -> None:
    assert not exact(grade(short(answer), typed))


def test_accepted_alternatives() -> None:
    question = short("Generative Adversarial Network", "GAN networks")
    assert exact(grade(question, "gan networks"))
    assert not grade(question, "gan").correct


# ── Near misses are shown letter by letter ─────────────────────────────────────────────────


def test_a_close_miss_shows_how_it_differed() -> None:
    result = grade(short("transformer"), "transfomrerss")
    assert not result.correct
    [diff] = result.diffs
    assert "".join(text for text, _ in diff.expected) == "transformer"
    assert any(not same for _, same in diff.given)


def test_a_different_word_is_not_a_close_miss() -> None:
    assert grade(short("big"), "x").diffs == ()
    assert grade(short("misinformation"), "bias").diffs == ()


def test_the_diff_is_against_the_nearest_accepted_answer() -> None:
    result = grade(short("laws", "regularities"), "irregularities")
    [diff] = result.diffs
    assert "".join(text for text, _ in diff.expected) == "regularities"


# ── Scores and marks, by question type ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("picked", "correct", "score", "marks"),
    [
        ("AC", True, 1.0, "right unpicked right unpicked"),
        ("A", False, 0.5, "right unpicked missed unpicked"),
        ("ACB", False, 0.5, "right wrong right unpicked"),
        ("AB", False, 0.0, "right wrong missed unpicked"),
        ("BD", False, 0.0, "missed wrong missed wrong"),  # not below 0
        ("", False, 0.0, "missed unpicked missed unpicked"),
        ("ABCD", False, 0.0, "right wrong right wrong"),
    ],
)
def test_multi_scores_partial_credit_and_marks_every_choice(
    picked: str, correct: bool, score: float, marks: str
) -> None:
    result = grade(multi("ABCD", "AC"), frozenset(picked))
    assert (result.correct, result.score) == (correct, score)
    assert result.marks == tuple(zip("ABCD", marks.split(), strict=True))


def test_multi_given_lists_the_picks_in_choice_order() -> None:
    result = grade(multi("ABC", "AC"), frozenset({"C", "A"}))
    assert result.given == "A, C" and result.expected == "A, C"


def test_cloze_scores_the_share_of_blanks_right() -> None:
    question = cloze(("large", "big"), ("transformer",), ("attention",))
    assert exact(grade(question, ("Big", "transformers", "the attention")))
    partly = grade(question, ("small", "transformer", "attention"))
    assert not partly.correct and partly.score == pytest.approx(2 / 3)
    assert grade(question, ("small", "", "x")).score == 0.0


def test_cloze_diffs_are_labelled_by_blank() -> None:
    question = cloze(("large", "big"), ("transformer",))
    typo = grade(question, ("big", "transfomer"))
    assert typo.correct and typo.typo and [d.label for d in typo.diffs] == ["blank (2)"]
    assert grade(question, ("big", "transformer")).diffs == ()
    assert grade(question, ("lrage", "transformer")).diffs[0].label == "blank (1)"


def test_choice_truefalse_and_short_score_all_or_nothing() -> None:
    choice = Question(
        id="c", topic="t", type="choice", prompt="p", answers=("B",), choices=("A", "B")
    )
    assert (grade(choice, "B").correct, grade(choice, "B").score) == (True, 1.0)
    assert (grade(choice, "A").correct, grade(choice, "A").score) == (False, 0.0)
    tf = Question(id="tf", topic="t", type="truefalse", prompt="p", answers=("false",))
    assert grade(tf, "false").score == 1.0 and grade(tf, "true").score == 0.0
    assert grade(tf, "true").given == "True" and grade(tf, "true").expected == "False"
    assert grade(short("overfitting"), "overfiting").score == 1.0
    assert grade(short("overfitting"), "underfitting").score == 0.0


def test_card_grades_again_as_wrong() -> None:
    card = Question(id="k", topic="t", type="card", prompt="p", answers=("back",))
    results = [grade(card, n) for n in (1, 2, 3, 4)]
    assert [(r.correct, r.score) for r in results] == [(False, 0.0)] + [(True, 1.0)] * 3
    assert [r.given for r in results] == ["Again", "Hard", "Good", "Easy"]


# ── The vocabulary ─────────────────────────────────────────────────────────────────────────


def test_the_vocabulary_holds_every_text_of_the_bank_normalised() -> None:
    questions = [
        Question(
            id="a",
            topic="t",
            type="multi",
            prompt="Which Crème?",
            answers=("Alpha",),
            choices=("Alpha", "Beta-Gamma"),
            explanation="Because of Delta.",
        ),
        Question(id="b", topic="t", type="short", prompt="p", answers=("Epsilon", "Zetas")),
        Question(
            id="c", topic="t", type="cloze", prompt="{{eta|theta}} x", blanks=(("eta", "theta"),)
        ),
    ]
    vocabulary = Vocabulary(iter(questions))  # any iterable, read once
    for word in ("creme", "ALPHA", "beta-gamma", "gamma", "delta", "epsilon", "zeta", "theta"):
        assert word in vocabulary, word
    assert "colour" in vocabulary_of("color")  # in either spelling
    assert "omega" not in vocabulary
    assert "|" not in vocabulary and "{{eta" not in vocabulary


# ── The shipped bank ───────────────────────────────────────────────────────────────────────


@cache
def shipped_bank() -> Bank:
    return load_bank(SHIPPED_BANK)


@cache
def shipped_vocabulary() -> Vocabulary:
    return Vocabulary(shipped_bank().questions)


def typed_answers() -> dict[str, tuple[str, ...]]:
    """Every short answer and every cloze blank of the shipped bank, with what it accepts."""
    answers: dict[str, tuple[str, ...]] = {}
    for question in shipped_bank().questions:
        if question.type == "short":
            answers[question.id] = question.answers
        for n, alternatives in enumerate(question.blanks, 1):
            answers[f"{question.id} ({n})"] = alternatives
    return answers


def other_number(text: str) -> str:
    """The text with its last word in the plural if it is singular, or the other way round."""
    *head, last = text.split(" ")
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith(("ses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "as", "us", "is")):
        last = last[:-1]
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join([*head, last])


def with_article(text: str) -> str:
    return text if text.lower().startswith(("the ", "a ", "an ")) else f"the {text}"


def grade_shipped(accepted: tuple[str, ...], typed: str) -> Grade:
    return grade(short(*accepted), typed, shipped_vocabulary())


@pytest.mark.parametrize("key", typed_answers())
def test_every_shipped_answer_accepts_what_a_knowing_student_writes(key: str) -> None:
    accepted = typed_answers()[key]
    for answer in accepted:
        forms = [answer, with_article(answer), answer.upper()]
        if len(answer.split(" ")[-1]) >= 3:  # "Open AI" has no plural: "AIs" is not one
            forms.append(other_number(answer))
        for typed in forms:
            assert exact(grade_shipped(accepted, typed)), typed


@pytest.mark.parametrize("key", typed_answers())
def test_no_other_shipped_answer_is_accepted(key: str) -> None:
    accepted = typed_answers()[key]
    own = {normalise(answer) for answer in accepted}
    for other_key, others in typed_answers().items():
        for other in others:
            if other_key != key and normalise(other) not in own:
                assert not grade_shipped(accepted, other).correct, other


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("operation-llm-context (1)", "content"),  # "generated content" is in the bank
        ("operation-llm-context (1)", "Contents"),  # and so, as a plural, is "contents"
        ("def-genai-masters (2)", "irregularities"),
        ("challenges-inconsistent-quality (1)", "consistent"),
    ],
)
def test_shipped_answers_reject_a_near_word_but_show_the_difference(key: str, typed: str) -> None:
    result = grade_shipped(typed_answers()[key], typed)
    assert not result.correct and not result.typo
    assert result.diffs


def test_the_shipped_bank_has_typed_answers_to_walk() -> None:
    answers = typed_answers()
    assert len(answers) >= 20
    assert answers["challenges-inconsistent-quality (1)"] == ("inconsistent",)


@pytest.mark.parametrize(
    ("answer", "typed"),
    [("self-attention", "self attention"), ("large-scale text", "large scale text")],
)
def test_a_hyphen_between_letters_is_a_space(answer: str, typed: str) -> None:
    assert grade(short(answer), typed).correct and grade(short(typed), answer).correct
    assert not grade(short(answer), typed).typo
