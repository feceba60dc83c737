"""The bank that ships with quiz: valid, complete, and grounded in the article."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from quiz.core.bank import QUESTION_TYPES, Bank, Question, shipped_bank_path
from quiz.core.grading import normalise as grading_normalise
from quiz.formats.yaml_bank import load_bank

from .conftest import ROOT, SHIPPED_BANK

ARTICLE = ROOT.parent / "shared" / "article.md"
SECTIONS = {
    "Key points",
    "Opening",  # the untitled paragraph between the key points and the first section
    "Purpose and application areas",
    "Operation and technical architecture",
    "Data types and generative content",
    "Application scenarios and potential challenges",
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(SHIPPED_BANK)


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def test_the_shipped_bank_is_the_one_the_app_uses() -> None:
    assert shipped_bank_path().resolve() == SHIPPED_BANK.resolve()


def test_size_topics_and_types(bank: Bank) -> None:
    assert len(bank.questions) >= 60
    per_topic = Counter(q.topic for q in bank.questions)
    assert set(per_topic) == set(bank.topics) and len(per_topic) == 5
    assert min(per_topic.values()) >= 10, per_topic
    assert set(q.type for q in bank.questions) == set(QUESTION_TYPES)


def test_every_question_points_at_its_section(bank: Bank) -> None:
    for q in bank.questions:
        assert q.ref in SECTIONS, q.id
        if q.type != "card":
            assert q.explanation, q.id


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is kept in shared/ beside the repo")
def test_sections_are_headings_of_the_article() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (.+)$", text, re.MULTILINE))
    assert SECTIONS - {"Key points", "Opening"} <= headings


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is kept in shared/ beside the repo")
def test_every_quotation_in_an_explanation_is_the_article_word_for_word(bank: Bank) -> None:
    article = normalise(ARTICLE.read_text(encoding="utf-8"))
    quoted = 0
    for q in bank.questions:
        for quote in re.findall(r'"([^"]+)"', q.explanation):
            for fragment in re.split(r"\.\.\.", quote):
                fragment = normalise(fragment).strip(" ,.")
                if fragment:
                    assert fragment in article, (q.id, fragment)
                    quoted += 1
    assert quoted >= 50


def test_choice_distractors_are_not_silly(bank: Bank) -> None:
    """Distractors are real options: no joke answers, and not all of one obviously other length."""
    for q in bank.questions:
        for choice in q.choices:
            assert not re.search(r"\b(banana|pizza|lol|none of the above)\b", choice, re.I), q.id


def test_bank_is_shipped_in_the_wheel() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"questions.yaml" = "quiz/data/questions.yaml"' in pyproject
    assert Path(SHIPPED_BANK).is_file()


# ── What the bank teaches: contrasts and applications ─────────────────────────────────────


def tagged(bank: Bank, tag: str) -> list[Question]:
    return [q for q in bank.questions if tag in q.tags]


def test_every_topic_asks_contrasts(bank: Bank) -> None:
    per_topic = Counter(q.topic for q in tagged(bank, "contrast"))
    for topic in bank.topics:
        assert per_topic[topic] >= 2, (topic, per_topic)


def test_there_are_application_questions(bank: Bank) -> None:
    applications = tagged(bank, "application")
    assert len(applications) >= 5
    assert {q.type for q in applications} - {"card"}, "applications are graded, not only cards"


def test_refs_are_in_proportion_to_the_article(bank: Bank) -> None:
    """No section is asked about far more than its share of the article (by words)."""
    text = ARTICLE.read_text(encoding="utf-8") if ARTICLE.exists() else ""
    if not text:
        pytest.skip("the article is kept in shared/ beside the repo")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    words = {part.split("\n", 1)[0].strip(): len(part.split()) for part in sections}
    # "## Key points" runs on into the untitled opening paragraph: both count as one part.
    refs = Counter("Key points" if q.ref == "Opening" else q.ref for q in bank.questions)
    total_words, total_refs = sum(words.values()), sum(refs.values())
    for section, count in refs.items():
        share = count / total_refs
        assert share <= 1.6 * words[section] / total_words, (section, share)


# ── Nothing is given away ─────────────────────────────────────────────────────────────────

# A choice that names a side of a contrast, not a fact: it is the answer of several questions.
SIDES = {
    "generative ai",
    "llms",
    "both equally",
    "both of them",
    "neither of the two",
    "generative ai's",
    "llms'",
    "both technologies'",
    "transformer",
}


def words_of(text: str) -> tuple[str, ...]:
    """Normalised words, hyphens as spaces, each without a plural s, for comparing phrases."""
    text = grading_normalise(text).replace("-", " ").replace("\u2019", "'")
    return tuple(
        word.rstrip("s") if len(word) > 3 else word for word in re.findall(r"[\w']+", text)
    )


def contains(haystack: str, needle: str) -> bool:
    hay, pin = words_of(haystack), words_of(needle)
    return bool(pin) and any(hay[i : i + len(pin)] == pin for i in range(len(hay) - len(pin) + 1))


def answers_to_hide(q: Question) -> list[str]:
    """What a question asks the learner to produce, that no other question may show."""
    if q.type == "short":
        return list(q.answers)
    if q.type == "cloze":
        return [alternative for blank in q.blanks for alternative in blank]
    if q.type == "card":
        return [q.answers[0]]
    if q.type == "choice" and len(q.answers[0].split()) >= 2:
        return [q.answers[0]] if q.answers[0].lower() not in SIDES else []
    return []


def shown(q: Question) -> list[str]:
    """What a learner sees before answering: the prompt (blanks hidden), the choices and a
    match question's items."""
    return [q.display_prompt, *q.choices, *(item for pair in q.pairs for item in pair)]


def test_no_question_gives_away_another_answer(bank: Bank) -> None:
    leaks = []
    for q in bank.questions:
        for answer in answers_to_hide(q):
            for other in bank.questions:
                if other.id != q.id and any(contains(text, answer) for text in shown(other)):
                    leaks.append((q.id, answer, other.id))
    assert not leaks, leaks


def test_the_leak_check_finds_a_leak() -> None:
    assert contains(
        "Name the Generative Adversarial Networks here", "generative adversarial network"
    )
    assert contains("They use self attention.", "Self-attention")
    assert not contains("the context window", "content")


# ── No cues for the test-wise ─────────────────────────────────────────────────────────────


def test_the_key_is_not_usually_the_longest_choice(bank: Bank) -> None:
    choices = [q for q in bank.questions if q.type == "choice"]
    longest = [q.id for q in choices if all(len(q.answers[0]) >= len(c) for c in q.choices)]
    assert len(longest) <= 0.4 * len(choices), longest


def test_multi_questions_vary_in_how_many_options_are_right(bank: Bank) -> None:
    multis = [q for q in bank.questions if q.type == "multi"]
    assert len({len(q.answers) for q in multis}) >= 2
    assert len({len(q.choices) - len(q.answers) for q in multis}) >= 2
    assert any(2 * len(q.answers) != len(q.choices) for q in multis)


def test_true_and_false_are_balanced(bank: Bank) -> None:
    answers = [q.answers[0] for q in bank.questions if q.type == "truefalse"]
    assert 0.4 <= answers.count("true") / len(answers) <= 0.6, Counter(answers)


def test_true_false_stems_do_not_signal_the_answer(bank: Bank) -> None:
    for q in bank.questions:
        if q.type == "truefalse":
            assert not q.prompt.lower().startswith("according to"), q.id


def test_keys_are_shuffled_and_not_always_first_in_the_file(bank: Bank) -> None:
    choices = [q for q in bank.questions if q.type in ("choice", "multi")]
    assert all(q.shuffle for q in choices)
    first = [q.id for q in choices if q.choices[0] in q.answers]
    assert len(first) < len(choices) * 0.8


def test_no_catch_all_options_or_unmarked_negative_stems(bank: Bank) -> None:
    for q in bank.questions:
        for choice in q.choices:
            assert not re.search(r"\b(all|none) of the above\b", choice, re.I), q.id
        assert not re.search(r"\b(not|except|never)\b", q.prompt), q.id  # only in CAPITALS


def test_typed_answers_are_not_stop_words_or_short_without_alternatives(bank: Bank) -> None:
    stop = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "is", "are", "it", "by", "for"}
    for q in bank.questions:
        for alternatives in q.blanks:
            assert normalise(alternatives[0]) not in stop, q.id
            assert len(alternatives[0]) > 4 or len(alternatives) > 1, q.id
        if q.type == "short":
            assert len(q.answers[0]) > 4 or len(q.answers) > 1, q.id


def jaccard(a: str, b: str) -> float:
    x, y = set(words_of(a)), set(words_of(b))
    return len(x & y) / len(x | y)


def test_no_two_prompts_are_near_duplicates(bank: Bank) -> None:
    questions = bank.questions
    for i, q in enumerate(questions):
        for other in questions[i + 1 :]:
            assert jaccard(q.prompt, other.prompt) < 0.7, (q.id, other.id)


def test_ids_are_unique(bank: Bank) -> None:
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))


def test_the_shipped_bank_lints_clean_without_ignores(bank: Bank) -> None:
    from quiz.formats.lint import lint

    assert bank.lint_ignore == () and not any(q.lint_ignore for q in bank.questions)
    assert [str(finding) for finding in lint(bank)] == []
