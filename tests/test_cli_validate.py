"""`quiz validate` through a real subprocess: exit codes, messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quiz.cli.main import main

from .conftest import SHIPPED_BANK


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_good_bank_prints_a_summary_and_exits_0() -> None:
    result = run("validate", str(SHIPPED_BANK))
    assert result.returncode == 0, result.stderr
    assert "Generative AI vs. LLMs" in result.stdout
    assert "questions  63" in result.stdout or "questions" in result.stdout
    for kind in ("choice", "multi", "truefalse", "short", "cloze", "card"):
        assert kind in result.stdout


def test_bad_bank_prints_every_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: x\nquestions:\n  - {id: a, topic: t, type: nope, prompt: p}\n"
        "  - {id: b, topic: t, type: card, prompt: p, explaination: e}\n"
    )
    result = run("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:3:" in result.stderr and f"{path}:4:" in result.stderr
    assert "did you mean 'explanation'?" in result.stderr
    assert "missing required field 'answer'" in result.stderr
    assert "3 errors" in result.stderr


def test_missing_file_and_folder_are_usage_errors(tmp_path: Path) -> None:
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    folder = run("validate", str(tmp_path))
    assert folder.returncode == 2
    assert "is a folder" in folder.stderr


def test_a_bad_bank_and_a_good_one_together(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("")
    result = run("validate", str(SHIPPED_BANK), str(bad))
    assert result.returncode == 1
    assert "OK" in result.stdout and "the file is empty" in result.stderr


def test_unreadable_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text("title: x\n")

    def refuse(*args: object) -> int:  # chmod would not do: the tests may run as root
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("quiz.core.bank.os.open", refuse)
    assert main(["validate", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_wrong_flag_is_a_usage_error() -> None:
    result = run("validate", "--frobnicate", str(SHIPPED_BANK))
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("quiz ")


@pytest.mark.parametrize("flag", ["--count", "--seed"])
def test_a_number_in_another_script_is_a_usage_error(flag: str) -> None:
    result = run(flag, "²")
    assert result.returncode == 2
    assert "expected a whole number" in result.stderr
