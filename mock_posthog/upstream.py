"""What PostHog fetches from GitHub, GitLab and npm, served from the `plugin_archives` fixture
table instead of the network.

An archive record is `{"url", "releases": [{"tag", "files": {name: text}}], "unreachable"}`;
its last release is the latest. A URL with no archive in the fixtures gets a believable one,
made up from the URL, so that any well-formed URL installs offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import records
from .errors import ServerError, ValidationFailed
from .store import Record, Store

INVALID_URL = "Must be a GitHub/GitLab repository or npm package URL!"

_GITHUB = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<user>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)"
    r"(?:/(?:commit|tree|releases/tag)/(?P<ref>[A-Za-z0-9_.\-/]+?))?/?$"
)
_GITLAB = re.compile(
    r"^https?://(?:www\.)?gitlab\.com/(?P<project>[A-Za-z0-9_.\-/]+?)"
    r"(?:/-/(?:tree|commit)/(?P<ref>[A-Za-z0-9_.\-/]+?))?/?$"
)
_NPM = re.compile(
    r"^https?://(?:www\.)?npmjs\.com/package/(?P<package>(?:@[a-z0-9_.-]+/)?[a-z0-9_.-]+)"
    r"(?:/v/(?P<ref>[A-Za-z0-9_.+-]+))?/?$"
)


@dataclass(frozen=True)
class PluginUrl:
    """A parsed plugin URL: where it points (`base`, no ref, no query) and at which ref."""

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


def parse_url(url: Any) -> PluginUrl:
    """As PostHog's parse_url; anything else raises a plain exception there, hence a 500."""
    if not isinstance(url, str):
        raise ServerError(f"the plugin URL is {url!r}, not a string: {INVALID_URL}")
    bare = without_query(url)
    if match := _GITHUB.match(bare):
        base = f"https://github.com/{match['user']}/{match['repo']}"
        return PluginUrl("github", base, match["repo"], match["ref"])
    if match := _GITLAB.match(bare):
        base = f"https://gitlab.com/{match['project']}"
        return PluginUrl("gitlab", base, match["project"].rsplit("/", 1)[-1], match["ref"])
    if match := _NPM.match(bare):
        base = f"https://www.npmjs.com/package/{match['package']}"
        return PluginUrl("npm", base, match["package"], match["ref"])
    raise ServerError(f"{url!r} is not a GitHub, GitLab or npm URL: {INVALID_URL}")


def releases(store: Store, parsed: PluginUrl) -> list[Release]:
    archive = records.archive(store, parsed.base)
    if archive is None:
        return [_made_up_release(parsed)]
    if archive.get("unreachable"):
        raise ServerError(f"the upstream of {parsed.base} is unreachable (set in /_mock/upstream)")
    return [Release(r["tag"], dict(r.get("files", {}))) for r in archive.get("releases", [])]


def release_at(store: Store, parsed: PluginUrl) -> Release:
    """The release a URL installs: its ref's, or the latest."""
    known = releases(store, parsed)
    if not known:
        raise ServerError(f"the archive of {parsed.base} has no releases")
    latest = known[-1]
    if parsed.ref is None:
        return latest
    matching = [release for release in known if release.tag == parsed.ref]
    return matching[-1] if matching else Release(parsed.ref, latest.files)


def _made_up_release(parsed: PluginUrl) -> Release:
    # npm versions look like versions; git refs like commit SHAs.
    tag = "1.0.0" if parsed.kind == "npm" else hashlib.sha1(parsed.base.encode()).hexdigest()
    manifest = {"name": parsed.name, "description": "", "url": parsed.base, "config": []}
    files = {
        "plugin.json": json.dumps(manifest, indent=4),
        "index.ts": "export function processEvent(event) {\n    return event\n}\n",
    }
    return Release(tag, files)


def plugin_fields(files: dict[str, str]) -> Record:
    """The plugin's fields taken from its plugin.json, refused as PostHog refuses them."""
    if "plugin.json" not in files:
        raise ValidationFailed("Could not find plugin.json in the plugin")
    try:
        manifest = json.loads(files["plugin.json"])
    except ValueError as error:
        raise ServerError(f"plugin.json is not valid JSON: {error}") from None
    if not isinstance(manifest, dict):
        raise ServerError("plugin.json is not a JSON object")
    if manifest.get("stateless") and manifest.get("config"):
        raise ValidationFailed("Stateless plugins cannot have a config!")
    return {
        "name": manifest.get("name"),
        "description": manifest.get("description", ""),
        "icon": manifest.get("icon"),
        "config_schema": manifest.get("config", []),
        "public_jobs": manifest.get("publicJobs", {}),
        "is_stateless": bool(manifest.get("stateless", False)),
    }


def source_files(files: dict[str, str]) -> dict[str, Record]:
    """The source files PostHog keeps from an archive, with no transpile status yet."""
    kept = {}
    for name in ("plugin.json", "frontend.tsx", "site.ts"):
        if name in files:
            kept[name] = files[name]
    main = next((files[name] for name in ("index.ts", "index.js") if name in files), None)
    if main is not None:
        kept["index.ts"] = main
    return {
        name: {"source": text, "status": None, "transpiled": None, "error": None}
        for name, text in kept.items()
    }


def local_files(plugins_dir: Path | None, path: str) -> dict[str, str]:
    """A `file:` plugin's files, read only from inside the configured plugins directory."""
    refusal = ValidationFailed(f"Could not load plugin.json from: {path}/plugin.json")
    if plugins_dir is None:
        raise refusal
    root = Path(plugins_dir).resolve()
    folder = (root / path).resolve()
    if not folder.is_relative_to(root) or not (folder / "plugin.json").is_file():
        raise refusal
    files = {}
    for name in ("plugin.json", "index.ts", "index.js", "frontend.tsx", "site.ts"):
        candidate = (folder / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            files[name] = candidate.read_text("utf-8", errors="replace")
    return files
