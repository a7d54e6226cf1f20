"""The whole world as a fixture file and back: what /_mock/snapshot and the handles' snapshot
and restore use. A snapshot in the fixture format is checked like any fixture file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mock_posthog.contract import schemas
from mock_posthog.world import fixtures
from mock_posthog.world.layout import SEQUENCES, tinydb_layout
from mock_posthog.world.store import Store
from mock_posthog.world.world import World

Tables = fixtures.Tables


@dataclass(frozen=True)
class Snapshot:
    """The store's exact state (ids, id sequences and all), as `Store.snapshot` gives it: the
    cheap kind, for a test's setup. `export` gives the fixture format, for a file."""

    data: bytes


def export(store: Store) -> Tables:
    """The fixture format, without the ids the store gives records that have none of their own
    (personal API keys are known by their `value`), so the result loads as a fixture file."""
    return {
        table: [_without_store_id(table, record) for record in records]
        for table, records in store.export().items()
    }


def export_with_sequences(store: Store) -> dict[str, Any]:
    """`export` and each table's next id, under `sequences`: what /_mock/snapshot gives, so a
    restore never hands out again an id the world had handed out when it was taken."""
    return {**export(store), fixtures.SEQUENCES: store.next_ids()}


def seed_tables(world: World) -> Tables:
    """The seeded world in the fixture format."""
    return export(seed_store(world))


def seed_store(world: World) -> Store:
    """A store holding the world a reset goes back to."""
    seed = Store()
    seed.restore(world.seed)
    return seed


def _without_store_id(table: str, record: dict[str, Any]) -> dict[str, Any]:
    if _has_own_id(table):
        return record
    return {name: value for name, value in record.items() if name != "id"}


def _has_own_id(table: str) -> bool:
    document = schemas.document("fixtures.json")
    reference = document["properties"].get(table, {}).get("items", {}).get("$ref", "")
    definition = document["$defs"].get(reference.rsplit("/", 1)[-1], {})
    return (
        "id" in definition.get("properties", {})
        or definition.get("additionalProperties") is not False
    )


def load(store: Store, data: Any, source: str) -> None:
    """Replace the world with `data` (the fixture format); FixtureError, and nothing changed,
    when it is not a valid fixture file.

    Ids are never handed out twice, as PostHog's sequences never go back: each table goes on
    from the snapshot's `sequences` when it has them (or after its highest id, if higher);
    a snapshot without them, made before they were kept, goes on after every id it holds and
    every id this world has handed out."""
    tables = fixtures.parse(data, source)
    fixtures.check_references(tables)
    layout = tinydb_layout(tables)
    given = data.get(fixtures.SEQUENCES)
    floors = given if isinstance(given, dict) else store.next_ids()
    sequences = layout[SEQUENCES]["1"]
    for table, floor in floors.items():
        sequences[table] = max(sequences.get(table, 1), floor)
    try:
        encoded = orjson.dumps(layout)
    except orjson.JSONEncodeError as error:  # a lone surrogate, or nesting orjson refuses
        raise fixtures.FixtureError(source, "$", f"cannot be stored: {error}") from None
    store.restore(encoded)


def merged(paths: Iterable[Path], base: Mapping[str, list[dict[str, Any]]] | None = None) -> Tables:
    """Fixture files merged in order, over `base` when given (records with the same key are
    replaced), with their references checked."""
    files = [fixtures.read_file(path) for path in paths]
    return fixtures.merge([dict(base), *files] if base is not None else files)


class FixtureFiles:
    """Fixture files merged as `merged` does, read and checked once for as long as they are
    unchanged: tests that load the same files pay for it once."""

    def __init__(self) -> None:
        self._merged: dict[tuple[Any, ...], Tables] = {}

    def merged(
        self, paths: Iterable[str | os.PathLike[str]], extend: bool, seed: Callable[[], Tables]
    ) -> Tables:
        """With `extend`, merged over `seed()`; without, over the seed's upstream only (the
        internet stays where it was)."""
        files = [Path(path) for path in paths]
        key = (extend, *((str(path), path.stat().st_mtime_ns) for path in files))
        if key not in self._merged:
            self._merged[key] = merged(files, seed() if extend else fixtures.upstream(seed()))
        return self._merged[key]
