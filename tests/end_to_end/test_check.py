"""`mock-posthog check FILE...`: fixture files validated without a server, every error
printed with its file and path, a non-zero exit when there is one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.worlds import DEFAULT_FIXTURES

ORG_ID = "00000000-0000-4000-8000-000000000001"
MISSING_ID = "00000000-0000-4000-8000-000000000009"


def check(*paths: Path) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "mock_posthog", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout.splitlines()


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_sound_file_is_ok() -> None:
    assert check(DEFAULT_FIXTURES) == (0, [f"{DEFAULT_FIXTURES}: ok"])


def test_every_error_of_a_file_is_printed_with_its_path(tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "bad.json",
        {
            "organizations": [{"id": ORG_ID, "name": 5, "plugins_access_level": 4}],
            "plugins": [{"id": "x", "organization_id": ORG_ID}],
        },
    )

    assert check(bad) == (
        1,
        [
            f"{bad}: $.organizations[0].name: 5 is not of type 'string'",
            f"{bad}: $.organizations[0].plugins_access_level: 4 is not one of [0, 3, 6, 9]",
            f"{bad}: $.plugins[0].id: 'x' is not of type 'integer'",
            f"{bad}: $.plugins[0].name: 'name' is a required property",
        ],
    )


def test_each_file_is_reported_and_a_good_one_is_ok(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    unknown = write(tmp_path, "unknown.json", {"plugin": []})

    assert check(broken, DEFAULT_FIXTURES, unknown) == (
        1,
        [
            f"{DEFAULT_FIXTURES}: ok",
            f"{broken}: $: is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
            f"{unknown}: $.plugin: Additional properties are not allowed ('plugin' was unexpected)",
        ],
    )


def test_a_reference_to_a_missing_record_is_an_error(tmp_path: Path) -> None:
    orphan = write(
        tmp_path,
        "orphan.json",
        {
            "organizations": [{"id": ORG_ID, "name": "Org"}],
            "plugins": [{"id": 1, "name": "P", "organization_id": MISSING_ID}],
        },
    )

    code, lines = check(orphan)

    assert code == 1
    assert lines == [
        f"{orphan}: $.plugins[0].organization_id: '00000000-0000-4000-8000-000000000009' is not "
        "the id of any record in organizations"
    ]


def test_the_references_are_checked_across_the_files_as_serve_merges_them(
    tmp_path: Path,
) -> None:
    organization = write(tmp_path, "org.json", {"organizations": [{"id": ORG_ID, "name": "O"}]})
    plugin = write(
        tmp_path, "plugin.json", {"plugins": [{"id": 1, "name": "P", "organization_id": ORG_ID}]}
    )

    assert check(organization, plugin) == (0, [f"{organization}: ok", f"{plugin}: ok"])
