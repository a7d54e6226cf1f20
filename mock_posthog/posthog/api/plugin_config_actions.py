"""POST {id}/job/ and GET {id}/frontend/: a plugin config's custom actions.

A job is checked against the plugin's `public_jobs`, then recorded where PostHog would enqueue
it (Graphile's `pluginJob` task) so that tests can read it back with `recorded_jobs`.
The frontend route serves JavaScript that follows the plugin's `frontend.tsx` status.
"""

from __future__ import annotations

import json
from typing import Any

from mock_posthog.contract.errors import ServerError, ValidationFailed
from mock_posthog.contract.operations import Route
from mock_posthog.posthog import records
from mock_posthog.posthog.api.plugin_config_activity import log_config_activity
from mock_posthog.posthog.api.plugin_config_rendering import plugin_of
from mock_posthog.posthog.api.plugin_configs import (
    DETAIL,
    NOT_CONFIGURABLE,
    can_configure,
    config_of_call,
)
from mock_posthog.posthog.call import Call, Reply
from mock_posthog.world.store import Record, Store

JAVASCRIPT = "application/javascript; charset=UTF-8"
TASK_IDENTIFIER = "pluginJob"


# Jobs.


def trigger_job(call: Call) -> Reply:
    if not can_configure(call):
        raise ValidationFailed(NOT_CONFIGURABLE)
    config = config_of_call(call, call.args["id"])
    job = _job_of(call.data)
    job_type = job.get("type")
    payload = job.get("payload", {})
    operation = job.get("operation", "start")
    is_staff = bool(call.caller.user.get("is_staff"))
    _python_semantics(lambda: check_job(plugin_of(call.store, config), job_type, payload, is_staff))
    job_id = call.world.new_uuid()
    _python_semantics(lambda: {**payload})
    call.store.insert(
        records.PLUGIN_JOBS,
        {
            "job_id": job_id,
            "type": job_type,
            "payload": payload,
            "operation": operation,
            "plugin_config_id": config["id"],
            "team_id": config["team_id"],
            "created_at": call.world.now(),
        },
    )
    trigger = {"job_type": job_type, "job_id": job_id, "payload": payload}
    log_config_activity(call, config, "job_triggered", trigger=trigger)
    return Reply(status=200)


def _job_of(data: Any) -> dict[str, Any]:
    """`request.data.get("job", {})`, then `"type" not in job`, with Python's own failures."""
    job = _python_semantics(lambda: data.get("job", {}))
    if not _python_semantics(lambda: "type" in job):
        raise ValidationFailed("The job type must be specified!")
    if not isinstance(job, dict):
        raise ServerError(f"`job` is a {type(job).__name__}, which has no .get()")
    return job


def check_job(plugin: Record, job_type: Any, payload: Any, is_staff: bool) -> None:
    """validate_plugin_job_payload, message for message."""
    public_jobs = plugin.get("public_jobs")
    if not public_jobs:
        raise ValidationFailed("Plugin has no public jobs")
    if job_type not in public_jobs:
        raise ValidationFailed(f"Unknown plugin job: {job_type!r}")
    spec = public_jobs[job_type].get("payload", {})
    for key, options in spec.items():
        if options.get("required", False) and key not in payload:
            raise ValidationFailed(f"Missing required job field: {key}")
        if (
            options.get("staff_only", False)
            and not is_staff
            and key in payload
            and payload.get(key) != options.get("default")
        ):
            raise ValidationFailed(f"Field is only settable for admins: {key}")
    for key in payload:
        if key not in spec:
            raise ValidationFailed(f"Unknown field for job: {key}")


def _python_semantics(step: Any) -> Any:
    """Run a step of PostHog's job handling on client-chosen values; where Python itself
    fails on them (a list where a dict was expected, say), PostHog answers 500."""
    try:
        return step()
    except (TypeError, AttributeError) as error:
        raise ServerError(f"the job body breaks PostHog's job handling: {error}") from None


def recorded_jobs(store: Store) -> list[dict[str, Any]]:
    """Every accepted job, oldest first, with the task PostHog would have enqueued for it."""
    jobs = sorted(store.all(records.PLUGIN_JOBS), key=lambda job: job["id"])
    return [{**job, "enqueued": _enqueued(job)} for job in jobs]


def _enqueued(job: Record) -> dict[str, Any]:
    return {
        "task_identifier": TASK_IDENTIFIER,
        "payload": {
            "type": job["type"],
            "payload": {**job["payload"], "$operation": job["operation"], "$job_id": job["job_id"]},
            "pluginConfigId": job["plugin_config_id"],
            "pluginConfigTeam": job["team_id"],
        },
    }


# The frontend.


def frontend(call: Call) -> Reply:
    config = config_of_call(call, call.args["id"])
    source = (plugin_of(call.store, config).get("source_files") or {}).get("frontend.tsx")
    if source is not None and source.get("status") == "TRANSPILED":
        return Reply(source.get("transpiled") or "", content_type=JAVASCRIPT)
    if source is None:
        app: dict[str, Any] = {"no_frontend": True}
    elif source.get("status") in (None, "LOCKED"):
        app = {"transpiling": True}
    else:
        app = {"error": source.get("error") or "Error Compiling Plugin"}
    body = "export function getFrontendApp () { return " + json.dumps(app) + " }"
    return Reply(body, content_type=JAVASCRIPT)


ROUTES = [
    Route(
        "plugin_configs_frontend_retrieve",
        "GET",
        DETAIL + "frontend/",
        "frontend",
        frontend,
        "The config's frontend app, as JavaScript.",
        media_type="application/javascript",
        behaviours=(
            "application/javascript",
            "transpiled code, or no_frontend / transpiling / error stubs",
        ),
    ),
    Route(
        "plugin_configs_job_create",
        "POST",
        DETAIL + "job/",
        "job",
        trigger_job,
        "Trigger one of the plugin's public jobs: {job: {type, payload, operation}}.",
        request_schema="plugin_config_job_request.json",
        behaviours=(
            "checked against the plugin's public_jobs",
            "200 with an empty body",
            "job_triggered activity; recorded for tests",
        ),
        server_errors=(
            "the body, its `job` or the job's `payload` is not a JSON object",
            "the plugin's public_jobs is not an object of job specs",
        ),
        bad_requests=(
            "the organization is below CONFIG access",
            "the job has no `type`; the plugin has no such public job; the payload lacks a "
            "required field, sets an admin-only one or has an unknown one",
        ),
    ),
]
