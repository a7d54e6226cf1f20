"""TinyDB's layout of the tables: documents keyed by their id as text, and a table of id
sequences; and the JSON-clean copies that every stored record is made of."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

import orjson

from mock_posthog.world.data_file import Record

SEQUENCES = "_sequences"


class StoreWriteError(Exception):
    """Saving the data file failed, or a value cannot be stored; the change was rolled back."""


def json_copy(record: Mapping[str, Any]) -> Record:
    """A deep, JSON-clean copy: what is stored can always be saved, and callers can't alias it.
    A value that cannot be (a lone surrogate, which PostgreSQL refuses too; JSON nested deeper
    than 254 levels) fails the write, which is rolled back."""
    try:
        return orjson.loads(orjson.dumps(record))
    except orjson.JSONEncodeError as error:
        if "64-bit" in str(error):
            # An integer beyond 64 bits, which PostgreSQL's jsonb keeps but orjson cannot write:
            # kept as the nearest float, as orjson reads such a number.
            return json_copy(json.loads(json.dumps(record), parse_int=_int64_or_float))
        raise StoreWriteError(f"cannot store the value: {error}") from None


def _int64_or_float(text: str) -> int | float:
    value = int(text)
    return value if -(2**63) <= value < 2**64 else float(text)


def by_doc_id(table: dict[str, Record]) -> Iterator[tuple[int, Record]]:
    for key, document in table.items():
        yield int(key), document


@contextmanager
def without_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: while a large world is made, it would otherwise
    scan the growing heap again and again. JSON data holds no cycles; reference counting
    frees it as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def tinydb_layout(
    tables: Mapping[str, Sequence[Mapping[str, Any]]], *, copy: bool = True
) -> dict[str, dict[str, Any]]:
    """Tables of records as TinyDB lays them out, with the id sequences. Without `copy`, the
    records themselves become the rows (a record without an `id` gets one)."""
    layout: dict[str, dict[str, Any]] = {}
    sequences: dict[str, int] = {}
    for name, records in tables.items():
        rows: dict[str, Any] = {}
        next_id = 1
        for record in records:
            doc_id = record["id"] if isinstance(record.get("id"), int) else next_id
            row = dict(record) if copy else cast(dict[str, Any], record)
            row.setdefault("id", doc_id)
            rows[str(doc_id)] = row
            next_id = max(next_id, doc_id + 1)
        layout[name] = rows
        sequences[name] = next_id
    layout[SEQUENCES] = {"1": sequences}
    return layout
