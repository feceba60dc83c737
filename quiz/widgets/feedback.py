"""What the learner sees right after answering: right or wrong, the answer, and why."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from quiz.bank import Question
from quiz.grading import Diff, Grade


def _runs(runs: tuple[tuple[str, bool], ...]) -> list[str | tuple[str, str]]:
    """Matching letters plain; differing ones underlined and reversed, so not by colour alone."""
    return [text if same else (text, "bold underline reverse") for text, same in runs]


def _diff_lines(diff: Diff) -> list[str | tuple[str, str]]:
    heading = [(f"In {diff.label}:\n", "dim")] if diff.label else []
    return [
        *heading,
        ("You wrote    ", "dim"), *_runs(diff.given), "\n",
        ("Expected     ", "dim"), *_runs(diff.expected), "\n",
    ]  # fmt: skip


def feedback_content(question: Question, result: Grade) -> Content:
    parts: list[str | tuple[str, str]] = []
    if question.type == "card":
        parts.append((f"{'✓' if result.correct else '✗'} You graded it: {result.given}", "bold"))
    elif result.correct:
        parts.append(("✓ Right", "bold"))
        if result.typo:
            parts.append(" (accepted with a small typo)")
    else:
        parts.append(("✗ Wrong", "bold"))
    parts.append("\n\n")
    if question.type != "card":
        if not result.correct:
            parts += [("Your answer  ", "dim"), result.given or "(no answer)", "\n"]
        parts += [("Answer       ", "dim"), (result.expected, "bold"), "\n"]
    for diff in result.diffs:
        parts += ["\n", *_diff_lines(diff)]
    if question.explanation:
        parts += ["\n", question.explanation, "\n"]
    if question.ref:
        parts += ["\n", ("Source: ", "dim"), question.ref, "\n"]
    parts.append(("\nEnter: next", "dim"))
    return Content.assemble(*parts)


class Feedback(Static, can_focus=True):
    """The verdict on one answer; focused so that Enter moves on."""

    def __init__(self) -> None:
        super().__init__(id="feedback")
        self.display = False

    def show(self, question: Question, result: Grade) -> None:
        self.update(feedback_content(question, result))
        self.set_class(result.correct, "right")
        self.set_class(not result.correct, "wrong")
        self.display = True
