"""The core (bank, loader, cache, store, grading, scheduling) never imports Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "quiz.bank", "quiz.loader", "quiz.bankcache", "quiz.paths", "quiz.store", "quiz.report",
    "quiz.grading", "quiz.session", "quiz.formatting", "quiz.cli", "quiz.modes", "quiz.review",
    "quiz.settings", "quiz.options", "quiz.lint",
]  # fmt: skip


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
