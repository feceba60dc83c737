"""`quiz lint`: each rule finds its flaw at the right line, and stays quiet on a bank without
it; ignores per bank and per question; the command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from quiz.formats.lint import RULES, lint
from quiz.formats.yaml_bank import load_bank

WriteBank = Callable[[str], Path]
HEAD = "title: Lint\n"
GOOD = "explanation: Because.\n    ref: Section"


def q(line: str, good: str = GOOD) -> str:
    """One question in block style; `line` holds its fields after the id, ';'-separated."""
    fields = "\n    ".join(part.strip() for part in line.split(";"))
    return f"  - {fields}\n    {good}\n"


def bank_of(*questions: str, head: str = HEAD) -> str:
    return head + "questions:\n" + "".join(questions)


def choice(n: int, key: str, *others: str, prompt: str = "Which colour is the sky") -> str:
    choices = ", ".join([key, *others])
    return q(
        f"id: c{n}; topic: t; type: choice; prompt: {prompt} {n}?; choices: [{choices}];"
        f" answer: {key}"
    )


def tf(n: int, answer: str, prompt: str = "The sky is blue") -> str:
    return q(
        f"id: tf{n}; topic: t; type: truefalse; prompt: {prompt} in case {n}.; answer: {answer}"
    )


def multi(n: int, right: list[str], wrong: list[str]) -> str:
    return q(
        f"id: m{n}; topic: t; type: multi; prompt: Pick the primary colours {n}; "
        f"choices: [{', '.join(right + wrong)}]; answer: [{', '.join(right)}]"
    )


def rules_found(write_bank: WriteBank, text: str, rule: str) -> list[int]:
    return [f.line for f in lint(load_bank(write_bank(text))) if f.rule == rule]


COLOURS = ["Red", "Green", "Blue", "Yellow", "Purple"]

CASES: dict[str, tuple[str, str, int]] = {
    # rule: (a bank with the flaw, the same bank without it, the line of the first finding)
    "answer-leak": (
        bank_of(
            q(
                "id: s1; topic: t; type: short; prompt: What does GAN stand for?; "
                "answer: Generative Adversarial Network"
            ),
            q(
                "id: s2; topic: t; type: card; prompt: Generative Adversarial Network models make what?; "
                "answer: Images"
            ),
        ),
        bank_of(
            q(
                "id: s1; topic: t; type: short; prompt: What does GAN stand for?; "
                "answer: Generative Adversarial Network"
            ),
            q("id: s2; topic: t; type: card; prompt: What do GANs make?; answer: Images"),
        ),
        10,
    ),
    "longest-is-right": (
        bank_of(
            *(choice(n, "A very much longer right answer", "Short", "Brief") for n in range(6))
        ),
        bank_of(
            *(choice(n, "Right one", "A distractor as long as any", "Brief") for n in range(6))
        ),
        3,
    ),
    "key-position": (
        bank_of(
            *(
                choice(n, "Blue", "Red", "Green").replace(
                    "answer: Blue", "answer: Blue\n    shuffle: false"
                )
                for n in range(6)
            )
        ),
        bank_of(*(choice(n, "Blue", "Red", "Green") for n in range(6))),
        3,
    ),
    "multi-pattern": (
        bank_of(*(multi(n, COLOURS[: n % 2 + 1], COLOURS[2:4]) for n in range(4))),
        bank_of(*(multi(n, COLOURS[: n % 2 + 1], COLOURS[2 : 3 + n % 3]) for n in range(4))),
        3,
    ),
    "truefalse-balance": (
        bank_of(*(tf(n, "true") for n in range(6))),
        bank_of(*(tf(n, "true" if n % 2 else "false") for n in range(6))),
        3,
    ),
    "truefalse-cue": (
        bank_of(tf(0, "false", "The sky is always blue"), tf(1, "true")),
        bank_of(tf(0, "false", "The sky is green"), tf(1, "true")),
        3,
    ),
    "all-of-the-above": (
        bank_of(choice(0, "All of the above", "Red", "Green")),
        bank_of(choice(0, "Blue", "Red", "Green")),
        3,
    ),
    "none-of-the-above": (
        bank_of(choice(0, "Blue", "Red", "None of the above")),
        bank_of(choice(0, "Blue", "Red", "Green")),
        3,
    ),
    "negative-stem": (
        bank_of(choice(0, "Blue", "Red", "Green", prompt="Which colour is not the sky")),
        bank_of(choice(0, "Blue", "Red", "Green", prompt="Which colour is NOT the sky")),
        3,
    ),
    "implausible-distractor": (
        bank_of(choice(0, "Blue", "Red", "1988")),
        bank_of(choice(0, "Blue", "Red", "Green")),
        3,
    ),
    "implausible-distractor/odd-one-out": (
        bank_of(
            choice(
                0,
                "Sky blue colour",
                "Sky grey colour",
                "Air traffic control systems",
                prompt="Which sky colour",
            )
        ),
        bank_of(
            choice(
                0,
                "Sky blue colour",
                "Sky grey colour",
                "Deep night colour tones",
                prompt="Which sky colour",
            )
        ),
        3,
    ),
    "near-duplicate": (
        bank_of(
            choice(0, "Blue", "Red", "Green"), choice(0, "Blue", "Red", "Green").replace("c0", "c1")
        ),
        bank_of(choice(0, "Blue", "Red", "Green"), tf(1, "true")),
        11,
    ),
    "wide-tolerance": (
        bank_of(q("id: n; topic: t; type: numeric; prompt: How far?; answer: 10; tolerance: 5")),
        bank_of(q("id: n; topic: t; type: numeric; prompt: How far?; answer: 10; tolerance: 1")),
        3,
    ),
    "match-giveaway": (
        bank_of(
            q(
                "id: m; topic: t; type: match; prompt: Match.; pairs: [{red apple: apple}, {sky: blue}]"
            )
        ),
        bank_of(
            q(
                "id: m; topic: t; type: match; prompt: Match.; pairs: [{red apple: fruit}, {sky: blue}]"
            )
        ),
        3,
    ),
    "short-ambiguous": (
        bank_of(q("id: s; topic: t; type: short; prompt: What is the sky?; answer: blue")),
        bank_of(
            q(
                "id: s; topic: t; type: short; prompt: What is the sky?; answer: blue; accept: [azure]"
            )
        ),
        3,
    ),
    "missing-explanation": (
        bank_of(
            q("id: s; topic: t; type: short; prompt: Sky colour?; answer: azure", "ref: Section")
        ),
        bank_of(q("id: s; topic: t; type: short; prompt: Sky colour?; answer: azure")),
        3,
    ),
    "missing-ref": (
        bank_of(
            q(
                "id: s; topic: t; type: short; prompt: Sky colour?; answer: azure",
                "explanation: Why.",
            )
        ),
        bank_of(q("id: s; topic: t; type: short; prompt: Sky colour?; answer: azure")),
        3,
    ),
}


def test_every_rule_has_its_case() -> None:
    assert {case.split("/")[0] for case in CASES} == set(RULES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rule_finds_its_flaw_at_its_line(write_bank: WriteBank, case: str) -> None:
    flawed, clean, line = CASES[case]
    rule = case.split("/")[0]
    found = rules_found(write_bank, flawed, rule)
    assert found and found[0] == line, found
    assert rules_found(write_bank, clean, rule) == []


def test_a_stop_word_blank_is_ambiguous(write_bank: WriteBank) -> None:
    text = bank_of(q('id: z; topic: t; type: cloze; prompt: "LLMs {{are}} models."'))
    assert rules_found(write_bank, text, "short-ambiguous") == [3]


def test_rules_are_switched_off_per_bank_and_per_question(write_bank: WriteBank) -> None:
    flawed = CASES["none-of-the-above"][0]
    per_bank = flawed.replace(HEAD, HEAD + "lint: {ignore: [none-of-the-above]}\n")
    assert rules_found(write_bank, per_bank, "none-of-the-above") == []
    per_question = flawed.replace(
        "answer: Blue", "answer: Blue\n    lint: {ignore: [none-of-the-above]}"
    )
    assert rules_found(write_bank, per_question, "none-of-the-above") == []


def test_an_unknown_rule_in_an_ignore_list_is_a_located_error(write_bank: WriteBank) -> None:
    from quiz.core.bank import BankErrors

    text = CASES["none-of-the-above"][0].replace(
        HEAD, HEAD + "lint: {ignore: [none-of-the-abov]}\n"
    )
    with pytest.raises(BankErrors) as caught:
        load_bank(write_bank(text))
    [error] = caught.value.errors
    assert error.line == 2 and "did you mean 'none-of-the-above'" in error.message


def test_the_command_line(write_bank: WriteBank) -> None:
    path = write_bank(CASES["negative-stem"][0])
    run = [sys.executable, "-m", "quiz", "lint"]
    result = subprocess.run([*run, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert f"{path}:3:5: warning: 'not' in the stem" in result.stdout
    assert result.stdout.rstrip().endswith("[negative-stem]")
    strict = subprocess.run(
        [*run, "--strict", str(path)], capture_output=True, text=True, timeout=60
    )
    assert strict.returncode == 1
    rules = subprocess.run([*run, "--rules"], capture_output=True, text=True, timeout=60)
    assert all(rule in rules.stdout for rule in RULES)
