"""The numeric and match question types: their bank rules, their grading, their records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from quiz.core.bank import BankErrors
from quiz.core.grading import grade, parse_number
from quiz.core.session import StudySession, structured
from quiz.core.study import Study
from quiz.formats.cache import load_bank_cached
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.widgets.answers import MatchAnswer

from .conftest import Clock

BANK = """\
title: Numbers and pairs
questions:
  - id: year
    topic: history
    type: numeric
    prompt: In which year was the Rosetta Stone deciphered?
    answer: 1822
    tolerance: 2
    accept:
      - {answer: 1800, tolerance: 0.5}
      - [1900, 1901]
      - 2000
  - id: pi
    topic: maths
    type: numeric
    prompt: Pi to three places?
    range: [3.141, 3.142]
  - id: small
    topic: maths
    type: numeric
    prompt: A third of 0.9?
    answer: 0.3
  - id: capitals
    topic: geography
    type: match
    prompt: Match each country to its capital.
    pairs:
      - France: Paris
      - Spain: Madrid
      - Italy: Rome
"""


@pytest.fixture
def bank_path(write_bank: Callable[..., Path]) -> Path:
    return write_bank(BANK)


def test_a_numeric_answer_is_graded_on_the_number(bank_path: Path) -> None:
    questions = load_bank(bank_path).by_id()
    year = questions["year"]
    assert year.answers == ("1822 ± 2", "1800 ± 0.5", "1900 to 1901", "2000")
    assert year.ranges == ((1820, 1824), (1799.5, 1800.5), (1900, 1901), (2000, 2000))
    assert year.answer_text == "1822 ± 2"
    right = ["1822", "1820", "1824", "+1823.0", "1.8235e3", "1800.5", "1900.5", "2000"]
    assert [grade(year, text).correct for text in right] == [True] * len(right)
    wrong = ["1825", "1819.9", "1801", "", "eighteen", "1,822", "1822 AD"]
    assert [grade(year, text).correct for text in wrong] == [False] * len(wrong)
    assert grade(questions["pi"], "3.1415").correct and not grade(questions["pi"], "3.15").correct
    assert grade(questions["small"], str(0.9 / 3)).correct  # 0.30000000000000004


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", "'1,5': write a decimal point (1.5) and no thousands separator (1822)"),
        ("1,822", "'1,822': write a decimal point"),
        ("1e999", "'1e999' is too large"),
        ("nan", "'nan' is not a number"),
        ("12 3", "'12 3' is not a number"),
    ],
)
def test_a_comma_or_a_word_is_refused_with_a_hint_never_misread(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_number(text)
    assert parse_number(" \u22122.5 ") == -2.5  # a typographic minus


def test_a_match_is_graded_pair_by_pair(bank_path: Path) -> None:
    capitals = load_bank(bank_path).by_id()["capitals"]
    assert capitals.pairs == (("France", "Paris"), ("Spain", "Madrid"), ("Italy", "Rome"))
    assert capitals.answer_text == "France → Paris; Spain → Madrid; Italy → Rome"
    full = grade(capitals, ("Paris", "Madrid", "Rome"))
    assert full.correct and full.score == 1.0
    partial = grade(capitals, ("Madrid", "Paris", "Rome"))
    assert not partial.correct and partial.score == pytest.approx(1 / 3)
    assert partial.given == "France → Madrid; Spain → Paris; Italy → Rome"
    assert grade(capitals, ("Paris", "", "")).given == "France → Paris; Spain → —; Italy → —"
    assert structured(capitals, ("Paris", "Madrid", ""), ()) == {
        "pairs": [
            {"left": "France", "right": "Paris"},
            {"left": "Spain", "right": "Madrid"},
            {"left": "Italy", "right": ""},
        ]
    }


def test_both_types_come_back_whole_from_the_parse_cache(bank_path: Path, tmp_path: Path) -> None:
    first = load_bank_cached(bank_path, tmp_path / "cache")
    again = load_bank_cached(bank_path, tmp_path / "cache")
    assert tuple(again.questions) == tuple(first.questions) == load_bank(bank_path).questions


def errors_of(path: Path) -> list[str]:
    with pytest.raises(BankErrors) as info:
        load_bank(path)
    return [f"{e.line}:{e.column}: {e.message}" for e in info.value.errors]


def one(body: str) -> str:
    return "title: T\nquestions:\n  - id: q\n    topic: t\n    prompt: p\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines()
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("type: numeric\nanswer: 1,5", "7:13: 'answer': '1,5': write a decimal point (1.5)"),
        ("type: numeric", "3:5: missing 'answer' (a number) or 'range' ([lowest, highest])"),
        ("type: numeric\nanswer: 1\nrange: [0, 2]", "8:12: give 'answer' or 'range', not both"),
        ("type: numeric\nrange: [0, 2]\ntolerance: 1", "8:16: 'tolerance' goes with 'answer'"),
        ("type: numeric\nanswer: 5\ntolerance: -1", "8:16: 'tolerance' is how far off"),
        ("type: numeric\nrange: [2, 1]", "7:12: the range [2, 1] goes down"),
        ("type: numeric\nrange: [1, 2, 3]", "7:12: 'range' as a range is a list of two"),
        ("type: numeric\nanswer: [1]", "7:13: 'answer' must be a number, not a list"),
        ("type: numeric\nanswer: 1\naccept: [{tolerance: 1}]", "8:14: an accepted value needs"),
        ("type: short\nanswer: a\ntolerance: 1", "8:16: 'tolerance' applies only to numeric"),
        ("type: match\npairs: [{a: b}]", "7:12: 'pairs' has 1; give 2 to 9"),
        ("type: match", "3:5: missing 'pairs' (a list of 2 to 9 'left: right' items)"),
        ("type: match\npairs: [{a: b}, {a: c}]", "7:12: the left item 'a' is given twice"),
        ("type: match\npairs: [{a: b}, {c: b}]", "7:12: the right item 'b' is given twice"),
        ("type: match\npairs: [{a: b, c: d}, x]", "7:13: each pair is one 'left: right' item"),
        ("type: match\npairs: [{a: b}, {c: d}]\nanswer: b", "8:13: a match question has no"),
        ("type: choice\npairs: [{a: b}]\nchoices: [a, b]\nanswer: a", "7:12: 'pairs' applies"),
    ],
)
def test_each_rule_of_the_new_types_is_located(
    write_bank: Callable[..., Path], body: str, expected: str
) -> None:
    found = errors_of(write_bank(one(body)))
    assert any(error.startswith(expected) for error in found), found


def numbers_app(bank_path: Path, tmp_path: Path) -> QuizApp:
    store = SQLiteStore.open(tmp_path / "data", clock=Clock())
    app = QuizApp(Study.open(load_bank(bank_path), store, "ana"), seed=7, answer_delay=0)
    app.animation_level = "none"
    return app


async def start(app: QuizApp, pilot: Pilot[None], qid: str) -> None:
    question = app.study.bank.by_id()[qid]
    app.begin(StudySession(app.study, [question], seed=1))
    await pilot.pause()


async def test_a_match_is_answered_from_the_keyboard_and_kept_pair_by_pair(
    bank_path: Path, tmp_path: Path
) -> None:
    app = numbers_app(bank_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "capitals")
        widget = app.screen.query_one(MatchAnswer)
        options = widget.options
        assert sorted(options) == ["Madrid", "Paris", "Rome"]
        await pilot.press("enter")  # nothing matched yet: not taken
        assert app.study.store.count_answers("ana", app.study.key) == 0
        await pilot.press(str(options.index("Paris") + 1), str(options.index("Rome") + 1))
        await pilot.press("up", "backspace", "down", "right")  # Spain cleared; Italy cycled
        assert widget.chosen[1] == ""
        await pilot.press("up", str(options.index("Madrid") + 1), "enter")
        await pilot.pause()
        [answer] = app.study.store.history("ana", app.study.key, "capitals")
        italy = widget.chosen[2]
        assert answer.correct is (italy == "Rome")
        assert answer.response == {"pairs": [
            {"left": "France", "right": "Paris"}, {"left": "Spain", "right": "Madrid"},
            {"left": "Italy", "right": italy},
        ]}  # fmt: skip


async def test_a_number_with_a_comma_is_refused_until_it_is_one(
    bank_path: Path, tmp_path: Path
) -> None:
    app = numbers_app(bank_path, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await start(app, pilot, "year")
        await pilot.press(*"1,823", "enter")
        await pilot.pause()
        store, key = app.study.store, app.study.key
        assert store.count_answers("ana", key) == 0
        assert any("write a decimal point" in n.message for n in app._notifications)
        for _ in range(5):
            await pilot.press("backspace")
        await pilot.press(*"1823", "enter")
        await pilot.pause()
        [answer] = store.history("ana", key, "year")
        assert answer.correct and answer.given == "1823"


def test_match_snapshot(snap_compare, bank_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def ask(pilot) -> None:  # type: ignore[no-untyped-def]
        await start(pilot.app, pilot, "capitals")
        await pilot.press("2")

    assert snap_compare(numbers_app(bank_path, tmp_path), run_before=ask, terminal_size=(80, 24))


def test_the_readme_example_bank_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = readme.split("## Writing a question bank")[1].split("```yaml\n")[1].split("```")[0]
    path = tmp_path / "example.yaml"
    path.write_text(example)
    types = {q.type for q in load_bank(path).questions}
    assert {"numeric", "match", "cloze", "card"} <= types


def test_numeric_snapshot(snap_compare, bank_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def ask(pilot) -> None:  # type: ignore[no-untyped-def]
        await start(pilot.app, pilot, "year")
        await pilot.press(*"1823", "enter")

    assert snap_compare(numbers_app(bank_path, tmp_path), run_before=ask, terminal_size=(80, 24))
