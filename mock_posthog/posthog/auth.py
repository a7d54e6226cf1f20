"""Who is calling and what they may do: personal API keys, scopes, memberships and the
organization's `plugins_access_level`, with PostHog's refusals word for word."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import Headers

from mock_posthog.contract.errors import (
    AuthenticationFailed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from mock_posthog.posthog import records
from mock_posthog.posthog.notes import note
from mock_posthog.world.store import Record, Store

# plugins_access_level values (posthog/plugins/access.py); 0 is none. A world's organizations
# and users always carry the fields the rules read: loading a world fills their defaults.
CONFIG, INSTALL, ROOT = 3, 6, 9
INSUFFICIENT_ACCESS = "Your organization's plugin access level is insufficient."
CURRENT = "@current"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
HeaderSource = Mapping[str, str] | Headers  # a request's headers, or a journal entry's

_BEARER = re.compile(r"^Bearer\s+(\S.+)$")
# Why a 401, for the journal and the log (never with the key itself).
NO_BEARER = (
    "the Authorization header does not start with `Bearer` and a space, so PostHog reads no"
    " key from it; send the personal API key as a bearer token"
)
PROJECT_TOKEN = (
    "the key is a project API token (phc_...), which PostHog takes only where events are"
    " captured; its REST API wants a personal API key (phx_...)"
)
_READ_ACTIONS = ("list", "retrieve", "metadata")  # metadata: DRF's action for OPTIONS
_WRITE_ACTIONS = ("create", "update", "partial_update", "destroy")


@dataclass(frozen=True)
class Caller:
    user: Record
    key: Record

    @property
    def scoped(self) -> bool:
        """Keys with scopes are the new kind; a key without any is a legacy key with full access."""
        return bool(self.key.get("scopes"))


def find_key(
    headers: HeaderSource, read_body: Callable[[], Any], query: Mapping[str, str]
) -> tuple[str, str] | None:
    """The key and where it was found, in PostHog's order: header, body, query string.

    A `personal_api_key` field counts when present, even empty: PostHog then refuses it as an
    invalid key rather than as missing credentials.
    """
    match = _BEARER.match(headers.get("Authorization", ""))
    if match:
        return match.group(1).strip(), "Authorization header"
    body = read_body()  # only now: with a key in the header, PostHog never reads the body
    if isinstance(body, Mapping) and "personal_api_key" in body:
        return str(body["personal_api_key"]), "body"
    if "personal_api_key" in query:
        return query["personal_api_key"], "query string"
    return None


def authenticate(
    store: Store, headers: HeaderSource, read_body: Callable[[], Any], query: Mapping[str, str]
) -> Caller:
    found = find_key(headers, read_body, query)
    if found is None:
        if headers.get("Authorization"):
            note(NO_BEARER)
        raise NotAuthenticated()
    value, source = found
    callers = store.cached(("callers",), _CALLER_TABLES, lambda: _callers(store))
    caller = callers.get(value)
    if caller is None:
        if value not in callers and value.startswith("phc_"):
            note(PROJECT_TOKEN)
        raise AuthenticationFailed(f"Personal API key found in request {source} is invalid.")
    return caller


_CALLER_TABLES = (records.PERSONAL_API_KEYS, records.USERS)


def _callers(store: Store) -> dict[str, Caller | None]:
    """Who each key's value authenticates as (None: a key whose user is gone or inactive;
    a world holds one key of a value, as the fixtures merge keys by it); made again only when
    the keys or the users change, so a request finds its caller in one look-up."""
    callers: dict[str, Caller | None] = {}
    for key in store.all(records.PERSONAL_API_KEYS):
        user = records.user(store, key["user_id"])
        caller = Caller(user, key) if user is not None and user["is_active"] else None
        callers[key["value"]] = caller
    return callers


def current_project_id(caller: Caller) -> int | None:
    return caller.user.get("current_project_id")


def resolve_organization(store: Store, caller: Caller, raw: str) -> Record:
    if raw == CURRENT:
        organization = _current_organization(store, caller)
    else:
        organization = records.organization(store, raw) if _is_uuid(raw) else None
    if organization is None:
        raise NotFound("Organization not found.")
    return organization


def organization_of_project(store: Store, project: Record) -> Record:
    """The project's organization, by the id the project holds (no path value to check)."""
    organization = records.organization(store, project["organization_id"])
    if organization is None:
        raise NotFound("Organization not found.")
    return organization


def _current_organization(store: Store, caller: Caller) -> Record | None:
    project_id = current_project_id(caller)
    current = records.project(store, project_id) if project_id is not None else None
    if current is not None:
        return records.organization(store, current["organization_id"])
    member_of = caller.user.get("organization_ids") or []
    return records.organization(store, member_of[0]) if member_of else None


def current_project(store: Store, caller: Caller) -> Record | None:
    """PostHog's `user.team`: the current project, else the first project of the user's
    current organization, else none."""
    project_id = current_project_id(caller)
    current = records.project(store, project_id) if project_id is not None else None
    if current is not None:
        return current
    organization = _current_organization(store, caller)
    if organization is None:
        return None
    projects = records.projects_of_organization(store, organization["id"])
    return projects[0] if projects else None


def check_has_project(store: Store, caller: Caller) -> None:
    """ProjectMembershipNecessaryPermissions, on every object (detail) route."""
    if current_project(store, caller) is None:
        raise PermissionDenied("You don't belong to any organization that has a project.")


def project_token(method: str, query: Mapping[str, str], form: Any) -> str | None:
    """get_token(None, request), as PostHog's routing asks it for a project API token: a GET's
    `token` or `api_key` query parameter, else a form body's `api_key` or `token` field."""
    if method == "GET" and query:  # most have none (a miss in werkzeug's `get` raises)
        for name in ("token", "api_key"):
            if query.get(name):
                return query[name]
    if isinstance(form, Mapping):
        for name in ("api_key", "token"):
            if form.get(name):
                return str(form[name])
    return None


def project_of_token(store: Store, token: str | None) -> Record | None:
    """_get_team_from_request: a token names a project, or the request is refused (401)."""
    if token is None:
        return None
    project = records.project_by_token(store, token)
    if project is None:
        raise AuthenticationFailed()
    return project


def legacy_project(store: Store, caller: Caller) -> Record:
    """legacy_team_compatibility: the legacy router's project is the caller's own; without
    one PostHog's parents_query_dict refuses with a ValidationError."""
    current = current_project(store, caller)
    if current is None:
        raise ValidationFailed("This endpoint requires a project.")
    return current


def resolve_project(store: Store, caller: Caller, raw: str) -> Record:
    if raw == CURRENT:
        current = current_project(store, caller)
        if current is None:
            raise NotFound("Project not found.")
        project_id = int(current["id"])
    else:
        # parents_query_dict: int() of the path value, a ValueError being NotFound().
        parsed = records.django_int(raw)
        if parsed is None:
            raise NotFound()
        project_id = parsed
    found = records.project(store, project_id)
    if found is None:
        raise NotFound("Project not found.")
    return found


_UUID = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


def _is_uuid(raw: str) -> bool:
    return _UUID.fullmatch(raw) is not None


def check_membership(caller: Caller, organization_id: str) -> None:
    member_of = caller.user.get("organization_ids") or []
    if not any(records.same_id(organization_id, joined) for joined in member_of):
        raise PermissionDenied()


def check_key_scopes(
    caller: Caller, action: str | None, organization: Record, project: Record | None
) -> None:
    """APIScopePermission, in its order: only keys with scopes are checked; an action that names
    no scope is refused, then the key's projects and organizations, then its scopes."""
    if not caller.scoped:
        return
    key = caller.key
    required = _required_scope(action)
    if required is None:
        raise PermissionDenied("This action does not support Personal API Key access")
    scoped_teams = key.get("scoped_teams")
    if scoped_teams:
        if project is None:
            raise PermissionDenied(
                "API keys with scoped projects are only supported on project-based endpoints."
            )
        if project["id"] not in scoped_teams:
            raise PermissionDenied(
                f"API key does not have access to the requested project: ID {project['id']}."
            )
    scoped_organizations = key.get("scoped_organizations")
    if scoped_organizations and not any(
        records.same_id(organization["id"], allowed) for allowed in scoped_organizations
    ):
        raise PermissionDenied(
            f"API key does not have access to the requested organization: ID {organization['id']}."
        )
    satisfied_by = ("*", required, required.replace(":read", ":write"))
    if not any(scope in satisfied_by for scope in key["scopes"]):
        raise PermissionDenied(f"API key missing required scope '{required}'")


def _required_scope(action: str | None) -> str | None:
    if action in _READ_ACTIONS:
        return "plugin:read"
    if action in _WRITE_ACTIONS:
        return "plugin:write"
    return None


def access_level(organization: Record) -> int:
    return int(organization["plugins_access_level"])


def check_plugins_access(organization: Record, method: str) -> None:
    """PluginsAccessLevelPermission: reading needs CONFIG, anything else INSTALL."""
    needed = CONFIG if method in SAFE_METHODS else INSTALL
    if access_level(organization) < needed:
        raise PermissionDenied(INSUFFICIENT_ACCESS)
