"""Every hostile bank in tests/hostile/ gets one clear answer from `quiz validate`, run as a
user would run it: a located message and exit 1 (or a summary and exit 0 for the valid ones
a naive check refused), never a traceback or a signal, within time and memory limits."""

from __future__ import annotations

import os
import re
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "hostile"
MEMORY_LIMIT = 2 * 2**30

# file -> (exit status, what stderr or stdout must say)
EXPECTED: dict[str, tuple[int, str]] = {
    # Where a flow is refused depends on libyaml: quiz counts 500 levels, the libyaml in
    # PyYAML 6.0.4's wheels scans ahead and refuses 1,000 itself. Either way, line 2 or 3.
    "deep-flow.yaml": (1, ".yaml:2:"),
    "deep-flow-after-closers-in-a-comment.yaml": (1, ".yaml:3:"),
    "deep-flow-after-closers-in-a-string.yaml": (1, ".yaml:2:"),
    "deep-block.yaml": (1, "nested more than 500 levels deep"),
    "deep-compact-block.yaml": (1, ":3:1001: nested more than 500 levels deep"),
    "valid-brackets-in-strings.yaml": (0, "questions  252"),
    "valid-dashes-in-a-block-scalar.yaml": (0, ": OK"),
    "valid-deep-indent-in-a-block-scalar.yaml": (0, ": OK"),
    "valid-tab-in-a-literal-block.yaml": (0, ": OK"),
    "valid-blank-line-with-a-tab.yaml": (0, ": OK"),
    "valid-line-separators.yaml": (0, "title      x y"),
    "line-separator-then-an-error.yaml": (1, ":3:57: unknown field 'colour'"),
    "nel-in-a-comment.yaml": (1, ":3:5: missing required field 'answer'"),
    "answer-tilde.yaml": (1, ":3:55: 'answer' is empty"),
    "answer-null.yaml": (1, ":3:55: 'answer' is empty"),
    "many-topics.yaml": (1, "did you mean 'topic00000'?"),
    "escape-in-a-key.yaml": (1, "unknown field '[31m x.yaml:1:1: ok'"),
    "cloze-too-many-blanks.yaml": (1, ":3:44: a cloze has 100 blanks; at most 20"),
    "cloze-nested-braces.yaml": (1, ":3:44: a cloze blank is {{answer}}"),
    "cloze-triple-braces.yaml": (1, ":3:44: a cloze blank is {{answer}}"),
    "topic-with-a-comma.yaml": (1, ":3:20: a topic id cannot contain ','"),
    "alias-bomb.yaml": (1, ":1:4: YAML anchor 'a'"),
    "self-reference.yaml": (1, ":2:12: YAML anchor 'q'"),
    "huge-string.yaml": (1, "'prompt' is 25,000 characters"),
    "not-utf8.yaml": (1, ":1:11: the file is not UTF-8"),
    "tab-indentation.yaml": (1, ":3:1: a tab here"),
    "duplicate-key.yaml": (1, ":2:1: duplicate key 'title'"),
    "several-documents.yaml": (1, ":2:1: a second YAML document"),
    "empty.yaml": (1, ":1:1: the file is empty"),
    "only-a-comment.yaml": (1, ":1:1: the file is empty"),
    "top-level-text.yaml": (1, ":1:1: a bank must be a mapping"),
    "top-level-list.yaml": (1, ":1:1: a bank must be a mapping"),
    "raw-control-character.yaml": (1, ":1:9: control character U+001B"),
    "broken-syntax.yaml": (1, "invalid YAML"),
}


def limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate(path: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard; each file takes well under a second or two
        preexec_fn=limits,
    )


def test_every_hostile_file_is_listed() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_bank_gets_one_clear_answer(name: str) -> None:
    status, wanted = EXPECTED[name]
    result = validate(HOSTILE / name)
    output = result.stdout + result.stderr
    assert result.returncode == status, output  # a signal would be negative
    assert wanted in output, output
    assert "Traceback" not in output
    assert "\x1b" not in output  # nothing reaches the terminal as a command
    if status:
        assert re.search(rf"{re.escape(name)}:\d+:\d+: ", result.stderr), result.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, special: str) -> None:
    path: Path | str = special
    if special == "fifo":
        path = tmp_path / "bank.yaml"
        os.mkfifo(path)  # no writer: reading it would wait forever
        assert stat.S_ISFIFO(path.stat().st_mode)
    elif special == "folder":
        path = tmp_path
    result = validate(path)
    assert result.returncode in (1, 2), result.stderr
    assert "not a regular file" in result.stderr or "is a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_name_cannot_write_to_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "\x1b]0;pwned\x07\nfake.yaml:1:1: fine"
    path.write_text("title: x\n")
    result = validate(path)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert all(line.startswith(str(tmp_path)) for line in result.stderr.splitlines()[:-1])


def test_the_same_bank_loads_the_same_with_and_without_libyaml(tmp_path: Path) -> None:
    """`answer: ~` is the same located error whichever YAML parser reads it."""
    from quiz.core.bank import BankErrors
    from quiz.formats import yaml_bank as loader

    outcomes = []
    for parser in ("CBaseLoader", "BaseLoader"):
        original = loader._Loader
        loader._Loader = getattr(loader.yaml, parser)
        try:
            with pytest.raises(BankErrors) as caught:
                loader.load_bank(HOSTILE / "answer-tilde.yaml")
            outcomes.append([e.message for e in caught.value.errors])
        finally:
            loader._Loader = original
    assert outcomes[0] == outcomes[1] == ["'answer' is empty"]
