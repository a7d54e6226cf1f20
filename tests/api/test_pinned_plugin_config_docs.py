"""The plugin-config operations as GET /api/schema/ documents them, pinned word for word: each
operation's id, summary and behaviours, the body it reads, the status it answers and why it
may answer 400 or 500; and their twins on PostHog's legacy router."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

PROJECT = "/api/projects/{project_id}/plugin_configs/"
LEGACY = "/api/plugin_config/"
NOT_FOUND = "No such organization, project or object."
BAD_BODY = "A body that cannot be parsed, or PostHog's validation error, with the field in `attr`."
BELOW_CONFIG = f"{BAD_BODY} Also when:\n- the organization is below CONFIG access"
SERVER_ERROR = "PostHog's generic server error, where PostHog answers 500 too:"
SECRET_SCAN = (
    "- the plugin's config_schema is not a list of fields PostHog's secret-field scan can read "
    "(an object with a key containing `secret`, a number, a field without `key`)"
)
FORM_FAILS = (
    "- the `config` form field is not a JSON object\n"
    "- a `remove_attachment[key]` field names no attachment of the config"
)
RENDER_FAILS = f"{SERVER_ERROR}\n{SECRET_SCAN}"
WRITE_FAILS = f"{SERVER_ERROR}\n{SECRET_SCAN}\n{FORM_FAILS}"
LEGACY_NOTE = (
    "The legacy form (PostHog's LegacyPluginConfigViewSet, which its frontend calls): the same "
    "as `/api/projects/@current/plugin_configs/`, on the caller's current project. Not in "
    "PostHog's docs."
)

# path (below the router's base), method: what the document says of the operation.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("", "get"): {
        "id": "list",
        "summary": "List the project's plugin configs, enabled or not.",
        "description": "- ordered by order, then plugin id\n- delivery_rate_24h from app metrics\n"
        "- empty below CONFIG access\n- limit/offset paging",
        "body": None,
        "responses": {"200": "summary", "404": NOT_FOUND, "500": RENDER_FAILS},
    },
    ("", "post"): {
        "id": "create",
        "summary": "Configure a plugin for the project; a second create updates the existing "
        "config.",
        "description": "- plugin and order required, unknown plugin refused\n"
        "- config only from a form field (JSON-body config ignored, noted)\n"
        "- existing config for the plugin updated, 201\n- secrets masked, attachments\n"
        "- 400 below CONFIG access",
        "body": "PluginConfigRequest",
        "responses": {"201": "summary", "400": BELOW_CONFIG, "404": NOT_FOUND, "500": WRITE_FAILS},
    },
    ("{id}/", "get"): {
        "id": "retrieve",
        "summary": "Retrieve a plugin config, with its plugin.",
        "description": "- plugin_info filled\n- other projects' configs 404",
        "body": None,
        "responses": {"200": "summary", "404": NOT_FOUND, "500": RENDER_FAILS},
    },
    ("{id}/", "put"): {
        "id": "update",
        "summary": "Change a plugin config (plugin and order required).",
        "description": "- plugin cannot change\n- unchecked enabled form field disables",
        "body": "PluginConfigRequest",
        "responses": {"200": "summary", "400": BAD_BODY, "404": NOT_FOUND, "500": WRITE_FAILS},
    },
    ("{id}/", "patch"): {
        "id": "partial_update",
        "summary": "Change some of a plugin config's fields.",
        "description": "- omitted or null secrets kept, empty string overwrites\n"
        "- add_attachment[key] / remove_attachment[key]\n"
        "- config_updated, enabled/disabled, attachment_* activity\n- 404 below CONFIG access",
        "body": "PatchedPluginConfigRequest",
        "responses": {"200": "summary", "400": BAD_BODY, "404": NOT_FOUND, "500": WRITE_FAILS},
    },
    ("{id}/", "delete"): {
        "id": "destroy",
        "summary": "Disable a plugin config (it is not deleted).",
        "description": "- only disables; the row stays\n- bare 404 below CONFIG access",
        "body": None,
        "responses": {
            "204": "No body.",
            "400": BAD_BODY,
            "404": f"{NOT_FOUND} PostHog answers some of these with no body at all. (no content)",
            "500": f"{SERVER_ERROR}\n- the id is not one of the project's configs",
        },
    },
    ("rearrange/", "patch"): {
        "id": "rearrange_partial_update",
        "summary": "Reorder the enabled configs: {orders: {plugin_id: order}}.",
        "description": "- keyed by plugin id; only enabled configs move\n"
        "- order_changed activity (scope Plugin)\n- answers the array of enabled configs",
        "body": "PluginConfigRearrangeRequest",
        "responses": {
            "200": "summary",
            "400": BELOW_CONFIG,
            "404": NOT_FOUND,
            "500": f"{SERVER_ERROR}\n- the body or its `orders` is not a JSON object\n"
            "- an `orders` key is not an integer, or a changed order is not one\n"
            f"{SECRET_SCAN}",
        },
    },
}


def summed_up(operation: dict[str, Any]) -> dict[str, Any]:
    """What the document says of an operation, in OPERATIONS' terms."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    responses = {}
    for status, response in operation["responses"].items():
        if status in ("401", "403", "413", "415", "429"):  # what every route says alike
            continue
        described = response["description"]
        if described == operation["summary"]:
            described = "summary"
        elif "content" not in response and status != "204":
            described += " (no content)"
        responses[status] = described
    return {
        "id": operation["operationId"],
        "summary": operation["summary"],
        "description": operation.get("description"),
        "body": body["schema"]["$ref"].removeprefix("#/components/schemas/") if body else None,
        "responses": responses,
    }


@pytest.fixture
def paths(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    documented: dict[str, Any] = response.get_json()["paths"]
    return documented


@pytest.mark.parametrize(("below", "method"), list(OPERATIONS))
def test_each_project_operation_is_documented_as_served(
    paths: dict[str, Any], below: str, method: str
) -> None:
    expected = OPERATIONS[(below, method)]
    operation = paths[PROJECT + below][method]

    assert summed_up(operation) == {**expected, "id": f"plugin_configs_{expected['id']}"}
    assert "deprecated" not in operation


@pytest.mark.parametrize(("below", "method"), list(OPERATIONS))
def test_each_legacy_twin_is_the_same_operation_marked_deprecated(
    paths: dict[str, Any], below: str, method: str
) -> None:
    expected = OPERATIONS[(below, method)]
    operation = paths[LEGACY + below][method]

    assert summed_up(operation) == {
        **expected,
        "id": f"plugin_config_{expected['id']}",
        "description": f"{LEGACY_NOTE}\n\n{expected['description']}",
    }
    assert operation["deprecated"] is True
    assert operation["tags"] == ["plugin_configs"]


def test_the_routers_document_nothing_else_of_plugin_configs(paths: dict[str, Any]) -> None:
    # The job, frontend and logs operations are the actions' and the logs' own.
    assert sorted(path for path in paths if path.startswith((PROJECT, LEGACY))) == [
        LEGACY,
        LEGACY + "rearrange/",
        LEGACY + "{id}/",
        LEGACY + "{id}/frontend/",
        LEGACY + "{id}/job/",
        PROJECT,
        PROJECT + "rearrange/",
        PROJECT + "{id}/",
        PROJECT + "{id}/frontend/",
        PROJECT + "{id}/job/",
        PROJECT + "{plugin_config_id}/logs/",
    ]
