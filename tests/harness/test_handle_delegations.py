"""The in-process handle reaches what PostHog's API cannot set: the upstream, plugin logs,
recorded jobs and delivery metrics."""

from __future__ import annotations

from mock_posthog import MockPostHog
from tests.conftest import CONFIGS, PLUGINS

TAXONOMY = "https://github.com/PostHog/taxonomy-plugin"


def test_a_release_published_in_python_is_seen_by_check_for_updates(posthog: MockPostHog) -> None:
    posthog.publish_release(TAXONOMY, "f" * 40, {"plugin.json": '{"name": "Taxonomy Plugin"}'})

    checked = posthog.get(f"{PLUGINS}2/check_for_updates/")

    assert checked.status_code == 200
    assert checked.json["plugin"]["latest_tag"] == "f" * 40


def test_an_unreachable_upstream_makes_upgrade_a_500(posthog: MockPostHog) -> None:
    posthog.set_unreachable(TAXONOMY)

    upgraded = posthog.post(f"{PLUGINS}2/upgrade/")

    assert upgraded.status_code == 500
    assert upgraded.json == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }


def test_the_repository_list_set_in_python_is_served(posthog: MockPostHog) -> None:
    entry = {"name": "Only", "url": "https://github.com/acme/only"}
    posthog.set_repository([entry])

    assert posthog.get(f"{PLUGINS}repository/").json == [entry]


def test_log_entries_appended_in_python_are_listed(posthog: MockPostHog) -> None:
    posthog.append_log_entries([{"plugin_config_id": 1, "message": "hello from python"}])

    listed = posthog.get(f"{CONFIGS}1/logs/", query={"search": "from python"}).json

    assert [entry["message"] for entry in listed["results"]] == ["hello from python"]


def test_accepted_jobs_are_recorded(posthog: MockPostHog) -> None:
    public_jobs = {"Resync": {"payload": {"full": {"type": "boolean"}}}}
    posthog.store.update("plugins", 2, {"public_jobs": public_jobs})
    posthog.seed_uuids(1)

    answer = posthog.post(
        f"{CONFIGS}1/job/", json={"job": {"type": "Resync", "payload": {"full": True}}}
    )

    assert (answer.status_code, answer.data) == (200, b"")
    (job,) = posthog.recorded_jobs()
    assert (job["type"], job["payload"], job["operation"]) == ("Resync", {"full": True}, "start")
    assert (job["plugin_config_id"], job["team_id"]) == (1, 1)
    assert job["enqueued"]["payload"]["payload"]["$job_id"] == job["job_id"]


def test_delivery_metrics_set_in_python_give_the_delivery_rate(posthog: MockPostHog) -> None:
    posthog.set_delivery_metrics(1, successes=3, failures=1)

    assert posthog.get(f"{CONFIGS}1/").json["delivery_rate_24h"] == 0.75
