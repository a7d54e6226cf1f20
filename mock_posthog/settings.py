"""Run-time settings: one frozen dataclass, filled from CLI flags and MOCK_POSTHOG_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "MOCK_POSTHOG_"
CONTROL_TOKEN_OFF = "off"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8010
    # The TinyDB file that keeps the state across restarts; None keeps it in memory.
    data: Path | None = None
    # Fixture files that replace the default world, merged in order; empty means the default world.
    fixtures: tuple[Path, ...] = field(default_factory=tuple)
    # The upstream (plugin archives, the plugin repository list) starts empty instead of as the
    # default world's, which fixture files otherwise add to.
    empty_upstream: bool = False
    # `file:` plugin URLs may only read below this directory; None refuses every `file:` URL.
    plugins_dir: Path | None = None
    # Check every response against its schema (always on in tests; costs time when serving).
    validate_responses: bool = False
    # Request bodies above this many bytes get a 413.
    max_body_bytes: int = 10 * 1024 * 1024
    log_level: str = "INFO"
    # The journal keeps this many of the latest requests; 0 keeps them all.
    journal_limit: int = 1000
    # ... and at most about this many bytes of requests and answers; 0: no bound.
    journal_bytes: int = 32 * 1024 * 1024
    # PostHog's rate limit for personal API keys (480/minute, 4800/hour); off as in tests.
    rate_limit: bool = False
    # UUIDs come from this seed, the same on every run and after every reset; None: random.
    uuid_seed: int | None = None
    # The secret every /_mock/ request must send (X-Mock-PostHog-Token, or Authorization:
    # Bearer); "off" turns the protection off on purpose. Without one, `serve` refuses to
    # listen beyond loopback.
    control_token: str | None = None
    # Namespaces (isolated instances beside the default one): how many are kept, the least
    # recently used dropped beyond it, and after how many idle seconds one is dropped.
    max_namespaces: int = 1000
    namespace_idle_seconds: int = 3600

    @property
    def required_control_token(self) -> str | None:
        """The token control requests must send; None when there is none or it is off."""
        token = (self.control_token or "").strip()
        return token if token and not self.control_token_off else None

    @property
    def control_token_off(self) -> bool:
        return (self.control_token or "").strip().lower() == CONTROL_TOKEN_OFF

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then MOCK_POSTHOG_* variables, then explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in fields(cls):
            raw = environ.get(ENV_PREFIX + setting.name.upper())
            if raw is not None and raw != "":
                values[setting.name] = _parse(setting.name, raw)
        values.update({name: value for name, value in overrides.items() if value is not None})
        return replace(cls(), **_normalise(values))


_INTEGERS = (
    "port",
    "max_body_bytes",
    "journal_limit",
    "journal_bytes",
    "uuid_seed",
    "max_namespaces",
    "namespace_idle_seconds",
)


def _parse(name: str, raw: str) -> Any:
    if name in _INTEGERS:
        return int(raw)
    if name in ("validate_responses", "rate_limit", "empty_upstream"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "fixtures":
        return tuple(Path(part) for part in raw.split(os.pathsep) if part)
    return raw


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    for name in ("data", "plugins_dir"):
        if isinstance(values.get(name), str):
            values[name] = Path(values[name])
    if "fixtures" in values:
        values["fixtures"] = tuple(Path(path) for path in values["fixtures"])
    return values
