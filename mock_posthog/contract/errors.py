"""Errors as PostHog renders them: `{"type", "code", "detail", "attr"}` with its statuses.

PostHog passes every error of its API through drf-exceptions-hog, so every refusal here is an
`ApiError`; handlers raise them and never build an error body themselves.
"""

from __future__ import annotations

from typing import Any, ClassVar

GENERIC_SERVER_ERROR = "A server error occurred."
DEFAULT_PERMISSION_DENIED = "You do not have permission to perform this action."


class ApiError(Exception):
    status: ClassVar[int] = 400
    type: ClassVar[str] = "validation_error"
    default_code: ClassVar[str] = "invalid_input"
    default_detail: ClassVar[str] = "Invalid input."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        attr: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.code = code or self.default_code
        self.attr = attr
        self.headers = headers or {}
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        return {"type": self.type, "code": self.code, "detail": self.detail, "attr": self.attr}


class ValidationFailed(ApiError):
    """400: a `serializers.ValidationError`, for the whole body or one field (`attr`)."""


class ParseError(ApiError):
    type = "invalid_request"
    default_code = "parse_error"
    default_detail = "Malformed request."


class NotAuthenticated(ApiError):
    status = 401
    type = "authentication_error"
    default_code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class AuthenticationFailed(NotAuthenticated):
    default_code = "authentication_failed"
    default_detail = "Incorrect authentication credentials."


class PermissionDenied(ApiError):
    status = 403
    type = "authentication_error"
    default_code = "permission_denied"
    default_detail = DEFAULT_PERMISSION_DENIED


class NotFound(ApiError):
    status = 404
    type = "invalid_request"
    default_code = "not_found"
    default_detail = "Not found."


class MethodNotAllowed(ApiError):
    status = 405
    type = "invalid_request"
    default_code = "method_not_allowed"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f'Method "{method}" not allowed.', headers={"Allow": allow(allowed)})


# Django's order of methods, which DRF's Allow header keeps; a DRF view set answers HEAD
# wherever it answers GET, and OPTIONS everywhere.
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def allow(methods: list[str]) -> str:
    allowed = {*methods, "OPTIONS", *(["HEAD"] if "GET" in methods else [])}
    return ", ".join(method for method in _METHOD_ORDER if method in allowed)


class RequestTooLarge(ApiError):
    status = 413
    type = "invalid_request"
    default_code = "request_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body exceeds the limit of {limit} bytes.")


class UnsupportedMediaType(ApiError):
    status = 415
    type = "invalid_request"
    default_code = "unsupported_media_type"

    def __init__(self, media_type: str) -> None:
        super().__init__(f'Unsupported media type "{media_type}" in request.')


class Throttled(ApiError):
    status = 429
    type = "throttled_error"
    default_code = "throttled"

    def __init__(self, wait_seconds: int) -> None:
        unit = "second" if wait_seconds == 1 else "seconds"
        super().__init__(
            f"Request was throttled. Expected available in {wait_seconds} {unit}.",
            headers={"Retry-After": str(wait_seconds)},
        )


class ServerError(ApiError):
    """500 with PostHog's generic body; `cause` says why, in the log and the journal only."""

    status = 500
    type = "server_error"
    default_code = "error"
    default_detail = GENERIC_SERVER_ERROR

    def __init__(self, cause: str) -> None:
        super().__init__()
        self.cause = cause
