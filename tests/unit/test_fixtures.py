"""Fixture files: checked against schemas/fixtures.json, refused whole with the path of the
first bad field, defaults filled in, merged in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_posthog.world import fixtures
from mock_posthog.world.fixtures import FixtureError
from tests.conftest import API_KEY, AUTH, ORG_ID, PLUGINS, make_app
from tests.worlds import DEFAULT_FIXTURES, TAXONOMY, app_with, write_fixture

ORG = {"id": ORG_ID, "name": "Org"}
USER = {"id": 1, "email": "user@example.com", "organization_ids": [ORG_ID]}


def refusal(folder: Path, data: Any) -> tuple[str, str, str]:
    path = write_fixture(folder, "world.json", data)
    with pytest.raises(FixtureError) as caught:
        fixtures.load_files([path])
    assert caught.value.source == str(path)
    return caught.value.source, caught.value.path, caught.value.message


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            {"organizations": [{**ORG, "plugins_access_level": 5}]},
            "$.organizations[0].plugins_access_level",
            "5 is not one of [0, 3, 6, 9]",
        ),
        (
            {"organizations": [ORG], "users": [USER, {"id": 2}]},
            "$.users[1].email",
            "'email' is a required property",
        ),
        (
            {"widgets": [], "organizations": [ORG]},
            "$.widgets",
            "Additional properties are not allowed ('widgets' was unexpected)",
        ),
        (
            {"organizations": [{**ORG, "colour": "red"}]},
            "$.organizations[0].colour",
            "Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            {"organizations": [{**ORG, "id": "not-a-uuid"}]},
            "$.organizations[0].id",
            "'not-a-uuid' does not match '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
            "[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$'",
        ),
        (
            {
                "organizations": [ORG],
                "plugins": [
                    {
                        "id": 1,
                        "organization_id": ORG_ID,
                        "name": "p",
                        "source_files": {"index.ts": {"status": "DONE"}},
                    }
                ],
            },
            '$.plugins[0].source_files["index.ts"].status',
            "'DONE' is not one of ['LOCKED', 'TRANSPILED', 'ERROR', None]",
        ),
        ([], "$", "[] is not of type 'object'"),
    ],
    ids=["enum", "required", "unknown-table", "unknown-field", "pattern", "nested", "not-object"],
)
def test_a_bad_file_is_refused_with_the_path_of_the_bad_field(
    tmp_path: Path, data: Any, path: str, message: str
) -> None:
    assert refusal(tmp_path, data)[1:] == (path, message)


def test_the_first_bad_field_in_the_file_is_the_one_named(tmp_path: Path) -> None:
    data = {
        "users": [{"id": 1, "email": ""}],
        "organizations": [{"id": ORG_ID, "name": ""}],
    }

    assert refusal(tmp_path, data)[1:] == ("$.users[0].email", "'' should be non-empty")


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            {"projects": [{"id": 1, "organization_id": ORG_ID}]},
            "$.projects[0].organization_id",
            f"'{ORG_ID}' is not the id of any record in organizations",
        ),
        (
            {"organizations": [ORG], "users": [{**USER, "current_project_id": 7}]},
            "$.users[0].current_project_id",
            "7 is not the id of any record in projects",
        ),
        (
            {"organizations": [ORG], "personal_api_keys": [{"value": "phx_k", "user_id": 3}]},
            "$.personal_api_keys[0].user_id",
            "3 is not the id of any record in users",
        ),
    ],
)
def test_a_reference_to_nothing_is_refused(
    tmp_path: Path, data: Any, path: str, message: str
) -> None:
    assert refusal(tmp_path, data)[1:] == (path, message)


def test_a_broken_reference_is_reported_in_the_file_that_made_it(tmp_path: Path) -> None:
    first = write_fixture(tmp_path, "first.json", {"organizations": [ORG]})
    second = write_fixture(
        tmp_path,
        "second.json",
        {
            "users": [USER],
            "personal_api_keys": [{"value": "a", "user_id": 1}, {"value": "b", "user_id": 2}],
        },
    )

    with pytest.raises(FixtureError) as caught:
        fixtures.load_files([first, second])

    assert (caught.value.source, caught.value.path) == (
        str(second),
        "$.personal_api_keys[1].user_id",
    )


def test_references_to_uuids_ignore_case_and_dashes(tmp_path: Path) -> None:
    path = write_fixture(
        tmp_path,
        "world.json",
        {
            "organizations": [ORG],
            "projects": [{"id": 1, "organization_id": ORG_ID.replace("-", "")}],
        },
    )

    assert fixtures.load_files([path])["projects"][0]["organization_id"] == ORG_ID.replace("-", "")


def test_a_file_that_is_not_json_or_not_there_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    missing = tmp_path / "missing.json"

    with pytest.raises(FixtureError) as not_json:
        fixtures.read_file(broken)
    with pytest.raises(FixtureError) as not_there:
        fixtures.read_file(missing)

    assert (not_json.value.path, not_json.value.message) == (
        "$",
        "is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1)",
    )
    assert (not_there.value.path, not_there.value.message) == (
        "$",
        "cannot be read: No such file or directory",
    )


def test_nothing_of_a_bad_file_is_served(tmp_path: Path) -> None:
    good = write_fixture(tmp_path, "good.json", {"organizations": [ORG]})
    bad = write_fixture(tmp_path, "bad.json", {"organizations": [{"id": ORG_ID}]})

    with pytest.raises(FixtureError, match=r"\$\.organizations\[0\]\.name"):
        make_app(fixtures=(DEFAULT_FIXTURES, good, bad))


def test_defaults_are_filled_in() -> None:
    tables = fixtures.parse(
        {
            "organizations": [{"id": ORG_ID, "name": "Org"}],
            "projects": [{"id": 1, "organization_id": ORG_ID}],
            "users": [{"id": 1, "email": "user@example.com"}],
            "personal_api_keys": [{"value": "phx_k", "user_id": 1}],
            "plugins": [
                {
                    "id": 1,
                    "organization_id": ORG_ID,
                    "name": "p",
                    "source_files": {"index.ts": {"source": "code"}},
                }
            ],
            "plugin_configs": [{"id": 1, "plugin": 1, "team_id": 1}],
        },
        "inline",
    )

    assert tables == {
        "organizations": [{"id": ORG_ID, "name": "Org", "plugins_access_level": 9}],
        "projects": [
            {"id": 1, "organization_id": ORG_ID, "name": "Default project", "api_token": None}
        ],
        "users": [
            {
                "id": 1,
                "email": "user@example.com",
                "first_name": "",
                "organization_ids": [],
                "current_project_id": None,
                "is_active": True,
                "is_staff": False,
            }
        ],
        "personal_api_keys": [
            {
                "value": "phx_k",
                "user_id": 1,
                "label": "",
                "scopes": None,
                "scoped_organizations": None,
                "scoped_teams": None,
            }
        ],
        "plugins": [
            {
                "id": 1,
                "organization_id": ORG_ID,
                "name": "p",
                "plugin_type": "custom",
                "description": None,
                "url": None,
                "icon": None,
                "config_schema": {},
                "tag": None,
                "latest_tag": None,
                "latest_tag_checked_at": None,
                "is_global": False,
                "is_stateless": False,
                "capabilities": {},
                "metrics": {},
                "public_jobs": {},
                "source_files": {
                    "index.ts": {
                        "source": "code",
                        "status": None,
                        "transpiled": None,
                        "error": None,
                    }
                },
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": None,
            }
        ],
        "plugin_configs": [
            {
                "id": 1,
                "plugin": 1,
                "team_id": 1,
                "enabled": False,
                "order": 0,
                "config": {},
                "error": None,
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": None,
            }
        ],
    }


def test_defaults_are_not_shared_between_records() -> None:
    tables = fixtures.parse(
        {"organizations": [ORG], "users": [{"id": 1, "email": "a"}, {"id": 2, "email": "b"}]},
        "inline",
    )
    tables["users"][0]["organization_ids"].append(ORG_ID)

    assert tables["users"][1]["organization_ids"] == []


def test_files_merge_in_order_later_records_replace_earlier_ones(tmp_path: Path) -> None:
    first = write_fixture(
        tmp_path,
        "first.json",
        {
            "organizations": [ORG],
            "users": [USER],
            "personal_api_keys": [
                {"value": "phx_a", "user_id": 1},
                {"value": "phx_b", "user_id": 1},
            ],
            "activity_log": [{"id": 1, "scope": "Plugin"}],
        },
    )
    second = write_fixture(
        tmp_path,
        "second.json",
        {
            "organizations": [{**ORG, "name": "Renamed", "plugins_access_level": 3}],
            "personal_api_keys": [
                {"value": "phx_a", "user_id": 1, "scopes": ["*"]},
                {"value": "phx_c", "user_id": 1},
            ],
            "activity_log": [{"scope": "PluginConfig"}],
        },
    )

    tables = fixtures.load_files([first, second])

    assert tables["organizations"] == [{"id": ORG_ID, "name": "Renamed", "plugins_access_level": 3}]
    assert [(key["value"], key["scopes"]) for key in tables["personal_api_keys"]] == [
        ("phx_a", ["*"]),
        ("phx_b", None),
        ("phx_c", None),
    ]
    assert tables["activity_log"] == [{"id": 1, "scope": "Plugin"}, {"scope": "PluginConfig"}]


def test_a_merged_world_serves_the_later_files_records(tmp_path: Path) -> None:
    renamed = {
        "plugins": [
            {
                "id": 2,
                "organization_id": ORG_ID,
                "name": "Renamed Taxonomy",
                "url": "https://github.com/PostHog/taxonomy-plugin",
            }
        ],
        "personal_api_keys": [{"value": API_KEY, "user_id": 1, "scopes": ["plugin:read"]}],
    }
    client = app_with(tmp_path, renamed).test_client()

    listed = client.get(PLUGINS, headers=AUTH)
    refused = client.delete(f"{PLUGINS}2/", headers=AUTH)

    assert [plugin["name"] for plugin in listed.json["results"]] == [
        "GeoIP",
        "Renamed Taxonomy",
        "Hello Source",
    ]
    assert listed.json["results"][1] == {
        **TAXONOMY,
        "name": "Renamed Taxonomy",
        "plugin_type": "custom",
        "description": None,
        "config_schema": {},
        "tag": None,
        "latest_tag": None,
        "capabilities": {},
    }
    assert refused.status_code == 403


def test_a_record_missing_several_fields_names_the_first_the_schema_requires(
    tmp_path: Path,
) -> None:
    assert refusal(tmp_path, {"users": [{"first_name": "no id, no email"}]})[1:] == (
        "$.users[0].id",
        "'id' is a required property",
    )


def test_the_packaged_default_world_is_valid_and_loads_as_any_fixture_file() -> None:
    """It is not checked at every start, so it is checked here."""
    assert fixtures.read_file(DEFAULT_FIXTURES) == fixtures.default_world()
