"""A Python client generated from /_mock/openapi.json by openapi-python-client: generated with
no warning, and every control operation, called with its documented example on a fresh default
world holding one fault, answers its documented status, parsed into the generated types."""

from __future__ import annotations

import importlib
import json
import re
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import make_app
from tests.contract.generated_clients import generate_python_client, without_dates, wsgi_client

PACKAGE = "mock_posthog_control_client"
DOCUMENT = make_app().test_client().get("/_mock/openapi.json").json
OPERATIONS = {
    operation["operationId"]: (method, path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
}


@pytest.fixture(scope="module")
def control_api(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("control-client")
    return generate_python_client(DOCUMENT, folder, PACKAGE)


def test_every_control_operation_is_generated(control_api: ModuleType) -> None:
    folder = Path(control_api.__file__).parent / "api" / "mock_posthog_control"
    generated = {module.stem for module in folder.glob("*.py") if module.stem != "__init__"}
    assert generated == set(OPERATIONS)
    assert "add_fault" in generated


NAMESPACE_HEADER, NAMESPACE = "X-Mock-PostHog-Namespace", "job-1"
PATH_VALUES: dict[str, Any] = {"fault_id": 1, "plugin_config_id": 1, "name": NAMESPACE}


def typed_body(function: Any, example: Any) -> Any:
    """The example as the generated type the operation's `body` takes: a model, or a list of
    models."""
    for option in typing.get_args(typing.get_type_hints(function)["body"]):
        if hasattr(option, "from_dict"):
            return option.from_dict(example)
        if typing.get_origin(option) is list:
            (item,) = typing.get_args(option)
            return [item.from_dict(entry) for entry in example]
    raise AssertionError(f"no generated type for the body {example!r}")


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_control_operation_answers_in_its_generated_type(
    control_api: ModuleType, operation_id: str
) -> None:
    method, path, operation = OPERATIONS[operation_id]
    app = make_app()
    added = app.test_client().post("/_mock/faults", json={"route": "plugins_list", "status": 503})
    assert added.status_code == 201
    started = app.test_client().get("/_mock/health", headers={NAMESPACE_HEADER: NAMESPACE})
    assert started.status_code == 200
    module = importlib.import_module(f"{PACKAGE}.api.mock_posthog_control.{operation_id}")
    arguments = [PATH_VALUES[name] for name in re.findall(r"\{(\w+)\}", path)]
    keywords: dict[str, Any] = {}
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        keywords["body"] = typed_body(module.sync_detailed, content["example"])

    response = module.sync_detailed(*arguments, client=wsgi_client(control_api, app), **keywords)

    (status, success), *_ = (
        (code, answer) for code, answer in operation["responses"].items() if code < "400"
    )
    assert response.status_code == int(status), (method, path, response.content)
    if "content" not in success:
        assert response.parsed is None
        return
    models = importlib.import_module(f"{PACKAGE}.models")
    assert not isinstance(response.parsed, models.Error)
    answer = json.loads(response.content)
    if hasattr(response.parsed, "to_dict"):
        assert without_dates(response.parsed.to_dict()) == without_dates(answer)
    else:
        assert isinstance(response.parsed, list) and len(response.parsed) == len(answer)
