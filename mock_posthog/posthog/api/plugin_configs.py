"""/api/projects/{project_id}/plugin_configs/: a project's plugin configs (CRUD, rearrange).

As in PostHog's documented era: `config` is read only from a form or multipart field holding
a JSON string; a second create for the same plugin updates the existing config; DELETE only
disables; secrets are kept when an update omits them; `rearrange` is keyed by plugin id.
"""

from __future__ import annotations

import json
from typing import Any, cast

from mock_posthog.contract.errors import NotFound, ServerError, ValidationFailed
from mock_posthog.contract.operations import Route
from mock_posthog.contract.schemas import check_request
from mock_posthog.posthog import auth, pagination, records
from mock_posthog.posthog.activity import change
from mock_posthog.posthog.api.plugin_attachments import apply_attachment_changes
from mock_posthog.posthog.api.plugin_config_activity import config_changes, log_config_activity
from mock_posthog.posthog.api.plugin_config_rendering import (
    SECRET_SCAN_FAILS,
    config_secret_fields,
    render_config,
)
from mock_posthog.posthog.api.plugins import plugin_id as path_id
from mock_posthog.posthog.app_metrics import delivery_rates
from mock_posthog.posthog.call import Call, Reply
from mock_posthog.world.store import Record

BASE = "/api/projects/{project_id}/plugin_configs/"
DETAIL = BASE + "{id}/"
NOT_CONFIGURABLE = "Plugin configuration is not available for the current organization!"
FORM_FAILS = (
    "the `config` form field is not a JSON object",
    "a `remove_attachment[key]` field names no attachment of the config",
)
JSON_CONFIG_IGNORED = (
    "PostHog ignores `config` in a JSON body: it reads `config` only from a form or multipart "
    "field holding a JSON string, so the stored config is unchanged"
)
WRITABLE_FIELDS = ("enabled", "order", "error")
_BODY_FIELDS = ("plugin", *WRITABLE_FIELDS)  # in the serializer's field order


def project_id(call: Call) -> int:
    # Every route here has a project: the path's, or the caller's current one (the legacy
    # router refuses a caller without one before any handler runs).
    return int(cast(Record, call.project)["id"])


def can_configure(call: Call) -> bool:
    return auth.access_level(call.organization) >= auth.CONFIG


def config_of_call(call: Call, raw_id: str) -> Record:
    """get_object: a config of this project; none at all below CONFIG access."""
    config = records.config_of_project(call.store, project_id(call), path_id(raw_id))
    if config is None or not can_configure(call):
        raise NotFound()
    return config


# Reading.


def list_configs(call: Call) -> dict[str, Any]:
    configs = (
        records.configs_of_project(call.store, project_id(call)) if can_configure(call) else []
    )
    configs.sort(key=lambda config: (config["order"], config["plugin"], config["id"]))
    rates = delivery_rates(call.store, project_id(call), call.world.clock.now())
    rendered = [render_config(call.store, config, delivery_rates=rates) for config in configs]
    return pagination.page(rendered, call.url, call.query)


def retrieve_config(call: Call) -> dict[str, Any]:
    config = config_of_call(call, call.args["id"])
    rates = delivery_rates(call.store, project_id(call), call.world.clock.now())
    return render_config(call.store, config, with_plugin_info=True, delivery_rates=rates)


# Writing.


def create_config(call: Call) -> Reply:
    fields = _checked_fields(call, "plugin_config_request.json", partial=False)
    if not can_configure(call):
        raise ValidationFailed(NOT_CONFIGURABLE)
    form_config = _form_config(call)
    existing = records.config_of_project_plugin(call.store, project_id(call), fields["plugin"])
    if existing is not None:
        updated = _update(call, existing, fields, form_config)
        return Reply(render_config(call.store, updated), status=201)
    now = call.world.now()
    created = call.store.insert(
        records.PLUGIN_CONFIGS,
        {
            "plugin": fields["plugin"],
            "team_id": project_id(call),
            "enabled": fields.get("enabled", False),
            "order": fields["order"],
            "config": form_config if form_config is not None else {},
            "error": fields.get("error"),
            "created_at": now,
            "updated_at": now,
        },
    )
    if created["enabled"]:
        secrets = config_secret_fields(call.store, created)
        changes = config_changes({}, created["config"], secrets)
        log_config_activity(call, created, "enabled", changes=changes)
    apply_attachment_changes(call, created)
    return Reply(render_config(call.store, created), status=201)


def update_config(call: Call) -> dict[str, Any]:
    config = config_of_call(call, call.args["id"])
    partial = call.route.action == "partial_update"
    schema = "plugin_config_patch_request.json" if partial else "plugin_config_request.json"
    fields = _checked_fields(call, schema, partial=partial)
    if fields.get("plugin", config["plugin"]) != config["plugin"]:
        call.note("PostHog drops `plugin` on update: a config cannot change its plugin")
    updated = _update(call, config, fields, _form_config(call))
    return render_config(call.store, updated)


def _update(
    call: Call, config: Record, fields: dict[str, Any], form_config: dict[str, Any] | None
) -> Record:
    """PluginConfigSerializer.update: secrets the new config leaves out (or nulls) keep their
    stored value; then the activity entries and the attachment changes."""
    secrets = config_secret_fields(call.store, config)
    old_config = config.get("config") or {}
    changes = {name: fields[name] for name in WRITABLE_FIELDS if name in fields}
    if form_config is not None:
        changes["config"] = {
            **form_config,
            **{key: old_config.get(key) for key in secrets if form_config.get(key) is None},
        }
    updated = call.store.update(
        records.PLUGIN_CONFIGS, config["id"], {**changes, "updated_at": call.world.now()}
    )
    config_diff = config_changes(old_config, updated.get("config") or {}, secrets)
    if config_diff:
        log_config_activity(call, updated, "config_updated", changes=config_diff)
    if bool(config.get("enabled")) != bool(updated.get("enabled")):
        log_config_activity(
            call, updated, "enabled" if updated["enabled"] else "disabled", changes=[]
        )
    apply_attachment_changes(call, updated)
    return updated


def destroy_config(call: Call) -> Reply:
    """Only disables, and without the serializer: no activity entry. Below CONFIG access
    PostHog answers a bare 404; an id not in the project is an uncaught DoesNotExist."""
    if not can_configure(call):
        return Reply(status=404)
    raw = call.args["id"]
    config_id = records.django_int(raw)
    if config_id is None:  # a direct .get(): Django's ValueError is not caught either
        raise ServerError(f"ValueError: Field 'id' expected a number but got {raw!r}.")
    found = None if not 0 < config_id < 2**31 else config_id
    config = records.config_of_project(call.store, project_id(call), found) if found else None
    if config is None:
        raise ServerError(f"PluginConfig.DoesNotExist: no config {raw!r} in this project")
    call.store.update(
        records.PLUGIN_CONFIGS, config["id"], {"enabled": False, "updated_at": call.world.now()}
    )
    return Reply(status=204)


def rearrange_configs(call: Call) -> list[dict[str, Any]]:
    """New orders for the enabled configs, keyed by PLUGIN id (the documented era)."""
    if not can_configure(call):
        raise ValidationFailed(NOT_CONFIGURABLE)
    orders = _mapping(call.data, "the body").get("orders", {})
    enabled = [c for c in records.configs_of_project(call.store, project_id(call)) if c["enabled"]]
    by_plugin = {config["plugin"]: config for config in enabled}
    moved: dict[int, Record] = {}
    for raw_plugin_id, order in _mapping(orders, "`orders`").items():
        config = by_plugin.get(_python_int(raw_plugin_id, "an `orders` key"))
        if config is None or config["order"] == order:
            continue
        moved[config["id"]] = by_plugin[config["plugin"]] = call.store.update(
            records.PLUGIN_CONFIGS,
            config["id"],
            {"order": _python_int(order, "an order"), "updated_at": call.world.now()},
        )
        # Scope "Plugin", as PostHog writes it, for one history with the plugin's own entries.
        moved_by = change("Plugin", "changed", "order", config["order"], order)
        log_config_activity(call, config, "order_changed", scope="Plugin", changes=[moved_by])
    final = sorted((moved.get(c["id"], c) for c in enabled), key=lambda config: config["id"])
    return [render_config(call.store, config) for config in final]


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerError(f"{what} is a {type(value).__name__}, which has no .items()/.get()")
    return value


def _python_int(value: Any, what: str) -> int:
    """int(value) as PostHog (and Django's IntegerField) apply it; a failure is a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServerError(f"{what} {value!r} is not an integer") from None


# Request bodies.


def _checked_fields(call: Call, schema: str, *, partial: bool) -> dict[str, Any]:
    """The serializer's writable fields, checked in its field order: plugin first (a
    PrimaryKeyRelatedField), then enabled, order and error."""
    payload = call.body.parsed()
    data, is_form = payload.data, payload.is_form
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise ValidationFailed(f"Invalid data. Expected a dictionary, but got {kind}.")
    fields = {name: data[name] for name in _BODY_FIELDS if name in data}
    if is_form:
        fields = _form_fields(fields, partial=partial)
    if "plugin" in fields or not partial:
        fields["plugin"] = _plugin_pk(call, fields)
    if "config" in data and not is_form:
        call.note(JSON_CONFIG_IGNORED)
    checked = check_request(schema, fields)
    if is_form and "error" in checked:
        checked["error"] = _json_form_field(checked["error"], "error")
    return checked


def _form_fields(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """DRF's HTML-form rules for a boolean: an unchecked checkbox (no `enabled`) is false
    unless the update is partial; an empty value is left out."""
    if fields.get("enabled") == "":
        del fields["enabled"]
    elif "enabled" not in fields and not partial:
        fields["enabled"] = False
    return fields


def _json_form_field(raw: str, name: str) -> Any:
    """A JSONField sent in a form holds JSON text."""
    try:
        return json.loads(raw)
    except ValueError:
        raise ValidationFailed("Value must be valid JSON.", attr=name) from None


def _plugin_pk(call: Call, fields: dict[str, Any]) -> int:
    if "plugin" not in fields:
        raise ValidationFailed("This field is required.", code="required", attr="plugin")
    raw = fields["plugin"]
    if raw is None or raw == "":
        raise ValidationFailed("This field may not be null.", code="null", attr="plugin")
    try:
        if isinstance(raw, bool):
            raise TypeError(raw)
        pk = int(raw)
    except (TypeError, ValueError):
        kind = type(raw).__name__
        raise ValidationFailed(
            f"Incorrect type. Expected pk value, received {kind}.",
            code="incorrect_type",
            attr="plugin",
        ) from None
    if not 0 < pk < 2**31 or not records.plugin_exists(call.store, pk):
        raise ValidationFailed(
            f'Invalid pk "{raw}" - object does not exist.', code="does_not_exist", attr="plugin"
        )
    return pk


def _form_config(call: Call) -> dict[str, Any] | None:
    """_fix_formdata_config_json: the `config` form field, a JSON string, when not empty."""
    payload = call.body.parsed()
    if not payload.is_form or not payload.data.get("config"):
        return None
    raw = payload.data["config"]
    try:
        config = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ServerError(f"the `config` form field is not JSON ({error})") from None
    if not isinstance(config, dict):
        raise ServerError(f"the `config` form field holds a {type(config).__name__}, not an object")
    return config


ROUTES = [
    Route(
        "plugin_configs_list",
        "GET",
        BASE,
        "list",
        list_configs,
        "List the project's plugin configs, enabled or not.",
        response_schema="plugin_config_page.json",
        behaviours=(
            "ordered by order, then plugin id",
            "delivery_rate_24h from app metrics",
            "empty below CONFIG access",
            "limit/offset paging",
        ),
        query=pagination.QUERY,
        server_errors=(SECRET_SCAN_FAILS,),
    ),
    Route(
        "plugin_configs_create",
        "POST",
        BASE,
        "create",
        create_config,
        "Configure a plugin for the project; a second create updates the existing config.",
        status=201,
        request_schema="plugin_config_request.json",
        response_schema="plugin_config.json",
        behaviours=(
            "plugin and order required, unknown plugin refused",
            "config only from a form field (JSON-body config ignored, noted)",
            "existing config for the plugin updated, 201",
            "secrets masked, attachments",
            "400 below CONFIG access",
        ),
        server_errors=(SECRET_SCAN_FAILS, *FORM_FAILS),
        bad_requests=("the organization is below CONFIG access",),
    ),
    Route(
        "plugin_configs_retrieve",
        "GET",
        DETAIL,
        "retrieve",
        retrieve_config,
        "Retrieve a plugin config, with its plugin.",
        response_schema="plugin_config.json",
        behaviours=("plugin_info filled", "other projects' configs 404"),
        server_errors=(SECRET_SCAN_FAILS,),
    ),
    Route(
        "plugin_configs_update",
        "PUT",
        DETAIL,
        "update",
        update_config,
        "Change a plugin config (plugin and order required).",
        request_schema="plugin_config_request.json",
        response_schema="plugin_config.json",
        behaviours=("plugin cannot change", "unchecked enabled form field disables"),
        server_errors=(SECRET_SCAN_FAILS, *FORM_FAILS),
    ),
    Route(
        "plugin_configs_partial_update",
        "PATCH",
        DETAIL,
        "partial_update",
        update_config,
        "Change some of a plugin config's fields.",
        request_schema="plugin_config_patch_request.json",
        response_schema="plugin_config.json",
        behaviours=(
            "omitted or null secrets kept, empty string overwrites",
            "add_attachment[key] / remove_attachment[key]",
            "config_updated, enabled/disabled, attachment_* activity",
            "404 below CONFIG access",
        ),
        server_errors=(SECRET_SCAN_FAILS, *FORM_FAILS),
    ),
    Route(
        "plugin_configs_destroy",
        "DELETE",
        DETAIL,
        "destroy",
        destroy_config,
        "Disable a plugin config (it is not deleted).",
        status=204,
        behaviours=("only disables; the row stays", "bare 404 below CONFIG access"),
        server_errors=("the id is not one of the project's configs",),
        bare_errors=(404,),
    ),
    Route(
        "plugin_configs_rearrange_partial_update",
        "PATCH",
        BASE + "rearrange/",
        "rearrange",
        rearrange_configs,
        "Reorder the enabled configs: {orders: {plugin_id: order}}.",
        request_schema="plugin_config_rearrange_request.json",
        response_schema="plugin_config_list.json",
        behaviours=(
            "keyed by plugin id; only enabled configs move",
            "order_changed activity (scope Plugin)",
            "answers the array of enabled configs",
        ),
        server_errors=(
            "the body or its `orders` is not a JSON object",
            "an `orders` key is not an integer, or a changed order is not one",
            SECRET_SCAN_FAILS,
        ),
        bad_requests=("the organization is below CONFIG access",),
    ),
]
