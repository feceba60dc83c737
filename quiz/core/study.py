"""Who studies which bank, and where their progress is kept: the three go everywhere together."""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz.core.bank import Bank
from quiz.store.api import ProgressStore, StoreError


@dataclass(frozen=True, slots=True)
class Study:
    """A profile studying a bank, with the store that keeps their progress. The one place
    that knows what the bank's progress is kept under: `key`."""

    bank: Bank
    store: ProgressStore
    profile: str
    # Why the store could not take the bank in when it was opened (None: it could). The app
    # still starts: what cannot be read or saved is said where it happens.
    problem: str | None = field(default=None, compare=False)

    @classmethod
    def open(cls, bank: Bank, store: ProgressStore, profile: str) -> Study:
        """Make the bank known to the store (progress kept under its title before it had an
        id becomes the id's), then study it; a store that fails is kept in `problem`."""
        study = cls(bank, store, profile)
        try:
            store.use_bank(study.key, bank.title)
        except StoreError as exc:
            return cls(bank, store, profile, str(exc))
        return study

    @property
    def key(self) -> str:
        """What the store keeps this bank's progress under."""
        return self.bank.key
