"""Run-time settings: one frozen dataclass, filled from CLI flags and MOCK_POSTHOG_* variables.

Each setting declares, beside its default, how its text is read, what it accepts and whether
`serve` has a flag for it (`setting(...)` below); the CLI builds its options, its help and its
messages from these declarations, so a new setting is one field here.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "MOCK_POSTHOG_"
CONTROL_TOKEN_OFF = "off"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# Variables read by other parts of the package, which are not settings of a server.
OTHER_VARIABLES = {
    "MOCK_POSTHOG_URL": "a running server's address, for clients and fixtures",
    "MOCK_POSTHOG_FUZZ_EXAMPLES": "examples per operation of the project's fuzz test",
}


class SettingsError(ValueError):
    """A setting's text is not one it accepts; the message is one line for the user."""


@dataclass(frozen=True)
class Option:
    """How one setting is read from text and described to the user."""

    help: str
    parse: Callable[[str], Any]
    accepts: str  # what the text may be, for the message that refuses another
    flag: bool = True  # `serve` has --NAME for it; else only the variable sets it
    switch: bool = False  # a flag that takes no value: present means on
    default_text: str = ""  # the default as the help shows it, when not the value itself
    metavar: str = "VALUE"  # what the flag's help calls its value


def setting(default: Any = None, *, factory: Callable[[], Any] | None = None, **option: Any) -> Any:
    """A dataclass field that carries its Option."""
    metadata = {"option": Option(**option)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _integer(least: int, most: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text.strip())
        if value < least or (most is not None and value > most):
            raise ValueError(text)
        return value

    return parse


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


def _log_level(text: str) -> str:
    level = text.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(text)
    return level


def _host(text: str) -> str:
    host = text.strip()
    if not host:
        raise ValueError(text)
    # `[::1]` as in a URL is the address ::1.
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _path(text: str) -> Path:
    if not text.strip():
        raise ValueError(text)
    return Path(text)


def _paths(text: str) -> tuple[Path, ...]:
    return tuple(Path(part) for part in text.split(os.pathsep) if part)


def _text(text: str) -> str:
    return text


_BOOLEAN = f"one of {'/'.join(TRUE_WORDS + FALSE_WORDS)}"


@dataclass(frozen=True)
class Settings:
    host: str = setting(
        "127.0.0.1",
        help="address to listen on; an IPv6 address such as ::1 works too",
        parse=_host,
        accepts="an IP address or a host name that resolves",
        metavar="HOST",
    )
    port: int = setting(
        8010,
        help="port to listen on; 0 picks a free one",
        parse=_integer(0, 65535),
        accepts="a port number from 0 to 65535",
        metavar="PORT",
    )
    # The TinyDB file that keeps the state across restarts; None keeps it in memory.
    data: Path | None = setting(
        None,
        help="TinyDB file that keeps the state across restarts (one server per file)",
        parse=_path,
        accepts="a path to a file",
        metavar="FILE",
        default_text="none: the state lives in memory",
    )
    # Fixture files that replace the default world, merged in order; empty means the default.
    fixtures: tuple[Path, ...] = setting(
        factory=tuple,
        help="fixture file that replaces the default world (repeatable, merged in order; "
        f"the variable joins paths with {os.pathsep!r})",
        parse=_paths,
        accepts="fixture file paths",
        default_text="the default world",
    )
    # The upstream (plugin archives, the plugin repository list) starts empty instead of as the
    # default world's, which fixture files otherwise add to.
    empty_upstream: bool = setting(
        False,
        help="start from an empty upstream (no archives, an empty repository list)",
        parse=_boolean,
        accepts=_BOOLEAN,
        default_text="off",
        flag=False,
    )
    # `file:` plugin URLs may only read below this directory; None refuses every `file:` URL.
    plugins_dir: Path | None = setting(
        None,
        help="the only directory `file:` plugin URLs may read",
        parse=_path,
        accepts="a path to a directory",
        metavar="DIR",
        default_text="none: file: URLs are refused",
    )
    # Check every response against its schema (always on in tests; costs time when serving).
    validate_responses: bool = setting(
        False,
        help="check every response against its schema",
        parse=_boolean,
        accepts=_BOOLEAN,
        switch=True,
        default_text="off",
    )
    # Request bodies above this many bytes get a 413, before they are read.
    max_body_bytes: int = setting(
        10 * 1024 * 1024,
        help="request bodies above this many bytes get a 413 before they are read",
        parse=_integer(1),
        accepts="a whole number of bytes, at least 1",
        default_text="10485760 (10 MiB)",
        flag=False,
    )
    log_level: str = setting(
        "INFO",
        help="the log on stderr (DEBUG adds one line a request)",
        parse=_log_level,
        accepts=f"one of {', '.join(LOG_LEVELS)}",
        flag=False,
    )
    # The journal keeps this many of the latest requests; 0 keeps them all.
    journal_limit: int = setting(
        1000,
        help="requests the journal keeps; 0 keeps them all",
        parse=_integer(0),
        accepts="a whole number, 0 or more",
        metavar="N",
    )
    # ... and at most about this many bytes of requests and answers; 0: no bound.
    journal_bytes: int = setting(
        32 * 1024 * 1024,
        help="bytes of requests and answers the journal keeps, the oldest evicted; 0: no bound",
        parse=_integer(0),
        accepts="a whole number of bytes, 0 or more",
        default_text="33554432 (32 MiB)",
        metavar="BYTES",
    )
    # PostHog's rate limit for personal API keys (480/minute, 4800/hour); off as in tests.
    rate_limit: bool = setting(
        False,
        help="throttle personal API keys as PostHog does (480/minute, 4800/hour)",
        parse=_boolean,
        accepts=_BOOLEAN,
        switch=True,
        default_text="off",
    )
    # UUIDs come from this seed, the same on every run and after every reset; None: random.
    uuid_seed: int | None = setting(
        None,
        help="make UUIDs the same on every run",
        parse=_integer(0),
        accepts="a whole number, 0 or more",
        default_text="none: random",
        metavar="N",
    )
    # The secret every /_mock/ request must send (X-Mock-PostHog-Token, or Authorization:
    # Bearer); "off" turns the protection off on purpose. Without one, `serve` refuses to
    # listen beyond loopback.
    control_token: str | None = setting(
        None,
        help="secret every /_mock/ request must send; needed to listen beyond loopback "
        f"({CONTROL_TOKEN_OFF!r} turns the protection off; prefer the variable: a flag shows "
        "in the process list)",
        parse=_text,
        accepts="a secret",
        metavar="TOKEN",
        default_text="none",
    )
    # Namespaces (isolated instances beside the default one): how many are kept, the least
    # recently used dropped beyond it, and after how many idle seconds one is dropped.
    max_namespaces: int = setting(
        1000,
        help="namespaces kept beside the default one; the least recently used goes beyond it",
        parse=_integer(0),
        accepts="a whole number, 0 or more",
        metavar="N",
    )
    namespace_idle_seconds: int = setting(
        3600,
        help="a namespace unused this long is dropped",
        parse=_integer(0),
        accepts="a whole number of seconds, 0 or more",
        metavar="SECONDS",
    )

    @property
    def required_control_token(self) -> str | None:
        """The token control requests must send; None when there is none or it is off."""
        token = (self.control_token or "").strip()
        return token if token and not self.control_token_off else None

    @property
    def control_token_off(self) -> bool:
        return (self.control_token or "").strip().lower() == CONTROL_TOKEN_OFF

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        flags: Mapping[str, str | None] | None = None,
        **overrides: Any,
    ) -> Settings:
        """Defaults, then MOCK_POSTHOG_* variables, then `flags` (the text of CLI options, by
        setting name), then `overrides` (values already typed). A text a setting does not
        accept raises SettingsError naming the variable or the flag."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, option in options().items():
            raw = environ.get(variable(name))
            if raw is not None and raw != "":
                values[name] = _read(option, raw, f"{variable(name)}={raw!r}")
        for name, raw in (flags or {}).items():
            if raw is not None:
                values[name] = _read(options()[name], raw, f"{flag(name)} {raw!r}")
        values.update({name: value for name, value in overrides.items() if value is not None})
        return replace(cls(), **_normalise(values))


def options() -> dict[str, Option]:
    """Every setting's Option, in the order the fields are declared."""
    return {item.name: item.metadata["option"] for item in fields(Settings)}


def variable(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def default_text(name: str) -> str:
    option = options()[name]
    return option.default_text or str(getattr(Settings(), name))


def _read(option: Option, raw: str, given: str) -> Any:
    try:
        return option.parse(raw)
    except ValueError:
        raise SettingsError(f"{given}: expected {option.accepts}") from None


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each MOCK_POSTHOG_* variable nobody reads, with the nearest known name."""
    environ = os.environ if environ is None else environ
    known = [variable(name) for name in options()] + list(OTHER_VARIABLES)
    # Compared without the prefix, which every name shares.
    suffixes = [name.removeprefix(ENV_PREFIX) for name in known]
    warnings = []
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name not in known:
            suffix = name.removeprefix(ENV_PREFIX)
            nearest = difflib.get_close_matches(suffix, suffixes, n=1, cutoff=0.6)
            hint = f" (did you mean {ENV_PREFIX}{nearest[0]}?)" if nearest else ""
            warnings.append(f"{name} is not a variable mock-posthog reads{hint}; it is ignored")
    return warnings


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    for name in ("data", "plugins_dir"):
        if isinstance(values.get(name), str):
            values[name] = Path(values[name])
    if "fixtures" in values:
        values["fixtures"] = tuple(Path(path) for path in values["fixtures"])
    return values
