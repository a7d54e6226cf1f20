"""A Python client generated from /api/schema/ by openapi-python-client: generated with no
warning, and every operation, called once with valid inputs on a fresh default world, answers
what the document says, parsed into the generated types."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import AUTH, ORG_ID, make_app
from tests.contract.generated_clients import generate_python_client, without_dates, wsgi_client

PACKAGE = "mock_posthog_api_client"
HELLO_WORLD = "https://github.com/PostHog/helloworldplugin"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    document = make_app().test_client().get("/api/schema/").json
    return generate_python_client(document, tmp_path_factory.mktemp("python-client"), PACKAGE)


@dataclass(frozen=True)
class Call:
    """One call of a generated operation: its path arguments, its body (the generated model
    and its JSON), the status and the parsed type it answers (a model's name, `list[Model]`,
    `str` or `None`), and the calls that set the world up for it."""

    arguments: tuple[Any, ...]
    answer: str
    body: tuple[str, dict[str, Any]] | None = None
    status: int = 200
    before: tuple[str, ...] = field(default=())


CALLS = {
    "plugins_list": Call((ORG_ID,), "PaginatedPluginList"),
    "plugins_create": Call(
        ("@current",), "Plugin", ("PluginRequest", {"url": HELLO_WORLD}), status=201
    ),
    "plugins_retrieve": Call(("@current", 2), "Plugin"),
    "plugins_update": Call(
        ("@current", 3), "Plugin", ("PluginRequest", {"name": "Hi", "plugin_type": "source"})
    ),
    "plugins_partial_update": Call(
        ("@current", 3), "Plugin", ("PluginRequest", {"public_jobs": {"greet": {}}})
    ),
    # The installed plugin: the default world's are global, or in use.
    "plugins_destroy": Call(("@current", 4), "None", status=204, before=("plugins_create",)),
    "plugins_check_for_updates_retrieve": Call(("@current", 2), "PluginUpdateCheck"),
    "plugins_source_retrieve": Call(("@current", 3), "PluginSource"),
    "plugins_update_source_partial_update": Call(
        ("@current", 3), "PluginSource", ("PluginSourceUpdate", {"index.ts": "export {}"})
    ),
    "plugins_upgrade_create": Call(("@current", 2), "Plugin"),
    "plugins_activity_retrieve": Call(
        ("@current",), "ActivityPage", before=("plugin_configs_partial_update",)
    ),
    "plugins_repository_retrieve": Call(("@current",), "list[PluginRepositoryEntry]"),
    "plugin_configs_list": Call(("@current",), "PaginatedPluginConfigList"),
    "plugin_configs_create": Call(
        ("@current",),
        "PluginConfig",
        ("PluginConfigRequest", {"plugin": 1, "enabled": True, "order": 3}),
        status=201,
    ),
    "plugin_configs_retrieve": Call(("@current", 1), "PluginConfig"),
    "plugin_configs_update": Call(
        ("@current", 1),
        "PluginConfig",
        ("PluginConfigRequest", {"plugin": 2, "enabled": True, "order": 1}),
    ),
    "plugin_configs_partial_update": Call(
        ("@current", 1), "PluginConfig", ("PatchedPluginConfigRequest", {"enabled": False})
    ),
    "plugin_configs_destroy": Call(("@current", 1), "None", status=204),
    "plugin_configs_rearrange_partial_update": Call(
        ("@current",),
        "list[PluginConfig]",
        ("PluginConfigRearrangeRequest", {"orders": {"2": 2, "3": 1}}),
    ),
    "plugin_configs_logs_list": Call((1, 1), "PaginatedPluginLogEntryList"),
    "plugin_configs_frontend_retrieve": Call(("@current", 2), "str"),
    # Plugin 3, of config 2, declares the job first.
    "plugin_configs_job_create": Call(
        ("@current", 2),
        "None",
        ("PluginJobRequest", {"job": {"type": "greet", "payload": {}}}),
        before=("plugins_partial_update",),
    ),
    # The legacy router: the same operations on the caller's current project, by id alone.
    "plugin_config_list": Call((), "PaginatedPluginConfigList"),
    "plugin_config_create": Call(
        (),
        "PluginConfig",
        ("PluginConfigRequest", {"plugin": 1, "enabled": True, "order": 3}),
        status=201,
    ),
    "plugin_config_retrieve": Call((1,), "PluginConfig"),
    "plugin_config_update": Call(
        (1,), "PluginConfig", ("PluginConfigRequest", {"plugin": 2, "enabled": True, "order": 1})
    ),
    "plugin_config_partial_update": Call(
        (1,), "PluginConfig", ("PatchedPluginConfigRequest", {"enabled": False})
    ),
    "plugin_config_destroy": Call((1,), "None", status=204),
    "plugin_config_rearrange_partial_update": Call(
        (),
        "list[PluginConfig]",
        ("PluginConfigRearrangeRequest", {"orders": {"1": 2, "2": 1}}),
    ),
    "plugin_config_frontend_retrieve": Call((2,), "str"),
    "plugin_config_job_create": Call(
        (2,),
        "None",
        ("PluginJobRequest", {"job": {"type": "greet", "payload": {}}}),
        before=("plugins_partial_update",),
    ),
}


def operation_ids(api: ModuleType) -> dict[str, str]:
    """Each generated operation's module, by operationId: `api.<tag>.<operation_id>`."""
    folder = Path(api.__file__).parent / "api"
    return {
        module.stem: f"{api.__name__}.api.{module.parent.name}.{module.stem}"
        for module in folder.glob("*/*.py")
        if module.stem != "__init__"
    }


def test_every_operation_of_the_document_is_generated_and_called_here(api: ModuleType) -> None:
    document = make_app().test_client().get("/api/schema/").json
    documented = {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    assert set(operation_ids(api)) == documented
    assert set(CALLS) == documented


def call(api: ModuleType, client: Any, operation_id: str) -> Any:
    spec = CALLS[operation_id]
    operation = importlib.import_module(operation_ids(api)[operation_id])
    models = importlib.import_module(f"{api.__name__}.models")
    keywords: dict[str, Any] = {}
    if spec.body is not None:
        model, body = spec.body
        keywords["body"] = getattr(models, model).from_dict(body)
    return operation.sync_detailed(*spec.arguments, client=client, **keywords)


def parsed_as(api: ModuleType, answer: str) -> Callable[[Any], bool]:
    """Whether a parsed answer has the type named `answer`, items included."""
    models = importlib.import_module(f"{api.__name__}.models")
    if answer == "None":
        return lambda parsed: parsed is None
    if answer == "str":
        return lambda parsed: isinstance(parsed, str)
    if answer.startswith("list["):
        item = getattr(models, answer.removeprefix("list[").removesuffix("]"))
        return lambda parsed: bool(parsed) and all(isinstance(one, item) for one in parsed)
    return lambda parsed: isinstance(parsed, getattr(models, answer))


# What each page's results are: a page whose results are untyped fails here.
RESULTS = {
    "PaginatedPluginList": "Plugin",
    "PaginatedPluginConfigList": "PluginConfig",
    "PaginatedPluginLogEntryList": "PluginLogEntry",
    "ActivityPage": "ActivityLog",
}


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_each_operation_answers_in_its_generated_type(api: ModuleType, operation_id: str) -> None:
    client = wsgi_client(api, make_app(), **AUTH)
    for earlier in CALLS[operation_id].before:
        assert call(api, client, earlier).status_code < 300, earlier

    response = call(api, client, operation_id)

    spec = CALLS[operation_id]
    assert response.status_code == spec.status, response.content
    assert parsed_as(api, spec.answer)(response.parsed), (spec.answer, response.parsed)
    if spec.answer in RESULTS:
        results = response.parsed.results
        assert results, "a page with something in it, to see its items parsed"
        assert parsed_as(api, f"list[{RESULTS[spec.answer]}]")(results)
    if spec.answer not in ("None", "str") and not spec.answer.startswith("list["):
        # The model keeps every field it was given, as given.
        assert without_dates(response.parsed.to_dict()) == without_dates(
            json.loads(response.content)
        )


def test_the_frontend_is_parsed_as_javascript_text(api: ModuleType) -> None:
    client = wsgi_client(api, make_app(), **AUTH)
    response = call(api, client, "plugin_configs_frontend_retrieve")
    assert response.parsed == 'export function getFrontendApp () { return {"no_frontend": true} }'


def test_a_refusal_is_parsed_as_posthogs_error(api: ModuleType) -> None:
    client = wsgi_client(api, make_app(), Authorization="Bearer phx_not_a_key")
    response = call(api, client, "plugins_list")
    models = importlib.import_module(f"{api.__name__}.models")
    assert response.status_code == 401
    assert isinstance(response.parsed, models.Error)
    assert response.parsed.to_dict() == {
        "type": "authentication_error",
        "code": "authentication_failed",
        "detail": "Personal API key found in request Authorization header is invalid.",
        "attr": None,
    }
