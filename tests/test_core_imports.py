"""Everything but quiz.tui (the core, formats, store engines, reports, the CLI) never imports
Textual or Rich, checked in a fresh interpreter beside the import-linter contracts."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "quiz.core.bank", "quiz.core.grading", "quiz.core.session", "quiz.core.modes",
    "quiz.core.scheduling", "quiz.core.options", "quiz.core.study", "quiz.formats.rules",
    "quiz.formats.yaml_bank", "quiz.formats.cache", "quiz.formats.lint", "quiz.store",
    "quiz.store.api", "quiz.store.sqlite", "quiz.store.postgres", "quiz.store.outbox",
    "quiz.reports.stats", "quiz.reports.formatting", "quiz.reports.classroom",
    "quiz.reports.exams", "quiz.reports.exam_tables", "quiz.reports.items",
    "quiz.reports.table", "quiz.reports.charts", "quiz.reports.html", "quiz.formats.results",
    "quiz.formats.gift", "quiz.formats.readers", "quiz.formats.yaml_writer", "quiz.formats.anki",
    "quiz.cli.main", "quiz.config", "quiz.paths",
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
