"""How a request names its namespace, for clients that let a test change nothing but the base
URL or the key:

- the header `X-Mock-PostHog-Namespace: NAME`, on any request;
- the path prefix `/_ns/NAME/` before `/api/` or `/_mock/`: the prefix moves to the WSGI
  script name, so the routes see the usual path and links built from the request's URL (the
  pages' `next` and `previous`) keep it;
- a personal API key ending in `~NAME`, on `/api/` requests, in the Authorization header or
  the `personal_api_key` query parameter (a key in the body is not read before the namespace
  is chosen, so it does not select one): the suffix is taken off before anything reads the
  request, so the key authenticates without it and neither the journal nor the log sees it.

Names that disagree are refused, as is a name that breaks the naming rule.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.http.namespaces import check_name

HEADER = "X-Mock-PostHog-Namespace"
PREFIX = "/_ns/"
INSTANCE = "mock_posthog.instance"  # the environ key of the instance a request was sent to
_HEADER_KEY = "HTTP_X_MOCK_POSTHOG_NAMESPACE"
_SERVED_AFTER_PREFIX = ("/api/", "/_mock/")
_QUERY_KEY = re.compile(r"(?:^|(?<=&))personal_api_key=([^&]*)")


def may_select(environ: dict[str, Any]) -> bool:
    """Whether the request may name a namespace: cheap, so that the default's requests pay
    next to nothing for namespaces."""
    return (
        _HEADER_KEY in environ
        or environ.get("PATH_INFO", "").startswith(PREFIX)
        or "~" in environ.get("HTTP_AUTHORIZATION", "")
        or "personal_api_key" in environ.get("QUERY_STRING", "")
    )


def take(environ: dict[str, Any]) -> str | None:
    """The namespace the request names, with its prefix and key suffix taken out of the
    request; None when it names none."""
    found = [_from_prefix(environ), _from_header(environ)]  # the prefix first: it moves the path
    if environ.get("PATH_INFO", "").startswith("/api/"):  # a control token may hold a `~`
        found += [_from_authorization(environ), _from_query(environ)]
    names = sorted({name for name in found if name is not None})
    if len(names) > 1:
        raise ValidationFailed(
            f"The request names more than one namespace: {', '.join(names)}.",
            code="invalid_namespace",
            attr="namespace",
        )
    return check_name(names[0]) if names else None


def _from_header(environ: dict[str, Any]) -> str | None:
    raw = environ.get(_HEADER_KEY)
    return None if raw is None else raw.strip()


def _from_prefix(environ: dict[str, Any]) -> str | None:
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return None
    name, _, rest = path[len(PREFIX) :].partition("/")
    if not ("/" + rest).startswith(_SERVED_AFTER_PREFIX):
        return None  # not a namespaced route: answered as any unknown path is
    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX + name
    environ["PATH_INFO"] = "/" + rest
    return name


def _from_authorization(environ: dict[str, Any]) -> str | None:
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if "~" not in authorization or not authorization.lstrip().startswith("Bearer"):
        return None
    key, _, name = authorization.rstrip().rpartition("~")
    environ["HTTP_AUTHORIZATION"] = key
    return name


def _from_query(environ: dict[str, Any]) -> str | None:
    query = environ.get("QUERY_STRING", "")
    found = _QUERY_KEY.search(query)
    if found is None:
        return None
    value = unquote(found.group(1).replace("+", " "))
    if "~" not in value:
        return None
    key, _, name = value.rpartition("~")
    start, end = found.span(1)
    environ["QUERY_STRING"] = query[:start] + quote(key, safe="") + query[end:]
    return name
