"""The bank that ships with quiz: valid, complete, and grounded in the article."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from quiz.bank import QUESTION_TYPES, Bank, shipped_bank_path
from quiz.loader import load_bank

from .conftest import ROOT, SHIPPED_BANK

ARTICLE = ROOT.parent / "shared" / "article.md"
SECTIONS = {
    "Key points",
    "Introduction",  # the untitled paragraph between the key points and the first section
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
    assert set(per_topic) == set(bank.topics) and len(per_topic) >= 4
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
    assert SECTIONS - {"Introduction"} <= headings


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
