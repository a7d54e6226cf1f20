"""GET {id}/frontend/: JavaScript that follows the plugin's `frontend.tsx` status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, CONFIGS, error
from tests.plugin_config_support import client_with, client_without_access
from tests.worlds import default_tables

FRONTEND = f"{CONFIGS}1/frontend/"
JAVASCRIPT = "application/javascript; charset=UTF-8"


def client_with_frontend(tmp_path: Path, frontend: dict[str, Any] | None) -> FlaskClient:
    """The default world with plugin 2 (config 1) given this `frontend.tsx`."""
    tables = default_tables()
    if frontend is not None:
        tables["plugins"][1]["source_files"]["frontend.tsx"] = frontend
    return client_with(tmp_path, tables)


def test_no_frontend_file(client: FlaskClient) -> None:
    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.get_data(as_text=True) == (
        'export function getFrontendApp () { return {"no_frontend": true} }'
    )


@pytest.mark.parametrize("status", [None, "LOCKED"])
def test_a_frontend_not_yet_transpiled(tmp_path: Path, status: str | None) -> None:
    client = client_with_frontend(tmp_path, {"source": "export const scene = {}", "status": status})

    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.get_data(as_text=True) == (
        'export function getFrontendApp () { return {"transpiling": true} }'
    )


def test_a_transpiled_frontend_is_served_as_is(tmp_path: Path) -> None:
    code = '"use strict";\nexport function getFrontendApp (require) { return { scene: {} } }'
    client = client_with_frontend(
        tmp_path, {"source": "export const scene = {}", "status": "TRANSPILED", "transpiled": code}
    )

    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.get_data(as_text=True) == code


def test_a_transpiled_frontend_without_code_is_empty_javascript(tmp_path: Path) -> None:
    client = client_with_frontend(tmp_path, {"status": "TRANSPILED", "transpiled": None})

    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.data == b""


@pytest.mark.parametrize(
    ("failure", "body"),
    [
        (
            "SyntaxError: Unexpected token (1:7)",
            "export function getFrontendApp () "
            '{ return {"error": "SyntaxError: Unexpected token (1:7)"} }',
        ),
        (
            None,
            'export function getFrontendApp () { return {"error": "Error Compiling Plugin"} }',
        ),
        (
            "Unexpected \u2018<\u2019",
            'export function getFrontendApp () { return {"error": "Unexpected \\u2018<\\u2019"} }',
        ),
    ],
)
def test_a_frontend_that_failed_to_transpile(
    tmp_path: Path, failure: str | None, body: str
) -> None:
    client = client_with_frontend(tmp_path, {"status": "ERROR", "error": failure})

    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.get_data(as_text=True) == body


def test_the_frontend_of_an_unknown_config_is_404(client: FlaskClient) -> None:
    response = client.get(f"{CONFIGS}99/frontend/", headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_below_config_access_the_frontend_is_404(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.get(FRONTEND, headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    response = client.head(FRONTEND, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JAVASCRIPT
    assert response.data == b""
