"""What the learner sees right after answering: right or wrong, the answer, and why.

The rows are always there and only filled in and shown, so the verdict reaches the screen in
the next frame. Each row is a label and a value side by side, so wrapped text lines up under
its value, not at the box's edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from quiz.bank import Question
from quiz.grading import CARD_GRADES, Diff, Grade
from quiz.session import Result

Runs = list[str | tuple[str, str]]
ROWS = {
    "given": "Your answer",
    "expected": "Answer",
    "choices": "Choices",
    "review": "Review",
    "source": "Source",
}
MARKS = {"right": "✓", "wrong": "✗", "missed": "○", "unpicked": " "}
RATED = {
    1: "Wrong: Again",
    2: "Right, slowly: Hard",
    3: "Right: Good",
    4: "Right, quickly: Easy",
}


def _runs(runs: tuple[tuple[str, bool], ...]) -> Runs:
    """Matching letters plain; differing ones underlined and reversed, so not by colour alone."""
    return [text if same else (text, "bold underline reverse") for text, same in runs]


def verdict(question: Question, result: Result) -> Content:
    grade = result.grade
    if question.type == "card":
        mark = "✓" if grade.correct else "✗"
        return Content.assemble((f"{mark} You graded it: {grade.given}", "bold"))
    if result.overridden:
        return Content.assemble(("✓ Right", "bold"), " (you said you were right)")
    if grade.correct:
        typo = " (accepted with a small typo)" if grade.typo else ""
        return Content.assemble(("✓ Right", "bold"), typo)
    if grade.score > 0:
        return Content.assemble(("◐ Partly right", "bold"), f" · score {grade.score:.0%}")
    return Content.assemble(("✗ Wrong", "bold"))


def _blank_lines(values: Sequence[str], diffs: dict[str, Diff], given: bool) -> Content:
    """One line per cloze blank, "(n) text", with the letter-by-letter diff where close."""
    parts: Runs = []
    for n, value in enumerate(values, 1):
        diff = diffs.get(f"blank ({n})")
        parts += [
            ("\n" if n > 1 else "") + f"({n}) ",
            *(_runs(diff.given if given else diff.expected) if diff else [value]),
        ]
    return Content.assemble(*parts)


def answer_rows(question: Question, grade: Grade, shown: Sequence[str]) -> dict[str, Content]:
    """The "Your answer", "Answer" and "Choices" rows, each shown once."""
    if question.type == "card":
        return {"expected": Content(grade.expected)}
    if question.type == "multi":
        marks = dict(grade.marks)
        lines = []
        for number, choice in enumerate(shown, 1):
            mark = marks.get(choice, "unpicked")
            missed = "  (missed)" if mark == "missed" else ""
            lines.append(f"{MARKS[mark]} {number}. {choice}{missed}")
        return {"choices": Content("\n".join(lines))}
    if question.type == "cloze":
        diffs = {d.label: d for d in grade.diffs}
        rows = {"expected": _blank_lines([b[0] for b in question.blanks], diffs, given=False)}
        if not grade.correct or grade.typo:
            rows["given"] = _blank_lines(grade.given.split(" / "), diffs, given=True)
        return rows
    if grade.diffs:  # a near miss: the two texts once, letter by letter
        diff = grade.diffs[0]
        expected = Content.assemble(*_runs(diff.expected))
        if "".join(text for text, _ in diff.expected) != grade.expected:
            expected = Content.assemble(expected, ("  (or: ", "dim"), grade.expected, (")", "dim"))
        return {"given": Content.assemble(*_runs(diff.given)), "expected": expected}
    rows = {"expected": Content.styled(grade.expected, "bold")}
    if not grade.correct:
        rows["given"] = Content(grade.given or "(no answer)")
    return rows


def review_line(result: Result, now: float) -> Content | None:
    """Review: the rating the answer gave and when the card comes back."""
    if result.rating is None or result.due is None:
        return None
    rated = (
        RATED[result.rating] if result.question.type != "card" else CARD_GRADES[result.rating - 1]
    )
    return Content(f"{rated} · next {until(result.due - now)}")


def until(seconds: float) -> str:
    """'in 10 min', 'in 3 hours', 'tomorrow', 'in 9 days', 'in 4 months'."""
    if seconds < 90:
        return "in 1 min" if seconds > 0 else "now"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    days = round(timedelta(seconds=seconds) / timedelta(days=1))
    if days <= 1:
        return "tomorrow"
    if days < 60:
        return f"in {days} days"
    return f"in {round(days / 30)} months"


class Feedback(Vertical, can_focus=True):
    """The verdict on one answer; focused so that Enter moves on."""

    def __init__(self) -> None:
        super().__init__(id="feedback")
        self.display = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="feedback-top"):
            yield Static(id="verdict")
            yield Label(id="feedback-keys")
        for name, label in ROWS.items():
            with Horizontal(id=f"row-{name}", classes="field"):
                yield Label(label, classes="field-name")
                yield Static(classes="field-value", markup=False)
        yield Static(id="explanation", markup=False)

    def show(self, result: Result, shown: Sequence[str], now: float, keys: str) -> None:
        """Fill in the verdict on `result`; `shown` is the choices in the order shown."""
        question, grade = result.question, result.grade
        rows = answer_rows(question, grade, shown)
        if (schedule := review_line(result, now)) is not None:
            rows["review"] = schedule
        if question.ref:
            rows["source"] = Content(question.ref)
        self.query_one("#verdict", Static).update(verdict(question, result))
        for name in ROWS:
            row = self.query_one(f"#row-{name}")
            row.display = name in rows
            if name in rows:
                row.query_one(".field-value", Static).update(rows[name])
        explanation = self.query_one("#explanation", Static)
        explanation.update(question.explanation)
        explanation.display = bool(question.explanation)
        self.query_one("#feedback-keys", Label).update(keys)
        right = grade.correct or result.overridden
        self.set_class(right, "right")
        self.set_class(not right, "wrong")
        self.display = True
