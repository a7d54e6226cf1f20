"""One emulated PostHog as the pipeline serves it: a world, and what observes and injects into
the requests made to it (the journal, the faults, the rate limit). The world is state alone;
these belong to the pipeline, and reset puts all of them back as they started."""

from __future__ import annotations

from mock_posthog.http import secrets
from mock_posthog.http.faults import Faults
from mock_posthog.http.journal import Journal
from mock_posthog.http.ratelimit import RateLimiter
from mock_posthog.settings import Settings
from mock_posthog.world.world import World


class Instance:
    def __init__(self, settings: Settings, seed: bytes | None = None) -> None:
        self.world = World(settings, seed)
        secrets.watch(self.world.store)  # none of its secrets in the package's log
        self.journal = Journal(settings.journal_limit, settings.journal_bytes)
        self.faults = Faults()
        self.rate_limit = RateLimiter(self.world.clock, enabled=settings.rate_limit)

    def reset(self) -> None:
        """Back to the seeded world, with an empty journal, no faults and a running clock."""
        self.world.reset()
        self.journal.clear()
        self.faults.clear()
        self.rate_limit.reset()
