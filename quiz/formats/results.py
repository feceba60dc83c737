"""Results that travel: every answer as one record of JSON Lines or CSV, written from a store
and read back into any other (see "Results files" in the README for the fields).

A record carries its sitting (`session`, `mode`, `seed`, and optionally when it started and
ended), so the answers of one sitting come back together; each answer keeps its UUID, so a
file imported twice adds nothing the second time. Reading checks every record and reports a
bad one as `FILE:LINE: message`, never as a crash: the others are still read.
"""

from __future__ import annotations

import csv
import io
import json
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO, TextIO

from quiz.core.bank import printable
from quiz.store.api import Answer, Sitting

MODES = ("practice", "review", "drill", "exam", "mistakes")
MAX_SECONDS = 86_400.0  # an answer that took longer than a day is not one
MAX_LINE = 1_000_000  # bytes: a record is a few hundred

# In this order in a CSV file's header, and in each JSON object.
FIELDS = (
    "id", "profile", "bank", "question", "topic", "session", "mode", "seed", "score",
    "correct", "response", "seconds", "answered_at", "unanswered", "overridden", "late",
    "given", "question_hash", "session_started", "session_ended",
)  # fmt: skip
REQUIRED = (
    "id", "profile", "bank", "question", "topic", "session", "score", "correct",
    "answered_at", "unanswered", "overridden",
)  # fmt: skip


def record(sitting: Sitting, answer: Answer) -> dict[str, Any]:
    """One answer as the fields of a results file, in the order of `FIELDS`."""
    at = answer.answered_at if answer.answered_at is not None else sitting.started
    return {
        "id": answer.id,
        "profile": sitting.profile,
        "bank": sitting.bank,
        "question": answer.question_id,
        "topic": answer.topic,
        "session": sitting.uuid,
        "mode": sitting.mode,
        "seed": sitting.seed,
        "score": answer.points,
        "correct": answer.correct,
        "response": None if answer.response is None else dict(answer.response),
        "seconds": answer.seconds,
        "answered_at": iso(at),
        "unanswered": answer.unanswered,
        "overridden": answer.overridden,
        "late": answer.late,
        "given": answer.given,
        "question_hash": answer.question_hash,
        "session_started": iso(sitting.started),
        "session_ended": None if sitting.ended is None else iso(sitting.ended),
    }


def iso(moment: float) -> str:
    """A time as ISO 8601 in UTC, to the microsecond: `2026-12-03T13:05:09.250000+00:00`."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="microseconds")


def write_jsonl(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write one JSON object a line; return how many."""
    written = 0
    for item in records:
        out.write(json.dumps(item, ensure_ascii=False, allow_nan=False) + "\n")
        written += 1
    return written


def write_csv(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write a header and one row per record: flags as true/false, nothing as an empty cell,
    the response as its JSON text; return how many rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    written = 0
    for item in records:
        writer.writerow(_cell(item.get(name)) for name in FIELDS)
        written += 1
    return written


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that cannot be imported: where it is and why."""

    line: int
    message: str


@dataclass(slots=True)
class Read:
    """What a results file holds: each sitting (by its UUID) with its answers, in the order
    first met, and the records that were rejected."""

    sittings: dict[str, Sitting] = field(default_factory=dict)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    _first_line: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(map(len, self.answers.values()))

    def first_line(self, session: str) -> int:
        """The line of the first record of this sitting."""
        return self._first_line[session]


def lines_of(file: BinaryIO) -> Iterator[bytes]:
    """A file's lines, each cut at MAX_LINE bytes (the rest of a longer one is read and
    dropped), so that a file with no line breaks cannot fill the memory."""
    while line := file.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while (rest := file.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
        yield line


def read_results(lines: Iterable[bytes], *, csv_format: bool) -> Read:
    """Every record of a results file (its lines as bytes), checked; the sittings come out
    whole, and each question is answered once in a sitting."""
    read = Read()
    items = _csv_records(lines) if csv_format else _jsonl_records(lines)
    answered: dict[tuple[str, str], int] = {}  # (session, question) -> line
    for line, item in items:
        if isinstance(item, str):
            read.rejected.append(Rejected(line, item))
            continue
        try:
            sitting, answer = _parse(item, csv_format=csv_format)
        except ValueError as exc:
            read.rejected.append(Rejected(line, str(exc)))
            continue
        known = read.sittings.get(sitting.uuid)
        differs = "" if known is None else _differs(known, sitting)
        if known is not None and differs:
            first = read._first_line[sitting.uuid]
            read.rejected.append(
                Rejected(line, f"session {sitting.uuid} has another {differs} on line {first}")
            )
            continue
        first = answered.setdefault((sitting.uuid, answer.question_id), line)
        if first != line:
            message = f"question '{answer.question_id}' is answered twice in session "
            read.rejected.append(Rejected(line, message + f"{sitting.uuid} (line {first})"))
            continue
        if known is None:
            read.sittings[sitting.uuid] = sitting
            read._first_line[sitting.uuid] = line
            read.answers[sitting.uuid] = [answer]
            continue
        read.sittings[sitting.uuid] = _widened(known, sitting)
        read.answers[sitting.uuid].append(answer)
    return read


def _jsonl_records(lines: Iterable[bytes]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE:
            yield number, f"longer than {MAX_LINE:,} bytes; not a record"
            continue
        try:
            item = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield number, "not UTF-8 text"
            continue
        except ValueError as exc:
            yield number, f"not JSON: {exc}"
            continue
        yield number, item if isinstance(item, dict) else "not a JSON object"


def _csv_records(lines: Iterable[bytes]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    raw = b"".join(lines)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text; nothing of this file is read"
        return
    # Not strict: a stray quote makes one odd cell, which the record's checks then refuse,
    # instead of stopping the reader and losing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield 1, f"not CSV: {exc}"
        return
    if header is None:
        return
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        yield 1, f"unknown column '{printable(unknown[0])}' (the columns: see the README)"
        return
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        yield 1, f"the header has no column '{missing[0]}'"
        return
    while True:
        start = reader.line_num + 1  # a record is placed where it starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"not CSV: {exc}"
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield start, f"{len(row)} cells where the header has {len(header)}"
            continue
        yield start, {name: cell for name, cell in zip(header, row, strict=True)}


def _parse(item: Mapping[str, Any], *, csv_format: bool) -> tuple[Sitting, Answer]:
    """A record as its sitting and its answer; ValueError says what is wrong with it."""
    unknown = [name for name in item if name not in FIELDS]
    if unknown:
        raise ValueError(f"unknown field '{printable(str(unknown[0]))}'")
    values = _Values(item, csv_format)
    for name in REQUIRED:
        if values.absent(name):
            raise ValueError(f"missing required field '{name}'")
    answered_at = values.time("answered_at")
    assert answered_at is not None  # required
    seconds = values.number("seconds", default=0.0)
    if seconds > MAX_SECONDS:
        raise ValueError(f"'seconds' is {seconds:g}: more than a day")
    started = values.time("session_started")
    ended = values.time("session_ended")
    mode = values.text("mode", default="practice")
    if mode not in MODES:
        raise ValueError(f"'mode' is one of {', '.join(MODES)}, not '{printable(mode)}'")
    score = values.number("score")
    if not 0 <= score <= 1:
        raise ValueError(f"'score' is from 0 to 1, not {score}")
    correct = values.flag("correct")
    sitting = Sitting(
        uuid=values.uuid("session"),
        profile=values.name("profile"),
        bank=values.name("bank"),
        mode=mode,
        seed=values.whole("seed"),
        started=max(0.0, answered_at - seconds) if started is None else started,
        ended=ended,
    )
    answer = Answer(
        question_id=values.name("question"),
        topic=values.name("topic"),
        question_hash=values.text("question_hash", default=""),
        given=values.text("given", default=""),
        correct=correct,
        seconds=seconds,
        score=score,
        response=values.response(),
        unanswered=values.flag("unanswered"),
        late=values.flag("late", default=False),
        overridden=values.flag("overridden"),
        id=values.uuid("id"),
        answered_at=answered_at,
    )
    return sitting, answer


class _Values:
    """A record's fields read as what each must be. In CSV every cell is text, so each is
    read from its text there; in JSON each must already be of its type."""

    def __init__(self, item: Mapping[str, Any], csv_format: bool) -> None:
        self.item, self.csv = item, csv_format

    def absent(self, name: str) -> bool:
        value = self.item.get(name)
        return value is None or (self.csv and value == "")

    def raw(self, name: str) -> Any:
        return None if self.absent(name) else self.item[name]

    def text(self, name: str, default: str) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ValueError(f"'{name}' must be text")
        if not _encodable(value):
            raise ValueError(f"'{name}' is not valid Unicode text")
        return value

    def name(self, name: str) -> str:
        """A name that identifies something (a profile, a bank, a question): text with no
        control code, not blank."""
        value = self.text(name, default="")
        if not value.strip():
            raise ValueError(f"'{name}' is empty")
        if printable(value) != value:
            raise ValueError(f"'{name}' holds a control character")
        return value

    def uuid(self, name: str) -> str:
        value = self.text(name, default="")
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError(f"'{name}' is not a UUID") from None

    def flag(self, name: str, default: bool | None = None) -> bool:
        value = self.raw(name)
        if value is None and default is not None:
            return default
        if self.csv and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise ValueError(f"'{name}' is true or false")
        return value

    def number(self, name: str, default: float | None = None) -> float:
        value = self.raw(name)
        if value is None and default is not None:
            return default
        if self.csv and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"'{name}' is not a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"'{name}' is not a number")
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"'{name}' is out of range") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"'{name}' must be a number, 0 or more")
        return number

    def whole(self, name: str) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if self.csv and isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise ValueError(f"'{name}' is not a whole number") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"'{name}' is not a whole number")
        if not 0 <= value < 2**63:
            raise ValueError(f"'{name}' is out of range")
        return value

    def time(self, name: str) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"'{name}' must be a time in ISO 8601, with its time zone")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{name}' is not a time in ISO 8601") from None
        if moment.tzinfo is None:
            raise ValueError(f"'{name}' has no time zone (add +00:00 or Z)")
        try:
            stamp = moment.timestamp()
        except (OverflowError, ValueError, OSError):
            raise ValueError(f"'{name}' is out of range") from None
        if not 0 <= stamp < 1e11:
            raise ValueError(f"'{name}' is out of range")
        return stamp

    def response(self) -> dict[str, Any] | None:
        value = self.raw("response")
        if self.csv and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError("'response' is not JSON") from None
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("'response' must be a JSON object")
        if not _encodable(json.dumps(value, ensure_ascii=False)):
            raise ValueError("'response' is not valid Unicode text")
        picked = value.get("picked", [])
        if not isinstance(picked, list) or not all(
            isinstance(p, dict) and isinstance(p.get("text"), str) for p in picked
        ):
            raise ValueError("'response' picked must be a list of {\"text\": …} objects")
        return value


def _encodable(text: str) -> bool:
    """Whether text can be stored as UTF-8 (JSON can spell lone surrogates; UTF-8 cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _differs(known: Sitting, other: Sitting) -> str:
    """Which of a sitting's identity fields two records of it disagree on ("" if none)."""
    for name in ("profile", "bank", "mode", "seed"):
        if getattr(known, name) != getattr(other, name):
            return name
    return ""


def _widened(known: Sitting, other: Sitting) -> Sitting:
    """A sitting spanning both records' times (a record without the session's own times
    gives its answer's)."""
    ended = [t for t in (known.ended, other.ended) if t is not None]
    return Sitting(
        known.uuid, known.profile, known.bank, known.mode, known.seed,
        min(known.started, other.started), max(ended) if ended else None,
    )  # fmt: skip
