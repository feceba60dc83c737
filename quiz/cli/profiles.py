"""`quiz profiles`: whose progress the store keeps, with their answer counts."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from quiz.cli.common import add_store_options, open_store, stdout_or_fail
from quiz.core.bank import printable


def profiles(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz profiles",
        description="List the profiles whose progress the store keeps, with their answers.",
    )
    add_store_options(parser, profile=False)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    store = open_store(args)
    try:
        found = store.profiles()
    finally:
        store.close()
    out = stdout_or_fail()
    if args.json:
        records = [
            {
                "name": p.name,
                "display_name": p.display_name,
                "created": datetime.fromtimestamp(p.created, UTC).isoformat(),
                "answers": p.answers,
            }
            for p in found
        ]
        out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not found:
        out.write(f"No profiles yet in {store.location}.\n")
        return 0
    width = max(7, *(len(printable(p.name)) for p in found))
    out.write(f"{'profile':<{width}}  {'answers':>8}  since\n")
    for p in found:
        since = datetime.fromtimestamp(p.created).strftime("%Y-%m-%d")
        out.write(f"{printable(p.name):<{width}}  {p.answers:>8}  {since}\n")
    return 0
