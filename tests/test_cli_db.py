"""`quiz db copy`: history moves between databases whole, once, with its ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.cli.main import main
from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.store.sqlite import SQLiteStore

from .conftest import stored_cards

TOPICS = ["alpha", "beta"]


def question(qid: str, topic: str) -> Question:
    return Question(id=qid, topic=topic, type="short", prompt="p", answers=("a",))


def seed(path: Path) -> SQLiteStore:
    store = SQLiteStore.open_file(path, clock=iter(range(1000, 10**6)).__next__)
    for profile in ("ana", "ben"):
        session = store.start_session(profile, "bank-1", "review", 7)
        for n in range(6):
            q = question(f"q{n}", TOPICS[n % 2])
            card = ("{}", 5000.0 + n) if profile == "ana" else None
            given = {"text": "a, b"} if n == 0 else None
            store.record(session, answer_for(q, "a, b", n % 3 != 0, 1.5, card=card, response=given))
        store.end_session(session)
    wrong = next(a for a in store.history("ana", "bank-1", "q3") if not a.correct)
    assert store.override(wrong.id)
    return store


def test_copying_a_profile_moves_its_history_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = seed(tmp_path / "from.db")
    urls = ["--from", f"sqlite://{tmp_path / 'from.db'}", "--to", f"sqlite://{tmp_path / 'to.db'}"]
    assert main(["db", "copy", *urls, "--profile", "ana"]) == 0
    out = capsys.readouterr().out
    assert "1 sittings, 6 answers added (0 already there), 6 review cards added" in out
    target = SQLiteStore.open_file(tmp_path / "to.db")
    assert [p.name for p in target.profiles()] == ["ana"]
    assert target.topic_summary("ana", "bank-1", TOPICS) == source.topic_summary(
        "ana", "bank-1", TOPICS
    )
    assert target.question_stats("ana", "bank-1") == source.question_stats("ana", "bank-1")
    assert stored_cards(target, "ana", "bank-1") == stored_cards(source, "ana", "bank-1")
    copied = target.history("ana", "bank-1", "q0")
    assert copied == source.history("ana", "bank-1", "q0")  # ids, responses, flags
    assert copied[0].response == {"text": "a, b"}
    assert [a.overridden for a in target.history("ana", "bank-1", "q3")] == [True]

    assert main(["db", "copy", *urls]) == 0  # everyone now: ana's answers are there already
    assert (
        "2 sittings, 6 answers added (6 already there), 0 review cards added"
        in capsys.readouterr().out
    )
    assert target.count_answers("ana", "bank-1") == 6 and target.count_answers("ben", "bank-1") == 6


def test_copying_an_unknown_profile_or_onto_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(tmp_path / "from.db").close()
    url = f"sqlite://{tmp_path / 'from.db'}"
    assert main(["db", "copy", "--from", url, "--to", url]) == 2
    assert "same database" in capsys.readouterr().err
    assert (
        main(
            [
                "db",
                "copy",
                "--from",
                url,
                "--to",
                f"sqlite://{tmp_path / 'x.db'}",
                "--profile",
                "zoe",
            ]
        )
        == 1
    )
    assert "no such profile 'zoe'" in capsys.readouterr().err
    assert main(["db", "copy", "--from", "mysql://x", "--to", url]) == 1
    assert "cannot use a database of the kind 'mysql'" in capsys.readouterr().err


def test_the_database_comes_from_the_flag_the_environment_or_the_config_file(
    tmp_path: Path,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(tmp_path / "file.db").close()
    seed(tmp_path / "env.db").close()
    config_dir.mkdir()
    (config_dir / "config.toml").write_text(f'database = "sqlite://{tmp_path / "file.db"}"\n')
    assert main(["profiles"]) == 0 and "ana" in capsys.readouterr().out
    monkeypatch.setenv("QUIZ_DB", f"sqlite://{tmp_path / 'env.db'}")
    assert main(["stats", "--profile", "ana"]) == 0
    assert main(["profiles", "--db", f"sqlite://{tmp_path / 'flag.db'}"]) == 0
    assert f"No profiles yet in sqlite://{tmp_path / 'flag.db'}" in capsys.readouterr().out
    assert (tmp_path / "flag.db").exists()


def test_a_report_on_a_server_that_is_away_is_one_line_and_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    url = f"postgresql://ana:s3cret@/quiz?host={tmp_path / 'no-server'}"
    assert main(["stats", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("quiz: cannot reach the database server at ") and err.count("\n") == 1
    assert "s3cret" not in err
    assert not (tmp_path / "data").exists()  # no outbox: a report has nothing to keep
