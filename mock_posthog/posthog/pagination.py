"""Limit/offset pages as Django REST framework's LimitOffsetPagination renders them.

PostHog's default page size is 100 and there is no maximum. A limit that is not a positive
integer falls back to the default; an offset that is not a non-negative integer falls back
to 0. `next` and `previous` are absolute URLs built from the request's own URL, with the
query parameters sorted as DRF sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import orjson

from mock_posthog.contract.operations import QueryParam
from mock_posthog.posthog.call import Reply

DEFAULT_LIMIT = 100
# The request's URL, or how to get it: links need it only when there is a next or previous
# page, and making it costs a request more than the rest of its page does.
Url = str | Callable[[], str]

QUERY = (
    QueryParam("limit", {"type": "integer"}, "Number of results to return per page."),
    QueryParam(
        "offset", {"type": "integer"}, "The initial index from which to return the results."
    ),
)


def parse_positive_int(raw: str | None, *, strict: bool, fallback: int) -> int:
    """DRF's `_positive_int`: strict refuses 0; anything unusable gives `fallback`."""
    if raw is None:
        return fallback
    try:
        value = int(raw)
    except ValueError:
        return fallback
    if value < 0 or (strict and value == 0):
        return fallback
    return value


def page(
    items: Sequence[Any],
    url: Url,
    query: Mapping[str, str],
    render: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """The page of `items` the query asks for; with `render`, only the page's items are
    rendered, as DRF serializes only the page."""
    limit, offset = window(query)
    found = page_of(items, url, limit=limit, offset=offset)
    if render is not None:
        found["results"] = [render(item) for item in found["results"]]
    return found


def encoded_page(
    items: Sequence[Any], encoded: Sequence[bytes], url: Url, query: Mapping[str, str], status: int
) -> Reply:
    """`page`, for items whose JSON was made beforehand (`encoded`, item by item): the page's
    JSON is put together from it, the same bytes as encoding the page would give."""
    limit, offset = window(query)
    found = page_of(items, url, limit=limit, offset=offset)
    head = orjson.dumps(
        {"count": found["count"], "next": found["next"], "previous": found["previous"]}
    )
    content = b"".join(
        (head[:-1], b',"results":[', b",".join(encoded[offset : offset + limit]), b"]}")
    )
    return Reply(body=found, status=status, encoded=content)


def window(query: Mapping[str, str]) -> tuple[int, int]:
    """The limit and offset the query asks for."""
    limit = parse_positive_int(last(query, "limit"), strict=True, fallback=DEFAULT_LIMIT)
    offset = parse_positive_int(last(query, "offset"), strict=False, fallback=0)
    return limit, offset


def last(query: Mapping[str, str], key: str) -> str | None:
    """A query parameter as Django's QueryDict gives it: the last of repeated values."""
    getlist = getattr(query, "getlist", None)  # a werkzeug MultiDict has every value
    values = getlist(key) if getlist else [query.get(key)]
    return values[-1] if values else None


def page_of(items: Sequence[Any], url: Url, *, limit: int, offset: int) -> dict[str, Any]:
    count = len(items)
    return {
        "count": count,
        "next": next_link(url, count, limit, offset),
        "previous": previous_link(url, limit, offset),
        "results": list(items[offset : offset + limit]),
    }


def next_link(url: Url, count: int, limit: int, offset: int) -> str | None:
    if offset + limit >= count:
        return None
    return replace_query_params(_resolved(url), limit=limit, offset=offset + limit)


def previous_link(url: Url, limit: int, offset: int) -> str | None:
    if offset <= 0:
        return None
    if offset - limit <= 0:
        return remove_query_param(replace_query_params(_resolved(url), limit=limit), "offset")
    return replace_query_params(_resolved(url), limit=limit, offset=offset - limit)


def _resolved(url: Url) -> str:
    return url if isinstance(url, str) else url()


def replace_query_params(url: str, **params: Any) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    values = parse_qs(query, keep_blank_values=True)
    values.update({key: [str(value)] for key, value in params.items()})
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(values.items()), doseq=True), fragment)
    )


def remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    values = parse_qs(query, keep_blank_values=True)
    values.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(values.items()), doseq=True), fragment)
    )
