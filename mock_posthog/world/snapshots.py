"""The whole world as a fixture file and back: what /_mock/snapshot and the handles' snapshot
and restore use. A snapshot in the fixture format is checked like any fixture file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.world import fixtures
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


def seed_tables(world: World) -> Tables:
    """The seeded world in the fixture format."""
    seed = Store()
    seed.restore(world.seed)
    return export(seed)


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
    when it is not a valid fixture file."""
    tables = fixtures.parse(data, source)
    fixtures.check_references(tables)
    store.load(tables)  # type: ignore[arg-type]  # Store.load only reads the records


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
