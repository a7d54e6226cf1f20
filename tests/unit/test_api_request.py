"""The pipeline's request reads an environ as werkzeug's own request reads it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from mock_posthog.http.payload import ApiRequest

READ = ("method", "path", "scheme", "server", "root_path", "query_string", "remote_addr")


def environ(**overrides: Any) -> dict[str, Any]:
    built = EnvironBuilder(path="/api/organizations/@current/plugins/", method="get")
    made = built.get_environ()
    made.update(overrides)
    return made


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"REQUEST_METHOD": "post", "QUERY_STRING": "limit=1&offset=2"},
        {"PATH_INFO": "//api//organizations/"},  # leading slashes: one is kept
        {"PATH_INFO": "api/plugins/"},  # no leading slash: one is added
        {"PATH_INFO": "/api/plugins/caf\u00c3\u00a9/"},  # UTF-8 bytes as latin-1 text: café
        {"PATH_INFO": "/api/\u00ff/"},  # not UTF-8: replaced, as werkzeug does
        {"PATH_INFO": ""},
        {"SCRIPT_NAME": "/mounted/", "wsgi.url_scheme": "https"},
        {"SERVER_PORT": "not-a-port"},
        {"QUERY_STRING": "q=caf\u00e9"},
        {"REMOTE_ADDR": "::1"},
    ],
)
def test_each_field_is_what_werkzeug_reads(overrides: dict[str, Any]) -> None:
    made = environ(**overrides)

    ours, werkzeugs = ApiRequest(dict(made)), Request(dict(made), populate_request=False)

    assert {name: getattr(ours, name) for name in READ} == {
        name: getattr(werkzeugs, name) for name in READ
    }
    assert ours.url == werkzeugs.url
    assert dict(ours.headers) == dict(werkzeugs.headers)


def test_no_server_name_and_no_port_are_read_as_werkzeug_reads_them() -> None:
    made = environ()
    del made["SERVER_NAME"]
    without_port = environ()
    del without_port["SERVER_PORT"]

    assert ApiRequest(made).server is None
    assert ApiRequest(without_port).server == Request(without_port).server
