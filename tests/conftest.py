"""Shared fixtures: small banks written to temporary files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quiz.store.api import ProgressStore
from quiz.tui.widgets.topic_table import TopicTable

from .pg import Cluster, running_cluster

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_BANK = ROOT / "questions.yaml"

SMALL_BANK = """\
title: Small bank
topics:
  alpha: Alpha topic
  beta: Beta topic
questions:
  - id: a-choice
    topic: alpha
    type: choice
    prompt: Pick B
    choices: [A, B, C]
    answer: B
    explanation: B is right.
    ref: Section one
  - id: a-multi
    topic: alpha
    type: multi
    prompt: Pick A and C
    choices: [A, B, C]
    answer: [A, C]
    explanation: A and C.
  - id: a-tf
    topic: alpha
    type: truefalse
    prompt: The sky is green.
    answer: false
  - id: b-short
    topic: beta
    type: short
    prompt: Name the transformer technique.
    answer: self-attention
    accept: [attention]
  - id: b-cloze
    topic: beta
    type: cloze
    prompt: "LLMs are {{large|big}} language {{models}}."
  - id: b-card
    topic: beta
    type: card
    prompt: Front
    answer: Back
"""


def table_rows(table: TopicTable) -> list[str]:
    """Every line of the home screen's topic table, drawn or not."""
    return [table.line(i) for i in range(table.count)]


@pytest.fixture(autouse=True)
def config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Settings (the theme) go to a folder of the test's own, never the user's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("QUIZ_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to a bank file and return its path."""
    counter = iter(range(10_000))

    def write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"bank{next(counter)}.yaml")
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def small_bank_path(write_bank: Callable[[str], Path]) -> Path:
    return write_bank(SMALL_BANK, "small.yaml")


class Clock:
    """A fixed clock that moves one second each time it is read."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        self.now += 1
        return self.now


def stored_cards(store: ProgressStore, profile: str, bank: str) -> dict[str, str]:
    """Each card the store keeps for the profile and bank, as the JSON the scheduler wrote."""
    return {
        qid: card
        for who, key, cards in store.card_sets(profile)
        if (who, key) == (profile, bank)
        for qid, (_, (card, _)) in cards.items()
    }


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the whole run (see tests/pg.py): the tests that use
    it skip, with the reason, when it cannot start; under CI=true they fail."""
    yield from running_cluster()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a new, empty database of this test's own on the throwaway server."""
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new progress database on each engine in turn."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'progress.db'}"
    return str(request.getfixturevalue("pg_url"))
