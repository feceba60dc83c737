"""`quiz stats`: a profile's progress per topic, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from quiz.cli.common import (
    add_store_options,
    bank_or_shipped,
    known_profile,
    open_store,
    profile_name,
    stdout_or_fail,
)
from quiz.core.study import Study


def stats(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz stats",
        description="Show a profile's progress per topic of a bank, across all sessions.",
    )
    parser.add_argument("--bank", metavar="PATH", help="the bank (default: the shipped bank)")
    add_store_options(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON (fields: see README)")
    form.add_argument("--csv", action="store_true", help="print CSV (fields: see README)")
    args = parser.parse_args(argv)
    bank = bank_or_shipped(args.bank)
    profile = profile_name(args)
    store = open_store(args)
    try:
        if args.profile is not None:
            known_profile(store, profile)
        study = Study.open(bank, store, profile)  # progress kept under its title becomes its id's
        rows = store.topic_summary(profile, study.key, bank.topics)
    finally:
        store.close()
    from quiz.reports.stats import stats_csv, stats_json, stats_table

    render = stats_json if args.json else stats_csv if args.csv else stats_table
    stdout_or_fail().write(render(bank, profile, rows))
    return 0
