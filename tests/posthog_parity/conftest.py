"""A fresh PostHog-test world per test, as APIBaseTest gives each test its own database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.posthog_parity.parity_world import parity_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    with parity_app(tmp_path).test_client() as test_client:
        yield test_client
