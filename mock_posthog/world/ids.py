"""Where the world's UUIDs come from: random by default; a seeded sequence when a test wants
the same ids on every run."""

from __future__ import annotations

import random
import threading
import uuid


class UuidSource:
    def __init__(self, seed: int | None = None) -> None:
        self._default_seed = seed
        self._lock = threading.Lock()
        self.reseed(seed)

    @property
    def seed(self) -> int | None:
        return self._seed

    def reseed(self, seed: int | None) -> None:
        """Start the sequence of `seed` again; None goes back to random ids."""
        with self._lock:
            self._seed = seed
            self._random = random.Random(seed) if seed is not None else None

    def reset(self) -> None:
        self.reseed(self._default_seed)

    def new(self) -> str:
        with self._lock:
            if self._random is None:
                return str(uuid.uuid4())
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
