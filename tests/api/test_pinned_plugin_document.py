"""The OpenAPI document's plugin operations, written out: what each one is called, what it
takes and answers, the PostHog behaviours it implements and the causes of its 400s and 500s,
so that a slip in the route table shows (the generic document tests read the table itself)."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.conftest import make_app

BASE = "/api/organizations/{organization_id}/plugins/"
DETAIL = BASE + "{id}/"
AT_LEAST_1 = {"type": "integer", "minimum": 1}
BAD_ARCHIVE = (
    "the archive's plugin.json is not a JSON object with a `name`, or a value of it does not fit "
    "its column; or the archive has no main file (nor frontend.tsx or site.ts)"
)


class Documented(NamedTuple):
    method: str
    path: str
    summary: str
    takes: str | None  # the JSON request body's component
    answers: tuple[str, str | None]  # the success status and its JSON body's component
    behaviours: tuple[str, ...] = ()
    bad_requests: tuple[str, ...] = ()  # the 400s' causes beyond a body that cannot be read
    server_errors: tuple[str, ...] = ()
    query: tuple[tuple[str, dict[str, Any], str], ...] = ()  # name, schema, description


OPERATIONS = {
    "plugins_list": Documented(
        "GET",
        BASE,
        "List the organization's plugins and every global plugin.",
        None,
        ("200", "PaginatedPluginList"),
        behaviours=("own plugins plus every global plugin", "limit/offset paging"),
        query=(
            ("limit", {"type": "integer"}, "Number of results to return per page."),
            ("offset", {"type": "integer"}, "The initial index from which to return the results."),
        ),
    ),
    "plugins_create": Documented(
        "POST",
        BASE,
        "Install a plugin from a URL, or create a source plugin.",
        "PluginRequest",
        ("201", "Plugin"),
        behaviours=(
            "source plugins from fields",
            "GitHub, GitLab and npm URLs resolved offline",
            "tag and latest_tag from the URL's ref, else the latest release",
            "?private_token= accepted and hidden",
            "duplicate URL refused per organization",
            "invalid URL answers 500",
            "writes an installed activity entry",
        ),
        bad_requests=(
            "the archive has no plugin.json, or a stateless plugin has a config",
            "the organization already has a plugin from this URL",
            "a `file:` URL is outside the plugins directory, or has no plugin.json",
        ),
        server_errors=(
            "the URL is not a GitHub, GitLab or npm URL, or has more than one `?`",
            "a plugin other than a source plugin comes without a `url`",
            "the repository or package is unreachable, or has no release",
            BAD_ARCHIVE,
        ),
    ),
    "plugins_retrieve": Documented(
        "GET",
        DETAIL,
        "Retrieve a plugin.",
        None,
        ("200", "Plugin"),
        behaviours=("404 below INSTALL",),
    ),
    "plugins_update": Documented(
        "PUT",
        DETAIL,
        "Change a plugin (PUT takes the same fields as PATCH).",
        "PluginRequest",
        ("200", "Plugin"),
        behaviours=("is_global needs ROOT",),
    ),
    "plugins_partial_update": Documented(
        "PATCH",
        DETAIL,
        "Change some of a plugin's fields.",
        "PluginRequest",
        ("200", "Plugin"),
        behaviours=("is_global needs ROOT", "url and latest_tag ignored"),
    ),
    "plugins_destroy": Documented(
        "DELETE",
        DETAIL,
        "Uninstall a plugin and its configs in every project.",
        None,
        ("204", None),
        behaviours=(
            "global plugins refused",
            "cascades to configs and source files",
            "writes an uninstalled activity entry",
        ),
        bad_requests=("the plugin is global",),
    ),
    "plugins_check_for_updates_retrieve": Documented(
        "GET",
        DETAIL + "check_for_updates/",
        "Look up the plugin's latest tag upstream.",
        None,
        ("200", "PluginUpdateCheck"),
        behaviours=(
            'answers {"plugin": Plugin}',
            "latest_tag from the URL's ref, else the latest release",
            "updated_at unchanged",
            "source plugin answers 500",
            "unreachable upstream answers 500",
        ),
        server_errors=(
            "the plugin has no URL (a source plugin)",
            "the plugin's URL is not a GitHub, GitLab or npm URL (a `file:` plugin, say)",
            "the repository or package is unreachable, or has no release",
        ),
    ),
    "plugins_source_retrieve": Documented(
        "GET",
        DETAIL + "source/",
        "The plugin's source files by name.",
        None,
        ("200", "PluginSource"),
        behaviours=("answers {filename: text}",),
    ),
    "plugins_update_source_partial_update": Documented(
        "PATCH",
        DETAIL + "update_source/",
        "Create, change or delete source files.",
        "PluginSourceUpdate",
        ("200", "PluginSource"),
        behaviours=(
            "{filename: text-or-null} in, the resulting map out",
            "transpile status reset",
            "name and config_schema synced from plugin.json",
            "invalid plugin.json answers 500 and keeps nothing",
        ),
        server_errors=(
            "the body is not a JSON object",
            "a file name is longer than 200 characters",
            "a file's new text is an object or an array",
            (
                "plugin.json is not valid JSON, is not an object PostHog can read `name` and "
                "`config` from, or its `name` is not text of at most 200 characters"
            ),
        ),
    ),
    "plugins_upgrade_create": Documented(
        "POST",
        DETAIL + "upgrade/",
        "Re-read the plugin from its URL at the latest release.",
        None,
        ("200", "Plugin"),
        behaviours=(
            "body ignored",
            "source and local plugins unchanged",
            "fields and source files refreshed from the archive",
            "plugin_type becomes custom",
            "unreachable upstream answers 500",
        ),
        bad_requests=("the archive has no plugin.json, or a stateless plugin has a config",),
        server_errors=(
            "the URL is not a GitHub, GitLab or npm URL, or has more than one `?`",
            "the repository or package is unreachable, or has no release",
            BAD_ARCHIVE,
        ),
    ),
    "plugins_activity_retrieve": Documented(
        "GET",
        BASE + "activity/",
        "Plugin and plugin-config activity of the caller's current project.",
        None,
        ("200", "ActivityPage"),
        behaviours=(
            "limit (default 10) and page paging",
            "newest first",
            "the caller's current project, not the URL's organization",
            "bad limit or page answers 500",
        ),
        server_errors=(
            "`limit` or `page` is not an integer",
            "`limit` is below 1, or `page` is not one of the pages there are",
            "the caller has no current project",
        ),
        query=(
            ("limit", {**AT_LEAST_1, "default": 10}, "Entries per page (default 10)."),
            ("page", {**AT_LEAST_1, "default": 1}, "The page, from 1 (default 1)."),
        ),
    ),
    "plugins_repository_retrieve": Documented(
        "GET",
        BASE + "repository/",
        "The plugin repository list.",
        None,
        ("200", "PluginRepository"),
        behaviours=("a plain JSON array, passed through",),
    ),
}


def documented(operation: dict[str, Any], method: str, path: str) -> Documented:
    def component(content: dict[str, Any]) -> str | None:
        schema = content.get("application/json", {}).get("schema")
        return schema["$ref"].rsplit("/", 1)[-1] if schema else None

    def listed(text: str) -> tuple[str, ...]:
        return tuple(line[2:] for line in text.split("\n") if line.startswith("- "))

    responses = operation["responses"]
    status = next(code for code in responses if code < "300")
    return Documented(
        method,
        path,
        operation["summary"],
        component(operation.get("requestBody", {}).get("content", {})),
        (status, component(responses[status].get("content", {}))),
        listed(operation.get("description", "")),
        listed(responses.get("400", {}).get("description", "")),
        listed(responses.get("500", {}).get("description", "")),
        tuple(
            (parameter["name"], parameter["schema"], parameter["description"])
            for parameter in operation["parameters"]
            if parameter["in"] == "query"
        ),
    )


@pytest.fixture(scope="module")
def plugin_operations() -> dict[str, Documented]:
    document = make_app().test_client().get("/api/schema/").json
    return {
        operation["operationId"]: documented(operation, method.upper(), path)
        for path, methods in document["paths"].items()
        if path.startswith("/api/organizations/")
        for method, operation in methods.items()
    }


def test_the_document_has_exactly_the_plugin_operations(
    plugin_operations: dict[str, Documented],
) -> None:
    assert sorted(plugin_operations) == sorted(OPERATIONS)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_a_plugin_operation_is_documented_as_written(
    plugin_operations: dict[str, Documented], operation_id: str
) -> None:
    assert plugin_operations[operation_id] == OPERATIONS[operation_id]
