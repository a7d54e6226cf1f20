"""The emulated world: the store, its seed, the clock; what the app and the in-process handle
share. Reset puts the seed back."""

from __future__ import annotations

import uuid

import orjson

from . import fixtures
from .clock import Clock, isoformat
from .settings import Settings
from .store import Store, tinydb_layout


class World:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        seed_tables = (
            fixtures.load_files(settings.fixtures)
            if settings.fixtures
            else fixtures.default_world()
        )
        self.seed = orjson.dumps(tinydb_layout(seed_tables))
        self.store = Store(settings.data)
        if not self.store.has_data:
            self.store.restore(self.seed)
        self.ready = True

    def reset(self) -> None:
        """Back to the seeded world."""
        self.store.restore(self.seed)

    def now(self) -> str:
        """Now, as PostHog renders timestamps."""
        return isoformat(self.clock.now())

    def new_uuid(self) -> str:
        return str(uuid.uuid4())
