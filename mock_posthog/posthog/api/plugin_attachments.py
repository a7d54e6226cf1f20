"""Plugin-config attachments: files sent as multipart `add_attachment[key]` fields, removed by
`remove_attachment[key]` form fields (any value), each change with its activity entry.

Stored as `plugin_attachments` rows: `{"id", "team_id", "plugin_config_id", "key",
"content_type", "file_name", "file_size"}`; the contents are not kept, as no route shows them.
"""

from __future__ import annotations

import html
import re

from werkzeug.datastructures import FileStorage

from mock_posthog.contract.errors import ServerError
from mock_posthog.posthog import records
from mock_posthog.posthog.activity import change
from mock_posthog.posthog.api.plugin_config_activity import log_config_activity
from mock_posthog.posthog.call import Call
from mock_posthog.world.store import Record

ADD = re.compile(r"^add_attachment\[([^]]+)\]$")
REMOVE = re.compile(r"^remove_attachment\[([^]]+)\]$")


def apply_attachment_changes(call: Call, config: Record) -> None:
    """_update_plugin_attachments: every added file, then every removal, in request order."""
    if not call.body.is_form:  # only a form or multipart body has files or removals
        return
    for field, upload in call.body.files.items():
        name = _file_name(upload.filename or "")
        if (match := ADD.match(field)) and name is not None:
            _put(call, config, match[1], upload, name)
    for field in call.data:
        if match := REMOVE.match(field):
            _remove(call, config, match[1])


def _attachment(call: Call, config: Record, key: str) -> Record | None:
    for attachment in records.attachments_of_config(call.store, config["id"]):
        if attachment["key"] == key:
            return attachment
    return None


def _put(call: Call, config: Record, key: str, upload: FileStorage, name: str) -> None:
    fields = {
        "content_type": upload.content_type or "",
        "file_name": name,
        "file_size": len(upload.read()),
    }
    existing = _attachment(call, config, key)
    if existing is None:
        call.store.insert(
            records.PLUGIN_ATTACHMENTS,
            {"team_id": config["team_id"], "plugin_config_id": config["id"], "key": key, **fields},
        )
        activity = "attachment_created"
        entry = change("PluginConfig", "created", None, None, fields["file_name"])
    else:
        call.store.update(records.PLUGIN_ATTACHMENTS, existing["id"], fields)
        activity = "attachment_updated"
        entry = change("PluginConfig", "changed", None, existing["file_name"], fields["file_name"])
    log_config_activity(call, config, activity, changes=[entry])


def _remove(call: Call, config: Record, key: str) -> None:
    existing = _attachment(call, config, key)
    if existing is None:
        # PostHog's _update_plugin_attachment then logs an activity it never assigned.
        raise ServerError(
            f"remove_attachment[{key}] names no attachment of plugin config {config['id']}; "
            "PostHog fails with UnboundLocalError"
        )
    call.store.delete(records.PLUGIN_ATTACHMENTS, existing["id"])
    log_config_activity(
        call,
        config,
        "attachment_deleted",
        changes=[change("PluginConfig", "deleted", None, existing["file_name"], None)],
    )


def _file_name(sent: str) -> str | None:
    """Django's MultiPartParser.sanitize_file_name (4.1 on): HTML entities unescaped, the last
    path component, printable characters only. None for a name that leaves nothing, `.` or
    `..`: Django's parser then drops the file part, so PostHog never sees the upload."""
    name = html.unescape(sent).rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(char for char in name if char.isprintable())
    return None if name in {"", ".", ".."} else name
