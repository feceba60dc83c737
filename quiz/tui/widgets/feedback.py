"""What the learner sees right after answering: right or wrong, the answer, and why.

One widget, not one per row: its verdict class (the border's colour) then restyles a single
node, which keeps the verdict within a frame. The rows are a two-column grid, so a value that
wraps lines up under itself, not at the box's edge. Bank text is plain `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from quiz.core.bank import Question
from quiz.core.grading import CARD_GRADES, Diff, Grade
from quiz.core.session import Result

ROWS = {
    "given": "Your answer",
    "expected": "Answer",
    "choices": "Choices",
    "pairs": "Pairs",
    "review": "Review",
    "source": "Source",
}
Rows = dict[str, Text | Table]  # a row's name -> its value
MARKS = {"right": "✓", "wrong": "✗", "missed": "○", "unpicked": " "}
RATED = {
    1: "Wrong: Again",
    2: "Right, slowly: Hard",
    3: "Right: Good",
    4: "Right, quickly: Easy",
}


def _runs(runs: tuple[tuple[str, bool], ...]) -> list[str | tuple[str, str]]:
    """Matching letters plain; differing ones underlined and reversed, so not by colour alone."""
    return [text if same else (text, "bold underline reverse") for text, same in runs]


def mark(grade: Grade) -> str:
    """✓ right, ◐ partly right (multi, cloze), ✗ wrong."""
    return "✓" if grade.correct else "◐" if grade.score > 0 else "✗"


def labelled(rows: Rows, labels: dict[str, str]) -> Table:
    """The rows present, in the order of `labels`, each label beside its value: a value that
    wraps lines up under itself, not under its label."""
    grid = Table.grid(padding=(0, 0, 0, 2))
    grid.add_column(width=max(map(len, labels.values())), no_wrap=True)
    grid.add_column(ratio=1)
    for name, label in labels.items():
        if name in rows:
            grid.add_row(Text(label, style="dim"), rows[name])
    return grid


def verdict(question: Question, result: Result) -> Text:
    grade = result.grade
    if question.type == "card":  # a card's score is 0 or 1: never partly right
        return Text(f"{mark(grade)} You graded it: {grade.given}", style="bold")
    if result.overridden:
        return Text.assemble(("✓ Right", "bold"), " (you said you were right)")
    if grade.correct:
        return Text.assemble(("✓ Right", "bold"), " (accepted with a small typo)" * grade.typo)
    if grade.score > 0:
        partly = f"{mark(grade)} Partly right"
        return Text.assemble((partly, "bold"), f" · score {grade.score:.0%}")
    return Text(f"{mark(grade)} Wrong", style="bold")


def _blank_lines(values: Sequence[str], diffs: dict[str, Diff], given: bool) -> Text:
    """One line per cloze blank, "(n) text", with the letter-by-letter diff where close."""
    parts: list[str | tuple[str, str]] = []
    for n, value in enumerate(values, 1):
        diff = diffs.get(f"blank ({n})")
        parts += [
            ("\n" if n > 1 else "") + f"({n}) ",
            *(_runs(diff.given if given else diff.expected) if diff else [value]),
        ]
    return Text.assemble(*parts)


def answer_rows(question: Question, grade: Grade, shown: Sequence[str]) -> Rows:
    """The "Your answer", "Answer" and "Choices" rows, each answer shown once."""
    rows: Rows
    if question.type == "card":
        return {"expected": Text(grade.expected)}
    if question.type == "multi":  # each option marked, its text wrapping under itself
        marks = dict(grade.marks)
        options = Table.grid()
        options.add_column(no_wrap=True)
        options.add_column(ratio=1)
        for number, choice in enumerate(shown or question.choices, 1):
            mark = marks.get(choice, "unpicked")
            missed = "  (missed)" if mark == "missed" else ""
            options.add_row(f"{MARKS[mark]} {number}. ", Text(choice + missed))
        return {"choices": options}
    if question.type == "match":  # each left item: what was chosen, and what is right
        rights = dict(question.pairs)
        pairs = Table.grid()
        pairs.add_column(no_wrap=True)
        pairs.add_column(ratio=1)
        for left, chosen in grade.matched:
            right = rights[left]
            fix = "" if chosen == right else f"  (right: {right})"
            pairs.add_row(
                f"{'✓' if chosen == right else '✗'} ", Text(f"{left} → {chosen or '—'}{fix}")
            )
        return {"pairs": pairs}
    if question.type == "cloze":
        diffs = {d.label: d for d in grade.diffs}
        rows = {"expected": _blank_lines([b[0] for b in question.blanks], diffs, given=False)}
        if not grade.correct or grade.typo:
            rows["given"] = _blank_lines(grade.given.split(" / "), diffs, given=True)
        return rows
    if grade.diffs:  # a near miss: the two texts once, letter by letter
        diff = grade.diffs[0]
        expected = Text.assemble(*_runs(diff.expected))
        if expected.plain != grade.expected:  # the nearest was another accepted answer
            expected.append_text(Text.assemble(("  (or: ", "dim"), grade.expected, (")", "dim")))
        return {"given": Text.assemble(*_runs(diff.given)), "expected": expected}
    rows = {"expected": Text(grade.expected, style="bold")}
    if not grade.correct:
        rows["given"] = Text(grade.given or "(no answer)")
    return rows


def review_line(result: Result, now: float) -> Text | None:
    """Review: the rating the answer gave and when the card comes back."""
    if result.rating is None or result.due is None:
        return None
    if result.question.type == "card":
        rated = CARD_GRADES[result.rating - 1]
    else:
        rated = RATED[result.rating]
    return Text(f"{rated} · next {until(result.due - now)}")


def until(seconds: float) -> str:
    """'in 10 min', 'in 3 hours', 'tomorrow', 'in 9 days', 'in 4 months'."""
    if seconds < 90:
        return "in 1 min" if seconds > 0 else "now"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    days = round(seconds / 86400)
    if days <= 1:
        return "tomorrow"
    if days < 60:
        return f"in {days} days"
    return f"in {round(days / 30)} months"


def feedback_content(result: Result, shown: Sequence[str], now: float, keys: str) -> Group:
    """The verdict on `result`; `shown` is the choices in the order they were shown."""
    question = result.question
    rows = answer_rows(question, result.grade, shown)
    if (schedule := review_line(result, now)) is not None:
        rows["review"] = schedule
    if question.ref:
        rows["source"] = Text(question.ref)
    if result.overridden and "given" not in rows:  # what was overruled stays in view
        rows["given"] = Text(result.grade.given)
    parts: list[Table | Text] = [verdict(question, result), labelled(rows, ROWS)]
    if question.explanation:
        parts += [Text(), Text(question.explanation)]
    parts += [Text(), Text(keys, style="dim")]
    return Group(*parts)


class Feedback(Static, can_focus=True):
    """The verdict on one answer; focused so that Enter moves on."""

    def __init__(self) -> None:
        super().__init__(id="feedback")
        self.display = False

    def show(self, result: Result, shown: Sequence[str], now: float, keys: str) -> None:
        self.update(feedback_content(result, shown, now, keys))
        verdict_class = "right" if result.grade.correct or result.overridden else "wrong"
        if not self.has_class(verdict_class):
            self.set_classes(verdict_class)
        self.display = True
