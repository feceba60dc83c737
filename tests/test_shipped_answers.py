"""Every short and cloze question of the shipped bank, tried with what students write.

For each question: at least three ways a student who knows the article writes the right
answer (all must be accepted), and at least two plausible wrong answers, usually the other
technology's term or a near word (all must be rejected). A cloze response is a tuple, one
text per blank. A new short or cloze question fails `test_every_typed_question_is_tried`
until it has its row here.
"""

from __future__ import annotations

from functools import cache

import pytest

from quiz.core.bank import Bank, Question
from quiz.core.grading import Response, Vocabulary, grade
from quiz.formats.yaml_bank import load_bank

from .conftest import SHIPPED_BANK

# id -> (right responses, wrong responses)
ANSWERS: dict[str, tuple[list[Response], list[Response]]] = {
    # ── short ──
    "def-llm-abbreviation": (
        [
            "Large Language Model",
            "large language models",
            "a large language model",
            "Large-Language Model",
        ],
        ["Large Learning Model", "Language Model", "Generative Adversarial Network"],
    ),
    "purpose-llm-field": (
        [
            "natural language processing",
            "Natural Language Processing (NLP)",
            "NLP",
            "natural-language processing",
        ],
        ["natural language", "artificial intelligence", "computer vision"],
    ),
    "operation-gan-abbreviation": (
        [
            "Generative Adversarial Network",
            "generative adversarial networks",
            "a generative adversarial network",
            "Generative Adverserial Network",
        ],  # one typo forgiven
        [
            "Generative Artificial Network",
            "Variational Auto-Encoder",
            "General Adversarial Network",
        ],
    ),
    "operation-vae-abbreviation": (
        [
            "Variational Auto-Encoder",
            "variational autoencoders",
            "Variational auto encoder",
            "a variational autoencoder",
        ],
        ["Variable Auto-Encoder", "Generative Adversarial Network", "Auto-Encoder"],
    ),
    "operation-gpt-company": (
        ["OpenAI", "openai", "Open AI", "the OpenAI"],
        ["Google", "Microsoft", "GPT"],
    ),
    "challenges-overfitting": (
        ["overfitting", "model overfitting", "over-fitting", "Overfitting.", "over fitting"],
        ["underfitting", "bias", "misinformation"],
    ),
    # ── cloze ──
    "def-genai-masters": (
        [
            ("patterns", "laws"),
            ("pattern", "regularities"),
            ("Patterns", "law"),
            ("the patterns", "the laws"),
        ],
        [
            ("structure", "laws"),
            ("patterns", "irregularities"),
            ("semantic information", "statistical structure"),
        ],
    ),
    "def-llm-trained-on": (
        [
            ("large-scale text",),
            ("large scale text",),
            ("large-scale textual",),
            ("Large-scale texts",),
        ],
        [("small-scale text",), ("image",), ("large-scale image",)],
    ),
    "purpose-llm-human-language": (
        [("human language",), ("human languages",), ("Human Language",), ("a human language",)],
        [("machine language",), ("human speech",), ("programming language",)],
    ),
    "operation-how-models-learn": (
        [
            ("confronting", "optimising"),
            ("confronting", "optimizing"),
            ("Confronting", "optimising"),
            ("confrontng", "optimising"),
        ],  # one typo forgiven
        [("optimising", "confronting"), ("competing", "optimising"), ("confronting", "minimising")],
    ),
    "operation-llm-learns": (
        [
            ("statistical structure", "semantic information"),
            ("statistical structures", "semantic information"),
            ("Statistical Structure", "the semantic information"),
            ("statistical structure", "semantic informations"),
        ],
        [
            ("semantic information", "statistical structure"),
            ("patterns", "regularities"),
            ("statistical patterns", "semantic information"),
        ],
    ),
    "operation-llm-context": (
        [
            ("context", "coherent", "natural"),
            ("the context", "coherent", "natural"),
            ("Context", "Coherent", "Natural"),
            ("contexts", "coherent", "natural"),
        ],
        [
            ("content", "coherent", "natural"),
            ("context", "consistent", "natural"),
            ("prompt", "coherent", "fluent"),
        ],
    ),
    "data-llm-coherence": (
        [
            ("logical", "semantic"),
            ("Logical", "Semantic"),
            ("logical", "semantic."),
            ("logicl", "semantic"),
        ],
        [("semantic", "logical"), ("grammatical", "semantic"), ("logical", "statistical")],
    ),
    "challenges-inconsistent-quality": (
        [("inconsistent",), ("Inconsistent",), ("inconsistant",), ("inconsistent.",)],
        [("consistent",), ("poor",), ("low",)],
    ),
    "challenges-bias-misinformation": (
        [
            ("bias", "misinformation"),
            ("biases", "misinformation"),
            ("Bias", "Misinformation"),
            ("bias", "missinformation"),
        ],  # one typo forgiven
        [("misinformation", "bias"), ("bias", "disinformation"), ("copyright", "misinformation")],
    ),
}


@cache
def shipped() -> Bank:
    return load_bank(SHIPPED_BANK)


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(shipped().questions)


def question(qid: str) -> Question:
    return next(q for q in shipped().questions if q.id == qid)


def typed_ids() -> set[str]:
    return {q.id for q in shipped().questions if q.type in ("short", "cloze")}


def test_every_typed_question_is_tried() -> None:
    assert set(ANSWERS) == typed_ids()


@pytest.mark.parametrize("qid", sorted(ANSWERS))
def test_the_table_is_big_enough_and_shaped_like_the_question(qid: str) -> None:
    rights, wrongs = ANSWERS[qid]
    assert len(rights) >= 3 and len(wrongs) >= 2
    q = question(qid)
    for response in rights + wrongs:
        if q.type == "cloze":
            assert isinstance(response, tuple) and len(response) == len(q.blanks), response
        else:
            assert isinstance(response, str)


@pytest.mark.parametrize("qid", sorted(ANSWERS))
def test_what_a_knowing_student_writes_is_right(qid: str) -> None:
    q = question(qid)
    for response in ANSWERS[qid][0]:
        assert grade(q, response, vocabulary()).correct, response


@pytest.mark.parametrize("qid", sorted(ANSWERS))
def test_plausible_wrong_answers_are_wrong(qid: str) -> None:
    q = question(qid)
    for response in ANSWERS[qid][1]:
        assert not grade(q, response, vocabulary()).correct, response
