"""TinyDB's layout of the tables: documents keyed by their id as text, and a table of id
sequences; and the JSON-clean copies that every stored record is made of."""

from __future__ import annotations

import gc
import json
import math
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
    What PostgreSQL would refuse fails the write, which is rolled back: a lone surrogate, a NUL
    character, a non-finite number (orjson would write null for it, silently)."""
    flat = _flat_copy(record)
    if flat is not None:
        return flat
    try:
        dumped = orjson.dumps(record)
    except orjson.JSONEncodeError as error:
        return _stdlib_copy(record, str(error))
    if b"null" in dumped or b"\\u0000" in dumped:  # cheap signs that a closer look is due
        refused = _refused_by_postgresql(record)
        if refused:
            raise StoreWriteError(f"cannot store the value: {refused}")
    return orjson.loads(dumped)


def _flat_copy(record: Mapping[str, Any]) -> Record | None:
    """The copy of a record of top-level values only, each one JSON keeps as it is (ASCII text
    without NUL, a 64-bit integer, a finite float, a boolean, null); None for any other. Most
    writes change a few such fields, for which a round trip through JSON costs three times as
    much."""
    if type(record) is not dict:  # a subclass may hold its items otherwise (a MultiDict)
        return None
    for key, value in record.items():
        kind = type(value)
        if type(key) is not str:
            return None
        if kind is str:
            if "\x00" in value or not value.isascii():
                return None
        elif kind is int:
            if not -(2**63) <= value < 2**64:
                return None
        elif kind is float:
            if not math.isfinite(value):
                return None
        elif kind is not bool and value is not None:
            return None
    return dict(record)


def _stdlib_copy(record: Mapping[str, Any], orjson_error: str) -> Record:
    """The copy where orjson gives up but PostgreSQL would not: an integer beyond 64 bits
    (jsonb keeps it; here it becomes the nearest float, as orjson reads such a number) and
    nesting deeper than orjson's 254 levels (Python's json and jsonb go on to about 1,000)."""
    if "64-bit" not in orjson_error and "Recursion" not in orjson_error:
        raise StoreWriteError(f"cannot store the value: {orjson_error}")
    refused = _refused_by_postgresql(record)
    if refused:
        raise StoreWriteError(f"cannot store the value: {refused}")
    try:
        return cast(Record, json.loads(json.dumps(record), parse_int=_int64_or_float))
    except RecursionError:
        raise StoreWriteError(
            "cannot store the value: nested deeper than Python's json goes"
        ) from None
    except ValueError as error:
        raise StoreWriteError(f"cannot store the value: {error}") from None


def _refused_by_postgresql(record: Any) -> str | None:
    """Why PostgreSQL would refuse a value of the record, if it would: psycopg2 refuses a NUL
    in text, jsonb a \\u0000 escape and the `Infinity`/`NaN` that Django's json.dumps writes
    for a non-finite float. Walked without recursion, since records may nest deeply."""
    pending: list[Any] = [record]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and "\x00" in value:
            return "PostgreSQL refuses the NUL character (0x00) in text and in jsonb"
        elif isinstance(value, float) and not math.isfinite(value):
            return f"jsonb refuses the non-finite number {json.dumps(value)} (from a float {value})"
    return None


def dumps(value: Any) -> bytes:
    """JSON as orjson writes it, or, for what is nested deeper than orjson goes (254 levels),
    the same compact form from Python's json, as PostHog's renderer would write it."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as error:
        if "Recursion" not in str(error):
            raise
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
