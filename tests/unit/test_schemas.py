"""The schemas in schemas/: valid, loaded once, and used as DRF's fields would use them."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mock_posthog.contract import schemas
from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.contract.schemas import SchemaMismatch
from tests.worlds import TAXONOMY

INTEGER = ["integer"]
BOOLEAN = ["boolean"]
STRING = ["string", "null"]


@pytest.mark.parametrize("name", schemas.names())
def test_every_schema_is_a_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(schemas.document(name))


@pytest.mark.parametrize(
    ("types", "sent", "read"),
    [
        (INTEGER, "5", 5),
        (INTEGER, " 7 ", 7),
        (INTEGER, "5.0", 5),
        (INTEGER, 5.0, 5),
        (INTEGER, "5.5", "5.5"),
        (INTEGER, True, True),
        (BOOLEAN, "true", True),
        (BOOLEAN, "Yes", True),
        (BOOLEAN, "on", True),
        (BOOLEAN, 1, True),
        (BOOLEAN, "f", False),
        (BOOLEAN, "OFF", False),
        (BOOLEAN, 0.0, False),
        (BOOLEAN, "maybe", "maybe"),
        (BOOLEAN, 2, 2),
        (STRING, 12, "12"),
        (STRING, 1.5, "1.5"),
        (STRING, "  padded\n", "padded"),
        (STRING, True, True),
        (STRING, None, None),
    ],
)
def test_values_are_read_as_drf_fields_read_them(types: list[str], sent: Any, read: Any) -> None:
    coerced = schemas.coerce_value(types, sent)

    assert (coerced, type(coerced)) == (read, type(read))


def test_a_request_comes_back_coerced_with_unknown_fields_kept() -> None:
    body = {"is_global": "false", "name": " n ", "unknown": [1], "url": 5}

    assert schemas.check_request("plugin_request.json", body) == {
        "is_global": False,
        "name": "n",
        "unknown": [1],
        "url": 5,
    }


def test_the_length_is_checked_after_trimming() -> None:
    assert schemas.check_request("plugin_request.json", {"name": " " + "x" * 200 + " "}) == {
        "name": "x" * 200
    }


def test_the_first_bad_field_in_the_schemas_order_is_reported() -> None:
    with pytest.raises(ValidationFailed) as caught:
        schemas.check_request("plugin_request.json", {"is_global": "?", "tag": "t" * 300})

    assert caught.value.body() == {
        "type": "validation_error",
        "code": "max_length",
        "detail": "Ensure this field has no more than 200 characters.",
        "attr": "tag",
    }


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            {key: value for key, value in TAXONOMY.items() if key != "metrics"},
            "$.metrics",
            "'metrics' is a required property",
        ),
        (
            {**TAXONOMY, "secret": "x"},
            "$.secret",
            "Additional properties are not allowed ('secret' was unexpected)",
        ),
        ({**TAXONOMY, "is_global": "no"}, "$.is_global", "'no' is not of type 'boolean'"),
    ],
)
def test_a_drifting_response_is_caught_with_its_path(
    body: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(SchemaMismatch) as caught:
        schemas.check_response("plugin.json", body)

    assert (caught.value.path, caught.value.message) == (path, message)


def test_a_page_of_plugins_is_checked_item_by_item() -> None:
    page = {"count": 1, "next": None, "previous": None, "results": [{**TAXONOMY, "id": "2"}]}

    with pytest.raises(SchemaMismatch) as caught:
        schemas.check_response("plugin_page.json", page)

    assert (caught.value.path, caught.value.message) == (
        "$.results[0].id",
        "'2' is not of type 'integer'",
    )


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ([], "$"),
        (["plugins", 0, "name"], "$.plugins[0].name"),
        (["plugins", 0, "source_files", "index.ts"], '$.plugins[0].source_files["index.ts"]'),
        (["odd key", 'quote"'], '$["odd key"]["quote\\""]'),
    ],
)
def test_json_paths(parts: list[str | int], text: str) -> None:
    assert schemas.json_path(parts) == text


# Two validators: jsonschema-rs says whether a value is valid, jsonschema says what is wrong.


@pytest.mark.parametrize(
    ("name", "instance"),
    [
        ("plugin.json", TAXONOMY),
        ("plugin.json", {**TAXONOMY, "id": 2.0}),  # 2.0 is an integer to JSON Schema
        ("plugin.json", {**TAXONOMY, "id": True}),
        ("plugin.json", {**TAXONOMY, "id": 2**70}),  # beyond 64 bits: jsonschema-rs can't take it
        ("plugin.json", {**TAXONOMY, "tag": "v1\n"}),
        ("plugin.json", {**TAXONOMY, "name": "\ud800"}),  # a lone surrogate
        ("plugin.json", {**TAXONOMY, "url": "not a url"}),  # formats are not checked
        ("plugin_page.json", {"count": 1, "next": None, "previous": None, "results": [TAXONOMY]}),
        ("plugin_page.json", {"count": 1, "next": None, "previous": None, "results": [{}]}),
        ("plugin_request.json", {"plugin_type": "source", "name": "x" * 201}),
        ("plugin_config_rearrange_request.json", {"orders": {"1": 2, "x": 3}}),
        ("fixtures.json", {"organizations": [{"id": "not-a-uuid", "name": "Org"}]}),
        ("fixtures.json", {"plugin_log_entries": [{"timestamp": "2024-01-01 10:00"}]}),
    ],
)
def test_the_fast_validator_never_passes_what_jsonschema_refuses(name: str, instance: Any) -> None:
    refused = list(schemas.validator(name).iter_errors(instance))

    if refused:
        assert not schemas._fast_is_valid(name, instance)
    if schemas._fast_is_valid(name, instance):
        assert refused == []


def test_a_value_the_fast_validator_cannot_take_is_checked_by_jsonschema() -> None:
    schemas.check_response("plugin.json", {**TAXONOMY, "id": 2**70})

    with pytest.raises(SchemaMismatch) as caught:
        schemas.check_response("plugin.json", {**TAXONOMY, "id": 2**70, "name": 5})
    assert caught.value.path == "$.name"
