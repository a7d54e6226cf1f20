"""A plugin's files as PostHog reads them: plugin.json into the plugin's fields (with the
database's column limits), the source files a sync keeps, and `file:` plugins read from
the one directory the mock may read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mock_posthog.contract.errors import ApiError, ServerError, ValidationFailed
from mock_posthog.world.store import Record

NO_PLUGIN_JSON = "Could not find plugin.json in the plugin"
# PostHog's column sizes: a longer value fails in the database, hence a 500.
NAME_LENGTH = 200
ICON_LENGTH = 800
FILENAME_LENGTH = 200


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


def has_config(config_schema: Any) -> bool:
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
