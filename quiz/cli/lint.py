"""`quiz lint`: item-writing flaws in banks, as located warnings."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence

from quiz.cli.common import bank_file
from quiz.core.bank import BankErrors, printable
from quiz.formats.cache import load_bank_cached
from quiz.paths import cache_dir


def lint(argv: Sequence[str]) -> int:
    from quiz.formats.lint import RULES
    from quiz.formats.lint import lint as find_flaws

    rules = "\n".join(f"  {rule.id:<24} {rule.why}" for rule in RULES.values())
    parser = argparse.ArgumentParser(
        prog="quiz lint",
        description="Find item-writing flaws in question banks: answers one question gives "
        "away, cues a test-wise student reads, missing explanations. Prints each as "
        "PATH:LINE:COLUMN: warning: message [rule-id].",
        epilog=f"rules (switch one off with `lint: {{ignore: [rule-id]}}` at the top of a bank "
        f"or in a question):\n{rules}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="BANK", help="bank files to check")
    parser.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    args = parser.parse_args(argv)
    if args.rules:
        print(rules)
        return 0
    if not args.paths:
        parser.error("give at least one bank file (or --rules)")
    status, total = 0, 0
    for raw in args.paths:
        try:
            bank = load_bank_cached(bank_file(raw), cache_dir())
        except BankErrors as exc:
            print(exc, file=sys.stderr)
            status = max(status, 2)
            continue
        findings = find_flaws(bank)
        total += len(findings)
        if findings and sys.stdout is None:
            raise OSError(
                errno.EBADF, "standard output is closed; nothing to write the warnings to"
            )
        for finding in findings:
            print(finding)
        print(
            printable(f"{raw}: {len(findings)} warning{'s' * (len(findings) != 1)}"),
            file=sys.stderr,
        )
    if total and args.strict:
        status = max(status, 1)
    return status
