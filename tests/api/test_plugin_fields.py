"""A plugin's fields as the published schema and PostHog's columns allow them."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import AUTH, ORG_ID
from tests.worlds import app_with, plugins_url


def test_a_fixtures_null_capabilities_is_the_column_default(tmp_path: Path) -> None:
    """`capabilities` is a non-null JSONField with default {}: PostHog never answers null."""
    plugin = {"id": 4, "organization_id": ORG_ID, "name": "Nulls", "capabilities": None}
    client = app_with(tmp_path, {"plugins": [plugin]}).test_client()

    response = client.get(plugins_url(ORG_ID, 4), headers=AUTH)

    assert response.status_code == 200
    assert response.json["capabilities"] == {}


def test_an_integer_beyond_64_bits_in_a_json_field_is_kept_as_a_float(
    client: FlaskClient,
) -> None:
    """PostgreSQL's jsonb keeps any integer (PostHog answers 200); the mock keeps the nearest
    float. Found by schemathesis: the mock answered 500."""
    big = -44790784251665085513816340430848
    body = {"config_schema": {"big": big}, "metrics": [2**64]}

    response = client.patch(plugins_url(ORG_ID, 2), json=body, headers=AUTH)

    assert response.status_code == 200
    assert response.json["config_schema"] == {"big": -4.479078425166509e31}
    assert response.json["metrics"] == [1.8446744073709552e19]
    again = client.get(plugins_url(ORG_ID, 2), headers=AUTH)
    assert again.json["metrics"] == [1.8446744073709552e19]
