"""The inspector: a page at /_mock/ui/ that shows the journal, the world, the faults, the clock
and the upstream, and changes them through the control routes they already have.

The page is a template and a few static files; its script reads and acts through the /_mock/
routes with fetch, so what it shows is what those routes answer (the journal redacted as
/_mock/requests redacts it). Where a token is required and the browser has not given it, the
page is a form for it, and the token is kept in an HttpOnly cookie the control plane accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from werkzeug.wrappers import Response

from mock_posthog.control import control_token
from mock_posthog.control.blueprint import control, world
from mock_posthog.control.ui_world import world_view
from mock_posthog.http import routing
from mock_posthog.version import __version__

STATIC = Path(__file__).with_name("static")
# The control blueprint's templates are the inspector's; Flask reads this when it first renders.
control.template_folder = "templates"
# Only this server's own script, style and requests; no frames, no other hosts.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@control.get("/ui/")
def inspector() -> Response:
    if not control_token.has_token():
        return _token_form(error=None, status=401)
    routes = sorted(route.operation_id for route in routing.app_routes(current_app))
    page = render_template(
        "inspector/page.html",
        routes=routes,
        version=__version__,
        cookie_held=control_token.COOKIE in request.cookies,
    )
    return _guarded(make_response(page))


@control.post("/ui/token")
def give_token() -> Response:
    """The token form's answer: the cookie and back to the page, or the form again."""
    sent = request.form.get("token", "").strip()
    if world().settings.required_control_token is None:
        return _guarded(redirect(_page_url(), 303))
    if not control_token.is_token(sent):
        return _token_form(error="That is not this server's control token.", status=401)
    answer = _guarded(redirect(_page_url(), 303))
    answer.set_cookie(
        control_token.COOKIE,
        sent,
        path=control_token.COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return answer


@control.post("/ui/forget")
def forget_token() -> Response:
    answer = _guarded(redirect(_page_url(), 303))
    answer.delete_cookie(
        control_token.COOKIE, path=control_token.COOKIE_PATH, httponly=True, samesite="Strict"
    )
    return answer


@control.get("/ui/static/<path:name>")
def static_file(name: str) -> Response:
    answer = send_from_directory(STATIC, name, max_age=0)
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


@control.get("/ui/world")
def inspector_world() -> dict[str, Any]:
    """The world as the page's tables show it, secrets redacted."""
    return world_view(world())


# Reachable without the token: the page answers its token form then, which shows nothing of
# the world, and the form's own routes and files.
control_token.OPEN_ENDPOINTS.update(
    f"{control.name}.{view.__name__}" for view in (inspector, give_token, forget_token, static_file)
)


def _token_form(error: str | None, status: int) -> Response:
    page = render_template("inspector/token.html", error=error, version=__version__)
    return _guarded(make_response(page, status))


def _page_url() -> str:
    return request.script_root + "/_mock/ui/"


def _guarded(answer: Response) -> Response:
    answer.headers["Content-Security-Policy"] = POLICY
    answer.headers["X-Content-Type-Options"] = "nosniff"
    answer.headers["Referrer-Policy"] = "same-origin"
    answer.headers["Cache-Control"] = "no-store"
    return answer
