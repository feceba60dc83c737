"""`quiz results export/import`: answers travel as JSON Lines or CSV, whole, once, checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.cli.main import main
from quiz.core.bank import Question
from quiz.core.session import answer_for
from quiz.formats.results import FIELDS, read_results
from quiz.store import open_store
from quiz.store.api import ProgressStore
from quiz.store.sqlite import SQLiteStore

TOPICS = ["alpha", "beta"]
DAY = 86_400.0


def question(qid: str, topic: str) -> Question:
    return Question(id=qid, topic=topic, type="short", prompt="p", answers=("a",))


def seed(path: Path) -> SQLiteStore:
    """Two students, a practice and an exam each, one answer overridden, one unanswered."""
    clock = iter(range(1_700_000_000, 1_800_000_000, 7)).__next__
    store = SQLiteStore.open_file(path, clock=lambda: float(clock()))
    for profile in ("ana", "ben"):
        for mode, seed_ in (("practice", None), ("exam", 42)):
            session = store.start_session(profile, "bank-1", mode, seed_)
            for n in range(5):
                q = question(f"q{n}", TOPICS[n % 2])
                answer = answer_for(q, "a" if n % 3 else "b", n % 3 != 0, 1.5 + n, response=None)
                if mode == "exam" and n == 4:
                    answer = answer_for(q, "", False, 0.0, unanswered=True)
                saved = store.record(session, answer)
                if (profile, mode, n) == ("ana", "practice", 3):
                    assert store.override(saved)  # as the app does, just after the answer
            store.end_session(session)
    return store


def everything(store: ProgressStore) -> object:
    """What every report reads: per profile, the topic summary, the question stats, each
    question's history (ids, flags, responses), the sessions and their answers."""
    seen = {}
    for profile in ("ana", "ben"):
        seen[profile] = (
            store.topic_summary(profile, "bank-1", TOPICS),
            store.question_stats(profile, "bank-1"),
            [
                [
                    (
                        a.id,
                        a.correct,
                        a.score,
                        a.overridden,
                        a.unanswered,
                        a.response,
                        a.mode,
                        a.seconds,
                        a.answered_at,
                        a.given,
                        a.question_hash,
                    )
                    for a in store.history(profile, "bank-1", f"q{n}")
                ]
                for n in range(5)
            ],
            [
                (s.mode, s.seed, s.started, s.ended, s.answered, s.correct)
                for s in store.sessions(profile, "bank-1")
            ],
        )
    return seen


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_export_then_import_into_an_empty_store_reproduces_everything(
    tmp_path: Path, store_url: str, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = seed(tmp_path / "from.db")
    exported = tmp_path / f"results{suffix}"
    assert main(["results", "export", "--db", f"sqlite://{tmp_path / 'from.db'}",
                 "-o", str(exported)]) == 0  # fmt: skip
    assert "Exported 20 answers" in capsys.readouterr().err
    if suffix == ".csv":
        assert exported.read_text().splitlines()[0] == ",".join(FIELDS)

    assert main(["results", "import", "--db", store_url, str(exported)]) == 0
    assert capsys.readouterr().out == (
        f"{exported}: 20 answers added, 0 already present, 0 rejected.\n"
    )
    target = open_store(store_url)
    try:
        assert everything(target) == everything(source)
        assert main(["results", "import", "--db", store_url, str(exported)]) == 0
        assert "0 answers added, 20 already present, 0 rejected." in capsys.readouterr().out
        assert everything(target) == everything(source)
    finally:
        target.close()


def test_export_writes_one_object_a_line_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(tmp_path / "from.db").close()
    db = ["--db", f"sqlite://{tmp_path / 'from.db'}"]
    assert main(["results", "export", *db, "--profile", "ben"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 10 and {r["profile"] for r in records} == {"ben"}
    exam = [r for r in records if r["mode"] == "exam"]
    assert {r["seed"] for r in exam} == {42} and len({r["session"] for r in exam}) == 1
    assert [r["unanswered"] for r in exam] == [False] * 4 + [True]
    assert exam[0]["answered_at"].endswith("+00:00")
    assert list(records[0]) == list(FIELDS)


def test_export_filters_by_bank_profile_and_date(
    tmp_path: Path, write_bank: object, capsys: pytest.CaptureFixture[str]
) -> None:
    store = seed(tmp_path / "from.db")
    other = store.start_session("ana", "other-bank", "practice", None)
    store.record(other, answer_for(question("x", "alpha"), "a", True, 1.0))
    store.close()
    db = ["--db", f"sqlite://{tmp_path / 'from.db'}"]
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "title: B\nid: bank-1\nquestions:\n  - {id: q0, topic: alpha, type: card, prompt: p,"
        " answer: a}\n"
    )

    def exported(*flags: str) -> list[dict[str, object]]:
        assert main(["results", "export", *db, *flags]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert len(exported()) == 21
    assert {r["bank"] for r in exported("--bank", str(bank))} == {"bank-1"}
    assert len(exported("--profile", "ana", "--profile", "ben")) == 21
    assert exported("--since", "2100-01-01") == []
    assert len(exported("--since", "2000-01-01T00:00:00+00:00")) == 21
    assert main(["results", "export", *db, "--profile", "nobody"]) == 1
    assert "no such profile 'nobody'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["results", "export", *db, "--since", "last tuesday"])
    assert exit_.value.code == 2
    assert "'last tuesday' is not a date" in capsys.readouterr().err


GOOD = {
    "id": "6f1c1c39-55a9-4c3c-a7a4-3e8b6fa1d5f0", "profile": "cleo", "bank": "bank-1",
    "question": "q1", "topic": "alpha", "session": "0d0c8f47-5a43-43a2-9d40-69d5c4fdc2d3",
    "mode": "exam", "seed": 7, "score": 0.5, "correct": False, "response": {"text": "x"},
    "seconds": 4.5, "answered_at": "2026-12-01T09:30:00Z", "unanswered": False,
    "overridden": False,
}  # fmt: skip


def with_(**changes: object) -> str:
    item = {**GOOD, "id": f"6f1c1c39-55a9-4c3c-a7a4-{len(str(changes)):012d}", **changes}
    return json.dumps({k: v for k, v in item.items() if v is not ...})


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (with_(profile=...), "missing required field 'profile'"),
        (with_(id="42"), "'id' is not a UUID"),
        (with_(answered_at="2026-12-01T09:30:00"), "'answered_at' has no time zone"),
        (with_(answered_at="yesterday"), "'answered_at' is not a time in ISO 8601"),
        (with_(score=1.5), "'score' is from 0 to 1, not 1.5"),
        (with_(score=True), "'score' is not a number"),
        (with_(correct="yes"), "'correct' is true or false"),
        (with_(profile="\x1b]0;pwned\x07"), "'profile' holds a control character"),
        (with_(profile="  "), "'profile' is empty"),
        (with_(mode="cram"), "'mode' is one of practice, review, drill, exam, mistakes"),
        (with_(seed=-1), "'seed' is out of range"),
        (with_(response=[1]), "'response' must be a JSON object"),
        (with_(colour="red"), "unknown field 'colour'"),
        (with_(seed=8), "session 0d0c8f47-5a43-43a2-9d40-69d5c4fdc2d3 has another seed on line 1"),
        (with_(response={"picked": 5}), "'response' picked must be a list of"),
        (with_(seconds=1e300), "'seconds' is 1e+300: more than a day"),
        (with_(score=10**400), "'score' is out of range"),
        (with_(profile="a\ud800b"), "'profile' is not valid Unicode text"),
        (with_(response={"text": "\ud800"}), "'response' is not valid Unicode text"),
        (with_(answered_at="0001-01-01T00:00:00+14:00"), "'answered_at' is out of range"),
        (
            with_(id=GOOD["id"][:-1] + "9", question="q1"),
            "question 'q1' is answered twice in session 0d0c8f47-5a43-43a2-9d40-69d5c4fdc2d3",
        ),
    ],
)
def test_a_bad_record_is_rejected_with_its_line_and_the_rest_imported(
    tmp_path: Path, line: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + line + "\n" + with_(question="q2") + "\n")
    assert main(["results", "import", "--data-dir", str(tmp_path), str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"{path}:3: {message}")
    assert len(err.splitlines()) == 1
    assert out == f"{path}: 2 answers added, 0 already present, 1 rejected.\n"


def test_optional_fields_may_be_left_out_and_csv_cells_are_read_as_their_types(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "id,profile,bank,question,topic,session,score,correct,answered_at,unanswered,overridden\n"
        f"{GOOD['id']},dan,bank-1,q1,alpha,{GOOD['session']},1,TRUE,2026-12-01T09:30:00+01:00,"
        "false,false\n"
        f"{GOOD['id'][:-1]}1,dan,bank-1,q2,beta,{GOOD['session']},0.25,false,"
        "2026-12-01T09:31:00+01:00,false,false\n"
    )
    assert main(["results", "import", "--data-dir", str(tmp_path), str(path)]) == 0
    assert "2 answers added" in capsys.readouterr().out
    store = SQLiteStore.open_file(tmp_path / "progress.db")
    try:
        [session] = store.sessions("dan", "bank-1")
        assert (session.mode, session.seed, session.answered, session.correct) == (
            "practice", None, 2, 1
        )  # fmt: skip
        assert session.started == 1796113800.0  # 08:30 UTC: the earliest answer
        [attempt] = store.history("dan", "bank-1", "q2")
        assert (attempt.score, attempt.correct, attempt.seconds) == (0.25, False, 0.0)
    finally:
        store.close()


def test_a_csv_file_with_a_wrong_header_or_not_utf8_is_refused_whole(tmp_path: Path) -> None:
    wrong = read_results([b"id,profile,colour\n", b"x,y,z\n"], csv_format=True)
    assert [(r.line, r.message) for r in wrong.rejected] == [
        (1, "unknown column 'colour' (the columns: see the README)")
    ]
    latin = read_results([b"id,profile\n", b"\xe9\n"], csv_format=True)
    assert [(r.line, r.message) for r in latin.rejected] == [
        (2, "not UTF-8 text; nothing of this file is read")
    ]
    assert read_results([b"\xe9\n", GOOD_LINE], csv_format=False).count == 1


GOOD_LINE = json.dumps(GOOD).encode() + b"\n"


def test_importing_a_missing_file_or_a_folder_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["results", "import", "--data-dir", str(tmp_path), str(tmp_path / "no.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["results", "import", "--data-dir", str(tmp_path), str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_sitting_stored_for_someone_else_is_refused_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(GOOD) + "\n")
    second.write_text(with_(profile="ben", mode="practice") + "\n" + with_(profile="ben",
                      mode="practice", question="q2") + "\n")  # fmt: skip
    assert main(["results", "import", "--data-dir", str(tmp_path), str(first), str(second)]) == 1
    out, err = capsys.readouterr()
    assert err == (
        f"{second}:1: session {GOOD['session']} is stored already with another profile;"
        " its 2 answers are not imported\n"
    )
    assert out.splitlines()[1:] == [
        f"{second}: 0 answers added, 0 already present, 2 rejected.",
        "In all: 1 answers added, 0 already present, 2 rejected.",
    ]
    store = SQLiteStore.open_file(tmp_path / "progress.db")
    assert [p.name for p in store.profiles()] == ["cleo"]
    store.close()


def test_a_stray_quote_in_csv_costs_one_record_and_stdin_may_be_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    seed(tmp_path / "from.db").close()
    db = ["--db", f"sqlite://{tmp_path / 'from.db'}"]
    assert main(["results", "export", *db, "--profile", "ben", "-o", str(tmp_path / "b.csv")]) == 0
    lines = (tmp_path / "b.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",exam,", ',"exam"x,').replace(",practice,", ',"practice"x,')
    stdin = io.TextIOWrapper(io.BytesIO("\n".join(lines).encode() + b"\n"))
    monkeypatch.setattr("sys.stdin", stdin)
    capsys.readouterr()
    assert main(["results", "import", "--data-dir", str(tmp_path), "--format", "csv", "-"]) == 1
    out, err = capsys.readouterr()
    assert "-: 9 answers added, 0 already present, 1 rejected." in out
    assert err.startswith("-:4: 'mode' is one of")


def test_export_since_keeps_whole_sittings_and_each_profile_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(tmp_path / "from.db").close()
    db = ["--db", f"sqlite://{tmp_path / 'from.db'}"]
    assert main(["results", "export", *db]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    second = sorted({r["session_started"] for r in records})[1]
    assert main(["results", "export", *db, "--since", second]) == 0
    later = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(later) == 15 and {r["session_started"] for r in later} >= {second}
    assert main(["results", "export", *db, "--profile", "ben", "--profile", "ben"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_export_writes_through_a_link_and_names_the_real_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(tmp_path / "from.db").close()
    db = ["--db", f"sqlite://{tmp_path / 'from.db'}"]
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("")
    link.symlink_to(real)
    assert main(["results", "export", *db, "-o", str(link)]) == 0
    assert link.is_symlink() and len(real.read_text().splitlines()) == 20
    assert main(["results", "export", *db, "-o", str(tmp_path / "no" / "x.jsonl")]) == 2
    assert f"no such folder: {tmp_path / 'no'}" in capsys.readouterr().err
    assert main(["results", "export", *db, "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["results", "import", "--data-dir", str(tmp_path), "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err
