"""Odd invocations a shell makes easy: closed or full streams, a reader that stops early, no
terminal. Each gets one clear line or a quiet exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SHIPPED_BANK

QUIZ = [sys.executable, "-m", "quiz"]


def run(args: list[str], tmp_path: Path, **options: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUIZ_DATA_DIR": str(tmp_path / "data")}
    env["QUIZ_CACHE_DIR"] = str(tmp_path / "cache")
    env["QUIZ_CONFIG_DIR"] = str(tmp_path / "config")
    options.setdefault("stdout", subprocess.PIPE)
    result = subprocess.run(
        [*QUIZ, *args], stderr=subprocess.PIPE, text=True, timeout=60, env=env, **options
    )  # type: ignore[call-overload]
    assert "Traceback" not in result.stderr
    assert not result.stderr.rstrip().endswith("None")
    return result  # type: ignore[no-any-return]


def test_stats_with_standard_output_closed(tmp_path: Path) -> None:
    result = run(["stats"], tmp_path, stdout=subprocess.DEVNULL)
    assert result.returncode == 0  # an open /dev/null is fine...
    closed = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m quiz stats >&-"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QUIZ_DATA_DIR": str(tmp_path / "data")},
    )
    assert closed.returncode == 1  # ...a closed one is said, once
    assert (
        closed.stderr.strip() == "quiz: standard output is closed; nothing to write the report to"
    )


def test_a_full_disk_for_the_output(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = run(["stats"], tmp_path, stdout=full)
    assert result.returncode == 1
    assert result.stderr.strip() == "quiz: No space left on device"


def test_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*QUIZ, "validate", *[str(SHIPPED_BANK)] * 2000],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert errors == ""


def test_reset_with_standard_input_closed_does_nothing_and_says_so(tmp_path: Path) -> None:
    run(["validate", str(SHIPPED_BANK)], tmp_path)
    from quiz.core.bank import shipped_bank_path
    from quiz.core.session import answer_for
    from quiz.formats.yaml_bank import load_bank
    from quiz.store.sqlite import SQLiteStore

    store = SQLiteStore.open(tmp_path / "data")
    bank = load_bank(shipped_bank_path())
    session = store.start_session("ana", bank.title, "practice", None)
    store.record(session, answer_for(bank.questions[0], "x", False, 1.0))
    store.close()
    result = run(["reset", "--profile", "ana"], tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "use --yes" in result.stdout and "Nothing removed." in result.stdout


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, None])
def test_the_app_without_a_terminal_says_so(tmp_path: Path, stdin: object) -> None:
    result = run([], tmp_path, stdin=stdin)
    assert result.returncode == 2
    assert "the app needs a terminal" in result.stderr


def test_a_profile_name_cannot_write_to_the_terminal(tmp_path: Path) -> None:
    result = run(["stats", "--profile", "\x1b]52;c;ZXZpbA==\x07ana\nfake line", "--csv"], tmp_path)
    assert result.returncode == 1  # no such profile, and it says so
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "profile ']52;c;ZXZpbA==ana fake line'" in result.stderr  # shown as text, one line
