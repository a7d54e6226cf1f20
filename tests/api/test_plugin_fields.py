"""A plugin's fields as the published schema and PostHog's columns allow them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AUTH, ORG_ID
from tests.worlds import app_with, plugins_url


def test_a_fixtures_null_capabilities_is_the_column_default(tmp_path: Path) -> None:
    """`capabilities` is a non-null JSONField with default {}: PostHog never answers null."""
    plugin = {"id": 4, "organization_id": ORG_ID, "name": "Nulls", "capabilities": None}
    client = app_with(tmp_path, {"plugins": [plugin]}).test_client()

    response = client.get(plugins_url(ORG_ID, 4), headers=AUTH)

    assert response.status_code == 200
    assert response.json["capabilities"] == {}
