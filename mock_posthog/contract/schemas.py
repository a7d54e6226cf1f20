"""The JSON Schemas in `schemas/`: loaded once, compiled once, used to check requests,
responses and fixture files.

Request bodies are checked the way Django REST framework checks them: values are first
coerced as DRF's fields coerce them ("5" is an integer, "true" a boolean, 5 a string), then
the first failing field, in the schema's field order, becomes PostHog's 400 with DRF's code
and message.

Two validators share the work. jsonschema-rs (compiled) answers whether a value is valid, in
microseconds; only a value it refuses goes to jsonschema, whose errors carry what the messages
and the first bad field's path are made of. Neither is imported before it is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson

from mock_posthog.contract.errors import ValidationFailed

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

_INTEGER = re.compile(r"^\s*[+-]?\d+(\.0*)?\s*$")
# DRF's BooleanField accepts these texts, and the integers 1 and 0.
_TRUE: set[str | int] = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"}
_TRUE |= {"on", "On", "ON", "1", 1}
_FALSE: set[str | int] = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE"}
_FALSE |= {"off", "Off", "OFF", "0", 0}


class SchemaMismatch(AssertionError):
    """A response or a fixture file does not match its schema."""

    def __init__(self, schema: str, path: str, message: str) -> None:
        self.schema, self.path, self.message = schema, path, message
        super().__init__(f"{path}: {message} (schema {schema})")


@cache
def _documents() -> dict[str, dict[str, Any]]:
    folder = resources.files("mock_posthog.schema_files")
    return {
        entry.name: orjson.loads(entry.read_bytes())
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


def document(name: str) -> dict[str, Any]:
    """The schema file `name` (for example `plugin.json`), as parsed JSON."""
    return _documents()[name]


def names() -> list[str]:
    return sorted(_documents())


@cache
def validator(name: str) -> Draft202012Validator:
    """jsonschema's validator of the schema file `name`: it says what is wrong, and where."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(document(name), registry=_registry())


@cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    return Registry().with_resources(
        (name, Resource.from_contents(contents)) for name, contents in _documents().items()
    )


@cache
def _fast_validator(name: str) -> Any:
    """jsonschema-rs's validator of the same schema, formats unchecked as jsonschema leaves
    them; it only says whether a value is valid."""
    import jsonschema_rs

    registry = jsonschema_rs.Registry(list(_documents().items()))
    return jsonschema_rs.validator_for(document(name), registry=registry, validate_formats=False)


def _fast_is_valid(name: str, instance: Any) -> bool:
    """True when jsonschema-rs finds `instance` valid; False when it refuses it or cannot
    take it (an integer beyond 64 bits, say), and jsonschema must look."""
    try:
        return bool(_fast_validator(name).is_valid(instance))
    except Exception:  # a value the fast validator cannot represent
        return False


def check_response(name: str, body: Any) -> None:
    _raise_first(name, body)


def check_fixture(data: Any) -> None:
    _raise_first("fixtures.json", data)


def fixture_mismatches(data: Any) -> list[SchemaMismatch]:
    """Every place where a fixture file breaks its schema, in document order."""
    return mismatches("fixtures.json", data)


def mismatches(name: str, instance: Any) -> list[SchemaMismatch]:
    """Every error, in the order a reader meets them in the document."""
    if _fast_is_valid(name, instance):
        return []
    located = [
        (_error_path(error), error.message) for error in validator(name).iter_errors(instance)
    ]
    located.sort(key=lambda found: _document_order(instance, found[0]))
    return [SchemaMismatch(name, json_path(path), message) for path, message in located]


def _raise_first(name: str, instance: Any) -> None:
    """Raise for the error that comes first in the document, as a reader meets it."""
    found = mismatches(name, instance)
    if found:
        raise found[0]


def _error_path(error: ValidationError) -> list[str | int]:
    """Where the error is; for a missing or unexpected field, the field itself."""
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        # One error per missing field; each message names its own field.
        missing = [f for f in error.validator_value if f not in error.instance]
        path.append(next((f for f in missing if error.message.startswith(repr(f))), missing[0]))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        unexpected = next((f for f in error.instance if f not in allowed), None)
        if unexpected is not None:
            path.append(unexpected)
    return path


def _document_order(instance: Any, path: list[str | int]) -> list[int]:
    """A path's position in the document: each step's index among its siblings (a missing
    field comes after the fields that are there)."""
    order = []
    for part in path:
        if isinstance(instance, dict):
            keys = list(instance)
            order.append(keys.index(part) if part in keys else len(keys))
            instance = instance.get(part)
        elif isinstance(instance, list) and isinstance(part, int):
            order.append(part)
            instance = instance[part] if part < len(instance) else None
        else:
            order.append(0)
    return order


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(parts: Iterable[str | int]) -> str:
    """`$.plugins[0].source_files["index.ts"]`: keys that are not plain names are quoted."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.match(part):
            text += f".{part}"
        else:
            text += f"[{orjson.dumps(part).decode()}]"
    return text


# Requests.


def check_request(name: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce `body` as DRF would and return it, or raise PostHog's 400 for its first bad field."""
    types = _field_types(name)
    coerced = {field: coerce_value(types.get(field, ()), value) for field, value in body.items()}
    if _fast_is_valid(name, coerced):
        return coerced
    errors = list(validator(name).iter_errors(coerced))
    if errors:
        raise _field_error(document(name), errors)
    return coerced


@cache
def _field_types(name: str) -> dict[str, tuple[str, ...]]:
    """The types the schema file `name` declares for each of its fields."""
    properties = document(name).get("properties", {})
    return {field: tuple(_types(spec)) for field, spec in properties.items()}


def _types(field_schema: Mapping[str, Any]) -> list[str]:
    declared = field_schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def coerce_value(types: Sequence[str], value: Any) -> Any:
    """A field's value as DRF's field of one of `types` reads it, where it can."""
    if value is None:
        return value
    if "integer" in types and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.match(value):
            return int(float(value)) if "." in value else int(value)
    if "boolean" in types and not isinstance(value, bool):
        if isinstance(value, str | int | float) and value in _TRUE:
            return True
        if isinstance(value, str | int | float) and value in _FALSE:
            return False
    if "string" in types and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if "string" in types and isinstance(value, str):
        return value.strip()  # DRF's CharField trims whitespace before checking the length
    return value


# The pattern of a DRF CharField's ProhibitNullCharactersValidator.
NO_NUL = "^[^\\u0000]*$"
_TYPE_MESSAGES = {
    "integer": "A valid integer is required.",
    "boolean": "Must be a valid boolean.",
    "string": "Not a valid string.",
    "object": 'Expected a dictionary of items but got type "{kind}".',
    "array": 'Expected a list of items but got type "{kind}".',
}


def _field_error(schema: Mapping[str, Any], errors: list[ValidationError]) -> ValidationFailed:
    order = list(schema.get("properties", {}))
    described = [_describe(error) for error in errors]
    attr, code, message = min(described, key=lambda d: _position(order, d[0]))
    return ValidationFailed(message, code=code, attr=attr)


def _position(order: list[str], attr: str | None) -> int:
    top = (attr or "").split("__")[0]
    return order.index(top) if top in order else len(order)


def _describe(error: ValidationError) -> tuple[str | None, str, str]:
    """(attr, code, message) as DRF words the error; codes as exceptions-hog renames them."""
    path = [str(part) for part in error.absolute_path]
    keyword = error.validator
    if keyword == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return "__".join([*path, missing]), "required", "This field is required."
    attr = "__".join(path) or None
    value = error.instance
    if keyword == "type":
        if value is None:
            return attr, "null", "This field may not be null."
        expected = next(t for t in _types(error.schema) if t != "null")
        kind = type(value).__name__
        return attr, "invalid_input", _TYPE_MESSAGES[expected].format(kind=kind)
    if keyword == "maxLength":
        limit = error.validator_value
        return attr, "max_length", f"Ensure this field has no more than {limit} characters."
    if keyword == "minLength":
        return attr, "blank", "This field may not be blank."
    if keyword == "pattern" and error.validator_value == NO_NUL:
        return attr, "null_characters_not_allowed", "Null characters are not allowed."
    if keyword == "enum":
        return attr, "invalid_choice", f'"{value}" is not a valid choice.'
    if keyword == "maximum":
        limit = error.validator_value
        return attr, "max_value", f"Ensure this value is less than or equal to {limit}."
    if keyword == "minimum":
        limit = error.validator_value
        return attr, "min_value", f"Ensure this value is greater than or equal to {limit}."
    return attr, "invalid_input", error.message
