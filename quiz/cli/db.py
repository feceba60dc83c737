"""`quiz db copy`: move a profile's or a whole database's history between engines."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence

import quiz.store
from quiz.cli.common import UsageError, known_profile, stdout_or_fail


def db(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz db",
        description="Work on whole progress databases.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    copy = commands.add_parser(
        "copy",
        help="copy history from one database to another",
        description="Copy every sitting, answer and review card (of one profile, or of "
        "everyone) from one database to another. Copying again adds nothing: each answer "
        "keeps its id.",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="URL", help="copy from")
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help="copy to")
    copy.add_argument("--profile", default=None, help="only this profile (default: everyone)")
    args = parser.parse_args(argv)
    if args.source == args.target:
        raise UsageError("--from and --to name the same database")
    with contextlib.ExitStack() as stack:
        source = quiz.store.open_store(args.source)
        stack.callback(source.close)
        if args.profile is not None:
            known_profile(source, args.profile)
        target = quiz.store.open_store(args.target)
        stack.callback(target.close)
        sittings = added = seen = cards = 0
        for sitting, answers in source.export(args.profile):
            sittings += 1
            seen += len(answers)
            added += target.merge(sitting, answers)
        for profile, bank, card_set in source.card_sets(args.profile):
            cards += target.merge_cards(profile, bank, card_set)
        whose = f"profile '{args.profile}'" if args.profile else "every profile"
        stdout_or_fail().write(
            f"Copied {whose} from {source.location} to {target.location}: {sittings} sittings, "
            f"{added} answers added ({seen - added} already there), {cards} review cards added.\n"
        )
    return 0
