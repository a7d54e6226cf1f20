"""Who may use the control plane. On loopback anyone local may; beyond it, only who sends the
control token. A token set on purpose is required wherever the server listens.

The check is a `before_request` of the control blueprint, so it guards every /_mock/ route
whatever WSGI server runs the app. `/_mock/health` stays open for container health checks,
but without the token it says only whether the server is ready; so do the inspector's token
form and its stylesheet and script, which hold no data.

A browser cannot send a header on navigation, so the token may also come in a cookie the
inspector sets (HttpOnly, SameSite=Strict, path /_mock/). A cookie rides along with any
request the browser makes, so a state-changing request must also show it came from a page of
this server: a browser sends `Origin` (or at least `Referer`) with it, and one naming another
origin is refused whatever credential came with it.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Response, request

from mock_posthog.contract.errors import NotAuthenticated, PermissionDenied
from mock_posthog.control.blueprint import control, world
from mock_posthog.settings import CONTROL_TOKEN_OFF, Settings

HEADER = "X-Mock-PostHog-Token"
COOKIE = "mock_posthog_control_token"
COOKIE_PATH = "/_mock/"
HEALTH_ENDPOINT = "mock_control.health"
# Control routes anyone may reach; the inspector adds its token form and static files.
OPEN_ENDPOINTS = {HEALTH_ENDPOINT}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_HOW = (
    f"send it in the {HEADER} header or as Authorization: Bearer <token> "
    "(it is the server's MOCK_POSTHOG_CONTROL_TOKEN)"
)


class ControlTokenRequired(NotAuthenticated):
    default_code = "control_token_required"
    default_detail = f"The control plane needs the control token: {_HOW}."


class ControlTokenInvalid(NotAuthenticated):
    default_code = "control_token_invalid"
    default_detail = f"The control token sent is not this server's: {_HOW}."


class ForeignOrigin(PermissionDenied):
    default_code = "control_request_foreign_origin"
    default_detail = (
        "A control request that changes state must come from this server's own pages: "
        "its Origin (or Referer) names another origin, or it came with the inspector's "
        "cookie and named none."
    )


@dataclass(frozen=True)
class Protection:
    """What guards the control plane of a server with these settings."""

    token: str | None  # required from every control request when set
    turned_off: bool  # MOCK_POSTHOG_CONTROL_TOKEN=off: the user opened it on purpose
    loopback: bool

    @property
    def refused(self) -> bool:
        """Serving would open the control plane to the network without anyone asking for it."""
        return self.token is None and not self.turned_off and not self.loopback

    def describe(self, host: str) -> str:
        if self.token:
            return "the control plane /_mock/ requires the control token"
        if not self.loopback:
            return (
                f"the control plane /_mock/ is OPEN to anyone who can reach {host}: "
                "its token was turned off"
            )
        return f"the control plane /_mock/ is open: {host} is loopback, reachable from here only"


def protection(settings: Settings) -> Protection:
    return Protection(
        token=settings.required_control_token,
        turned_off=settings.control_token_off,
        loopback=is_loopback(settings.host),
    )


def refusal_message(host: str) -> str:
    return (
        f"refusing to serve the control plane /_mock/ without a token on {host}, which is not "
        "loopback: set MOCK_POSTHOG_CONTROL_TOKEN (or --control-token) to a secret that "
        "control requests send, or turn the protection off on purpose with "
        f"--no-control-token or MOCK_POSTHOG_CONTROL_TOKEN={CONTROL_TOKEN_OFF}"
    )


def is_loopback(host: str) -> bool:
    """Only addresses that cannot be reached from another machine; a name other than
    localhost might resolve to anything, so it counts as beyond loopback."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def header_token() -> str | None:
    sent = request.headers.get(HEADER)
    if sent is not None:
        return sent
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme == "Bearer" else None


def sent_token() -> str | None:
    """The token from a header, or else from the inspector's cookie."""
    sent = header_token()
    return sent if sent is not None else request.cookies.get(COOKIE)


def is_token(sent: str | None) -> bool:
    token = world().settings.required_control_token
    if sent is None or token is None:
        return False
    return hmac.compare_digest(sent.encode(), token.encode())


def has_token() -> bool:
    """Whether this control request may see everything: no token is required, or it sent it."""
    return world().settings.required_control_token is None or is_token(sent_token())


def sent_origin() -> str | None:
    """The origin a browser says the request came from: `Origin`, or else `Referer`'s."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.rstrip("/")
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else origin


def from_this_server() -> bool:
    """Whether a request that changes state may: it names this server's origin, or names none
    and carries no cookie (curl, a test's HTTP client: no browser, so no forged request)."""
    if request.method in SAFE_METHODS:
        return True
    origin = sent_origin()
    if origin is None:
        return COOKIE not in request.cookies or header_token() is not None
    return origin == request.host_url.rstrip("/")


@control.before_request
def _require_token() -> Response | None:
    if not from_this_server():
        raise ForeignOrigin()
    if has_token() or request.endpoint in OPEN_ENDPOINTS:
        return None  # health answers only its status without the token
    if sent_token() is None:
        raise ControlTokenRequired()
    raise ControlTokenInvalid()
