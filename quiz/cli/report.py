"""`quiz report class|exams|items`: how a class did, its exams, and which questions work."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from quiz.cli.common import (
    add_store_options,
    bank_or_shipped,
    error,
    known_profile,
    open_store,
    option_type,
    stdout_or_fail,
)
from quiz.core.bank import printable
from quiz.core.options import parse_seed
from quiz.reports.classroom import class_csv, class_json, class_results, class_rows, class_table
from quiz.reports.exam_tables import (
    exams_csv,
    exams_json,
    exams_table,
    items_csv,
    items_json,
    items_table,
)
from quiz.reports.exams import exams, item_report
from quiz.reports.table import clip

REPORTS = {
    "class": "one row per student, one column per topic: accuracy and attempts",
    "exams": "every exam sitting, grouped by seed and questions, with each exam's spread",
    "items": "item analysis of a bank's exams (first sittings), as Moodle computes it",
}


def report(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz report",
        description="Reports for teachers over everyone in the progress database (or one "
        "student with --profile). Figures are defined in the README.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="REPORT", required=True)
    for name, summary in REPORTS.items():
        sub = kinds.add_parser(name, help=summary, description=summary[0].upper() + summary[1:])
        sub.add_argument(
            "--bank",
            metavar="PATH",
            required=name == "items",
            help="the bank" + ("" if name == "items" else " (default: the shipped bank)"),
        )
        sub.add_argument("--profile", dest="student", metavar="NAME", help="only this student")
        if name == "items":
            sub.add_argument(
                "--seed", type=option_type(parse_seed), help="only the sittings of this seed"
            )
        form = sub.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true", help="print JSON")
        form.add_argument("--csv", action="store_true", help="print CSV")
        form.add_argument(
            "--html",
            metavar="FILE",
            help="write the whole report (class, exams, items) with charts as one HTML page",
        )
        add_store_options(sub, profile=False)
    args = parser.parse_args(argv)
    bank = bank_or_shipped(args.bank)
    store = open_store(args)
    try:
        if args.student is not None:
            known_profile(store, args.student)
        sittings = [(s, a) for s, a in store.export(args.student) if s.bank == bank.key]
    finally:
        store.close()
    seed = getattr(args, "seed", None)
    title = clip(bank.title, 60) + (f" — {clip(args.student)}" if args.student else "")
    if args.html is not None:
        from quiz.reports.charts import NeedsMatplotlib
        from quiz.reports.html import html_report

        try:
            page = html_report(title, class_results(sittings, bank, seed), time.time())
        except NeedsMatplotlib as exc:
            error(str(exc))
            return 1
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"Wrote the report to {printable(args.html)}.", file=sys.stderr)
        return 0
    width = max(40, shutil.get_terminal_size((80, 24)).columns)
    if args.kind == "class":  # only what this report shows is worked out
        topics, students = class_rows(sittings, list(bank.topics))
        text = (
            class_json(topics, students) if args.json else class_csv(topics, students)
            if args.csv else class_table(title, topics, students, width)
        )  # fmt: skip
    elif args.kind == "exams":
        found = exams(sittings)
        text = (
            exams_json(found) if args.json else exams_csv(found) if args.csv
            else exams_table(title, found, width)
        )  # fmt: skip
    else:
        questions = bank.by_id()
        sat = [(s, a) for s, a in sittings if seed is None or s.seed == seed]
        reports = [item_report(e, questions) for e in exams(sat, by_seed=False)]
        text = (
            items_json(reports) if args.json else items_csv(reports) if args.csv
            else items_table(title, reports, width, seed)
        )  # fmt: skip
    stdout_or_fail().write(text)
    return 0
