"""TypeScript types generated from both documents by openapi-typescript, compiled by tsc with
scripts that call every operation through them: `typescript/calls.ts` by hand for
/api/schema/, and one written here from /_mock/openapi.json that sends each documented example.

npm installs the pinned packages into a temporary folder once per module (node and npm are
needed; without them the tests skip). The scripts are compiled, never run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_app
from tests.contract.generated_clients import compile_typescript, npm_folder, typescript_types

SCRIPTS = Path(__file__).parent / "typescript"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = npm_folder(tmp_path_factory.mktemp("typescript"))
    for script in SCRIPTS.glob("*.ts"):
        shutil.copy(script, folder)
    return folder


def documented_operations(document: dict[str, Any]) -> set[str]:
    return {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }


def test_the_api_types_compile_with_a_call_of_every_operation(folder: Path) -> None:
    document = make_app().test_client().get("/api/schema/").json
    types = typescript_types(folder, document, "api")
    assert 'results: components["schemas"]["Plugin"][];' in types

    compiled = compile_typescript(folder, "calls.ts")

    assert compiled.returncode == 0, compiled.stdout
    script = (folder / "calls.ts").read_text("utf-8")
    called = set(re.findall(r'(?:call|bodiless|text)\(\s*"(\w+)"', script))
    assert called == documented_operations(document)


def test_the_control_types_compile_with_every_documented_example(folder: Path) -> None:
    document = make_app().test_client().get("/_mock/openapi.json").json
    typescript_types(folder, document, "control")
    (folder / "control_calls.ts").write_text(control_script(document), "utf-8")

    compiled = compile_typescript(folder, "control_calls.ts")

    assert compiled.returncode == 0, compiled.stdout


def test_a_body_of_the_wrong_type_does_not_compile(folder: Path) -> None:
    """The check can fail: an example that the types refuse is a compile error."""
    document = make_app().test_client().get("/_mock/openapi.json").json
    typescript_types(folder, document, "control")
    content = document["paths"]["/_mock/faults"]["post"]["requestBody"]["content"]
    content["application/json"]["example"] = {"route": "plugins_list", "status": "503"}
    (folder / "wrong_calls.ts").write_text(control_script(document), "utf-8")

    compiled = compile_typescript(folder, "wrong_calls.ts")

    assert compiled.returncode != 0
    assert "wrong_calls.ts" in compiled.stdout
    assert "'string' is not assignable to type 'number'" in compiled.stdout


def control_script(document: dict[str, Any]) -> str:
    """A script that sends each control operation its documented example, typed."""
    lines = [
        'import type { operations } from "./control.js";',
        'import { typedFetch } from "./typed_fetch.js";',
        "",
        'const { call, bodiless } = typedFetch<operations>("http://127.0.0.1:8010", {});',
        "",
        "export async function everyOperation(): Promise<unknown[]> {",
        "    return [",
    ]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            url = json.dumps(path.format(fault_id=1, plugin_config_id=1, name="job-1"))
            content = operation.get("requestBody", {}).get("content", {})
            body = [json.dumps(content["application/json"]["example"])] if content else []
            (status, success), *_ = (
                (code, answer) for code, answer in operation["responses"].items() if code < "400"
            )
            name = json.dumps(operation["operationId"])
            arguments = (
                [name, status, json.dumps(method.upper()), url, *body]
                if "content" in success
                else [name, json.dumps(method.upper()), url, *body]
            )
            function = "call" if "content" in success else "bodiless"
            lines.append(f"        await {function}({', '.join(arguments)}),")
    return "\n".join([*lines, "    ];", "}", ""])
