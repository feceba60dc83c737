"""`quiz reset`: remove a profile's recorded answers, after asking."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from quiz.cli.common import (
    UsageError,
    add_store_options,
    bank_or_shipped,
    confirm,
    open_store,
    profile_name,
)
from quiz.core.study import Study


def reset(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz reset",
        description="Remove a profile's recorded answers in a bank, or in one topic of it.",
    )
    parser.add_argument("--bank", metavar="PATH", help="the bank (default: the shipped bank)")
    parser.add_argument("--topic", metavar="ID", help="only this topic")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_store_options(parser)
    args = parser.parse_args(argv)
    bank = bank_or_shipped(args.bank)
    if args.topic is not None and args.topic not in bank.topics:
        raise UsageError(
            f"no topic '{args.topic}' in {bank.title}; topics: {', '.join(bank.topics)}"
        )
    profile = profile_name(args)
    store = open_store(args)
    try:
        key = Study.open(bank, store, profile).key  # progress under its title becomes its id's
        count = store.count_answers(profile, key, args.topic)
        scope = f"topic '{args.topic}' of " if args.topic else ""
        what = (
            f"{count} recorded answer{'s' * (count != 1)} of profile '{profile}' in {scope}"
            f"'{bank.title}'"
        )
        if count == 0:
            print(f"Nothing to remove: no answers of profile '{profile}' in {scope}'{bank.title}'.")
            return 0
        if not args.yes and not confirm(f"Remove {what}? This cannot be undone. [y/N] "):
            print("Nothing removed.")
            return 1
        store.reset(profile, key, args.topic)
    finally:
        store.close()
    print(f"Removed {what}.")
    return 0
