"""PostHog's rate limit for personal API keys: off by default, 480/minute and 4800/hour per
key when on, refused with PostHog's throttle body and Retry-After; time is the world's."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from mock_posthog import MockPostHog, Settings, create_app
from tests.conftest import AUTH, PLUGINS, error


def test_the_rate_limit_is_off_by_default(client: FlaskClient) -> None:
    assert Settings().rate_limit is False
    assert client.get("/_mock/rate_limit").json == {
        "enabled": False,
        "rates": ["480/minute", "4800/hour"],
    }


def test_the_481st_request_of_a_minute_is_throttled_as_posthog_does() -> None:
    client = create_app(Settings(rate_limit=True)).test_client()
    world = client.application.extensions["mock_posthog"].world
    world.clock.freeze()
    answers = [client.get(PLUGINS + "999/", headers=AUTH).status_code for _ in range(480)]
    world.clock.advance(timedelta(seconds=20))

    throttled = client.get(PLUGINS, headers=AUTH)

    assert set(answers) == {404}
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "40"
    assert throttled.json == error(
        "throttled_error", "throttled", "Request was throttled. Expected available in 40 seconds."
    )
    world.clock.advance(timedelta(seconds=40))
    assert client.get(PLUGINS, headers=AUTH).status_code == 200


def test_limits_count_per_key_and_only_requests_with_a_valid_key(posthog: MockPostHog) -> None:
    posthog.store.insert("personal_api_keys", {"value": "phx_second", "user_id": 1})
    posthog.put("/_mock/rate_limit", json={"enabled": True, "rates": ["2/minute"]})
    posthog.clock.freeze()

    assert [posthog.get(PLUGINS).status_code for _ in range(3)] == [200, 200, 429]
    assert posthog.get(PLUGINS, api_key="phx_second").status_code == 200
    assert posthog.get(PLUGINS, api_key=None).status_code == 401
    assert posthog.get(PLUGINS, api_key="phx_unknown").status_code == 401


def test_each_limit_counts_what_it_lets_through_as_drf_does(posthog: MockPostHog) -> None:
    posthog.put("/_mock/rate_limit", json={"enabled": True, "rates": ["2/minute", "3/hour"]})
    posthog.clock.freeze()
    posthog.get(PLUGINS)
    posthog.clock.advance(timedelta(seconds=30))
    posthog.get(PLUGINS)

    # The minute refuses the third request; the hour lets it through, and counts it.
    by_minute = posthog.get(PLUGINS)
    posthog.clock.advance(timedelta(seconds=31))
    by_hour = posthog.get(PLUGINS)

    assert (by_minute.status_code, by_minute.headers["Retry-After"]) == (429, "30")
    assert (by_hour.status_code, by_hour.headers["Retry-After"]) == (429, str(3600 - 61))


def test_the_rate_limit_route_refuses_bad_rates_and_reset_turns_it_off(
    posthog: MockPostHog,
) -> None:
    bad = posthog.put("/_mock/rate_limit", json={"enabled": True, "rates": ["lots"]})
    assert (bad.status_code, bad.json["attr"]) == (400, "rates")
    assert posthog.put("/_mock/rate_limit", json={}).json == error(
        "validation_error", "invalid_input", "enabled must be true or false.", "enabled"
    )
    posthog.put("/_mock/rate_limit", json={"enabled": True, "rates": ["1/second"]})

    posthog.reset()

    assert posthog.get("/_mock/rate_limit").json == {
        "enabled": False,
        "rates": ["480/minute", "4800/hour"],
    }


def test_the_rate_limit_setting_comes_from_the_environment() -> None:
    assert Settings.from_env({"MOCK_POSTHOG_RATE_LIMIT": "1"}).rate_limit is True
