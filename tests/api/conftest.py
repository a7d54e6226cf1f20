"""Fixtures the API tests share."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import make_app


@pytest.fixture(scope="module")
def reader() -> FlaskClient:
    """One app for the tests of a module that only read the default world."""
    return make_app().test_client()
