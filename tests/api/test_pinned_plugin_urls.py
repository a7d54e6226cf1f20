"""Plugin URLs as PostHog's `parse_url` reads them: a GitLab URL's ref after `/-/tree/`, and the
URLs it cannot read, each a 500 whose journal entry says why (PostHog raises a plain exception)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, PLUGINS, error

GITLAB = "https://gitlab.com/mock-group/mock-plugin"


def test_a_gitlab_url_with_a_ref_installs_that_ref_under_the_projects_name(
    client: FlaskClient,
) -> None:
    response = client.post(PLUGINS, json={"url": f"{GITLAB}/-/tree/v2"}, headers=AUTH)

    assert response.status_code == 201
    assert (response.json["name"], response.json["tag"], response.json["url"]) == (
        "mock-plugin",
        "v2",
        f"{GITLAB}/-/tree/v2",
    )


def test_a_gitlab_project_without_a_group_is_named_after_itself(client: FlaskClient) -> None:
    response = client.post(PLUGINS, json={"url": "https://gitlab.com/solo-plugin"}, headers=AUTH)

    assert (response.status_code, response.json["name"]) == (201, "solo-plugin")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            "https://github.com/PostHog/helloworldplugin?private_token=a?b",
            "'https://github.com/PostHog/helloworldplugin?private_token=[redacted]' has more "
            "than one '?', which PostHog cannot split",
        ),
        (
            f"{GITLAB}/-/tree",
            f"PostHog cannot find the ref in the GitLab URL '{GITLAB}/-/tree'",
        ),
        (
            "https://gitlab.com/a/b/-/tree/v1/-/x",
            "PostHog cannot find the ref in the GitLab URL 'https://gitlab.com/a/b/-/tree/v1/-/x'",
        ),
        (
            "https://gitlab.com/a/b/-/tree/v1/-/tree/v2",
            "PostHog cannot find the ref in the GitLab URL "
            "'https://gitlab.com/a/b/-/tree/v1/-/tree/v2'",
        ),
    ],
    ids=[
        "two-question-marks",
        "gitlab-without-ref",
        "gitlab-with-two-separators",
        "gitlab-with-two-refs",
    ],
)
def test_a_url_posthog_cannot_read_is_a_500_the_journal_explains(
    client: FlaskClient, url: str, why: str
) -> None:
    response = client.post(PLUGINS, json={"url": url}, headers=AUTH)

    assert (response.status_code, response.json) == (
        500,
        error("server_error", "error", "A server error occurred."),
    )
    notes = client.get("/_mock/requests?last=1").json["results"][0]["notes"]
    assert notes == [f"500 because {why}"]
