"""What PostHog fetches from GitHub, GitLab and npm, served from fixture data instead of the
network: plugin archives by URL (table `plugin_archives`) and the plugin repository list
(table `plugin_repository`). Tests change both while the server runs, through the functions
at the end of this module or through `/_mock/upstream`.

An archive is `{"url", "releases": [{"tag", "files": {name: text}}], "unreachable"}`. Its
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
from pathlib import Path
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.contract.errors import ApiError, ServerError, ValidationFailed
from mock_posthog.posthog import records
from mock_posthog.posthog.notes import note
from mock_posthog.world.store import Record, Store

INVALID_URL = "Must be a GitHub/GitLab repository or npm package URL!"
NO_PLUGIN_JSON = "Could not find plugin.json in the plugin"
# PostHog's column sizes: a longer value fails in the database, hence a 500.
NAME_LENGTH = 200
ICON_LENGTH = 800
FILENAME_LENGTH = 200

_NAME = r"[A-Za-z0-9_.-]+"
_REF = r"[A-Za-z0-9_./-]+"
_GITHUB = re.compile(
    rf"^https?://(?:www\.)?github\.com/(?P<user>{_NAME})/(?P<repo>{_NAME})"
    rf"(?:/(?:commit|tree|releases/tag)/(?P<ref>{_REF}))?$"
)
_GITHUB_ARCHIVE = re.compile(
    rf"^https?://(?:www\.)?github\.com/(?P<user>{_NAME})/(?P<repo>{_NAME})"
    rf"/archive/(?P<ref>{_REF})(?:\.zip|\.tar\.gz)$"
)
_NPM = re.compile(
    r"^https?://(?:www\.)?npmjs\.com/package/(?P<package>[@a-z0-9_-]+(?:/[a-z0-9_-]+)?)?"
    r"/?(?:v/(?P<ref>[A-Za-z0-9_.-]+)/?)?$"
)
_ABBREVIATED_SHA = re.compile(r"[0-9a-f]{7,39}")
_GITLAB = re.compile(r"^https?://(?:www\.)?gitlab\.com/(?P<project>[A-Za-z0-9_./-]+)$")


class UpstreamError(ValueError):
    """A control request (publish a release, change reachability, replace the repository
    list) that cannot be done, with the reason."""


class ReleaseExists(UpstreamError):
    """A release of that tag is already published: releases, like commits, do not change."""


@dataclass(frozen=True)
class PluginUrl:
    """A parsed plugin URL: the repository or package (`base`, no ref, no query, the key of
    its archive) and the ref it names, if any."""

    kind: str  # github, gitlab or npm
    base: str
    name: str
    ref: str | None


@dataclass(frozen=True)
class Release:
    tag: str
    files: dict[str, str]


def without_query(url: str) -> str:
    return url.split("?", 1)[0]


# URLs, as PostHog's parse_url reads them: GitHub first, then npm, then GitLab.


def parse_url(url: Any) -> PluginUrl:
    """The URL parsed; PostHog raises a plain exception for anything else, hence a 500."""
    try:
        return _parse(url)
    except UpstreamError as error:
        raise ServerError(str(error)) from None


def _parse(url: Any) -> PluginUrl:
    if not isinstance(url, str):
        raise UpstreamError(f"the plugin's URL is {url!r}, which PostHog's parse_url cannot read")
    bare = _without_private_token(url)
    parsed = _github(bare) or _npm(bare) or _gitlab(bare)
    if parsed is None:
        raise UpstreamError(f"{url!r} is not a GitHub, GitLab or npm URL: {INVALID_URL}")
    return parsed


def _without_private_token(url: str) -> str:
    """The URL before its `?private_token=…`, without slashes at either end."""
    if "?" in url:
        parts = url.split("?")
        if len(parts) > 2:
            raise UpstreamError(f"{url!r} has more than one '?', which PostHog cannot split")
        url = parts[0]
    return url.strip("/")


def _github(bare: str) -> PluginUrl | None:
    match = _GITHUB.match(bare) or _GITHUB_ARCHIVE.match(bare)
    if match is None:
        return None
    base = f"https://github.com/{match['user']}/{match['repo']}"
    return PluginUrl("github", base, match["repo"], match["ref"])


def _npm(bare: str) -> PluginUrl | None:
    match = _NPM.match(bare)
    if match is None:
        return None
    if match["package"] is None:
        raise UpstreamError(f"{bare!r} names no npm package, so PostHog cannot fetch it")
    base = f"https://www.npmjs.com/package/{match['package']}"
    return PluginUrl("npm", base, match["package"], match["ref"])


def _gitlab(bare: str) -> PluginUrl | None:
    match = _GITLAB.match(bare)
    if match is None:
        return None
    project, ref = match["project"], None
    if "/-/" in project:
        parts = project.split("/-/")
        segments = parts[-1].split("/")
        if len(parts) > 2 or len(segments) < 2:
            raise UpstreamError(f"PostHog cannot find the ref in the GitLab URL {bare!r}")
        project, ref = parts[0], segments[1]
    base = f"https://gitlab.com/{project}"
    return PluginUrl("gitlab", base, project.rsplit("/", 1)[-1], ref or None)


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
    # A branch name, say: GitHub would serve its head, which here is the latest release.
    note(f"{tag!r} is not a release of {parsed.base}; serving its latest release's files")
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
    manifest = read_manifest(release.files, ValidationFailed(NO_PLUGIN_JSON))
    fields = plugin_fields(manifest)
    if fields["is_stateless"] and _has_config(fields["config_schema"]):
        raise ValidationFailed("Stateless plugins cannot have a config!")
    return {
        **fields,
        "plugin_type": "repository" if requested_type == "repository" else "custom",
        "url": url,
        "tag": release.tag,
        "latest_tag": release.tag,
        "source_files": synced_source_files(current_files, manifest, release.files),
    }


def read_manifest(files: Mapping[str, str], missing: ApiError) -> dict[str, Any]:
    """plugin.json parsed; `missing` when there is none (or it is empty, as PostHog sees it)."""
    if "plugin.json" not in files:
        raise missing
    try:
        manifest = json.loads(files["plugin.json"])
    except (ValueError, RecursionError) as error:
        raise ServerError(f"plugin.json is not valid JSON: {error}") from None
    if not manifest:
        raise missing
    if not isinstance(manifest, dict):
        raise ServerError(f"plugin.json holds a {type(manifest).__name__}, not an object")
    return manifest


def plugin_fields(manifest: Mapping[str, Any], fallback_name: str | None = None) -> Record:
    """The plugin's fields from its plugin.json; only a `file:` plugin may lack a name."""
    if "name" not in manifest and fallback_name is None:
        raise ServerError("plugin.json has no `name`, which PostHog reads without a default")
    return {
        "name": column_text(manifest.get("name", fallback_name), NAME_LENGTH, "name"),
        "description": column_text(manifest.get("description", ""), None, "description"),
        "icon": column_text(manifest.get("icon"), ICON_LENGTH, "icon"),
        "config_schema": manifest.get("config", []),
        "public_jobs": manifest.get("publicJobs", {}),
        "is_stateless": bool(manifest.get("stateless", False)),
    }


def column_text(value: Any, limit: int | None, column: str) -> str | None:
    """A value as PostgreSQL stores it in a text column, or the 500 its refusal gives."""
    if value is None or isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:
        raise ServerError(f"cannot store a {type(value).__name__} in the text column {column}")
    if text is not None and limit is not None and len(text) > limit:
        raise ServerError(f"value too long for type character varying({limit}) ({column})")
    return text


def _has_config(config_schema: Any) -> bool:
    try:
        return len(config_schema) > 0
    except TypeError:
        raise ServerError("plugin.json's `config` has no length") from None


def untranspiled(text: str | None) -> Record:
    """A source file as PostHog keeps it until the plugin server transpiles it."""
    return {"source": text, "status": None, "transpiled": None, "error": None}


def synced_source_files(
    current: Mapping[str, Record], manifest: Mapping[str, Any], files: Mapping[str, str]
) -> dict[str, Record]:
    """The plugin's source files after a sync from its archive: plugin.json (re-serialized),
    frontend.tsx, site.ts and the main file as index.ts replace or remove their namesakes;
    any other file stays as it was."""
    found = {
        "plugin.json": json.dumps(manifest),
        "frontend.tsx": files.get("frontend.tsx"),
        "site.ts": files.get("site.ts"),
    }
    found["index.ts"] = _main_file(
        manifest, files, needed=not (found["frontend.tsx"] or found["site.ts"])
    )
    synced = {name: dict(file) for name, file in current.items()}
    for name, text in found.items():
        if text is None:
            synced.pop(name, None)
        else:
            synced[name] = untranspiled(text)
    return synced


def _main_file(
    manifest: Mapping[str, Any], files: Mapping[str, str], *, needed: bool
) -> str | None:
    main = manifest.get("main")
    candidates = [main] if main else ["index.js", "index.ts"]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate in files:
            return files[candidate]
    if needed:
        tried = " or ".join(str(candidate) for candidate in candidates)
        raise ServerError(f"Could not find main file {tried} in the plugin's archive")
    return None


def local_plugin(plugins_dir: Path | None, url: str) -> Record:
    """A `file:` plugin's fields, read from disk only inside the configured plugins directory."""
    path = url.removeprefix("file:")
    refusal = ValidationFailed(f"Could not load plugin.json from: {path}/plugin.json")
    files = _local_files(plugins_dir, path, refusal)
    manifest = read_manifest(files, refusal)
    return {
        **plugin_fields(manifest, fallback_name=path.rstrip("/").rsplit("/", 1)[-1]),
        "plugin_type": "local",
        "url": url,
        "tag": None,
        "latest_tag": None,
        "source_files": synced_source_files({}, manifest, files),
    }


def _local_files(plugins_dir: Path | None, path: str, refusal: ApiError) -> dict[str, str]:
    if plugins_dir is None:
        raise refusal
    try:
        return _read_confined(Path(plugins_dir).resolve(), path, refusal)
    except (OSError, ValueError, RuntimeError):
        # A name too long, a NUL byte, a symlink loop: nothing the mock will read.
        raise refusal from None


def _read_confined(root: Path, path: str, refusal: ApiError) -> dict[str, str]:
    folder = (root / path).resolve()
    if not folder.is_relative_to(root) or not (folder / "plugin.json").is_file():
        raise refusal
    files = {}
    for name in ("plugin.json", "index.ts", "index.js", "frontend.tsx", "site.ts"):
        candidate = (folder / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            files[name] = candidate.read_text("utf-8", errors="replace")
    return files


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
    return _parse(url)


def _check(schema: str, value: Any) -> None:
    try:
        schemas.check_response(schema, value)
    except schemas.SchemaMismatch as mismatch:
        raise UpstreamError(f"{mismatch.path}: {mismatch.message}") from None
