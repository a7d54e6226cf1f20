"""Secrets out of text: API keys and tokens (in a query string, a bearer header, a JSON or form
body, or by their look) and the values of secret config fields, wherever the mock writes text
a person reads: its log and its journal (`secrets` says what one world holds secret).

The log filter works on the finished line, whichever logger wrote it (the WSGI server's access
log writes the query string), so it holds whatever server runs the app."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

REDACTED = "[redacted]"
# Query-string and form names whose values are credentials: the personal API key, the project
# API token PostHog reads from `token` or `api_key`, and a plugin URL's `private_token` (a
# GitHub or GitLab access token). Names may arrive percent-encoded.
CREDENTIAL_NAMES = ("personal_api_key", "private_token", "token", "api_key")
_ENCODED_UNDERSCORE = "(?:_|%5[fF])"


def _name_pattern(name: str) -> str:
    return _ENCODED_UNDERSCORE.join(re.escape(part) for part in name.split("_"))


_QUERY = re.compile(
    r"(?P<name>(?<![\w%])(?:"
    + "|".join(_name_pattern(name) for name in CREDENTIAL_NAMES)
    + r")=)[^&\s\"']*"
)
_BEARER = re.compile(r"(?P<name>\bBearer\s+)[^\s\"',]+")
# Keys and tokens by their look, wherever they are (a path, a header, a message): PostHog's
# personal API keys (phx_) and project API tokens (phc_), GitHub's and GitLab's access tokens.
_TOKEN = re.compile(r"\b(?:ph[xc]_|gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_\-]{4,}")


def _json_field(names: Iterable[str]) -> re.Pattern[str] | None:
    """`"name": "value"` (or a bare value) for each name, in JSON that may not parse."""
    alternatives = "|".join(re.escape(name) for name in names)
    if not alternatives:
        return None
    return re.compile(rf'(?P<name>"(?:{alternatives})"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[^,}}\]\s]+)')


def redact_text(text: str, secret_fields: Iterable[str] = (), known: Iterable[str] = ()) -> str:
    """`text` without credentials in query-string or bearer form or by their look, without
    the values of JSON fields named `personal_api_key` or in `secret_fields`, and without any
    `known` secret."""
    text = _QUERY.sub(rf"\g<name>{REDACTED}", text)
    text = _BEARER.sub(rf"\g<name>{REDACTED}", text)
    text = _TOKEN.sub(REDACTED, text)
    fields = _json_field(["personal_api_key", *secret_fields])
    if fields is not None:
        text = fields.sub(rf'\g<name>"{REDACTED}"', text)
    return _without_known(text, known)


def _without_known(text: str, known: Iterable[str]) -> str:
    for secret in sorted(set(known), key=len, reverse=True):
        if len(secret) >= 6 and secret in text:  # a short value would redact ordinary words
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each log record's message without credentials; `known` gives the secrets the
    world holds now, read for every line (the store keeps them worked out between writes, so
    a line costs a look-up, and a secret stored a moment ago is known at once)."""

    def __init__(self, known: Callable[[], Iterable[str]] = tuple) -> None:
        super().__init__()
        self._known = known

    def filter(self, record: logging.LogRecord) -> bool:
        known = tuple(self._known())
        message = record.getMessage()
        redacted = redact_text(message, known=known)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, known=known)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install(known: Callable[[], Iterable[str]] = tuple) -> None:
    """Redact every line the root logger's handlers write."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(known))
