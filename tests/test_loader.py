"""The bank format and its loader: every rule, and every class of hostile file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.formats.yaml_bank import BankErrors, load_bank, safe_text

WriteBank = Callable[..., Path]


def errors_of(path: Path) -> list[str]:
    with pytest.raises(BankErrors) as info:
        load_bank(path)
    return [str(e) for e in info.value.errors]


def one_question(body: str) -> str:
    return "title: T\nquestions:\n  - id: q1\n    topic: t\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines()
    )


def test_small_bank_loads_every_type(small_bank_path: Path) -> None:
    bank = load_bank(small_bank_path)
    assert bank.title == "Small bank"
    assert bank.topics == {"alpha": "Alpha topic", "beta": "Beta topic"}
    by_id = bank.by_id()
    assert by_id["a-choice"].answers == ("B",)
    assert by_id["a-multi"].answers == ("A", "C")
    assert by_id["a-tf"].answers == ("false",)
    assert by_id["b-short"].answers == ("self-attention", "attention")
    assert by_id["b-cloze"].blanks == (("large", "big"), ("models",))
    assert by_id["b-cloze"].display_prompt == "LLMs are ____(1) language ____(2)."
    assert by_id["b-card"].answers == ("Back",)
    assert by_id["a-choice"].explanation == "B is right."
    assert by_id["a-choice"].ref == "Section one"
    assert by_id["a-choice"].shuffle is True


def test_topics_default_to_ids_in_order_of_appearance(write_bank: WriteBank) -> None:
    path = write_bank("""\
        title: T
        questions:
          - {id: a, topic: zeta, type: card, prompt: p, answer: x}
          - {id: b, topic: alpha, type: card, prompt: p, answer: x}
    """)
    assert load_bank(path).topics == {"zeta": "zeta", "alpha": "alpha"}


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        ("type: truefalse\nprompt: p\nanswer: no", "a truefalse answer is true or false, not 'no'"),
        ("type: truefalse\nprompt: p\nanswer: yes", "not 'yes'"),
        ('type: choice\nprompt: p\nchoices: ["3.1", "3.2"]\nanswer: 3.10', "answer '3.10' is not"),
    ],
)
def test_yaml_11_coercions_are_errors_not_silent_changes(
    write_bank: WriteBank, body: str, wanted: str
) -> None:
    [error] = errors_of(write_bank(one_question(body)))
    assert wanted in error


def test_answers_keep_the_text_the_author_wrote(write_bank: WriteBank) -> None:
    path = write_bank(
        one_question("type: choice\nprompt: p\nchoices: [3.10, 2024-04-18, no, 010]\nanswer: 3.10")
    )
    question = load_bank(path).questions[0]
    assert question.choices == ("3.10", "2024-04-18", "no", "010")
    assert question.answers == ("3.10",)


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        (
            "type: choice\nprompt: p\nexplaination: x\nchoices: [a, b]\nanswer: a",
            "unknown field 'explaination' in a question; did you mean 'explanation'?",
        ),
        ("type: choise\nprompt: p\nanswer: a", "did you mean 'choice'?"),
        ("type: choice\nprompt: p\nchoices: [a]\nanswer: a", "'choices' has 1; give 2 to 9"),
        ("type: choice\nprompt: p\nchoices: [a, b, c, d, e, f, g, h, i, j]\nanswer: a", "has 10"),
        ("type: choice\nprompt: p\nchoices: [a, a]\nanswer: a", "choice 'a' is given twice"),
        ("type: choice\nprompt: p\nchoices: [alpha, beta]\nanswer: alpah", "did you mean 'alpha'?"),
        ("type: multi\nprompt: p\nchoices: [a, b]\nanswer: [a, c]", "answer 'c' is not one"),
        ("type: card\nprompt: p", "missing required field 'answer'"),
        ("type: card\nprompt: ''\nanswer: x", "'prompt' is empty"),
        ("type: card\nanswer: x", "missing required field 'prompt'"),
        ("type: cloze\nprompt: no blanks", "needs at least one {{blank}}"),
        ("type: cloze\nprompt: a {{x}}\nanswer: x", "a cloze question has no 'answer'"),
        ("type: cloze\nprompt: a {{x|}}", "is empty"),
        ("type: short\nprompt: p\nanswer: x\nchoices: [a, b]", "'choices' applies only to"),
        ("type: card\nprompt: p\nanswer: x\naccept: [y]", "'accept' applies only to short"),
        (
            "type: choice\nprompt: p\nchoices: [a, b]\nanswer: a\nshuffle: maybe",
            "'shuffle' is true or false",
        ),
        ("type: card\nprompt: [a, b]\nanswer: x", "'prompt' must be text, not a list"),
        ("type: card\nprompt: p\nanswer: x\ntags: {a: b}", "'tags' must be a list of text"),
    ],
)
def test_question_rules(write_bank: WriteBank, body: str, wanted: str) -> None:
    errors = errors_of(write_bank(one_question(body)))
    assert any(wanted in e for e in errors), errors


def test_bank_level_rules(write_bank: WriteBank) -> None:
    path = write_bank("""\
        titel: T
        topics: {alpha: Alpha}
        questions:
          - {id: a, topic: alpa, type: card, prompt: p, answer: x}
          - {id: a, topic: alpha, type: card, prompt: p, answer: x}
    """)
    errors = errors_of(path)
    assert any("unknown field 'titel' in the bank; did you mean 'title'?" in e for e in errors)
    assert any("missing required field 'title'" in e for e in errors)
    assert any(
        "topic 'alpa' is not listed under 'topics'; did you mean 'alpha'?" in e for e in errors
    )
    assert any(":5:5: duplicate id 'a' (first used on line 4)" in e for e in errors)


def test_a_bank_id_is_read_and_checked_where_it_is_written(write_bank: WriteBank) -> None:
    question = "questions:\n  - {id: q, topic: t, type: card, prompt: p, answer: x}\n"
    bank = load_bank(write_bank(f"title: T\nid: genai-vs-llm\n{question}"))
    assert bank.id == bank.key == "genai-vs-llm"
    assert load_bank(write_bank(f"title: T\n{question}")).key == "T"
    bad = write_bank(f"title: T\nid: my bank\n{question}")
    assert errors_of(bad) == [
        f"{bad}:2:5: the bank's 'id' 'my bank' may hold only letters A-Z and a-z, digits, "
        "'-', '_' and '.'"
    ]


def test_description_and_source_must_be_text(write_bank: WriteBank) -> None:
    path = write_bank("""\
        title: T
        description: [a, b]
        source: {x: y}
        questions:
          - {id: q, topic: t, type: card, prompt: p, answer: x}
    """)
    assert errors_of(path) == [
        f"{path}:2:14: 'description' must be text, not a list",
        f"{path}:3:9: 'source' must be text, not a mapping",
    ]


def test_every_error_is_reported_sorted_and_located(write_bank: WriteBank) -> None:
    path = write_bank("""\
        title: T
        questions:
          - {id: a, topic: t, type: nope, prompt: p}
          - {id: b, topic: t, type: card, prompt: p}
          - {id: c, topic: t, type: truefalse, prompt: p, answer: maybe}
    """)
    errors = errors_of(path)
    assert len(errors) == 3
    lines = [int(e.split(":")[1]) for e in errors]
    assert lines == [3, 4, 5]
    assert all(e.startswith(f"{path}:") for e in errors)


def test_text_is_stripped_of_control_codes_and_bidi_overrides(write_bank: WriteBank) -> None:
    path = write_bank(
        one_question(
            "type: card\n"
            'prompt: "\\e[31mred\\e[0m \\u202Eevil\\u202C [bold]x[/]"\n'
            'answer: "a\\tb\\x07"'
        )
    )
    question = load_bank(path).questions[0]
    assert question.prompt == "[31mred[0m evil [bold]x[/]"
    assert question.answers == ("a b",)


@given(st.text())
@settings(max_examples=200)
def test_safe_text_never_leaves_a_control_character(text: str) -> None:
    cleaned = safe_text(text)
    assert all(ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0) for ch in cleaned)
    assert not set(cleaned) & {
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
    }


# Hostile files: tests/hostile/ and tests/test_hostile.py.


def test_file_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz.core.bank

    monkeypatch.setattr(quiz.core.bank, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: x\n" * 50)
    [error] = errors_of(path)
    assert "a bank may be at most" in error


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_arbitrary_bytes_load_or_fail_with_located_errors(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            load_bank(path)
        except BankErrors as exc:
            assert exc.errors
            assert all(str(e).startswith(f"{path}:") for e in exc.errors)


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_control_character_is_placed_in_characters_not_bytes(tmp_path: Path, bom: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(f"{bom}title: Été \x07\n", encoding="utf-8")
    assert errors_of(path) == [f"{path}:1:12: control character U+0007 is not allowed in a bank"]
