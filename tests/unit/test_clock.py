"""Timestamps as Django REST framework renders them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mock_posthog.world.clock import isoformat, rendered_timestamp


@pytest.mark.parametrize(
    ("moment", "rendered"),
    [
        (datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), "2024-01-02T03:04:05.678901Z"),
        (datetime(2024, 1, 2, 3, 4, 5, 1, tzinfo=UTC), "2024-01-02T03:04:05.000001Z"),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05Z"),
        (
            datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=timezone(timedelta(hours=2))),
            "2024-01-02T01:04:05.500000Z",
        ),
    ],
)
def test_a_moment_is_rendered_in_utc_with_a_z(moment: datetime, rendered: str) -> None:
    assert isoformat(moment) == rendered


def test_a_stored_timestamp_is_rendered_the_same_way() -> None:
    assert rendered_timestamp("2024-01-02T03:04:05+01:00") == "2024-01-02T02:04:05Z"
    assert rendered_timestamp("2024-01-02T03:04:05.25") == "2024-01-02T03:04:05.250000Z"
