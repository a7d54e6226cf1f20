"""A plugin config's custom actions (POST {id}/job/, GET {id}/frontend/), pinned where a slip
would pass unnoticed: the cause the journal gives for each 500 a job body causes, the names
DRF's OPTIONS gives the two actions, and how the API's OpenAPI document describes them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.journal_notes import SERVER_ERROR, last_notes
from tests.conftest import AUTH, CONFIGS

JOB = f"{CONFIGS}1/job/"
FRONTEND = f"{CONFIGS}1/frontend/"
JOB_PATH = "/api/projects/{project_id}/plugin_configs/{id}/job/"
FRONTEND_PATH = "/api/projects/{project_id}/plugin_configs/{id}/frontend/"


def operation(client: FlaskClient, path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/schema/").get_json()["paths"][path][method]
    return found


# The 500s a job body causes, and the cause the journal gives for each.


@pytest.mark.parametrize(
    ("job", "why"),
    [
        ("type", "`job` is a str, which has no .get()"),
        (["type"], "`job` is a list, which has no .get()"),
    ],
)
def test_a_job_that_holds_type_but_is_no_object_is_a_500_naming_its_type(
    client: FlaskClient, job: Any, why: str
) -> None:
    response = client.post(JOB, json={"job": job}, headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert last_notes(client) == [f"500 because {why}"]


def test_a_body_python_cannot_read_a_job_from_is_a_500_the_journal_explains(
    client: FlaskClient,
) -> None:
    response = client.post(JOB, json=[{"job": {"type": "Resync"}}], headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert last_notes(client) == [
        "500 because the job body breaks PostHog's job handling: "
        "'list' object has no attribute 'get'"
    ]


# OPTIONS: DRF names an extra action after its function.


@pytest.mark.parametrize(("path", "name"), [(JOB, "Job"), (FRONTEND, "Frontend")])
def test_options_names_each_action_after_its_function(
    client: FlaskClient, path: str, name: str
) -> None:
    response = client.options(path, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()["name"] == name


# The OpenAPI document.


def test_the_document_describes_the_job_action(client: FlaskClient) -> None:
    job = operation(client, JOB_PATH, "post")

    assert job["operationId"] == "plugin_configs_job_create"
    assert job["summary"] == (
        "Trigger one of the plugin's public jobs: {job: {type, payload, operation}}."
    )
    assert job["description"] == (
        "- checked against the plugin's public_jobs\n"
        "- 200 with an empty body\n"
        "- job_triggered activity; recorded for tests"
    )
    assert job["requestBody"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/PluginJobRequest"}
    }
    assert job["responses"]["200"] == {"description": "No body."}


def test_the_document_says_why_a_job_is_a_400_or_a_500(client: FlaskClient) -> None:
    responses = operation(client, JOB_PATH, "post")["responses"]

    assert responses["400"]["description"] == (
        "A body that cannot be parsed, or PostHog's validation error, with the field in `attr`."
        " Also when:\n"
        "- the organization is below CONFIG access\n"
        "- the job has no `type`; the plugin has no such public job; the payload lacks a "
        "required field, sets an admin-only one or has an unknown one"
    )
    assert responses["500"]["description"] == (
        "PostHog's generic server error, where PostHog answers 500 too:\n"
        "- the body, its `job` or the job's `payload` is not a JSON object\n"
        "- the plugin's public_jobs is not an object of job specs"
    )


def test_the_document_describes_the_frontend_as_javascript(client: FlaskClient) -> None:
    frontend = operation(client, FRONTEND_PATH, "get")

    assert frontend["operationId"] == "plugin_configs_frontend_retrieve"
    assert frontend["summary"] == "The config's frontend app, as JavaScript."
    assert frontend["description"] == (
        "- application/javascript\n- transpiled code, or no_frontend / transpiling / error stubs"
    )
    assert frontend["responses"]["200"] == {
        "description": "The config's frontend app, as JavaScript.",
        "content": {"application/javascript": {"schema": {"type": "string"}}},
    }
