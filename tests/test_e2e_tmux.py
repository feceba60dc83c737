"""End to end, in a real terminal: the installed `quiz` driven through tmux at 80x24."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from quiz.tui.screens.question import TYPE_HINTS

QUIZ = shutil.which("quiz")
TMUX = shutil.which("tmux")
if os.environ.get("CI") and not (QUIZ and TMUX):
    raise RuntimeError("CI must run the end-to-end test: install quiz and tmux first")
pytestmark = pytest.mark.skipif(not (QUIZ and TMUX), reason="needs tmux and an installed quiz")

# Keys that answer each kind of question (rightly or not: the test is about the flow).
ANSWER_KEYS = {
    "choice": ["1"],
    "multi": ["1", "Enter"],
    "truefalse": ["t"],
    "short": ["-l", "an answer", ";", "Enter"],
    "cloze": ["-l", "word", ";", "Enter"],
    "card": ["Space", "3"],
}


class Terminal:
    """One tmux server of its own, with one 80x24 window."""

    def __init__(self) -> None:
        self.socket = f"quiz-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert TMUX
        return subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "quiz", command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "quiz").stdout

    def send(self, *keys: str) -> None:
        literal: list[str] = []
        for key in keys:  # "-l", "text", ";" sends text literally
            if key == "-l":
                literal = ["-l"]
            elif key == ";":
                literal = []
            else:
                self.tmux("send-keys", "-t", "quiz", *literal, key)

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"none of {texts} appeared; the screen shows:\n{self.screen()}")

    def wait_until_closed(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.tmux("has-session", "-t", "quiz").returncode == 0:
            assert time.monotonic() < deadline, self.screen()
            time.sleep(0.1)

    def kill(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal() -> Terminal:
    term = Terminal()
    yield term
    term.kill()


def test_study_quit_relaunch_and_see_the_scores(terminal: Terminal, tmp_path: Path) -> None:
    assert QUIZ
    env = (
        f"QUIZ_DATA_DIR={shlex.quote(str(tmp_path / 'data'))} "
        f"QUIZ_CACHE_DIR={shlex.quote(str(tmp_path / 'cache'))}"
    )
    command = f"env {env} {shlex.quote(QUIZ)} --seed 5 --count 3 --profile ana"
    terminal.start(command)
    home = terminal.wait_for("Profile: ana")
    assert "Generative AI vs. LLMs" in home and "0 answers" not in home
    terminal.send("Enter")
    for number in range(1, 4):
        screen = terminal.wait_for(f"Question {number} of 3")
        kind = next(k for k, hint in TYPE_HINTS.items() if hint[:30] in screen)
        time.sleep(0.6)  # a person reads the question before answering
        terminal.send(*ANSWER_KEYS[kind])
        feedback = terminal.wait_for("Enter: next")
        assert "✓" in feedback or "✗" in feedback
        terminal.send("Enter", "Enter")  # a double press must not answer the next question
    summary = terminal.wait_for("Score:")
    assert "of 3 right" in summary
    terminal.send("C-q")
    terminal.wait_until_closed()
    # Exactly the three answers given were stored: the second Enters answered nothing.
    with sqlite3.connect(tmp_path / "data" / "progress.db") as db:
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 3

    terminal.start(command)
    home = terminal.wait_for("3 answers")  # the scores of the first run, read back
    assert "Profile: ana" in home
    assert "just now" in home
    terminal.send("C-q")
    terminal.wait_until_closed()


def child_of(parent: int) -> int:
    """The process the shell `parent` started (read from /proc: no procps needed)."""
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                return int(stat_file.parent.name)
    raise AssertionError(f"process {parent} has no child")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_exam_and_gives_the_terminal_back(
    terminal: Terminal, tmp_path: Path, signum: int
) -> None:
    assert QUIZ
    env = (
        f"QUIZ_DATA_DIR={shlex.quote(str(tmp_path / 'data'))} "
        f"QUIZ_CACHE_DIR={shlex.quote(str(tmp_path / 'cache'))} "
        f"QUIZ_CONFIG_DIR={shlex.quote(str(tmp_path / 'config'))}"
    )
    status = tmp_path / "status"
    quiz = f"env {env} {shlex.quote(QUIZ)} --seed 3 --mode exam --count 3 --profile ana"
    # The shell stays after quiz, so the terminal's state can be read once quiz is gone.
    terminal.start(f"sh -c '{quiz}; echo $? > {shlex.quote(str(status))}; sleep 60'")
    terminal.wait_for("Question 1 of 3")
    flags = "#{alternate_on} #{mouse_any_flag} #{cursor_flag}"
    assert terminal.tmux("display", "-p", "-t", "quiz", flags).stdout.split() == ["1", "1", "0"]
    pid = int(terminal.tmux("display", "-p", "-t", "quiz", "#{pane_pid}").stdout)
    os.kill(child_of(pid), signum)
    deadline = time.monotonic() + 20
    while not status.exists():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.1)
    assert status.read_text().strip() == str(128 + signum)
    # Alternate screen off, mouse reporting off, cursor shown: the terminal as it was.
    assert terminal.tmux("display", "-p", "-t", "quiz", flags).stdout.split() == ["0", "0", "1"]
    with sqlite3.connect(tmp_path / "data" / "progress.db") as db:
        recorded, unanswered = db.execute(
            "SELECT COUNT(*), SUM(unanswered) FROM answers"
        ).fetchone()
        [ended] = db.execute("SELECT ended FROM sessions").fetchone()
    assert (recorded, unanswered) == (3, 3) and ended is not None


def test_a_closed_terminal_ends_quiz_with_its_answers_saved(tmp_path: Path) -> None:
    """The terminal itself goes away (its window closed), right as quiz draws or in an
    exam: quiz hears SIGHUP with nowhere to restore the screen to, and must still end, what
    it had saved kept, never hang."""
    assert QUIZ
    env = (
        f"QUIZ_DATA_DIR={shlex.quote(str(tmp_path / 'data'))} "
        f"QUIZ_CACHE_DIR={shlex.quote(str(tmp_path / 'cache'))} "
        f"QUIZ_CONFIG_DIR={shlex.quote(str(tmp_path / 'config'))}"
    )
    pids = []
    for kind in ["home"] * 5 + ["exam"]:
        terminal = Terminal()
        if kind == "home":  # closed as the first frame appears, while quiz still draws
            terminal.start(f"exec env {env} {shlex.quote(QUIZ)} --profile ana")
            terminal.wait_for("Application scenarios")
        else:
            exam = "--seed 3 --mode exam --count 3 --profile ana"
            terminal.start(f"exec env {env} {shlex.quote(QUIZ)} {exam}")
            terminal.wait_for("Question 1 of 3")
        pids.append(int(terminal.tmux("display", "-p", "-t", "quiz", "#{pane_pid}").stdout))
        terminal.kill()
    deadline = time.monotonic() + 20
    for pid in pids:
        while (
            Path(f"/proc/{pid}/cmdline").exists()
            and b"quiz" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ):
            assert time.monotonic() < deadline, "quiz is still running with no terminal"
            time.sleep(0.1)
    with sqlite3.connect(tmp_path / "data" / "progress.db") as db:
        [(recorded, ended)] = db.execute(
            "SELECT COUNT(*), (SELECT ended FROM sessions) FROM answers"
        ).fetchall()
    assert recorded == 3 and ended is not None  # the exam's three, unanswered
