"""The clock tests freeze and move, and UUIDs that are the same on every run when asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from mock_posthog import MockPostHog, Settings
from mock_posthog.world.world import World
from tests.conftest import AUTH, PLUGINS, error

SOURCE_PLUGIN = {"plugin_type": "source", "name": "Clocked"}


def test_a_frozen_clock_stamps_what_is_created_and_advancing_moves_it(
    client: FlaskClient, world: World
) -> None:
    frozen = client.post("/_mock/clock/freeze", json={"at": "2024-02-29T23:59:30Z"})
    created = client.post(PLUGINS, json=SOURCE_PLUGIN, headers=AUTH).json
    advanced = client.post("/_mock/clock/advance", json={"minutes": 1, "seconds": 0.5})
    client.patch(PLUGINS + f"{created['id']}/", json={"name": "Later"}, headers=AUTH)

    assert frozen.json == {"now": "2024-02-29T23:59:30Z", "frozen": True}
    assert advanced.json == {"now": "2024-03-01T00:00:30.500000Z", "frozen": True}
    stored = world.store.get("plugins", created["id"])
    assert (stored["created_at"], stored["updated_at"]) == (
        "2024-02-29T23:59:30Z",
        "2024-03-01T00:00:30.500000Z",
    )
    journal = client.get("/_mock/requests").json["results"]
    assert [entry["time"] for entry in journal] == [
        "2024-02-29T23:59:30Z",
        "2024-03-01T00:00:30.500000Z",
    ]


def test_unfreeze_and_reset_give_the_real_time_back(client: FlaskClient) -> None:
    client.post("/_mock/clock/freeze", json={"at": "2001-01-01T00:00:00Z"})
    assert client.post("/_mock/clock/unfreeze").json["frozen"] is False
    client.post("/_mock/clock/freeze", json={"at": "2001-01-01T00:00:00Z"})

    client.post("/_mock/reset")

    clock = client.get("/_mock/clock").json
    assert clock["frozen"] is False
    assert clock["now"] > "2020-01-01T00:00:00Z"


def test_freezing_without_a_time_stops_the_clock_now(posthog: MockPostHog) -> None:
    before = datetime.now(UTC)
    posthog.post("/_mock/clock/freeze")
    frozen = posthog.clock.now()

    assert before <= frozen <= datetime.now(UTC)
    assert posthog.clock.now() == frozen


def test_python_and_http_move_the_same_clock(posthog: MockPostHog) -> None:
    posthog.clock.freeze(datetime(2030, 1, 1, tzinfo=UTC))
    posthog.clock.advance(timedelta(days=1))

    assert posthog.get("/_mock/clock").json == {"now": "2030-01-02T00:00:00Z", "frozen": True}


def test_clock_routes_refuse_what_they_cannot_read(client: FlaskClient) -> None:
    assert client.post("/_mock/clock/freeze", json={"at": "yesterday"}).json == error(
        "validation_error", "invalid_input", "'yesterday' is not an ISO 8601 timestamp.", "at"
    )
    assert client.post("/_mock/clock/advance", json={"weeks": 1}).json == error(
        "validation_error", "invalid_input", "Give seconds, minutes, hours or days.", "weeks"
    )
    assert client.post("/_mock/clock/advance", json={"days": "1"}).json == error(
        "validation_error", "invalid_input", "days must be a number.", "days"
    )
    assert client.post("/_mock/clock/freeze", data="[1]").json == error(
        "validation_error", "invalid_input", "The body must be a JSON object."
    )
    assert client.get("/_mock/clock").json["frozen"] is False


def test_seeded_uuids_repeat_after_reset_and_across_worlds() -> None:
    world = World(Settings(uuid_seed=42))
    first = [world.new_uuid() for _ in range(3)]
    world.reset()
    again = [world.new_uuid() for _ in range(3)]
    elsewhere = [World(Settings(uuid_seed=42)).new_uuid() for _ in range(1)]

    assert first == again
    assert elsewhere == first[:1]
    assert len(set(first)) == 3
    assert all(value[14] == "4" and value[19] in "89ab" for value in first)


def test_uuids_are_random_unless_seeded_and_the_seed_is_set_over_http(
    client: FlaskClient, world: World
) -> None:
    assert client.get("/_mock/uuids").json == {"seed": None}
    assert world.new_uuid() != world.new_uuid()

    assert client.put("/_mock/uuids", json={"seed": 7}).json == {"seed": 7}
    seeded = world.new_uuid()
    client.put("/_mock/uuids", json={"seed": 7})
    assert world.new_uuid() == seeded
    assert client.put("/_mock/uuids", json={"seed": "7"}).status_code == 400

    client.post("/_mock/reset")
    assert client.get("/_mock/uuids").json == {"seed": None}
