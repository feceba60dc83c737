"""`quiz stats` and `quiz reset` through a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from quiz.core.bank import shipped_bank_path
from quiz.core.session import answer_for
from quiz.formats.yaml_bank import load_bank
from quiz.reports.stats import FIELDS
from quiz.store.sqlite import DB_NAME, SQLiteStore


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUIZ_DATA_DIR": str(data), "QUIZ_CACHE_DIR": str(data / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=60,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def seed_answers(data: Path, profile: str = "ana") -> None:
    bank = load_bank(shipped_bank_path())
    store = SQLiteStore.open(data)
    session = store.start_session(profile, bank.title, "practice", 1)
    for q in bank.questions[:15]:  # definitions (12) and purpose (3)
        store.record(session, answer_for(q, "x", q.topic == "definitions", 2.0))
    store.close()


def test_stats_on_an_empty_folder_shows_every_topic_at_zero(tmp_path: Path) -> None:
    result = run(tmp_path / "fresh", "stats")  # the login name's own, not studied yet
    assert result.returncode == 0, result.stderr
    for name in load_bank(shipped_bank_path()).topics.values():
        assert name[:30] in result.stdout
    assert "0 answers" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_stats_json_and_csv(tmp_path: Path) -> None:
    seed_answers(tmp_path)
    records = json.loads(run(tmp_path, "stats", "--profile", "ana", "--json").stdout)
    by_topic = {r["topic"]: r for r in records}
    assert list(records[0]) == FIELDS
    assert by_topic["definitions"]["attempts"] == 12
    assert by_topic["definitions"]["accuracy"] == 1.0
    assert by_topic["purpose"]["attempts"] == 3 and by_topic["purpose"]["correct"] == 0
    assert by_topic["operation"]["attempts"] == 0 and by_topic["operation"]["accuracy"] is None
    assert by_topic["definitions"]["last_studied"].endswith("+00:00")
    rows = list(
        csv.DictReader(io.StringIO(run(tmp_path, "stats", "--profile", "ana", "--csv").stdout))
    )
    assert [r["attempts"] for r in rows] == [str(r["attempts"]) for r in records]


def test_stats_on_a_damaged_database_backs_it_up_and_says_where(tmp_path: Path) -> None:
    tmp_path.joinpath(DB_NAME).write_bytes(b"garbage " * 1000)
    result = run(tmp_path, "stats")
    assert result.returncode == 0
    [backup] = tmp_path.glob(f"{DB_NAME}.damaged-*")
    assert str(backup) in result.stderr
    assert backup.read_bytes() == b"garbage " * 1000


def test_stats_with_an_unusable_data_folder_exits_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(blocker / "data", "stats")
    assert result.returncode == 1
    assert "cannot create the data folder" in result.stderr


def test_reset_asks_and_removes_only_what_it_says(tmp_path: Path) -> None:
    seed_answers(tmp_path, "ana")
    seed_answers(tmp_path, "ben")
    declined = run(tmp_path, "reset", "--profile", "ana", "--topic", "purpose", stdin="n\n")
    assert declined.returncode == 1 and "Nothing removed" in declined.stdout
    assert "3 recorded answers of profile 'ana' in topic 'purpose'" in declined.stdout
    done = run(tmp_path, "reset", "--profile", "ana", "--topic", "purpose", "--yes")
    assert done.returncode == 0 and "Removed 3 recorded answers" in done.stdout
    ana = {
        r["topic"]: r["attempts"]
        for r in json.loads(run(tmp_path, "stats", "--profile", "ana", "--json").stdout)
    }
    ben = {
        r["topic"]: r["attempts"]
        for r in json.loads(run(tmp_path, "stats", "--profile", "ben", "--json").stdout)
    }
    assert (ana["purpose"], ana["definitions"], ben["purpose"]) == (0, 12, 3)
    no_stdin = run(tmp_path, "reset", "--profile", "ana")
    assert no_stdin.returncode == 1  # end of input is a no
    assert run(tmp_path, "reset", "--profile", "ana", "--topic", "nope").returncode == 2


def test_stats_of_a_profile_nobody_has_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    seed_answers(tmp_path, "ana")
    seed_answers(tmp_path, "ben")
    result = run(tmp_path, "stats", "--profile", "nobody")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("quiz: no such profile 'nobody'")
    assert result.stderr.rstrip().endswith("known profiles: ana, ben")


def test_profiles_lists_each_with_its_answers(tmp_path: Path) -> None:
    assert "No profiles yet" in run(tmp_path, "profiles").stdout
    seed_answers(tmp_path, "ana")
    seed_answers(tmp_path, "ben")
    lines = run(tmp_path, "profiles").stdout.splitlines()
    assert lines[0].split() == ["profile", "answers", "since"]
    assert [line.split()[:2] for line in lines[1:]] == [["ana", "15"], ["ben", "15"]]
    records = json.loads(run(tmp_path, "profiles", "--json").stdout)
    assert [(r["name"], r["answers"]) for r in records] == [("ana", 15), ("ben", 15)]
