"""Input DRF and PostgreSQL refuse, refused as PostHog's stack refuses it: a NUL character in a
CharField (DRF's ProhibitNullCharactersValidator), ids that Django's integer lookup cannot
read, non-finite numbers (read by DRF's non-strict JSON parser, refused by jsonb), and JSON
nested deeper than orjson goes but not deeper than Python's json and jsonb."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.conftest import AUTH, CONFIGS, ORG_ID, PLUGINS, error

NUL_REFUSED = "Null characters are not allowed."
SERVER_ERROR = error("server_error", "error", "A server error occurred.")
NOT_FOUND = error("invalid_request", "not_found", "Not found.")


def notes(client: FlaskClient) -> list[str]:
    return client.get("/_mock/requests?last=1").get_json()["results"][0]["notes"]


# A NUL character in a CharField.


@pytest.mark.parametrize("field", ["name", "description", "icon", "tag"])
def test_a_nul_in_a_plugin_char_field_is_refused(
    client: FlaskClient, world: World, field: str
) -> None:
    before = world.store.export()

    response = client.post(
        PLUGINS, json={"plugin_type": "source", "name": "ok", field: "a\x00b"}, headers=AUTH
    )

    assert response.status_code == 400
    assert response.get_json() == {
        "type": "validation_error",
        "code": "null_characters_not_allowed",
        "detail": "Null characters are not allowed.",
        "attr": field,
    }
    assert world.store.export() == before


def test_a_nul_in_a_form_field_is_refused_on_patch(client: FlaskClient) -> None:
    response = client.patch(PLUGINS + "2/", data={"name": "\x00"}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "null_characters_not_allowed", NUL_REFUSED, "name"
    )


def test_a_nul_where_no_char_field_checks_it_is_postgresqls_500(
    client: FlaskClient, world: World
) -> None:
    """update_source writes text columns unchecked: psycopg2 refuses the NUL."""
    before = world.store.export()

    response = client.patch(PLUGINS + "3/update_source/", json={"index.ts": "a\x00b"}, headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert world.store.export() == before
    assert any("NUL character" in note for note in notes(client))


# Ids Django's integer lookup cannot read.


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "-1", "0", "1.0", str(2**31), str(2**64)])
def test_a_plugin_id_that_is_no_integer_in_range_is_404(client: FlaskClient, raw: str) -> None:
    response = client.get(f"{PLUGINS}{raw}/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "x1"])
def test_a_plugin_config_id_that_is_no_integer_is_404(client: FlaskClient, raw: str) -> None:
    response = client.get(f"{CONFIGS}{raw}/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "one"])
def test_a_project_id_that_is_no_integer_is_404_not_found(client: FlaskClient, raw: str) -> None:
    response = client.get(f"/api/projects/{raw}/plugin_configs/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


def test_a_project_id_out_of_range_is_project_not_found(client: FlaskClient) -> None:
    response = client.get(f"/api/projects/{'9' * 30}/plugin_configs/", headers=AUTH)

    assert response.get_json() == error("invalid_request", "not_found", "Project not found.")


def test_unicode_digits_are_read_as_pythons_int_reads_them(client: FlaskClient) -> None:
    """Django's lookups call int(), which reads any decimal digits: `٣` is 3, `١` is 1."""  # noqa: RUF002
    plugin = client.get(f"{PLUGINS}٣/", headers=AUTH)
    configs = client.get("/api/projects/١/plugin_configs/", headers=AUTH)  # noqa: RUF001

    assert (plugin.status_code, plugin.get_json()["name"]) == (200, "Hello Source")
    assert (configs.status_code, configs.get_json()["count"]) == (200, 2)


def test_deleting_a_config_by_a_non_integer_id_is_a_500(client: FlaskClient) -> None:
    """destroy looks the config up directly, where Django's ValueError is not caught."""
    response = client.delete(f"{CONFIGS}²/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)


def test_logs_of_a_5000_digit_config_id_are_a_500_not_an_unexpected_one(
    client: FlaskClient,
) -> None:
    response = client.get(f"{CONFIGS}{'9' * 5000}/logs/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert any("ClickHouse cannot compare" in note for note in notes(client))


# Non-finite numbers: DRF's JSONParser is not strict in PostHog (STRICT_JSON False).


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_in_a_json_field_is_jsonbs_500(
    client: FlaskClient, world: World, literal: str
) -> None:
    before = world.store.export()

    response = client.patch(
        PLUGINS + "2/",
        data='{"capabilities": {"x": ' + literal + "}}",
        content_type="application/json",
        headers=AUTH,
    )

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert world.store.export() == before
    assert any("jsonb refuses the non-finite number" in note for note in notes(client))


@pytest.mark.parametrize(("literal", "text"), [("1e999", "inf"), ("NaN", "nan")])
def test_a_non_finite_number_in_a_char_field_becomes_its_python_text(
    client: FlaskClient, literal: str, text: str
) -> None:
    """DRF's CharField takes a number and stores str() of it."""
    response = client.patch(
        PLUGINS + "2/",
        data='{"name": ' + literal + "}",
        content_type="application/json",
        headers=AUTH,
    )

    assert (response.status_code, response.get_json()["name"]) == (200, text)


def test_a_non_finite_order_is_not_a_valid_integer(client: FlaskClient) -> None:
    response = client.patch(
        CONFIGS + "1/", data='{"order": 1e999}', content_type="application/json", headers=AUTH
    )

    assert response.get_json() == error(
        "validation_error", "invalid_input", "A valid integer is required.", "order"
    )


# Integers beyond 64 bits: Python's json reads every integer whole.


@pytest.mark.parametrize(
    "pk", ["18446744073709551617", "-9223372036854775809", "1000000000000000000000000000000"]
)
def test_a_plugin_pk_beyond_64_bits_is_named_whole(client: FlaskClient, pk: str) -> None:
    response = client.post(
        CONFIGS,
        data='{"plugin": ' + pk + ', "order": 1}',
        content_type="application/json",
        headers=AUTH,
    )

    assert (response.status_code, response.get_json()) == (
        400,
        error(
            "validation_error",
            "does_not_exist",
            f'Invalid pk "{pk}" - object does not exist.',
            "plugin",
        ),
    )


# Nesting: Python's json and jsonb take hundreds of levels, orjson stops at 254.


@pytest.mark.parametrize("depth", [255, 300, 900])
def test_json_nested_hundreds_deep_is_stored_and_answered(client: FlaskClient, depth: int) -> None:
    nested = "[" * depth + "]" * depth

    response = client.patch(
        PLUGINS + "2/",
        data='{"capabilities": ' + nested + "}",
        content_type="application/json",
        headers=AUTH,
    )
    again = client.get(f"/api/organizations/{ORG_ID}/plugins/2/", headers=AUTH)

    assert response.status_code == 200
    for answer in (response, again):
        value, levels = answer.get_json()["capabilities"], 1
        while value:
            (value,) = value
            levels += 1
        assert levels == depth
