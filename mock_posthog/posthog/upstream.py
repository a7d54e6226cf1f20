"""What PostHog fetches from GitHub, GitLab and npm, served from fixture data instead of the
network: plugin archives by URL (table `plugin_archives`) and the plugin repository list
(table `plugin_repository`). Tests change both while the server runs, through the functions
at the end of this module or through `/_mock/upstream`.

An archive is `{"url", "releases": [{"tag", "files": {name: text}}], "branches": {name: tag},
"unreachable"}`. Its
`url` names the repository or package without a ref; its releases run oldest first, so the
last one is the latest (the newest commit, or npm's `latest`). A file given as a JSON value
instead of text (a `plugin.json` written inline, say) reads as that value serialized. A URL
with no archive gets a believable one made up from the URL, so any well-formed URL installs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.contract.errors import ServerError, ValidationFailed
from mock_posthog.posthog import plugin_files, records
from mock_posthog.posthog.notes import note
from mock_posthog.posthog.plugin_urls import (
    PluginUrl,
    ReleaseExists,
    UpstreamError,
    parse_url,
    read_url,
)
from mock_posthog.world.store import Record, Store

_ABBREVIATED_SHA = re.compile(r"[0-9a-f]{7,39}")  # GitHub takes a commit by one too


@dataclass(frozen=True)
class Release:
    tag: str
    files: dict[str, str]


# Archives and their releases.


def latest_tag(store: Store, parsed: PluginUrl) -> str:
    """The tag PostHog reads for a URL: its own ref, else the newest commit or npm version."""
    if parsed.ref:
        return parsed.ref
    archive = _reachable_archive(store, parsed)
    if archive is None:
        return _made_up_tag(parsed)
    releases = archive.get("releases", [])
    if not releases:
        raise ServerError(f"could not get the latest release of {parsed.base}: it has none")
    return releases[-1]["tag"]


def fetch(store: Store, parsed: PluginUrl) -> Release:
    """The archive PostHog downloads for a URL: at its ref, or at the latest release."""
    tag = latest_tag(store, parsed)
    archive = _reachable_archive(store, parsed)
    if archive is None:
        return Release(tag, _made_up_files(parsed))
    releases = archive.get("releases", [])
    matching = [release for release in releases if _names_release(tag, release["tag"])]
    if matching:
        return Release(tag, _texts(matching[-1]["files"]))
    if not releases:
        raise ServerError(f"could not download {parsed.base} at {tag!r}: it has no releases")
    # A branch: GitHub serves the archive of its head. PostHog's documented era keeps the
    # branch name as the tag (later versions resolve it to the head's SHA).
    head = (archive.get("branches") or {}).get(tag)
    at_head = [release for release in releases if release["tag"] == head]
    if at_head:
        return Release(tag, _texts(at_head[-1]["files"]))
    note(f"{tag!r} is not a release or branch of {parsed.base}; serving its latest release's files")
    return Release(tag, _texts(releases[-1]["files"]))


def _names_release(ref: str, tag: str) -> bool:
    """GitHub takes a commit by an abbreviated SHA too."""
    return ref == tag or (_ABBREVIATED_SHA.fullmatch(ref) is not None and tag.startswith(ref))


def _reachable_archive(store: Store, parsed: PluginUrl) -> Record | None:
    archive = records.archive(store, parsed.base)
    if archive is not None and archive.get("unreachable"):
        raise ServerError(
            f"{parsed.base} is unreachable (set through /_mock/upstream), "
            "so PostHog's request to it fails"
        )
    return archive


def _texts(files: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: value if isinstance(value, str) else json.dumps(value, indent=4)
        for name, value in files.items()
    }


def _made_up_tag(parsed: PluginUrl) -> str:
    # npm versions look like versions; git refs like commit SHAs.
    return "1.0.0" if parsed.kind == "npm" else hashlib.sha1(parsed.base.encode()).hexdigest()


def _made_up_files(parsed: PluginUrl) -> dict[str, str]:
    manifest = {"name": parsed.name, "description": "", "url": parsed.base, "config": []}
    return {
        "plugin.json": json.dumps(manifest, indent=4),
        "index.ts": "export function processEvent(event) {\n    return event\n}\n",
    }


# What a plugin takes from its archive (update_validated_data_from_url and
# sync_from_plugin_archive in PostHog).


def remote_plugin(
    store: Store, url: Any, requested_type: Any, current_files: Mapping[str, Record]
) -> Record:
    """The plugin's fields read from the archive at its URL, its source files synced.

    The type stays `repository` when that was asked for, and is `custom` otherwise, which
    makes an upgrade (that asks for nothing) turn a repository plugin into a custom one.
    """
    release = fetch(store, parse_url(url))
    manifest = plugin_files.read_manifest(
        release.files, ValidationFailed(plugin_files.NO_PLUGIN_JSON)
    )
    fields = plugin_files.plugin_fields(manifest)
    if fields["is_stateless"] and plugin_files.has_config(fields["config_schema"]):
        raise ValidationFailed("Stateless plugins cannot have a config!")
    return {
        **fields,
        "plugin_type": "repository" if requested_type == "repository" else "custom",
        "url": url,
        "tag": release.tag,
        "latest_tag": release.tag,
        "source_files": plugin_files.synced_source_files(current_files, manifest, release.files),
    }


# The plugin repository list (GET plugins/repository passes it through unchanged).


def repository(store: Store) -> list[Record]:
    entries = sorted(store.all(records.PLUGIN_REPOSITORY), key=lambda entry: entry["id"])
    return [{key: value for key, value in entry.items() if key != "id"} for entry in entries]


# Control: what tests change while the server runs. Bad input raises UpstreamError.


def publish_release(store: Store, url: str, tag: str, files: dict[str, str]) -> None:
    """Publish a new release of the repository or package at `url`; it becomes the latest."""
    parsed = _control_url(url)
    if parsed.ref:
        raise UpstreamError(
            f"{url!r} names the ref {parsed.ref!r}; publish to {parsed.base} itself"
        )
    _check("upstream_release.json", {"tag": tag, "files": files})
    release = {"tag": tag, "files": files}
    with store.transaction():
        archive = records.archive(store, parsed.base) or _new_archive(store, parsed)
        if any(known["tag"] == tag for known in archive["releases"]):
            raise ReleaseExists(f"{parsed.base} already has a release {tag!r}")
        store.update(
            records.PLUGIN_ARCHIVES, archive["id"], {"releases": [*archive["releases"], release]}
        )


def set_unreachable(store: Store, url: str, unreachable: bool) -> None:
    """Make the repository or package at `url` fail every request PostHog makes, or not."""
    if not isinstance(unreachable, bool):
        raise UpstreamError(f"`unreachable` must be true or false, not {unreachable!r}")
    parsed = _control_url(url)
    with store.transaction():
        archive = records.archive(store, parsed.base)
        if archive is not None:
            store.update(records.PLUGIN_ARCHIVES, archive["id"], {"unreachable": unreachable})
        elif unreachable:
            _new_archive(store, parsed, unreachable=True)


def _new_archive(store: Store, parsed: PluginUrl, *, unreachable: bool = False) -> Record:
    """An archive for a URL that had none: the release made up for it stays its history."""
    first = {"tag": _made_up_tag(parsed), "files": _made_up_files(parsed)}
    return store.insert(
        records.PLUGIN_ARCHIVES,
        {"url": parsed.base, "releases": [first], "unreachable": unreachable},
    )


def set_repository(store: Store, entries: list[dict[str, Any]]) -> None:
    """Replace the plugin repository list."""
    _check("plugin_repository.json", entries)
    with store.transaction():
        store.delete_where(records.PLUGIN_REPOSITORY, lambda entry: True)
        for entry in entries:
            store.insert(records.PLUGIN_REPOSITORY, {k: v for k, v in entry.items() if k != "id"})


def describe(store: Store, url: str) -> Record:
    """What the upstream holds for `url`: its releases' tags, the latest, reachability."""
    parsed = _control_url(url)
    archive = records.archive(store, parsed.base)
    if archive is None:
        tags, unreachable = [_made_up_tag(parsed)], False
    else:
        tags = [release["tag"] for release in archive["releases"]]
        unreachable = bool(archive.get("unreachable"))
    return {
        "url": parsed.base,
        "releases": tags,
        "latest_tag": tags[-1] if tags else None,
        "unreachable": unreachable,
        "made_up": archive is None,
    }


def archives(store: Store) -> list[Record]:
    return [describe(store, archive["url"]) for archive in store.all(records.PLUGIN_ARCHIVES)]


def _control_url(url: Any) -> PluginUrl:
    if not isinstance(url, str):
        raise UpstreamError(f"`url` must be a string, not {url!r}")
    return read_url(url)


def _check(schema: str, value: Any) -> None:
    try:
        schemas.check_response(schema, value)
    except schemas.SchemaMismatch as mismatch:
        raise UpstreamError(f"{mismatch.path}: {mismatch.message}") from None
