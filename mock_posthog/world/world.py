"""The emulated world: the store, its seed, the clock and the ids; what the routes, the control
plane and the in-process handle share. Reset puts all of it back as it started."""

from __future__ import annotations

from mock_posthog.settings import Settings
from mock_posthog.world import fixtures
from mock_posthog.world.clock import Clock, isoformat
from mock_posthog.world.ids import UuidSource
from mock_posthog.world.layout import dumps, tinydb_layout, without_gc
from mock_posthog.world.store import Store


class World:
    def __init__(self, settings: Settings, seed: bytes | None = None) -> None:
        """A world seeded from the settings' fixtures; with `seed` (another world's, already
        encoded), from those bytes instead, in memory: what a new namespace costs."""
        self.settings = settings
        self.clock = Clock()
        self.uuids = UuidSource(settings.uuid_seed)
        if seed is not None:
            self.seed = seed
            self.store = Store()
            self.store.restore(seed)
        else:
            self._seed_from_fixtures(settings)
        self.ready = True

    def _seed_from_fixtures(self, settings: Settings) -> None:
        with without_gc():  # a large world is many objects made at once
            seed_tables = _seed_tables(settings)
            # The records are this world's own, fresh from the files: no need to copy them.
            layout = tinydb_layout(seed_tables, copy=False)
            self.seed = dumps(layout)
            self.store = Store(settings.data)
            if not self.store.has_data:
                self.store.replace(layout)

    def reset(self) -> None:
        """Back to the seeded world and a running clock."""
        self.store.restore(self.seed)
        self.clock.unfreeze()
        self.uuids.reset()

    def now(self) -> str:
        """Now, as PostHog renders timestamps."""
        return isoformat(self.clock.now())

    def new_uuid(self) -> str:
        return self.uuids.new()


def _seed_tables(settings: Settings) -> fixtures.Tables:
    """The default world, or the fixture files over the default world's upstream; with
    `empty_upstream`, either without any upstream."""
    default = fixtures.default_world()
    if settings.empty_upstream:
        default = fixtures.without_upstream(default)
    if not settings.fixtures:
        return default
    return fixtures.load_files(settings.fixtures, fixtures.upstream(default))
