"""Fixture files: seed worlds checked against `schemas/fixtures.json`, defaults filled in.

A fixture file is one JSON object keyed by table, each a list of records. Several files merge
in order: a later record with the same key (its `id`, a key's `value`, an archive's `url`)
replaces the earlier one. A bad file is refused whole, with the path of its first bad field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from mock_posthog.contract import schemas

Tables = dict[str, list[dict[str, Any]]]
SEQUENCES = "sequences"  # the one key of a fixture file that is not a table

# The tables that hold what PostHog fetches from the network.
UPSTREAM_TABLES = ("plugin_archives", "plugin_repository")

# The field that identifies a record when files are merged.
MERGE_KEYS = {"personal_api_keys": "value", "plugin_archives": "url", "plugin_repository": "url"}

# (table, field, referenced table): a record's field must name a record that exists.
REFERENCES = [
    ("projects", "organization_id", "organizations"),
    ("users", "organization_ids", "organizations"),
    ("users", "current_project_id", "projects"),
    ("personal_api_keys", "user_id", "users"),
    ("personal_api_keys", "scoped_organizations", "organizations"),
    ("personal_api_keys", "scoped_teams", "projects"),
    ("plugins", "organization_id", "organizations"),
    ("plugin_configs", "plugin", "plugins"),
    ("plugin_configs", "team_id", "projects"),
    ("plugin_attachments", "plugin_config_id", "plugin_configs"),
    ("app_metrics", "plugin_config_id", "plugin_configs"),
]


class FixtureError(Exception):
    def __init__(self, source: str, path: str, message: str) -> None:
        self.source, self.path, self.message = source, path, message
        super().__init__(f"{source}: {path}: {message}")


def default_world() -> Tables:
    """The default world with its defaults filled in; each call gets its own copy. It ships
    with the package and its tests check it against the schema, so it is not checked again
    at every start."""
    return orjson.loads(_default_world_bytes())


@cache
def _default_world_bytes() -> bytes:
    content = resources.files("mock_posthog.fixture_files").joinpath("default.json").read_bytes()
    return orjson.dumps(with_defaults(orjson.loads(content)))


def upstream(tables: Mapping[str, list[dict[str, Any]]]) -> Tables:
    """The tables that stand for the internet: what GitHub, GitLab and npm serve, and PostHog's
    plugin repository list."""
    return {table: list(tables[table]) for table in UPSTREAM_TABLES if table in tables}


def without_upstream(tables: Tables) -> Tables:
    return {table: rows for table, rows in tables.items() if table not in UPSTREAM_TABLES}


def load_files(paths: Iterable[Path], base_upstream: Tables | None = None) -> Tables:
    """The files merged in order over `base_upstream`: the internet exists whatever the world
    is, so a file's upstream tables add to it (an archive of the same URL replacing the one
    there) and a file without them keeps it. A broken reference is reported in the file that
    made it."""
    files = [(str(path), read_file(path)) for path in paths]
    tables, origins = _merged([("upstream", base_upstream or {}), *files])
    check_references(tables, origins)
    return tables


def _merged(files: list[tuple[str, Tables]]) -> tuple[Tables, dict[int, tuple[str, int]]]:
    origins = {
        id(record): (source, index)
        for source, file_tables in files
        for rows in file_tables.values()
        for index, record in enumerate(rows)
    }
    return _merge_tables(tables for _, tables in files), origins


def read_file(path: Path) -> Tables:
    return parse(_read_json(path), str(path))


def _read_json(path: Path) -> Any:
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise FixtureError(str(path), "$", f"cannot be read: {error.strerror}") from None
    return _json(content, str(path))


def _json(content: bytes, source: str) -> Any:
    """orjson reads it; what orjson refuses (NaN, a lone surrogate, an integer beyond 64 bits,
    or broken JSON) the standard library reads, or describes, as it always did."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(source, "$", f"is not valid JSON: {error}") from None


def problems(paths: Iterable[Path]) -> list[FixtureError]:
    """Everything wrong with these files as `serve --fixtures` would load them: each file that
    cannot be read, every field that breaks the schema and, when the files are sound, every
    reference to a record that none of them holds."""
    found: list[FixtureError] = []
    for path in paths:
        try:
            data = _read_json(path)
        except FixtureError as error:
            found.append(error)
            continue
        found += [
            FixtureError(str(path), mismatch.path, mismatch.message)
            for mismatch in schemas.fixture_mismatches(data)
        ]
    if not found:
        files = [(str(path), read_file(path)) for path in paths]
        tables, origins = _merged(files)
        found = list(_broken_references(tables, origins))
    return found


def parse(data: Any, source: str) -> Tables:
    """Check one file's data against the schema and fill in the defaults."""
    try:
        schemas.check_fixture(data)
    except schemas.SchemaMismatch as mismatch:
        raise FixtureError(source, mismatch.path, mismatch.message) from None
    # A snapshot's id sequences are not a table: `snapshots.load` reads them itself.
    return with_defaults({table: rows for table, rows in data.items() if table != SEQUENCES})


def with_defaults(data: Mapping[str, list[Mapping[str, Any]]]) -> Tables:
    """Valid fixture data with the fields the schema gives defaults for filled in."""
    return {table: _filler(table)(rows) for table, rows in data.items()}


_Filler = Callable[[list[Mapping[str, Any]]], list[dict[str, Any]]]


@cache
def _filler(table: str) -> _Filler:
    """Fills a table's records: the defaults looked up once per table, not once per record."""
    definition = schemas.document("fixtures.json")["$defs"]
    item = schemas.document("fixtures.json")["properties"][table]["items"]
    properties = definition.get(item.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {})
    defaults = [
        (field, field_schema["default"])
        for field, field_schema in properties.items()
        if "default" in field_schema
    ]
    file_schema = definition["source_file"]["properties"]
    file_defaults = {name: spec["default"] for name, spec in file_schema.items()}

    def fill(rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        filled_rows = []
        for record in rows:
            filled = dict(record)
            for field, default in defaults:
                if field not in filled:
                    filled[field] = _fresh(default)
            if table == "plugins":
                filled["source_files"] = {
                    name: {**file_defaults, **file} for name, file in filled["source_files"].items()
                }
            filled_rows.append(filled)
        return filled_rows

    return fill


def _fresh(value: Any) -> Any:
    """A default's own copy when it can be changed; the default itself when it cannot."""
    return orjson.loads(orjson.dumps(value)) if isinstance(value, dict | list) else value


def merge(worlds: Iterable[Tables], origins: Mapping[int, tuple[str, int]] | None = None) -> Tables:
    """Later records replace earlier ones with the same key, in the earlier one's place; the
    references of the result are checked (`origins` says where each record came from)."""
    tables = _merge_tables(worlds)
    check_references(tables, origins)
    return tables


def _merge_tables(worlds: Iterable[Tables]) -> Tables:
    merged: dict[str, dict[Any, dict[str, Any]]] = {}
    for world in worlds:
        for table, records in world.items():
            key = MERGE_KEYS.get(table, "id")
            rows = merged.setdefault(table, {})
            for record in records:
                # A record without a key (an activity entry, say) replaces nothing.
                rows[record[key] if key in record else object()] = record
    return {table: list(rows.values()) for table, rows in merged.items()}


def check_references(tables: Tables, origins: Mapping[int, tuple[str, int]] | None = None) -> None:
    """Each reference names a record that exists; UUIDs match without case or dashes."""
    for broken in _broken_references(tables, origins):
        raise broken


def _broken_references(
    tables: Tables, origins: Mapping[int, tuple[str, int]] | None
) -> Iterator[FixtureError]:
    for table, field, target in REFERENCES:
        known = {_comparable(record.get("id")) for record in tables.get(target, [])}
        for index, record in enumerate(tables.get(table, [])):
            values = record.get(field)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and _comparable(value) not in known:
                    source, where = (origins or {}).get(id(record), ("fixtures", index))
                    path = schemas.json_path([table, where, field])
                    message = f"{value!r} is not the id of any record in {target}"
                    yield FixtureError(source, path, message)


def _comparable(value: Any) -> Any:
    return value.lower().replace("-", "") if isinstance(value, str) else value
