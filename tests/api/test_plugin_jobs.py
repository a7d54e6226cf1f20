"""POST {id}/job/: the job body, each of PostHog's refusals, and where accepted jobs are
recorded (the control plane and `recorded_jobs`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.posthog.api.plugin_config_actions import recorded_jobs
from tests.conftest import AUTH, CONFIGS, PLUGINS, error
from tests.plugin_config_support import (
    FROZEN_TEXT,
    NOT_CONFIGURABLE,
    USER,
    activity_of_project_1,
    client_with,
    with_access_level,
    world_behind,
)
from tests.worlds import default_tables

JOB = f"{CONFIGS}1/job/"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PUBLIC_JOBS = {
    "Export events": {
        "payload": {
            "dateFrom": {"type": "date", "required": True},
            "dateTo": {"type": "date"},
            "batchSize": {"type": "number", "staff_only": True, "default": 100},
        }
    },
    "Resync": {},
}


def with_jobs(tables: dict[str, Any]) -> dict[str, Any]:
    tables["plugins"][1]["public_jobs"] = PUBLIC_JOBS
    return tables


@pytest.fixture
def jobs_client(tmp_path: Path) -> FlaskClient:
    """The default world with public jobs on plugin 2 (config 1), the clock frozen."""
    return client_with(tmp_path, with_jobs(default_tables()), frozen=True)


def test_an_accepted_job_answers_200_with_an_empty_body_and_is_recorded(
    jobs_client: FlaskClient,
) -> None:
    response = jobs_client.post(
        JOB,
        json={
            "job": {"type": "Export events", "payload": {"dateFrom": "-7d"}, "operation": "stop"}
        },
        headers=AUTH,
    )

    assert response.status_code == 200
    assert response.data == b""
    assert "Content-Type" not in response.headers
    jobs = jobs_client.get("/_mock/plugin_jobs").get_json()
    job_id = jobs[0]["job_id"]
    assert UUID.match(job_id)
    assert jobs == [
        {
            "id": 1,
            "job_id": job_id,
            "type": "Export events",
            "payload": {"dateFrom": "-7d"},
            "operation": "stop",
            "plugin_config_id": 1,
            "team_id": 1,
            "created_at": FROZEN_TEXT,
            "enqueued": {
                "task_identifier": "pluginJob",
                "payload": {
                    "type": "Export events",
                    "payload": {"dateFrom": "-7d", "$operation": "stop", "$job_id": job_id},
                    "pluginConfigId": 1,
                    "pluginConfigTeam": 1,
                },
            },
        }
    ]
    assert recorded_jobs(world_behind(jobs_client).store) == jobs


def test_an_accepted_job_writes_a_job_triggered_entry(jobs_client: FlaskClient) -> None:
    jobs_client.post(
        JOB, json={"job": {"type": "Export events", "payload": {"dateFrom": "-7d"}}}, headers=AUTH
    )

    job_id = jobs_client.get("/_mock/plugin_jobs").get_json()[0]["job_id"]
    assert activity_of_project_1(world_behind(jobs_client)) == [
        {
            "user": USER,
            "activity": "job_triggered",
            "scope": "PluginConfig",
            "item_id": "1",
            "detail": {
                "name": "Taxonomy Plugin",
                "changes": None,
                "trigger": {
                    "job_type": "Export events",
                    "job_id": job_id,
                    "payload": {"dateFrom": "-7d"},
                },
                "short_id": None,
            },
            "created_at": FROZEN_TEXT,
        }
    ]


def test_payload_and_operation_have_defaults(jobs_client: FlaskClient) -> None:
    assert jobs_client.post(JOB, json={"job": {"type": "Resync"}}, headers=AUTH).status_code == 200

    job = jobs_client.get("/_mock/plugin_jobs").get_json()[0]
    assert (job["payload"], job["operation"]) == ({}, "start")
    assert job["enqueued"]["payload"]["payload"] == {
        "$operation": "start",
        "$job_id": job["job_id"],
    }


def test_a_staff_only_field_at_its_default_is_allowed(jobs_client: FlaskClient) -> None:
    response = jobs_client.post(
        JOB,
        json={"job": {"type": "Export events", "payload": {"dateFrom": "x", "batchSize": 100}}},
        headers=AUTH,
    )

    assert response.status_code == 200


def test_staff_may_set_staff_only_fields(tmp_path: Path) -> None:
    tables = with_jobs(default_tables())
    tables["users"][0]["is_staff"] = True
    client = client_with(tmp_path, tables)

    response = client.post(
        JOB,
        json={"job": {"type": "Export events", "payload": {"dateFrom": "x", "batchSize": 5}}},
        headers=AUTH,
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "The job type must be specified!"),
        ({"job": {"payload": {}}}, "The job type must be specified!"),
        ({"job": "run"}, "The job type must be specified!"),
        ({"job": {"type": "nope"}}, "Unknown plugin job: 'nope'"),
        ({"job": {"type": 7}}, "Unknown plugin job: 7"),
        ({"job": {"type": "Export events"}}, "Missing required job field: dateFrom"),
        (
            {"job": {"type": "Export events", "payload": {"dateFrom": "x", "batchSize": 5}}},
            "Field is only settable for admins: batchSize",
        ),
        (
            {"job": {"type": "Export events", "payload": {"dateFrom": "x", "extra": 1}}},
            "Unknown field for job: extra",
        ),
        ({"job": {"type": "Resync", "payload": {"a": 1}}}, "Unknown field for job: a"),
    ],
)
def test_each_refusal_is_a_400_and_records_nothing(
    jobs_client: FlaskClient, body: dict, detail: str
) -> None:
    response = jobs_client.post(JOB, json=body, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error("validation_error", "invalid_input", detail)
    assert jobs_client.get("/_mock/plugin_jobs").get_json() == []
    assert activity_of_project_1(world_behind(jobs_client)) == []


def test_a_plugin_without_public_jobs_refuses_every_job(client: FlaskClient) -> None:
    response = client.post(f"{CONFIGS}2/job/", json={"job": {"type": "x"}}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "invalid_input", "Plugin has no public jobs"
    )


def test_public_jobs_set_through_the_plugin_api_are_used(client: FlaskClient) -> None:
    client.patch(f"{PLUGINS}3/", json={"public_jobs": {"Ping": {}}}, headers=AUTH)

    assert (
        client.post(f"{CONFIGS}2/job/", json={"job": {"type": "Ping"}}, headers=AUTH).status_code
        == 200
    )


@pytest.mark.parametrize(
    "body",
    [
        [{"job": {"type": "Resync"}}],
        {"job": "type"},
        {"job": None},
        {"job": {"type": ["Resync"]}},
        {"job": {"type": "Export events", "payload": None}},
        {"job": {"type": "Resync", "payload": ""}},
    ],
)
def test_bodies_python_itself_chokes_on_are_a_500(jobs_client: FlaskClient, body: Any) -> None:
    response = jobs_client.post(JOB, json=body, headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")
    assert jobs_client.get("/_mock/plugin_jobs").get_json() == []


def test_below_config_access_a_job_is_refused_before_the_config_is_looked_up(
    tmp_path: Path,
) -> None:
    client = client_with(tmp_path, with_access_level(with_jobs(default_tables()), 0))
    refused = error("validation_error", "invalid_input", NOT_CONFIGURABLE)

    known = client.post(JOB, json={"job": {"type": "Resync"}}, headers=AUTH)
    unknown = client.post(f"{CONFIGS}99/job/", json={"job": {"type": "Resync"}}, headers=AUTH)

    assert (known.status_code, known.get_json()) == (400, refused)
    assert (unknown.status_code, unknown.get_json()) == (400, refused)


def test_a_job_for_an_unknown_config_is_404(jobs_client: FlaskClient) -> None:
    response = jobs_client.post(f"{CONFIGS}99/job/", json={"job": {"type": "Resync"}}, headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_get_is_not_allowed_on_job(client: FlaskClient) -> None:
    response = client.get(JOB, headers=AUTH)

    assert response.status_code == 405
    assert response.get_json() == error(
        "invalid_request", "method_not_allowed", 'Method "GET" not allowed.'
    )
