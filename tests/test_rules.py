"""The bank rules on drafts built in Python, as a reader of any format would build them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quiz.core.bank import BankErrors
from quiz.formats.rules import (
    DraftBank,
    DraftQuestion,
    Located,
    Null,
    Pairs,
    Value,
    build_bank,
    read_fields,
)

PATH = Path("bank.gift")


def at(line: int, column: int, value: Value) -> Located[Value]:
    return Located(value, line, column)


def items(line: int, *texts: str) -> Located[Value]:
    """A list of text on one line, each item two columns after the one before."""
    return at(line, 5, tuple(at(line, 6 + 2 * n, text) for n, text in enumerate(texts)))


def card(line: int, qid: str, topic: str = "t") -> Located[DraftQuestion | Value]:
    """A good card question whose fields are on the lines after `line`."""
    fields = DraftQuestion(
        id=at(line, 7, qid),
        topic=at(line + 1, 7, topic),
        type=at(line + 2, 7, "card"),
        prompt=at(line + 3, 7, "Front"),
        answer=at(line + 4, 7, "Back"),
    )
    return Located(fields, line, 5)


def bank(*questions: Located[DraftQuestion | Value], **fields: Located[Value]) -> DraftBank:
    listed = Located(tuple(questions), 2, 1)
    return DraftBank(title=at(1, 8, "T"), questions=listed, **fields)


def errors_of(draft: DraftBank, problems: tuple[Located[str], ...] = ()) -> list[str]:
    with pytest.raises(BankErrors) as info:
        build_bank(PATH, Located(draft, 1, 1), problems)
    return [str(e) for e in info.value.errors]


def test_a_good_draft_becomes_a_bank() -> None:
    choice = DraftQuestion(
        id=at(10, 7, "pick"),
        topic=at(11, 7, "alpha"),
        type=at(12, 7, "choice"),
        prompt=at(13, 7, "  Pick \x1b[31mB  "),
        choices=items(14, "A", "B"),
        answer=at(15, 7, "B"),
        shuffle=at(16, 7, "FALSE"),
        lint=at(17, 7, Pairs(((at(17, 8, "ignore"), items(17, "negative-stem")),))),
    )
    cloze = DraftQuestion(
        id=at(20, 7, "gap"),
        topic=at(21, 7, "beta"),
        type=at(22, 7, "cloze"),
        prompt=at(23, 7, "LLMs are {{large|big}}."),
    )
    built = build_bank(
        PATH,
        Located(
            DraftBank(
                title=at(1, 8, "Small"),
                description=at(2, 8, "About LLMs"),
                questions=at(9, 1, (Located(choice, 10, 5), Located(cloze, 20, 5))),
            ),
            1,
            1,
        ),
    )
    assert (built.path, built.title, built.description, built.id) == (
        PATH,
        "Small",
        "About LLMs",
        None,
    )
    assert built.topics == {"alpha": "alpha", "beta": "beta"}
    pick, gap = built.questions
    assert (pick.prompt, pick.choices, pick.answers, pick.shuffle) == (
        "Pick [31mB",
        ("A", "B"),
        ("B",),
        False,
    )
    assert (pick.line, pick.column, pick.lint_ignore) == (10, 5, ("negative-stem",))
    assert gap.blanks == (("large", "big"),)


def test_a_draft_without_title_or_questions() -> None:
    assert errors_of(DraftBank()) == [
        "bank.gift:1:1: missing required field 'title'",
        "bank.gift:1:1: missing required field 'questions'",
    ]
    assert errors_of(DraftBank(title=at(1, 8, "T"), questions=at(2, 12, ()))) == [
        "bank.gift:2:12: 'questions' must be a list of at least one question",
    ]


def test_every_broken_rule_is_located_and_sorted() -> None:
    wrong = DraftQuestion(
        id=at(10, 7, "q1"),
        topic=at(11, 7, "alpa"),
        type=at(12, 7, "choice"),
        prompt=at(13, 7, ()),
        choices=items(14, "alpha", "beta", "alpha"),
        answer=at(15, 7, "gamma"),
    )
    draft = bank(
        card(3, "q1", topic="alpha"),
        Located(wrong, 10, 5),
        at(20, 5, "just text"),
        topics=at(2, 9, Pairs(((at(2, 10, "alpha"), at(2, 17, "Alpha")),))),
    )
    assert errors_of(draft) == [
        "bank.gift:10:5: duplicate id 'q1' (first used on line 3)",
        "bank.gift:11:7: topic 'alpa' is not listed under 'topics'; did you mean 'alpha'?",
        "bank.gift:13:7: 'prompt' must be text, not a list",
        "bank.gift:14:5: choice 'alpha' is given twice",
        "bank.gift:15:7: answer 'gamma' is not one of the choices",
        "bank.gift:20:5: a question must be a mapping of fields, not text",
    ]


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        ({}, "3:5: missing required field 'type'"),
        ({"type": at(5, 7, "choise")}, "5:7: unknown type 'choise'; use one of choice, multi, "),
        ({"type": at(5, 7, "truefalse"), "answer": at(7, 7, "no")}, "7:7: a truefalse answer is"),
        ({"type": at(5, 7, "card"), "answer": at(7, 7, Null("~"))}, "7:7: 'answer' is empty"),
        ({"type": at(5, 7, "card")}, "3:5: missing required field 'answer'"),
        ({"type": at(5, 7, "multi"), "answer": items(7, "a")}, "3:5: missing 'choices'"),
        ({"type": at(5, 7, "cloze")}, "6:7: a cloze prompt needs at least one {{blank}}"),
        ({"type": at(5, 7, "short"), "answer": items(7), "shuffle": at(8, 7, "yes")}, "8:7: 'shu"),
    ],
)
def test_question_rules(fields: dict[str, Located[Value]], wanted: str) -> None:
    question = DraftQuestion(id=at(3, 7, "q"), topic=at(4, 7, "t"), prompt=at(6, 7, "p"), **fields)
    errors = errors_of(bank(Located(question, 3, 5)))
    assert any(e.startswith(f"bank.gift:{wanted}") for e in errors), errors


def test_lint_settings_are_checked() -> None:
    lint = Pairs(
        (
            (at(30, 9, "ignore"), items(30, "negative-stm")),
            (at(31, 9, "ignroe"), at(31, 17, "x")),
        )
    )
    assert errors_of(bank(card(3, "q"), lint=at(30, 7, lint))) == [
        "bank.gift:30:5: unknown lint rule 'negative-stm'; did you mean 'negative-stem'?",
        "bank.gift:31:9: unknown field 'ignroe' in 'lint'; did you mean 'ignore'?",
    ]


def test_a_readers_own_problems_come_first_where_they_share_a_place() -> None:
    problem = Located("unknown field 'colour' in a question", 3, 5)
    question = DraftQuestion(id=at(3, 7, "q"), topic=at(4, 7, "t"), prompt=at(5, 7, "p"))
    assert errors_of(bank(Located(question, 3, 5)), (problem,)) == [
        "bank.gift:3:5: unknown field 'colour' in a question",
        "bank.gift:3:5: missing required field 'type'",
    ]


def test_read_fields_reports_keys_that_are_not_fields() -> None:
    problems: list[Located[str]] = []
    mapping = Pairs(
        (
            (at(1, 1, "title"), at(1, 8, "T")),
            (at(2, 1, "title"), at(2, 8, "U")),
            (at(3, 1, Null("~")), at(3, 4, "x")),
            (at(4, 1, ("a",)), at(4, 6, "x")),
        )
    )
    found = read_fields(mapping.entries, ("title",), "the bank", problems)
    assert found == {"title": at(1, 8, "T")}
    assert problems == [
        Located("duplicate key 'title' (first given on line 1)", 2, 1),
        Located("unknown field '~' in the bank", 3, 1),
        Located("the keys of the bank must be plain names", 4, 1),
    ]


@pytest.mark.parametrize("bank_id", ["genai-vs-llm", "a", "A.b_c-9", "x" * 64])
def test_a_valid_bank_id_is_the_banks_key(bank_id: str) -> None:
    built = build_bank(PATH, Located(bank(card(3, "q"), id=at(1, 5, bank_id)), 1, 1))
    assert built.id == built.key == bank_id


def test_without_an_id_the_key_is_the_title() -> None:
    built = build_bank(PATH, Located(bank(card(3, "q")), 1, 1))
    assert built.id is None and built.key == "T"


@pytest.mark.parametrize(
    ("value", "wanted"),
    [
        (Null(""), "'id' is empty"),
        ("my bank", "the bank's 'id' 'my bank' may hold only letters A-Z and a-z, digits, "),
        ("bänk", "the bank's 'id' 'bänk' may hold only"),
        ("x" * 65, "the bank's 'id' is 65 characters; at most 64 are allowed"),
        (("a", "b"), "'id' must be text, not a list"),
    ],
)
def test_an_invalid_bank_id_is_a_located_error(value: Value, wanted: str) -> None:
    if isinstance(value, tuple):
        value = tuple(at(1, 6 + n, item) for n, item in enumerate(value))
    [error] = errors_of(bank(card(3, "q"), id=at(1, 5, value)))
    assert error.startswith(f"bank.gift:1:5: {wanted}")


def test_the_rules_never_import_yaml() -> None:
    code = "import sys, quiz.formats.rules; print('yaml' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
