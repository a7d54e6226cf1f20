"""Why a path under /api/ has no route: PostHog's `Endpoint not found.` says nothing of the
mock, so the journal and the log add that mock-posthog emulates only PostHog's plugins and
plugin configs, and name the emulated route a typo most likely meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from mock_posthog.http.answer import Answer, WSGIApp
from mock_posthog.http.routing import RouteTable
from mock_posthog.posthog.notes import note

SCOPE = "mock-posthog emulates PostHog's plugins and plugin configs API"
CLOSE = 0.75  # how alike a mistyped word and the route's word must be (difflib's ratio)


def answered(app: WSGIApp, table: RouteTable, environ: dict[str, object]) -> Answer:
    """What `app` (Flask's own dispatch) answers a path no route serves, noted when a 404."""
    answer = Answer.from_app(app, environ)
    if answer.status == 404:
        path = str(environ.get("PATH_INFO", ""))
        nearest = nearest_route(path, {route.path for route in table.routes()})
        hint = f"; the nearest emulated route is {nearest}" if nearest else ""
        note(f"{SCOPE}, and {environ.get('REQUEST_METHOD')} {path} is not part of it{hint}")
    return answer


def nearest_route(path: str, patterns: Iterable[str]) -> str | None:
    """The route pattern `path` would match but for one mistyped word, if there is one."""
    segments = _segments(path)
    scored = [
        (score, pattern)
        for pattern in sorted(patterns)
        if (score := _one_word_off(segments, _segments(pattern))) is not None
    ]
    return max(scored)[1] if scored else None


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _one_word_off(segments: list[str], pattern: list[str]) -> float | None:
    """How alike the one word that differs is; None unless every other segment fits."""
    if len(segments) != len(pattern):
        return None
    differing = [
        (given, wanted)
        for given, wanted in zip(segments, pattern, strict=True)
        if not (given == wanted or (wanted.startswith("{") and given))
    ]
    if len(differing) != 1 or differing[0][1].startswith("{"):
        return None
    given, wanted = differing[0]
    ratio = difflib.SequenceMatcher(None, given, wanted).ratio()
    return ratio if ratio >= CLOSE else None
