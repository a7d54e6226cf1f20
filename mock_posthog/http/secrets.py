"""What is secret in one world, and records without it: the journal's entries (a request's
path, query, headers and body; the response's body and headers), the log's lines and a
snapshot for sharing.

Secret are the personal API keys and project API tokens the world holds, the values of the
config fields a plugin's schema marks secret (stored, or sent in a request), and whatever is
sent under a credential's name (`personal_api_key`, `private_token`, `token`, `api_key`) or
in a header whose name says it holds one (`X-Api-Key`, `Authorization`, a cookie)."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeGuard

import orjson

from mock_posthog.http.redaction import CREDENTIAL_NAMES, REDACTED, RedactingFilter, redact_text
from mock_posthog.posthog import records
from mock_posthog.world.store import Store

CONTROL_HEADER = "x-mock-posthog-token"
_SECRET_HEADERS = ("authorization", "cookie", "set-cookie", CONTROL_HEADER)
_SECRET_HEADER_WORDS = ("key", "token", "secret", "auth", "password", "session")


@dataclass
class _Held:
    """Every secret value a world has held, as written and as JSON writes it, and the same
    longest first (the order redaction replaces them in), sorted again only when it grows;
    and the Secrets made of them with the secret fields of the world's plugins, made again
    only when either changes (most writes add no secret)."""

    values: set[str] = field(default_factory=set)
    longest_first: tuple[str, ...] = ()
    last: Secrets = field(default_factory=lambda: Secrets())  # Secrets: defined below

    def config_written(
        self, store: Store, config: Mapping[str, Any], previous: Mapping[str, Any] | None
    ) -> None:
        """What the store tells of each config it writes: its secrets are held from now on."""
        values = config.get("config")
        if not values or (previous is not None and previous.get("config") is values):
            return  # no value at all, or the very values it held: most configs' writes
        texts = _config_secrets(_secret_sources(store)[0], config)
        if texts:
            self.add(texts)

    def add(self, texts: Iterable[str], fields: frozenset[str] | None = None) -> None:
        """Hold `texts` too; and `fields` from now on, when given."""
        new = {text for text in texts if text not in self.values}
        if new:
            self.values |= new | {orjson.dumps(value).decode()[1:-1] for value in new}
            self.longest_first = tuple(sorted(self.values, key=len, reverse=True))
        if new or (fields is not None and fields != self.last.fields):
            kept_fields = self.last.fields if fields is None else fields
            self.last = Secrets(kept_fields, self.longest_first)


_HELD: weakref.WeakKeyDictionary[Store, _Held] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Secrets:
    """The secrets of a world at one moment: `fields`, the config keys a schema marks secret;
    `known`, every secret value it holds (as written, and as JSON writes it)."""

    fields: frozenset[str] = frozenset()
    known: tuple[str, ...] = ()

    def text(self, text: str) -> str:
        return redact_text(text, self.fields, self.known)

    def value(self, value: Any) -> Any:
        """A decoded JSON value (a body, a snapshot) without its secrets. Walked with a stack
        of its own, not by recursion: a body may nest deeper than Python's recursion limit
        allows at the depth the journal is read from."""
        made: list[Any] = [None]
        # (where the result goes, under which key or index, the value, its field's name)
        pending: list[tuple[Any, Any, Any, str | None]] = [(made, 0, value, None)]
        while pending:
            into, slot, item, name = pending.pop()
            if name is not None and self._hides(name, item):
                into[slot] = REDACTED
            elif name == "config" and isinstance(item, str):  # a form field holding JSON
                into[slot] = self._config_text(item)
            elif isinstance(item, Mapping):
                into[slot] = fields = dict.fromkeys(item)  # the keys in their order
                pending += [(fields, key, child, str(key)) for key, child in item.items()]
            elif isinstance(item, list):
                into[slot] = items = [None] * len(item)
                pending += [(items, index, child, None) for index, child in enumerate(item)]
            else:
                into[slot] = self.text(item) if isinstance(item, str) else item
        return made[0]

    def _hides(self, name: str, value: Any) -> bool:
        """Whether a field's value is hidden whole, for its name."""
        return name in CREDENTIAL_NAMES or (name in self.fields and value is not None)

    def _config_text(self, text: str) -> str:
        try:
            config = json.loads(text)
        except (ValueError, RecursionError):
            return self.text(text)
        if not isinstance(config, Mapping):
            return self.text(text)
        return json.dumps(self.value(config))

    def response(self, text: str) -> str:
        """An answer's text without the secrets the world holds. Not by field name: PostHog
        writes its own placeholder in a secret field, which the journal shows as answered."""
        return redact_text(text, (), self.known)

    def headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {
            name: REDACTED if _secret_header(name) else self.text(str(value))
            for name, value in headers
        }

    def query(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        """Credentials out, by name (the project token PostHog reads from `token` or `api_key`
        too) and by value; a name sent once has its value, sent more often, the list."""
        return {
            self.text(key): REDACTED
            if key in CREDENTIAL_NAMES
            else self.text(values[0])
            if len(values) == 1
            else [self.text(value) for value in values]
            for key, values in query.items()
        }


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS)


def of(store: Store) -> Secrets:
    """The world's secrets now and every secret value it held before (a secret config value
    replaced, a key deleted: still not to be shown). Every config is read again only when a
    table the secret fields and credentials come from changed, or the whole world was
    replaced; a config's write adds its own secrets as it is written (`watch`)."""
    return store.cached(("secrets",), _SOURCE_TABLES, lambda: _gathered(store)).last


def known_values(store: Store) -> tuple[str, ...]:
    """Every secret value the world holds: none of them is ever written out."""
    return of(store).known


def _gathered(store: Store) -> _Held:
    """Every secret the world holds now, added to what it held."""
    fields, every_field, credentials = _secret_sources(store)
    configs = store.all(records.PLUGIN_CONFIGS)
    texts = chain(credentials, *(_config_secrets(fields, config) for config in configs))
    held = _held(store)
    held.add(texts, every_field)
    return held


def _config_secrets(fields: Mapping[Any, set[str]], config: Mapping[str, Any]) -> list[str]:
    """The values of a config's secret fields (most plugins have none)."""
    keys = fields.get(config.get("plugin"))
    stored = config.get("config")
    if not keys or not isinstance(stored, dict):  # a stored record is JSON's: a dict, if any
        return []
    return [value for key in keys if _is_text(value := stored.get(key))]


def _held(store: Store) -> _Held:
    held = _HELD.get(store)
    if held is None:
        held = _HELD[store] = _Held()
    return held


def _is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


_SOURCE_TABLES = (records.PERSONAL_API_KEYS, records.PROJECTS, records.PLUGINS)


def _secret_sources(store: Store) -> tuple[dict[Any, set[str]], frozenset[str], frozenset[str]]:
    return store.cached(("secret sources",), _SOURCE_TABLES, lambda: _sources(store))


def _sources(store: Store) -> tuple[dict[Any, set[str]], frozenset[str], frozenset[str]]:
    """Each plugin's secret config keys by plugin id, all of them, and the credentials: the
    personal API keys and the project API tokens."""
    by_plugin = {plugin["id"]: _secret_fields(plugin) for plugin in store.all(records.PLUGINS)}
    every_field = frozenset(key for keys in by_plugin.values() for key in keys)
    keys = [key.get("value") for key in store.all(records.PERSONAL_API_KEYS)]
    tokens = [project.get("api_token") for project in store.all(records.PROJECTS)]
    credentials = frozenset(value for value in (*keys, *tokens) if _is_text(value))
    return by_plugin, every_field, credentials


def _secret_fields(plugin: Mapping[str, Any]) -> set[str]:
    """Config keys the plugin's schema marks secret, in either of its forms. A key secret in
    one plugin is hidden for all: the journal would rather hide too much than show a secret."""
    schema = plugin.get("config_schema") or {}
    if isinstance(schema, Mapping):
        items = list(schema.items())
    else:
        items = [
            (item["key"], item)
            for item in (schema if isinstance(schema, list) else [])
            if isinstance(item, Mapping) and isinstance(item.get("key"), str)
        ]
    return {key for key, spec in items if isinstance(spec, Mapping) and spec.get("secret")}


# The log of the app in-process (what pytest's caplog shows): the handlers a server installs
# do not see it, so the package's logger redacts its own lines, with the secrets of every
# world alive in the process.

_WORLDS: weakref.WeakSet[Store] = weakref.WeakSet()


def watch(store: Store) -> None:
    """Hold each secret a config is given as it is written, and keep `store`'s secrets out of
    the package's log for as long as the store lives."""
    store.watch(records.PLUGIN_CONFIGS, _held(store).config_written)
    _WORLDS.add(store)


def _every_world() -> list[str]:
    return [secret for store in list(_WORLDS) for secret in known_values(store)]


logging.getLogger("mock_posthog").addFilter(RedactingFilter(_every_world))
