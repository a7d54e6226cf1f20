"""TinyDB's layout behind one small interface: tables, id sequences, indexes, one lock,
transactions, snapshots; saved through `data_file`.

TinyDB's stock write path rebuilds the whole table on every write and its JSON storage
re-reads and rewrites the file on every call. Here the data lives in memory in TinyDB's
layout (tables of documents keyed by their id), reads are dictionary look-ups, a write
touches only its own document, and the file is rewritten once per committed transaction,
atomically (temporary file, flush, rename), so a kill at any moment leaves either the old or
the new file, never half of one. Each table's JSON is kept between saves and made again only
when the table changed, so a save costs what the changed tables cost to encode.

Look-ups by a field go through indexes that `find_by` builds on first use and every write
keeps up to date, rollbacks included; `restore` and `load` drop them.

Every change goes through a transaction that records how to undo it: a request that fails
half-way, or a save that fails (disk full, read-only file), leaves the memory as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import orjson

from mock_posthog.world.data_file import AtomicJSONStorage, Record, Rows
from mock_posthog.world.layout import (
    SEQUENCES,
    StoreWriteError,
    by_doc_id,
    dumps,
    json_copy,
    tinydb_layout,
    without_gc,
)

Predicate = Callable[[Mapping[str, Any]], bool]
# What an index files a record under; records are found by the value it returns.
IndexKey = Callable[[Mapping[str, Any]], Hashable]
# Told of each document written to a table: the store, the document as stored, and the one
# it replaced (None for a new one).
Watcher = Callable[["Store", Mapping[str, Any], Mapping[str, Any] | None], None]
Index = dict[Hashable, dict[str, None]]  # indexed value -> the keys of its documents
T = TypeVar("T")
_NOT_KEPT = object()  # what `cached` finds where it keeps no value


class Store:
    """The emulator's tables. Records of tables with integer `id`s are stored under that id."""

    def __init__(self, path: Path | None = None) -> None:
        self._storage = AtomicJSONStorage(path)
        self._lock = threading.RLock()
        self._undo: list[Callable[[], None]] | None = None
        self._owner: int | None = None  # the thread in the outermost transaction
        # table -> key function -> indexed value -> the keys of its documents, in table order.
        self._indexes: dict[str, dict[IndexKey, Index]] = {}
        # Each table's `"name":{...}` as last saved; a table that changed since has none.
        self._encoded: dict[str, bytes] = {}
        # What `cached` keeps (key -> value), and the keys made from each table: a write to
        # the table drops them.
        self._memo: dict[Hashable, Any] = {}
        self._made_from: dict[str, set[Hashable]] = {}
        self._watchers: dict[str, list[Watcher]] = {}

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def has_data(self) -> bool:
        """True when the data file held a saved world at start."""
        return bool(self._storage.memory)

    def _rows(self, table: str) -> Rows:
        return self._storage.memory.get(table) or {}

    # Reads. They return copies of the top level; nested values must be treated as read-only.

    def get(self, table: str, doc_id: int) -> Record | None:
        with self._lock:
            document = self._rows(table).get(str(doc_id))
            return dict(document) if document is not None else None

    def holds(self, table: str, doc_id: int) -> bool:
        """Whether `table` has a record of this id (without copying it)."""
        with self._lock:
            return str(doc_id) in self._rows(table)

    def all(self, table: str) -> list[Record]:
        with self._lock:
            return [dict(document) for document in self._rows(table).values()]

    def find(self, table: str, predicate: Predicate) -> list[Record]:
        with self._lock:
            return [
                dict(document) for document in self._rows(table).values() if predicate(document)
            ]

    def find_one(self, table: str, predicate: Predicate) -> Record | None:
        with self._lock:
            for document in self._rows(table).values():
                if predicate(document):
                    return dict(document)
            return None

    def find_by(
        self, table: str, key: IndexKey, value: Hashable, where: Predicate | None = None
    ) -> list[Record]:
        """The records for which `key(record) == value` (and `where(record)`, when given), in
        table order, through an index on `key` (a module-level function, so that every call
        names the same index)."""
        with self._lock:
            doc_keys = self._index(table, key).get(value)
            if not doc_keys:  # the usual answer for a config's attachments, say
                return []
            rows = self._rows(table)
            if where is None:
                return [dict(rows[doc_key]) for doc_key in doc_keys]
            return [dict(row) for doc_key in doc_keys if where(row := rows[doc_key])]

    def count(self, table: str) -> int:
        with self._lock:
            return len(self._rows(table))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                name: len(table)
                for name, table in self._storage.memory.items()
                if not name.startswith("_")
            }

    def cached(self, key: Hashable, tables: tuple[str, ...], make: Callable[[], T]) -> T:
        """`make()`, kept until one of `tables` (all it reads) changes, by a write, a rollback
        or a restore. The value is shared by every caller: treat it as read-only."""
        with self._lock:
            value = self._memo.get(key, _NOT_KEPT)
            if value is not _NOT_KEPT:
                return value
            value = self._memo[key] = make()
            for table in tables:
                self._made_from.setdefault(table, set()).add(key)
            return value

    def watch(self, table: str, watcher: Watcher) -> None:
        """Call `watcher` with each document written to `table` from now on (inserted,
        updated, or put back by a rollback), inside the write's lock; not for a whole world
        replaced by `restore` or `load`, which drops what `cached` keeps instead. It is given
        the store rather than holding it, so that a store and its watchers are no cycle."""
        self._watchers.setdefault(table, []).append(watcher)

    # Indexes.

    def _index(self, table: str, key: IndexKey) -> Index:
        index = self._indexes.get(table, {}).get(key)
        if index is None:
            index = {}
            for doc_key, document in self._rows(table).items():
                index.setdefault(key(document), {})[doc_key] = None
            self._indexes.setdefault(table, {})[key] = index
        return index

    # The only three ways memory changes, so that indexes, saved JSON and cached values follow
    # every change.

    def _changed(self, table: str) -> None:
        self._encoded.pop(table, None)
        made = self._made_from.pop(table, None)
        if made:
            for key in made:
                self._memo.pop(key, None)

    def _put(self, table: str, doc_id: int, document: Record) -> None:
        doc_key = str(doc_id)
        rows = self._storage.memory.setdefault(table, {})
        previous = rows.get(doc_key)
        rows[doc_key] = document
        self._changed(table)
        indexes = self._indexes.get(table, {})
        for key, index in list(indexes.items()):
            if previous is None:
                index.setdefault(key(document), {})[doc_key] = None
            elif key(previous) != key(document):
                # The record keeps its place in the table; the index is made again, in order.
                del indexes[key]
        for watcher in self._watchers.get(table, ()):  # once the indexes say what it holds
            watcher(self, document, previous)

    def _remove(self, table: str, doc_id: int) -> None:
        doc_key = str(doc_id)
        previous = self._storage.memory[table].pop(doc_key)
        self._changed(table)
        for key, index in self._indexes.get(table, {}).items():
            value = key(previous)
            documents = index.get(value, {})
            documents.pop(doc_key, None)
            if not documents:
                index.pop(value, None)

    def _drop_table(self, table: str) -> None:
        self._storage.memory.pop(table, None)
        self._changed(table)
        self._indexes.pop(table, None)

    # Writes. Each runs in the caller's transaction, or in one of its own.

    def insert(self, table: str, record: Mapping[str, Any]) -> Record:
        """Store a record; one without an `id` gets the table's next one."""
        with self.transaction():
            stored = json_copy(record)
            if "id" not in stored:
                stored["id"] = self._next_id(table)
            doc_id = stored["id"] if isinstance(stored["id"], int) else self._next_id(table)
            self._bump_sequence(table, doc_id)
            if str(doc_id) in self._rows(table):
                raise ValueError(f"{table} already holds id {doc_id}")
            new_table = table not in self._storage.memory
            self._put(table, doc_id, stored)
            self._remember(lambda: self._undo_insert(table, doc_id, new_table))
            return dict(stored)

    def _undo_insert(self, table: str, doc_id: int, new_table: bool) -> None:
        if new_table:
            # The insert made the table; taking it away again leaves the state exactly as it was.
            self._drop_table(table)
        else:
            self._remove(table, doc_id)

    def update(self, table: str, doc_id: int, changes: Mapping[str, Any]) -> Record:
        """Merge `changes` into a record and return the result."""
        with self.transaction():
            previous = self._raw(table, doc_id)
            stored = {**previous, **json_copy(changes)}
            self._put(table, doc_id, stored)
            self._remember(lambda: self._put(table, doc_id, previous))
            return dict(stored)

    def delete(self, table: str, doc_id: int) -> Record:
        with self.transaction():
            previous = self._raw(table, doc_id)
            self._remove(table, doc_id)
            self._remember(lambda: self._put(table, doc_id, previous))
            return dict(previous)

    def delete_where(self, table: str, predicate: Predicate) -> int:
        with self.transaction():
            doc_ids = [
                int(doc_key)
                for doc_key, document in self._rows(table).items()
                if predicate(document)
            ]
            for doc_id in doc_ids:
                self.delete(table, doc_id)
            return len(doc_ids)

    def delete_by(self, table: str, key: IndexKey, value: Hashable) -> int:
        """Delete the records `find_by` would find."""
        with self.transaction():
            doc_keys = list(self._index(table, key).get(value, {}))
            for doc_key in doc_keys:
                self.delete(table, int(doc_key))
            return len(doc_keys)

    def _raw(self, table: str, doc_id: int) -> Record:
        raw = self._rows(table).get(str(doc_id))
        if raw is None:
            raise KeyError(f"{table} has no id {doc_id}")
        return raw

    # Id sequences never go back, so a deleted record's id is never handed out again.

    def _sequences(self) -> Record:
        return self._rows(SEQUENCES).get("1", {})

    def _next_id(self, table: str) -> int:
        """The table's sequence; a table saved without one (by TinyDB itself, or edited by
        hand) continues after its highest id."""
        known = self._sequences().get(table)
        if known is not None:
            return int(known)
        return max((int(doc_id) for doc_id in self._rows(table)), default=0) + 1

    def next_ids(self) -> dict[str, int]:
        """Each table's next id, as a snapshot keeps them."""
        with self._lock:
            tables = [name for name in self._storage.memory if not name.startswith("_")]
            return {table: self._next_id(table) for table in tables}

    def _bump_sequence(self, table: str, used_id: int) -> None:
        sequences = self._sequences()
        previous = sequences.get(table)
        if previous is not None and previous > used_id:
            return
        self._put(SEQUENCES, 1, {**sequences, table: used_id + 1})
        self._remember(lambda: self._restore_sequence(table, previous))

    def _restore_sequence(self, table: str, previous: int | None) -> None:
        sequences = dict(self._sequences())
        if previous is None:
            sequences.pop(table, None)
        else:
            sequences[table] = previous
        self._put(SEQUENCES, 1, sequences)

    # Transactions.

    def transaction(self) -> AbstractContextManager[object]:
        """All writes inside happen together or not at all, and are saved once at the end.
        Inside one of this thread's own, nothing more: a request's writes are all in its
        transaction already."""
        if self._owner == threading.get_ident():
            # The lock this thread holds already: taking it once more costs less than entering
            # any context manager written in Python.
            return self._lock
        return _Transaction(self)

    def _begin(self) -> bool:
        """Take the lock; True for the outermost transaction, which saves or rolls back."""
        self._lock.acquire()
        if self._undo is not None:
            return False
        self._undo = []
        self._owner = threading.get_ident()
        return True

    def _end(self, outermost: bool, failed: bool) -> None:
        try:
            if not outermost:
                return
            try:
                if not failed and self._undo:
                    self._save()
            except BaseException:
                self._rollback()
                raise
            if failed:
                self._rollback()
        finally:
            if outermost:
                self._undo = None
                self._owner = None
            self._lock.release()

    def _remember(self, undo: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(undo)

    def _rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        for step in reversed(undo):
            step()

    def _save(self) -> None:
        if self._storage.path is None:
            return
        try:
            self._storage.save(self._encoded_parts())
        except OSError as error:
            raise StoreWriteError(f"could not save {self._storage.path}: {error}") from error

    def _encoded_parts(self) -> list[bytes]:
        """The whole state as JSON, in parts to write one after the other (joining megabytes
        would copy them): each table's `"name":{...}` as last made, made again if the table
        changed."""
        parts = [b"{"]
        for name, rows in self._storage.memory.items():
            encoded = self._encoded.get(name)
            if encoded is None:
                encoded = self._encoded[name] = orjson.dumps(name) + b":" + dumps(rows)
            parts += (encoded, b",")
        parts[-1:] = [b"}"] if len(parts) > 1 else [b"{", b"}"]
        return parts

    def _encode(self) -> bytes:
        return b"".join(self._encoded_parts())

    # Whole-world operations: seeding, reset, snapshots.

    def load(self, tables: Mapping[str, list[Mapping[str, Any]]]) -> None:
        """Replace everything with `tables` (the fixture format), in one save."""
        self.restore(dumps(tinydb_layout(tables)))

    def snapshot(self) -> bytes:
        """The whole state, TinyDB layout, as bytes that `restore` takes back."""
        with self._lock:
            return self._encode()

    def restore(self, snapshot: bytes) -> None:
        with without_gc():
            self.replace(orjson.loads(snapshot))

    def replace(self, layout: dict[str, Rows]) -> None:
        """Make `layout` (TinyDB's, as `tinydb_layout` gives it) the whole state; the store
        owns it from now on."""
        with self._lock:
            previous = (
                self._storage.memory,
                self._encoded,
                self._indexes,
                self._memo,
                self._made_from,
            )
            self._storage.memory = layout
            self._encoded, self._indexes, self._memo, self._made_from = {}, {}, {}, {}
            try:
                self._save()
            except StoreWriteError:
                (
                    self._storage.memory,
                    self._encoded,
                    self._indexes,
                    self._memo,
                    self._made_from,
                ) = previous
                raise

    def export(self) -> dict[str, list[Record]]:
        """The whole state in the fixture format: tables of records, in id order."""
        with self._lock:
            return {
                name: [document for _, document in sorted(by_doc_id(table))]
                for name, table in json_copy(self._storage.memory).items()
                if not name.startswith("_")
            }


class _Transaction:
    """`with store.transaction():` (a class rather than a generator: it runs on every request)."""

    __slots__ = ("_outermost", "_store")

    def __init__(self, store: Store) -> None:
        self._store = store
        self._outermost = False

    def __enter__(self) -> None:
        self._outermost = self._store._begin()

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._store._end(self._outermost, failed=kind is not None)
