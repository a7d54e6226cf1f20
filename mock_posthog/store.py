"""TinyDB behind one small interface: tables, id sequences, one lock, atomic saves, snapshots.

TinyDB's stock write path rebuilds the whole table on every write and its JSON storage
re-reads and rewrites the file on every call. Here the data lives in memory (reads are
dictionary look-ups), a write touches only its own document, and the file is rewritten once
per committed transaction, atomically (temporary file, flush, rename), so a kill at any
moment leaves either the old or the new file, never half of one.

Every change goes through a transaction that records how to undo it: a request that fails
half-way, or a save that fails (disk full, read-only file), leaves the memory as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

Record = dict[str, Any]
Predicate = Callable[[Mapping[str, Any]], bool]
SEQUENCES = "_sequences"


class DataFileError(Exception):
    """The data file cannot be used; it is left untouched."""


class StoreWriteError(Exception):
    """Saving the data file failed; the change was rolled back."""


class _IntKeyedTable:
    """A view with int keys over a table stored with str keys, as TinyDB's updaters expect.

    TinyDB converts every key of a table to int before an update and back afterwards, which
    makes each write cost as much as the table is long; this view converts only the keys
    that the update touches.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._raw

    def __getitem__(self, doc_id: int) -> Any:
        return self._raw[str(doc_id)]

    def __setitem__(self, doc_id: int, document: Any) -> None:
        self._raw[str(doc_id)] = document

    def __delitem__(self, doc_id: int) -> None:
        del self._raw[str(doc_id)]

    def pop(self, doc_id: int, *default: Any) -> Any:
        return self._raw.pop(str(doc_id), *default)

    def keys(self) -> list[int]:
        return [int(key) for key in self._raw]

    def __iter__(self) -> Iterator[int]:
        return iter(self.keys())


class FastTable(Table):
    """A TinyDB table whose writes cost the same whatever the table's length."""

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.setdefault(self.name, {})
        updater(_IntKeyedTable(raw))
        self._storage.write(tables)
        self.clear_cache()

    def put(self, doc_id: int, document: Record) -> None:
        """Store `document` under `doc_id`, replacing any document there."""

        def updater(table: Any) -> None:
            table[doc_id] = document

        self._update_table(updater)


class AtomicJSONStorage(Storage):
    """Keeps the data in memory; `flush` saves the whole file atomically when a path is set."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.memory: dict[str, dict[str, Any]] | None = None
        if path is not None and path.exists():
            self.memory = read_data_file(path)
        if path is not None:
            _remove_unfinished_saves(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self.memory

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.memory = data

    def flush(self) -> None:
        if self.path is None:
            return
        write_atomically(self.path, orjson.dumps(self.memory or {}))


def read_data_file(path: Path) -> dict[str, dict[str, Any]] | None:
    """The file's tables; None for a file of zero bytes, which TinyDB reads as empty."""
    try:
        content = path.read_bytes()
        if not content:
            return None
        data = orjson.loads(content)
    except (OSError, orjson.JSONDecodeError) as error:
        raise DataFileError(f"{path} is not a TinyDB JSON file: {error}") from None
    if not _is_tinydb_shape(data):
        raise DataFileError(
            f"{path} is not a TinyDB JSON file: expected an object of tables, "
            "each an object of documents keyed by their numeric id"
        )
    return data


def _is_tinydb_shape(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(key.isdigit() and isinstance(doc, dict) for key, doc in table.items())
        for table in data.values()
    )


def _unfinished_save_prefix(path: Path) -> str:
    return f".{path.name}.saving."


def _remove_unfinished_saves(path: Path) -> None:
    """Temporary files of saves that a kill interrupted before their rename."""
    for leftover in path.parent.glob(_unfinished_save_prefix(path) + "*"):
        leftover.unlink(missing_ok=True)


def write_atomically(path: Path, content: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=_unfinished_save_prefix(path), dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy(record: Mapping[str, Any]) -> Record:
    """A deep, JSON-clean copy: what is stored can always be saved, and callers can't alias it.
    A value that cannot be (a lone surrogate, which PostgreSQL refuses too; JSON nested deeper
    than 254 levels) fails the write, which is rolled back."""
    try:
        return orjson.loads(orjson.dumps(record))
    except orjson.JSONEncodeError as error:
        if "64-bit" in str(error):
            # An integer beyond 64 bits, which PostgreSQL's jsonb keeps but orjson cannot write:
            # kept as the nearest float, as orjson reads such a number.
            return _copy(json.loads(json.dumps(record), parse_int=_int64_or_float))
        raise StoreWriteError(f"cannot store the value: {error}") from None


def _int64_or_float(text: str) -> int | float:
    value = int(text)
    return value if -(2**63) <= value < 2**64 else float(text)


class Store:
    """The emulator's tables. Records of tables with integer `id`s are stored under that id."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        self._db.table_class = FastTable
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._lock = threading.RLock()
        self._undo: list[Callable[[], None]] | None = None

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def has_data(self) -> bool:
        """True when the data file held a saved world at start."""
        return bool(self._storage.memory)

    def _table(self, name: str) -> FastTable:
        return self._db.table(name, cache_size=0)  # type: ignore[return-value]

    # Reads. They return copies of the top level; nested values must be treated as read-only.

    def get(self, table: str, doc_id: int) -> Record | None:
        with self._lock:
            document = self._table(table).get(doc_id=doc_id)
            return dict(document) if document is not None else None

    def all(self, table: str) -> list[Record]:
        with self._lock:
            return [dict(document) for document in self._table(table).all()]

    def find(self, table: str, predicate: Predicate) -> list[Record]:
        with self._lock:
            return [dict(document) for document in self._table(table).search(predicate)]

    def find_one(self, table: str, predicate: Predicate) -> Record | None:
        with self._lock:
            for document in self._table(table).search(predicate):
                return dict(document)
            return None

    def count(self, table: str) -> int:
        with self._lock:
            return len(self._table(table))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                name: len(table)
                for name, table in (self._storage.memory or {}).items()
                if not name.startswith("_")
            }

    # Writes. Each runs in the caller's transaction, or in one of its own.

    def insert(self, table: str, record: Mapping[str, Any]) -> Record:
        """Store a record; one without an `id` gets the table's next one."""
        with self.transaction():
            stored = _copy(record)
            if "id" not in stored:
                stored["id"] = self._next_id(table)
            doc_id = stored["id"] if isinstance(stored["id"], int) else self._next_id(table)
            self._bump_sequence(table, doc_id)
            if self._table(table).contains(doc_id=doc_id):
                raise ValueError(f"{table} already holds id {doc_id}")
            new_table = table not in (self._storage.memory or {})
            self._table(table).insert(Document(stored, doc_id))
            self._remember(lambda: self._undo_insert(table, doc_id, new_table))
            return dict(stored)

    def _undo_insert(self, table: str, doc_id: int, new_table: bool) -> None:
        if new_table:
            # The insert made the table; taking it away again leaves the state exactly as it was.
            self._db.drop_table(table)
        else:
            self._table(table).remove(doc_ids=[doc_id])

    def update(self, table: str, doc_id: int, changes: Mapping[str, Any]) -> Record:
        """Merge `changes` into a record and return the result."""
        with self.transaction():
            previous = self._raw(table, doc_id)
            stored = {**previous, **_copy(changes)}
            self._table(table).put(doc_id, stored)
            self._remember(lambda: self._table(table).put(doc_id, previous))
            return dict(stored)

    def delete(self, table: str, doc_id: int) -> Record:
        with self.transaction():
            previous = self._raw(table, doc_id)
            self._table(table).remove(doc_ids=[doc_id])
            self._remember(lambda: self._table(table).put(doc_id, previous))
            return dict(previous)

    def delete_where(self, table: str, predicate: Predicate) -> int:
        with self.transaction():
            doc_ids = [document.doc_id for document in self._table(table).search(predicate)]
            for doc_id in doc_ids:
                self.delete(table, doc_id)
            return len(doc_ids)

    def _raw(self, table: str, doc_id: int) -> Record:
        raw = self._table(table)._read_table().get(str(doc_id))
        if raw is None:
            raise KeyError(f"{table} has no id {doc_id}")
        return raw

    # Id sequences never go back, so a deleted record's id is never handed out again.

    def _sequences(self) -> Record:
        return (self._storage.memory or {}).get(SEQUENCES, {}).get("1", {})

    def _next_id(self, table: str) -> int:
        """The table's sequence; a table saved without one (by TinyDB itself, or edited by
        hand) continues after its highest id."""
        known = self._sequences().get(table)
        if known is not None:
            return int(known)
        rows = (self._storage.memory or {}).get(table, {})
        return max((int(doc_id) for doc_id in rows), default=0) + 1

    def _bump_sequence(self, table: str, used_id: int) -> None:
        sequences = self._sequences()
        previous = sequences.get(table)
        if previous is not None and previous > used_id:
            return
        self._table(SEQUENCES).put(1, {**sequences, table: used_id + 1})
        self._remember(lambda: self._restore_sequence(table, previous))

    def _restore_sequence(self, table: str, previous: int | None) -> None:
        sequences = dict(self._sequences())
        if previous is None:
            sequences.pop(table, None)
        else:
            sequences[table] = previous
        self._table(SEQUENCES).put(1, sequences)

    # Transactions.

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all, and are saved once at the end."""
        with self._lock:
            if self._undo is not None:
                yield
                return
            self._undo = []
            try:
                yield
                if self._undo:
                    self._save()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._undo = None

    def _remember(self, undo: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(undo)

    def _rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        for step in reversed(undo):
            step()

    def _save(self) -> None:
        try:
            self._storage.flush()
        except OSError as error:
            raise StoreWriteError(f"could not save {self._storage.path}: {error}") from error

    # Whole-world operations: seeding, reset, snapshots.

    def load(self, tables: Mapping[str, list[Mapping[str, Any]]]) -> None:
        """Replace everything with `tables` (the fixture format), in one save."""
        self.restore(orjson.dumps(tinydb_layout(tables)))

    def snapshot(self) -> bytes:
        """The whole state, TinyDB layout, as bytes that `restore` takes back."""
        with self._lock:
            return orjson.dumps(self._storage.memory or {})

    def restore(self, snapshot: bytes) -> None:
        with self._lock:
            previous = self._storage.memory
            self._storage.memory = orjson.loads(snapshot)
            try:
                self._save()
            except StoreWriteError:
                self._storage.memory = previous
                raise

    def export(self) -> dict[str, list[Record]]:
        """The whole state in the fixture format: tables of records, in id order."""
        with self._lock:
            return {
                name: [document for _, document in sorted(_by_doc_id(table))]
                for name, table in _copy(self._storage.memory or {}).items()
                if not name.startswith("_")
            }


def _by_doc_id(table: dict[str, Record]) -> Iterator[tuple[int, Record]]:
    for key, document in table.items():
        yield int(key), document


def tinydb_layout(tables: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    layout: dict[str, dict[str, Any]] = {}
    sequences: dict[str, int] = {}
    for name, records in tables.items():
        rows: dict[str, Any] = {}
        next_id = 1
        for record in records:
            doc_id = record["id"] if isinstance(record.get("id"), int) else next_id
            row = dict(record)
            row.setdefault("id", doc_id)
            rows[str(doc_id)] = row
            next_id = max(next_id, doc_id + 1)
        layout[name] = rows
        sequences[name] = next_id
    layout[SEQUENCES] = {"1": sequences}
    return layout
