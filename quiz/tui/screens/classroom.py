"""Class: everyone's results in this bank, for a teacher at the shared database.

Three tabs: the students (one row each, a column per topic), the exams (each with the spread
of its scores and a histogram), and the item analysis of the exam chosen there, with the
flags a teacher acts on. The figures are those of `quiz report` (see quiz.reports).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Sparkline, Static, TabbedContent, TabPane

from quiz.core.study import Study
from quiz.reports.classroom import ClassResults, Tally, class_results, tally_text
from quiz.reports.exam_tables import exam_name
from quiz.reports.exams import ItemReport, spread_range
from quiz.reports.formatting import figure, plural
from quiz.reports.stats import when
from quiz.store.api import StoreError
from quiz.tui.widgets.keybar import KeyBar


def read_class(study: Study) -> ClassResults:
    """What the screen shows, read from the store at once (may run in a worker thread)."""
    try:
        sittings = [(s, a) for s, a in study.store.export() if s.bank == study.key]
    except StoreError as exc:
        return ClassResults(problem=str(exc))
    return class_results(sittings, study.bank)


def _cell(tally: Tally) -> Text:
    return Text(tally_text(tally), justify="right")


class ClassScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="class-back"),
        Binding("1", "show('students')", "Students", id="class-students"),
        Binding("2", "show('exams')", "Exams", id="class-exams"),
        Binding("3", "show('items')", "Items", id="class-items"),
    ]

    def __init__(self, study: Study, results: ClassResults) -> None:
        super().__init__()
        self.study = study
        self.results = results
        self.report: ItemReport | None = None  # the item analysis shown

    def compose(self) -> ComposeResult:
        if self.results.problem:
            self.notify(
                f"The class's results cannot be read: {self.results.problem}",
                severity="error",
                markup=False,
            )
        yield Label(
            f"Class · {self.study.bank.title} · {plural(len(self.results.students), 'student')}",
            id="class-title",
            markup=False,
        )
        with TabbedContent(id="class-tabs"):
            with TabPane("1 Students", id="students"):
                yield DataTable(id="class-students-table", zebra_stripes=True)
            with TabPane("2 Exams", id="exams"):
                yield DataTable(id="class-exams-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="class-exam-spread", markup=False)
                yield Sparkline([], id="class-histogram")
            with TabPane("3 Items", id="items"):
                yield Static("", id="class-test", markup=False)
                yield DataTable(id="class-items-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="class-flags", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        students = self.query_one("#class-students-table", DataTable)
        names = [self.study.bank.topic_name(t) for t in self.results.topics]
        labels = ["Student", "Total", "Last studied", *names]
        students.add_columns(*(Text(label) for label in labels))  # a topic is never markup
        for s in self.results.students:
            students.add_row(
                Text(s.profile),
                _cell(s.total),
                Text(when(s.last_studied)[:10]),
                *(_cell(s.topics.get(t, Tally())) for t in self.results.topics),
            )
        if not self.results.students:
            students.add_row(Text("no answers yet"), *[Text("")] * (2 + len(self.results.topics)))
        table = self.query_one("#class-exams-table", DataTable)
        table.add_columns("Exam", "Students", "Mean", "Median", "SD", "Range")
        for number, exam in enumerate(self.results.exams, 1):
            spread = exam.spread()
            table.add_row(
                Text(f"{number}: {exam_name(exam)}"),
                Text(str(spread.students), justify="right"),
                Text(figure(spread.mean), justify="right"),
                Text(figure(spread.median), justify="right"),
                Text(figure(spread.sd), justify="right"),
                Text(spread_range(spread), justify="right"),
            )
        if not self.results.exams:
            table.add_row(Text("no exam sittings yet"), *[Text("")] * 5)
        self.show_exam(0)
        students.focus()

    def show_exam(self, index: int) -> None:
        """The chosen exam's histogram under the exams, and its item analysis."""
        if not self.results.exams:
            self.query_one("#class-test", Static).update("No exam sittings of this bank yet.")
            return
        exam = self.results.exams[index]
        marks = [100 * s.score / len(exam.questions) for s in exam.first_sittings]
        bins = [sum(1 for m in marks if min(9, int(m // 10)) == b) for b in range(10)]
        self.query_one("#class-histogram", Sparkline).data = bins
        self.query_one("#class-exam-spread", Static).update(
            f"Exam {index + 1}: scores of the first sittings in tenths, 0% on the left, "
            "100% on the right. Enter: its item analysis (3)."
        )
        report = next(r for r in self.results.items if set(r.exam.questions) == set(exam.questions))
        test = report.test
        self.query_one("#class-test", Static).update(
            f"{exam_name(report.exam)}: {test.students} students (first sittings). "
            f"Mean {figure(test.mean)}, SD {figure(test.sd)}, CIC {figure(test.cic)}"
            + "".join(f"\n{flag}" for flag in test.flags)
        )
        items = self.query_one("#class-items-table", DataTable)
        items.clear(columns=True)
        items.add_columns("Question", "Facility", "Discrim.", "Effic.", "Weight", "Flags")
        for item in report.items:
            flags = len(report.flags(item.question))
            items.add_row(
                Text(item.question),
                Text(figure(item.facility), justify="right"),
                Text(figure(item.discrimination), justify="right"),
                Text(figure(item.efficiency), justify="right"),
                Text(figure(item.effective_weight), justify="right"),
                Text(f"⚑ {flags}" if flags else "", style="bold red", justify="right"),
            )
        self.report = report
        self.show_flags(0)

    def show_flags(self, index: int) -> None:
        """Under the items, what is flagged in the highlighted one, and how its options
        were picked."""
        if self.report is None or not self.report.items:
            return
        qid = self.report.items[index].question
        lines = [f"{qid}: " + ("; ".join(self.report.flags(qid)) or "nothing flagged")]
        for option in self.report.options.get(qid, ()):
            mark = "✓" if option.right else " "
            lines.append(
                f" {mark} {option.option}: picked {option.picked}, top third {option.top}, "
                f"bottom third {option.bottom}"
            )
        self.query_one("#class-flags", Static).update("\n".join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "class-exams-table" and self.results.exams:
            self.show_exam(event.cursor_row)
        elif event.data_table.id == "class-items-table":
            self.show_flags(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "class-exams-table" and self.results.exams:
            self.action_show("items")

    def action_show(self, tab: str) -> None:
        """Show a tab, its table ready for the arrows."""
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab} DataTable", DataTable).focus()

    def action_close(self) -> None:
        self.dismiss()
