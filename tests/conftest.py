"""Shared test fixtures: an app on the default world with response validation on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_posthog import Settings, create_app
from mock_posthog.world.world import World

ORG_ID = "00000000-0000-4000-8000-000000000001"
PROJECT_ID = 1
API_KEY = "phx_mock_personal_api_key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
CONFIGS = f"/api/projects/{PROJECT_ID}/plugin_configs/"


def make_app(**overrides: Any) -> Flask:
    return create_app(Settings(validate_responses=True, **overrides))


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def world(app: Flask) -> World:
    return app.extensions["mock_posthog"].world


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


def error(status_type: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    """PostHog's error envelope, written out so each test states the exact body it expects."""
    return {"type": status_type, "code": code, "detail": detail, "attr": attr}
