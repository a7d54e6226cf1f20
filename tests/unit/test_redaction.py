"""Credentials out of text, as the log filter and the journal redact it."""

from __future__ import annotations

import logging
import sys

import pytest

from mock_posthog.http.redaction import RedactingFilter, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /api/x/?limit=1&personal_api_key=phx_abc&offset=2 HTTP/1.1" 401 -',
            '"GET /api/x/?limit=1&personal_api_key=[redacted]&offset=2 HTTP/1.1" 401 -',
        ),
        ("/x?personal%5Fapi%5Fkey=phx_abc", "/x?personal%5Fapi%5Fkey=[redacted]"),
        ("/x?token=phc_1&api_key=phc_2", "/x?token=[redacted]&api_key=[redacted]"),
        (
            "'https://github.com/a/b?private_token=ghp_1' is not a GitHub URL",
            "'https://github.com/a/b?private_token=[redacted]' is not a GitHub URL",
        ),
        ("Authorization: Bearer phx_abc", "Authorization: Bearer [redacted]"),
        ('{"personal_api_key": "phx_abc", "name": ', '{"personal_api_key": "[redacted]", "name": '),
        ('{"personal_api_key": "phx_ab', '{"personal_api_key": "[redacted]"'),
        ("my_token=kept&tokens=kept", "my_token=kept&tokens=kept"),
    ],
)
def test_credentials_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_secret_fields_and_known_secrets_are_redacted() -> None:
    text = '{"api_secret": "s3cret", "greeting": "hi", "note": "phx_known_key and x"}'

    redacted = redact_text(text, secret_fields=["api_secret"], known=["phx_known_key", "x"])

    assert redacted == '{"api_secret": "[redacted]", "greeting": "hi", "note": "[redacted] and x"}'


def test_the_log_filter_rewrites_messages_and_tracebacks() -> None:
    try:
        raise ValueError("bad key phx_known_key")
    except ValueError:
        record = logging.LogRecord(
            "werkzeug", logging.ERROR, __file__, 1, '"%s" %s', ("GET /?token=t0k3n", 500), None
        )
        record.exc_info = sys.exc_info()

    assert RedactingFilter(lambda: ["phx_known_key"]).filter(record) is True
    assert record.getMessage() == '"GET /?token=[redacted]" 500'
    assert "phx_known_key" not in (record.exc_text or "")
    assert "ValueError: bad key [redacted]" in (record.exc_text or "")
