"""/_mock/upstream: what GitHub, GitLab and npm hold for the emulated PostHog, changed while
the server runs. JSON in, JSON out; a request that cannot be done gets a 4xx with the reason
as `{"error": …}` and changes nothing."""

from __future__ import annotations

from typing import Any

from mock_posthog.control.blueprint import control, json_body, world
from mock_posthog.posthog import upstream
from mock_posthog.world.store import Store


def _store() -> Store:
    return world().store


def _body(*fields: str) -> dict[str, Any]:
    body = json_body(force=False)
    if not isinstance(body, dict):
        raise upstream.UpstreamError(
            f"the body must be a JSON object with {', '.join(fields)} "
            "(and Content-Type: application/json)"
        )
    missing = [field for field in fields if field not in body]
    unknown = [field for field in body if field not in fields]
    if missing or unknown:
        raise upstream.UpstreamError(
            f"the body needs exactly {', '.join(fields)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
    return body


@control.errorhandler(upstream.UpstreamError)
def _refused(error: upstream.UpstreamError) -> tuple[dict[str, str], int]:
    return {"error": str(error)}, 409 if isinstance(error, upstream.ReleaseExists) else 400


@control.get("/upstream")
def upstream_state() -> dict[str, Any]:
    store = _store()
    return {"archives": upstream.archives(store), "repository": upstream.repository(store)}


@control.post("/upstream/releases")
def publish_release() -> tuple[dict[str, Any], int]:
    """`{"url", "tag", "files"}`: a new release of the repository or package, now its latest."""
    body = _body("url", "tag", "files")
    store = _store()
    upstream.publish_release(store, body["url"], body["tag"], body["files"])
    return upstream.describe(store, body["url"]), 201


@control.post("/upstream/reachability")
def set_reachability() -> dict[str, Any]:
    """`{"url", "unreachable": true|false}`: every request PostHog makes to it fails, or not."""
    body = _body("url", "unreachable")
    store = _store()
    upstream.set_unreachable(store, body["url"], body["unreachable"])
    return upstream.describe(store, body["url"])


@control.get("/upstream/repository")
def repository() -> list[dict[str, Any]]:
    return upstream.repository(_store())


@control.put("/upstream/repository")
def replace_repository() -> list[dict[str, Any]]:
    """A JSON array of entries (each with at least `name` and `url`) replaces the list."""
    entries = json_body(force=False)
    if not isinstance(entries, list):
        raise upstream.UpstreamError(
            "the body must be a JSON array of repository entries (Content-Type: application/json)"
        )
    store = _store()
    upstream.set_repository(store, entries)
    return upstream.repository(store)
