"""Teacher reports: item analysis against a worked example computed here from the formulas,
and `quiz report class|exams|items` over a real store."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from quiz.cli.main import main
from quiz.core.bank import Question
from quiz.core.session import answer_for, structured
from quiz.reports.items import analyse
from quiz.store.sqlite import SQLiteStore

# Six students, four questions, partial credit: each row a student, each column a question.
SCORES = [
    [1.0, 1.0, 0.5, 1.0],
    [1.0, 0.0, 1.0, 1.0],
    [0.5, 1.0, 0.0, 1.0],
    [0.0, 1.0, 0.5, 0.0],
    [1.0, 0.0, 0.0, 0.5],
    [0.0, 0.0, 0.5, 0.0],
]


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def cov(xs: list[float], ys: list[float]) -> float:
    """By the computing formula (Σxy − n·x̄·ȳ) / (n − 1), not the one the module uses."""
    n = len(xs)
    return (sum(x * y for x, y in zip(xs, ys, strict=True)) - n * mean(xs) * mean(ys)) / (n - 1)


def test_item_analysis_matches_moodles_formulas_worked_by_hand() -> None:
    n, p = len(SCORES), 4
    columns = [[row[q] for row in SCORES] for q in range(p)]
    totals = [sum(row) for row in SCORES]
    test, items = analyse(["a", "b", "c", "d"], SCORES)

    # The test: percentages of the maximum (4), variances over n − 1.
    v_total = cov(totals, totals)
    assert test.mean == pytest.approx(100 * mean(totals) / p, abs=1e-6)
    assert test.median == pytest.approx(100 * sorted(totals)[2:4][0] / p / 2
                                        + 100 * sorted(totals)[3] / p / 2, abs=1e-6)  # fmt: skip
    assert test.sd == pytest.approx(100 * math.sqrt(v_total) / p, abs=1e-6)
    m = [sum((t - mean(totals)) ** k for t in totals) / n for k in (2, 3, 4)]
    g1, g2 = m[1] / m[0] ** 1.5, m[2] / m[0] ** 2 - 3
    # The adjusted Fisher-Pearson coefficients, which equal k3/k2^1.5 and k4/k2^2.
    assert test.skewness == pytest.approx(math.sqrt(n * (n - 1)) / (n - 2) * g1, abs=1e-6)
    assert test.kurtosis == pytest.approx(
        (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6), abs=1e-6
    )
    cic = 100 * p / (p - 1) * (1 - sum(cov(c, c) for c in columns) / v_total)
    assert test.cic == pytest.approx(cic, abs=1e-6)
    assert test.error_ratio == pytest.approx(100 * math.sqrt(1 - cic / 100), abs=1e-6)
    assert test.standard_error == pytest.approx(
        math.sqrt(1 - cic / 100) * 100 * math.sqrt(v_total) / p, abs=1e-6
    )
    assert test.cic < 64 and test.flags  # an unreliable little test, flagged

    roots = [math.sqrt(cov(c, totals)) for c in columns]
    for q, item in enumerate(items):
        x = columns[q]
        rest = [t - s for t, s in zip(totals, x, strict=True)]
        assert item.facility == pytest.approx(100 * mean(x), abs=1e-6)
        assert item.sd == pytest.approx(100 * math.sqrt(cov(x, x)), abs=1e-6)
        assert item.intended_weight == pytest.approx(25.0)
        assert item.effective_weight == pytest.approx(100 * roots[q] / sum(roots), abs=1e-6)
        assert item.discrimination == pytest.approx(
            100 * cov(x, rest) / math.sqrt(cov(x, x) * cov(rest, rest)), abs=1e-6
        )
        assert item.efficiency == pytest.approx(
            100 * cov(x, rest) / cov(sorted(x), sorted(rest)), abs=1e-6
        )
    # Worked out by hand for two of them, to six places.
    assert round(items[3].discrimination or 0, 6) == 71.919495
    assert round(items[0].efficiency or 0, 6) == 37.5
    assert [bool(i.flags) for i in items] == [False, True, True, False]  # b, c: negative


def test_what_cannot_be_computed_is_none_not_a_crash() -> None:
    one, items = analyse(["a", "b"], [[1.0, 0.0]])
    assert (one.sd, one.skewness, one.cic, items[0].discrimination) == (None, None, None, None)
    same, items = analyse(["a", "b"], [[1.0, 1.0]] * 5)  # nobody differs
    assert (same.mean, same.sd, same.cic, items[0].discrimination) == (100.0, 0.0, None, None)
    _, items = analyse(["a", "b", "c"], [[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert items[2].negative_covariance and items[2].effective_weight is None
    assert "negative covariance with the total: no effective weight" in items[2].flags
    assert [i.effective_weight for i in items[:2]] == [pytest.approx(50.0)] * 2


BANK = """\
title: Class bank
id: class-bank
topics: {alpha: Alpha, beta: Beta}
questions:
  - {id: q1, topic: alpha, type: choice, prompt: One?, choices: [A, B, C, D], answer: A}
  - {id: q2, topic: alpha, type: choice, prompt: Two?, choices: [A, B, C], answer: B}
  - {id: q3, topic: beta, type: multi, prompt: Three?, choices: [A, B, C], answer: [A, C]}
  - {id: q4, topic: beta, type: short, prompt: Four?, answer: four}
"""

# What each of six students picks in the exam (seed 5): the first sits it twice.
PICKS = {
    "ana": ["A", "A", {"A", "C"}, "four"],
    "ben": ["A", "A", {"A"}, "four"],
    "cleo": ["A", "C", {"A", "C"}, "three"],
    "dan": ["B", "B", {"C"}, None],
    "eve": ["A", "A", {"B"}, "four"],
    "fay": ["C", "C", {"B"}, None],
}


@pytest.fixture
def class_store(tmp_path: Path) -> tuple[Path, str]:
    from quiz.core.grading import grade
    from quiz.formats.yaml_bank import load_bank

    bank_path = tmp_path / "class.yaml"
    bank_path.write_text(BANK)
    bank = load_bank(bank_path)
    questions = bank.by_id()
    clock = iter(range(1_790_000_000, 1_800_000_000, 30)).__next__
    store = SQLiteStore.open_file(tmp_path / "class.db", clock=lambda: float(clock()))
    for sitting_number in (1, 2):
        for profile, picks in PICKS.items():
            if sitting_number == 2 and profile != "ana":
                continue
            session = store.start_session(profile, bank.key, "exam", 5)
            for qid, pick in zip(["q1", "q2", "q3", "q4"], picks, strict=True):
                q: Question = questions[qid]
                if pick is None:
                    store.record(session, answer_for(q, "", False, 0.0, unanswered=True))
                    continue
                response = frozenset(pick) if isinstance(pick, set) else pick
                verdict = grade(q, response)
                store.record(
                    session,
                    answer_for(q, verdict.given, verdict.correct, 10.0, score=verdict.score,
                               response=structured(q, response, q.choices)),
                )  # fmt: skip
            store.end_session(session)
        practice = store.start_session("ana", bank.key, "practice", None)
        store.record(practice, answer_for(questions["q4"], "four", True, 3.0))
        store.end_session(practice)
    store.close()
    return bank_path, f"sqlite://{tmp_path / 'class.db'}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_class_report_has_a_row_per_student_and_a_column_per_topic(
    class_store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank, db = class_store
    out = run(capsys, "report", "class", "--bank", str(bank), "--db", db)
    assert out.startswith("Class bank\n6 students, 30 answers,")
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    ana = next(line for line in lines if line.startswith("ana"))
    assert ana.split()[-2:] == ["100%", "6"]  # beta: q3 and q4 in two exams, q4 in practice x2
    records = json.loads(run(capsys, "report", "class", "--bank", str(bank), "--db", db,
                             "--json"))  # fmt: skip
    assert [(r["profile"], r["topic"]) for r in records][:2] == [("ana", "alpha"), ("ana", "beta")]
    assert {r["profile"] for r in records} == set(PICKS)
    csv_lines = run(capsys, "report", "class", "--bank", str(bank), "--db", db, "--csv")
    assert csv_lines.splitlines()[0].startswith("profile,topic,attempts,correct,accuracy")
    alone = run(capsys, "report", "class", "--bank", str(bank), "--db", db, "--profile", "ben")
    assert "1 student," in alone and "\nana" not in alone


def test_the_exams_report_scores_out_of_every_question_first_sittings_in_the_spread(
    class_store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank, db = class_store
    out = run(capsys, "report", "exams", "--bank", str(bank), "--db", db)
    assert "Exam 1: seed 5, 4 questions, 6 students\nFirst sittings: mean" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    [exam] = json.loads(run(capsys, "report", "exams", "--bank", str(bank), "--db", db, "--json"))
    by_who = {(s["profile"], s["first"]): s for s in exam["sittings"]}
    assert by_who[("dan", True)]["unanswered"] == 1
    assert by_who[("dan", True)]["score"] == pytest.approx(1.5)  # q2 and half of q3, of 4
    assert ("ana", False) in by_who and len(exam["sittings"]) == 7
    marks = [100 * s["score"] / 4 for s in exam["sittings"] if s["first"]]
    assert exam["spread"]["mean"] == pytest.approx(sum(marks) / 6, abs=1e-4)


def test_the_items_report_analyses_first_sittings_with_distractors_and_flags(
    class_store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank, db = class_store
    [report] = json.loads(run(capsys, "report", "items", "--bank", str(bank), "--db", db,
                              "--json"))  # fmt: skip
    assert report["test"]["students"] == 6 and report["third"] == 2
    q1 = next(i for i in report["items"] if i["question"] == "q1")
    options = {o["option"]: (o["picked"], o["top"], o["bottom"]) for o in q1["options"]}
    # By score: ana 3, ben 2.5, cleo 2, eve 2, dan 1.5, fay 0: top ana, ben; bottom dan, fay.
    assert options == {"A": (4, 2, 0), "B": (1, 0, 1), "C": (1, 0, 1), "D": (0, 0, 0)}
    assert "distractor 'D' is never picked" in q1["flags"]
    q2 = next(i for i in report["items"] if i["question"] == "q2")
    assert "the top third picks 'A' more than the key" in q2["flags"]
    assert not any("top third" in f for f in q1["flags"])
    text = run(capsys, "report", "items", "--bank", str(bank), "--db", db)
    assert "Flags:" in text and "q1: distractor 'D' is never picked" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert run(capsys, "report", "items", "--bank", str(bank), "--db", db, "--seed", "6") == (
        "Class bank\nNo exam sittings with seed 6 yet.\n"
    )
    header = run(capsys, "report", "items", "--bank", str(bank), "--db", db, "--csv")
    assert header.splitlines()[0].startswith("seeds,question,facility,sd")


def test_a_report_without_a_bank_for_items_or_with_an_unknown_student_fails_clearly(
    class_store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bank, db = class_store
    with pytest.raises(SystemExit) as exit_:
        main(["report", "items", "--db", db])
    assert exit_.value.code == 2
    assert "--bank" in capsys.readouterr().err
    assert main(["report", "class", "--bank", str(bank), "--db", db, "--profile", "zed"]) == 1
    assert "no such profile 'zed'" in capsys.readouterr().err


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def chromium() -> object:
    """A real headless Chromium (Debian's chromium and chromium-driver), driven by Selenium;
    skipped where there is none, failed under CI=true."""
    import os
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver:
        message = "needs chromium and chromedriver (apt install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver))


def test_the_html_report_renders_in_chromium_with_its_charts_and_no_console_error(
    class_store: tuple[Path, str], tmp_path: Path
) -> None:
    import base64

    from selenium.webdriver.common.by import By

    bank, db = class_store
    store = SQLiteStore.open_file(Path(db.removeprefix("sqlite://")))
    hostile = "<b>zed</b> $x$ --> <script>alert(1)</script>"
    session = store.start_session(hostile, "class-bank", "practice", None)
    store.record(session, answer_for(Question("q4", "beta", "short", "Four?", ("four",)), "x",
                                     False, 2.0))  # fmt: skip
    store.close()
    page = tmp_path / "report.html"
    assert main(["report", "class", "--bank", str(bank), "--db", db, "--html", str(page)]) == 0
    html = page.read_text()
    assert "<script" not in html.replace("&lt;script", "")  # nothing runs, nothing is fetched
    assert "Content-Security-Policy" in html
    assert re.findall(r'(?:src|href)="(?!#)', html) == []  # links only inside the page

    browser: Any = chromium()
    try:
        browser.get(page.as_uri())
        svgs = browser.find_elements(By.CSS_SELECTOR, "figure > svg")
        assert len(svgs) == 3  # the heatmap, the histogram, facility against discrimination
        for svg in svgs:
            assert svg.size["width"] > 200 and svg.size["height"] > 100
        assert browser.find_elements(By.CSS_SELECTOR, "td b, script") == []
        assert hostile in browser.find_element(By.TAG_NAME, "table").text
        assert "distractor 'D' is never picked" in browser.find_element(By.TAG_NAME, "body").text
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        assert errors == []
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "html-report.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        browser.quit()


async def test_the_class_screen_shows_students_exams_and_each_exams_items(
    class_store: tuple[Path, str],
) -> None:
    from textual.widgets import DataTable, Static, TabbedContent

    from quiz.core.study import Study
    from quiz.formats.yaml_bank import load_bank
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.classroom import ClassScreen
    from quiz.tui.screens.home import HomeScreen

    bank, db = class_store
    store = SQLiteStore.open_file(Path(db.removeprefix("sqlite://")))
    app = QuizApp(Study.open(load_bank(bank), store, "ana"), seed=7, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the profiles are counted after the first frame
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClassScreen)
        assert screen.query_one("#class-students-table", DataTable).row_count == 6
        await pilot.press("2", "enter")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "items"
        flags = screen.query_one("#class-flags", Static)
        assert "q1: distractor 'D' is never picked" in str(flags.content)
        await pilot.press("down")
        assert "the top third picks 'A' more than the key" in str(flags.content)
        assert "✓ B: picked 1, top third 0, bottom third 1" in str(flags.content)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
    store.close()


async def test_the_class_key_is_offered_only_when_the_store_has_several_profiles(
    tmp_path: Path, small_bank_path: Path
) -> None:
    from quiz.core.study import Study
    from quiz.formats.yaml_bank import load_bank
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.home import HomeScreen

    store = SQLiteStore.open_file(tmp_path / "alone.db")
    app = QuizApp(Study.open(load_bank(small_bank_path), store, "ana"), seed=7, answer_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.check_action("show_class", ())
    store.close()


def test_every_report_is_the_same_after_export_and_import_into_either_engine(
    class_store: tuple[Path, str], store_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bank, db = class_store
    exported = tmp_path / "class.jsonl"
    assert main(["results", "export", "--db", db, "-o", str(exported)]) == 0
    assert main(["results", "import", "--db", store_url, str(exported)]) == 0
    assert main(["results", "import", "--db", store_url, str(exported)]) == 0  # adds nothing
    capsys.readouterr()
    for kind in ("class", "exams", "items"):
        for form in ("--json", "--csv"):
            here = run(capsys, "report", kind, "--bank", str(bank), "--db", db, form)
            there = run(capsys, "report", kind, "--bank", str(bank), "--db", store_url, form)
            assert there == here, (kind, form)


def test_a_table_too_wide_for_the_terminal_goes_on_in_blocks_that_repeat_the_first_column() -> None:
    from quiz.reports.table import table

    header = ["Student", *(f"topic-{n:02d}" for n in range(12))]
    rows = [["a-rather-long-student-name", *(f"{n}0% 12" for n in range(12))]] * 3
    text = table(header, rows, width=80)
    blocks = text.split("\n\n")
    assert len(blocks) == 3 and all(len(line) <= 80 for line in text.splitlines())
    assert all(block.startswith("Student") for block in blocks)
    assert sum(block.splitlines()[0].count("topic-") for block in blocks) == 12
    assert "\x1b" not in table(["Name"], [["\x1b]0;owned\x07x"]])  # no control codes reach it


def test_odd_results_make_reports_say_less_not_crash(tmp_path: Path) -> None:
    """Imported results may lack responses, repeat a question or come from one student."""
    from quiz.reports.exams import exams, item_report
    from quiz.store.api import Answer, Sitting

    bank = {"q1": Question("q1", "t", "choice", "?", ("A",), choices=("A", "B"))}
    sitting = Sitting("0d0c8f47-5a43-43a2-9d40-69d5c4fdc2d3", "ana", "b", "exam", 1, 0.0, 9.0)
    odd = [
        Answer("q1", "t", "h", "A", True, 1.0, response={"picked": 5}),
        Answer("q1", "t", "h", "A", True, 1.0),  # the same question again, no response
    ]
    [exam] = exams([(sitting, odd)])
    assert exam.first_sittings[0].score == 1.0  # counted once
    report = item_report(exam, bank)
    assert report.options == {} and not report.judged and report.flags("q1") == ()


async def test_a_topic_that_looks_like_markup_is_shown_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from textual.widgets import DataTable

    from quiz.core.study import Study
    from quiz.formats.yaml_bank import load_bank
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.classroom import ClassScreen

    bank_path = tmp_path / "b.yaml"
    bank_path.write_text(
        "title: B\ntopics: {'[b]x': '[/bold] name'}\nquestions:\n"
        "  - {id: q, topic: '[b]x', type: card, prompt: p, answer: a}\n"
    )
    bank = load_bank(bank_path)
    store = SQLiteStore.open_file(tmp_path / "s.db")
    for who in ("ana", "[red]ben"):
        session = store.start_session(who, bank.key, "practice", None)
        store.record(session, answer_for(bank.questions[0], "a", True, 1.0))
    app = QuizApp(Study.open(bank, store, "ana"), seed=7, answer_delay=0)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClassScreen)
        table = app.screen.query_one("#class-students-table", DataTable)
        assert [str(c.label) for c in table.columns.values()][-1] == "[/bold] name"
        assert str(table.get_row_at(0)[0]) == "[red]ben"
    store.close()
