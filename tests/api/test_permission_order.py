"""The order DRF checks a request in (APIView.initial, then the handler): authentication,
every permission class (PluginViewSet's PluginsAccessLevelPermission among them), the
throttles, and only then whether the view has a handler for the method (405)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.api.action_worlds import app_with_world
from tests.conftest import AUTH, PLUGINS, error

INSUFFICIENT = error(
    "authentication_error",
    "permission_denied",
    "Your organization's plugin access level is insufficient.",
)


def client_at(tmp_path: Path, level: int, **settings: object) -> FlaskClient:
    return app_with_world(tmp_path, level, **settings).test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "2/check_for_updates/"),
        ("POST", "repository/"),
        ("DELETE", "activity/"),
        ("POST", "2/source/"),
    ],
)
def test_an_unsafe_method_a_route_lacks_is_refused_by_access_level_first(
    tmp_path: Path, method: str, path: str
) -> None:
    """A CONFIG organization may not use unsafe methods on PluginViewSet at all: its 403
    comes before DRF looks for the method's handler."""
    response = client_at(tmp_path, 3).open(PLUGINS + path, method=method, headers=AUTH)

    assert (response.status_code, response.get_json()) == (403, INSUFFICIENT)


def test_a_safe_method_a_route_lacks_is_refused_below_config(tmp_path: Path) -> None:
    response = client_at(tmp_path, 0).open(PLUGINS + "2/upgrade/", method="GET", headers=AUTH)

    assert (response.status_code, response.get_json()) == (403, INSUFFICIENT)


def test_with_enough_access_the_missing_method_is_405(tmp_path: Path) -> None:
    response = client_at(tmp_path, 6).put(PLUGINS + "2/check_for_updates/", headers=AUTH)

    assert response.status_code == 405
    assert response.get_json() == error(
        "invalid_request", "method_not_allowed", 'Method "PUT" not allowed.'
    )


def test_no_key_is_401_before_the_missing_method(client: FlaskClient) -> None:
    response = client.put(PLUGINS + "2/check_for_updates/")

    assert response.status_code == 401


def test_the_throttle_counts_a_405_but_not_a_refused_permission(tmp_path: Path) -> None:
    client = client_at(tmp_path, 3)
    client.put("/_mock/rate_limit", json={"enabled": True, "rates": ["2/minute"]})
    client.application.extensions["mock_posthog"].world.clock.freeze()

    refused = [client.post(PLUGINS + "repository/", headers=AUTH).status_code for _ in range(3)]
    counted = [client.delete("/api/plugin_config/rearrange/", headers=AUTH).status_code]
    counted += [client.get(PLUGINS, headers=AUTH).status_code]
    throttled = client.get(PLUGINS, headers=AUTH)

    assert refused == [403, 403, 403]
    assert counted == [405, 200]
    assert throttled.status_code == 429
