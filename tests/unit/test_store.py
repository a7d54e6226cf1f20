"""The store: transactions that undo, id sequences that never go back, saves that are atomic,
data files that are refused whole when they are not TinyDB's."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from mock_posthog.world import data_file
from mock_posthog.world.data_file import DataFileError
from mock_posthog.world.layout import StoreWriteError
from mock_posthog.world.store import Store

SEED = {
    "organizations": [{"id": "00000000-0000-4000-8000-000000000001", "name": "Org"}],
    "plugins": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}],
    "plugin_configs": [],
}


def seeded(path: Path | None = None) -> Store:
    store = Store(path)
    store.load(SEED)
    return store


def files_in(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


# Ids.


def test_new_records_take_the_next_id_and_explicit_ids_move_the_sequence() -> None:
    store = seeded()

    assert store.insert("plugins", {"name": "three"})["id"] == 3
    assert store.insert("plugins", {"id": 10, "name": "ten"})["id"] == 10
    assert store.insert("plugins", {"name": "eleven"})["id"] == 11
    assert store.insert("plugin_configs", {"plugin": 1})["id"] == 1


def test_a_deleted_id_is_never_given_again() -> None:
    store = seeded()
    store.delete("plugins", 2)

    assert store.insert("plugins", {"name": "after"})["id"] == 3


def test_a_deleted_id_is_never_given_again_after_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    store = seeded(data)
    store.insert("plugins", {"name": "three"})
    store.delete("plugins", 3)

    restarted = Store(data)

    assert restarted.insert("plugins", {"name": "four"})["id"] == 4


def test_a_data_file_without_sequences_continues_after_its_highest_id(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_bytes(orjson.dumps({"plugins": {"1": {"id": 1}, "7": {"id": 7}}}))

    assert Store(data).insert("plugins", {"name": "next"})["id"] == 8


def test_an_id_in_use_is_refused() -> None:
    store = seeded()

    with pytest.raises(ValueError, match="plugins already holds id 2"):
        store.insert("plugins", {"id": 2, "name": "again"})
    assert store.export() == seeded().export()


# Transactions.


def test_a_failed_transaction_undoes_every_write() -> None:
    store = seeded()
    before = store.export()

    with pytest.raises(RuntimeError), store.transaction():
        store.insert("plugins", {"name": "three"})
        store.update("plugins", 1, {"name": "changed"})
        store.delete("plugins", 2)
        store.delete_where("organizations", lambda record: True)
        raise RuntimeError("half-way")

    assert store.export() == before
    assert store.insert("plugins", {"name": "three"})["id"] == 3


def test_a_watcher_is_told_of_every_document_written_to_its_table_and_only_those() -> None:
    store = seeded()
    told: list[tuple[bool, Any, Any]] = []

    def watcher(source: Store, document: Mapping[str, Any], previous: Any) -> None:
        told.append((source is store, document["name"], previous and previous["name"]))

    store.watch("plugins", watcher)
    store.insert("plugins", {"name": "three"})
    store.update("plugins", 1, {"name": "changed"})
    store.insert("organizations", {"name": "elsewhere"})
    with pytest.raises(RuntimeError), store.transaction():
        store.update("plugins", 2, {"name": "undone"})
        raise RuntimeError("half-way")
    store.restore(store.snapshot())  # a whole world replaced: no document written
    store.delete("plugins", 3)

    assert told == [
        (True, "three", None),
        (True, "changed", "one"),
        (True, "undone", "two"),
        (True, "two", "undone"),  # put back by the rollback
    ]


def by_name(record: Mapping[str, Any]) -> Any:
    return record.get("name")


def test_a_watcher_finds_the_document_it_is_told_of_through_the_tables_indexes() -> None:
    store = seeded()
    assert store.find_by("plugins", by_name, "one")  # the index exists before the writes
    found: list[list[Any]] = []

    def watcher(source: Store, document: Mapping[str, Any], previous: Any) -> None:
        found.append([row["id"] for row in source.find_by("plugins", by_name, document["name"])])

    store.watch("plugins", watcher)
    store.insert("plugins", {"name": "three"})
    store.update("plugins", 1, {"name": "renamed"})

    assert found == [[3], [1]]


def test_another_threads_write_waits_for_a_transaction_and_outlives_its_rollback() -> None:
    store = seeded()
    inside, written = threading.Event(), threading.Event()

    def write_elsewhere() -> None:
        inside.wait()
        store.update("plugins", 2, {"name": "from another thread"})
        written.set()

    other = threading.Thread(target=write_elsewhere)
    other.start()
    with pytest.raises(RuntimeError), store.transaction():
        store.update("plugins", 1, {"name": "undone"})
        inside.set()
        assert not written.wait(0.2)  # held off until this transaction ends
        raise RuntimeError("half-way")
    other.join(5)

    assert [store.get("plugins", 1), store.get("plugins", 2)] == [
        {"id": 1, "name": "one"},
        {"id": 2, "name": "from another thread"},
    ]


def test_a_transaction_saves_once_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = seeded(tmp_path / "data.json")
    saves: list[Path] = []
    real = data_file.write_atomically
    monkeypatch.setattr(
        data_file,
        "write_atomically",
        lambda path, content: (saves.append(path), real(path, content)),
    )

    with store.transaction():
        store.insert("plugins", {"name": "three"})
        store.update("plugins", 3, {"name": "3"})

    assert saves == [tmp_path / "data.json"]


def test_the_data_file_holds_what_memory_holds(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    store = seeded(data)
    store.insert("plugins", {"name": "three"})
    store.update("plugins", 1, {"name": "first"})
    store.delete("plugins", 2)

    assert (
        Store(data).export()
        == store.export()
        == {
            "organizations": SEED["organizations"],
            "plugins": [{"id": 1, "name": "first"}, {"id": 3, "name": "three"}],
            "plugin_configs": [],
        }
    )


# Atomic saves: a failing save leaves memory and the file as they were.


def failing_replace(source: Any, target: Any) -> None:
    raise OSError(28, "No space left on device")


_REAL_FDOPEN = os.fdopen


class _FullDisk:
    def __init__(self, descriptor: int, mode: str) -> None:
        self._file = _REAL_FDOPEN(descriptor, mode)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, content: bytes) -> int:
        self._file.write(content[:10])
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("name", "broken"),
    [("replace", failing_replace), ("fdopen", _FullDisk)],
    ids=["rename-fails", "disk-full-mid-write"],
)
@pytest.mark.parametrize(
    "write",
    [
        lambda store: store.insert("plugins", {"name": "three"}),
        lambda store: store.update("plugins", 1, {"name": "changed"}),
        lambda store: store.delete("plugins", 2),
        lambda store: store.load({"plugins": []}),
    ],
    ids=["insert", "update", "delete", "load"],
)
def test_a_failing_save_changes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    broken: Callable[..., Any],
    write: Callable[[Store], Any],
) -> None:
    data = tmp_path / "data.json"
    store = seeded(data)
    memory, on_disk = store.export(), data.read_bytes()
    monkeypatch.setattr(data_file.os, name, broken)

    with pytest.raises(StoreWriteError, match="No space left on device"):
        write(store)

    monkeypatch.undo()
    assert store.export() == memory
    assert data.read_bytes() == on_disk
    assert files_in(tmp_path) == ["data.json"]
    assert store.insert("plugins", {"name": "three"})["id"] == 3


# Data files.


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"plugins": [{"id": 1}]}',
        b'{"plugins": {"one": {"id": 1}}}',
        b'{"plugins": {"1": "not a document"}}',
        b"\xff\xfe",
    ],
    ids=["text", "list", "fixture-format", "named-keys", "string-document", "binary"],
)
def test_a_data_file_that_is_not_tinydb_json_is_refused_and_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    data = tmp_path / "data.json"
    data.write_bytes(content)

    with pytest.raises(DataFileError, match="is not a TinyDB JSON file"):
        Store(data)

    assert data.read_bytes() == content
    assert files_in(tmp_path) == ["data.json"]


def test_an_empty_data_file_is_an_empty_database(tmp_path: Path) -> None:
    """TinyDB itself reads a file of zero bytes as a database with nothing in it."""
    data = tmp_path / "data.json"
    data.touch()

    store = Store(data)

    assert (store.has_data, store.export()) == (False, {})


def test_a_missing_data_file_is_created_at_the_first_save(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    store = Store(data)

    assert not data.exists()
    store.load(SEED)
    assert Store(data).export() == store.export()


# Whole-world operations.


def test_restore_puts_a_snapshot_back() -> None:
    store = seeded()
    snapshot = store.snapshot()
    before = store.export()
    store.insert("plugins", {"name": "three"})
    store.delete("plugins", 1)

    store.restore(snapshot)

    assert store.export() == before
    assert store.insert("plugins", {"name": "three"})["id"] == 3


def test_counts_leave_out_the_stores_own_tables() -> None:
    assert seeded().counts() == {"organizations": 1, "plugins": 2, "plugin_configs": 0}


def test_reads_are_copies_that_cannot_change_the_store() -> None:
    store = seeded()
    record = store.get("plugins", 1)
    assert record is not None
    record["name"] = "mutated"
    inserted = {"name": "three", "nested": {"a": 1}}
    store.insert("plugins", inserted)
    inserted["nested"]["a"] = 2

    assert store.get("plugins", 1) == {"id": 1, "name": "one"}
    assert store.get("plugins", 3) == {"id": 3, "name": "three", "nested": {"a": 1}}


def test_a_flat_record_is_stored_with_each_value_as_json_keeps_it() -> None:
    store = seeded()
    sent = {"text": "é and ascii", "big": 2**64, "small": -(2**63), "ratio": -0.0, "on": True}

    stored = store.update("plugins", 1, {**sent, "none": None, "count": 3})

    assert stored == {
        "id": 1,
        "name": "one",
        "text": "é and ascii",
        "big": 18446744073709551616.0,  # beyond 64 bits: the nearest float
        "small": -9223372036854775808,
        "ratio": -0.0,
        "on": True,
        "none": None,
        "count": 3,
    }
    assert [type(stored[name]) for name in ("big", "small", "on", "count")] == [
        float,
        int,
        bool,
        int,
    ]


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("a\x00b", "PostgreSQL refuses the NUL character"),
        (float("inf"), "jsonb refuses the non-finite number Infinity"),
        (float("nan"), "jsonb refuses the non-finite number NaN"),
        ("a\ud800b", "surrogates not allowed"),
    ],
)
def test_a_flat_record_postgresql_would_refuse_is_not_stored(value: Any, refusal: str) -> None:
    store = seeded()

    with pytest.raises(StoreWriteError, match=refusal):
        store.update("plugins", 1, {"name": value})

    assert store.get("plugins", 1) == {"id": 1, "name": "one"}


def test_holds_says_whether_a_table_has_an_id() -> None:
    store = seeded()
    store.delete("plugins", 2)

    assert [store.holds("plugins", 1), store.holds("plugins", 2)] == [True, False]
    assert store.holds("no_such_table", 1) is False


# Indexes: `find_by` answers what a scan answers, in the same order, whatever happened before.


def by_team(record: Mapping[str, Any]) -> Any:
    return record.get("team_id")


def by_plugin_and_team(record: Mapping[str, Any]) -> Any:
    return record.get("plugin"), record.get("team_id")


def assert_indexes_match_scans(store: Store) -> None:
    for key in (by_team, by_plugin_and_team):
        for record in [*store.all("plugin_configs"), {"team_id": 99, "plugin": 99}]:
            value = key(record)
            assert store.find_by("plugin_configs", key, value) == store.find(
                "plugin_configs", lambda row, key=key, value=value: key(row) == value
            )


def test_indexes_follow_every_write_rollback_and_restore(tmp_path: Path) -> None:
    store = seeded(tmp_path / "data.json")
    chance = random.Random(8)
    snapshot = store.snapshot()
    for step in range(300):
        ids = [record["id"] for record in store.all("plugin_configs")]
        action = chance.choice(["insert", "update", "delete", "fail", "restore", "delete_by"])
        if action == "insert" or not ids:
            store.insert("plugin_configs", {"plugin": chance.randint(1, 3), "team_id": step % 4})
        elif action == "update":
            store.update("plugin_configs", chance.choice(ids), {"team_id": chance.randint(0, 3)})
        elif action == "delete":
            store.delete("plugin_configs", chance.choice(ids))
        elif action == "fail":
            with pytest.raises(RuntimeError), store.transaction():
                store.update("plugin_configs", chance.choice(ids), {"team_id": 7})
                store.delete("plugin_configs", chance.choice(ids))
                store.insert("plugin_configs", {"plugin": 1, "team_id": 7})
                raise RuntimeError("half-way")
        elif action == "restore":
            store.restore(snapshot)
            snapshot = store.snapshot() if chance.random() < 0.5 else snapshot
        else:
            store.delete_by("plugin_configs", by_team, chance.randint(0, 3))
        assert_indexes_match_scans(store)
    assert Store(tmp_path / "data.json").export() == store.export()


def test_a_record_whose_key_changes_is_found_in_its_place_in_the_table() -> None:
    store = seeded()
    for team in (1, 2, 1):
        store.insert("plugin_configs", {"plugin": 1, "team_id": team})
    assert [r["id"] for r in store.find_by("plugin_configs", by_team, 1)] == [1, 3]

    store.update("plugin_configs", 2, {"team_id": 1})

    assert [r["id"] for r in store.find_by("plugin_configs", by_team, 1)] == [1, 2, 3]
    assert store.find_by("plugin_configs", by_team, 2) == []


def test_a_save_that_fails_leaves_the_next_save_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.json"
    store = seeded(data)
    monkeypatch.setattr(data_file.os, "replace", failing_replace)
    with pytest.raises(StoreWriteError):
        store.update("plugins", 1, {"name": "lost"})
    monkeypatch.undo()

    store.update("plugins", 2, {"name": "kept"})

    assert Store(data).export() == store.export()
    assert Store(data).get("plugins", 1) == {"id": 1, "name": "one"}


def test_a_cached_value_is_made_again_once_a_table_it_read_changes() -> None:
    store = seeded()
    made: list[int] = []

    def names() -> list[str]:
        made.append(1)
        return [record["name"] for record in store.all("plugins")]

    def cached() -> list[str]:
        return store.cached("names", ("plugins",), names)

    assert cached() == cached() == ["one", "two"]
    store.insert("plugin_configs", {"plugin": 1})  # another table
    assert (cached(), len(made)) == (["one", "two"], 1)
    store.update("plugins", 1, {"name": "first"})
    assert cached() == ["first", "two"]
    with pytest.raises(RuntimeError), store.transaction():
        store.delete("plugins", 2)
        assert cached() == ["first"]
        raise RuntimeError("rolled back")
    assert cached() == ["first", "two"]
    store.restore(seeded().snapshot())
    assert (cached(), len(made)) == (["one", "two"], 5)


def test_a_value_cached_on_two_tables_is_made_again_when_either_changes() -> None:
    store = seeded()
    made: list[int] = []

    def counts() -> tuple[int, int]:
        made.append(1)
        return store.count("plugins"), store.count("plugin_configs")

    def cached() -> tuple[int, int]:
        return store.cached("counts", ("plugins", "plugin_configs"), counts)

    assert cached() == (2, 0)
    store.insert("projects", {"name": "elsewhere"})
    store.insert("projects", {"name": "elsewhere too"})
    assert (cached(), len(made)) == ((2, 0), 1)
    store.insert("plugin_configs", {"plugin": 1})  # the second of its tables
    assert (cached(), len(made)) == ((2, 1), 2)
    store.insert("projects", {"name": "a third"})
    store.insert("plugins", {"name": "three"})  # the first, after another table's write
    assert (cached(), len(made)) == ((3, 1), 3)
    assert (cached(), len(made)) == ((3, 1), 3)
