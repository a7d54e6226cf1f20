"""Plugin-config attachments pinned where a slip would pass unnoticed: the row an upload
stores, the file name Django's multipart parser keeps (and the uploads it drops), and the 500
of removing an attachment there is not, with the cause the journal writes in its notes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.journal_notes import assert_500_because
from tests.conftest import AUTH, CONFIGS, PLUGINS

BOUNDARY = "pinnedattachments"


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart body written out, so a part's filename is sent exactly as given (a test
    client would fill in or drop an empty one): (field, filename or None for a plain field,
    content)."""
    body = b""
    for field, filename, content in parts:
        disposition = f'form-data; name="{field}"'
        if filename is not None:
            # Quoted as a browser quotes it; both parsers read `\\\\` as one backslash.
            quoted = filename.replace("\\", "\\\\")
            disposition += f'; filename="{quoted}"'
        headers = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
        if filename is not None:
            headers += "Content-Type: application/octet-stream\r\n"
        body += headers.encode() + b"\r\n" + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def patch_config_1(client: FlaskClient, *parts: tuple[str, str | None, bytes]) -> Any:
    return client.patch(
        f"{CONFIGS}1/",
        data=multipart(*parts),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=AUTH,
    )


def attachment_rows(client: FlaskClient) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = client.get("/_mock/state").get_json()["plugin_attachments"]
    return list(rows.values())


def test_an_upload_stores_one_row_of_its_config_and_project(client: FlaskClient) -> None:
    response = patch_config_1(client, ("add_attachment[db]", "geo.mmdb", b"12345"))

    assert response.status_code == 200
    assert attachment_rows(client) == [
        {
            "id": 1,
            "team_id": 1,
            "plugin_config_id": 1,
            "key": "db",
            "content_type": "application/octet-stream",
            "file_name": "geo.mmdb",
            "file_size": 5,
        }
    ]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\me\\geo.mmdb", "geo.mmdb"),
        ("../up/geo.mmdb", "geo.mmdb"),
        ("geo&amp;ip.mmdb", "geo&ip.mmdb"),
        ("geo&#47;ip.mmdb", "ip.mmdb"),  # unescaped first, then cut at the slash
        ("geo\tip.mmdb", "geoip.mmdb"),
    ],
)
def test_the_file_name_is_what_djangos_parser_keeps_of_it(
    client: FlaskClient, sent: str, kept: str
) -> None:
    response = patch_config_1(client, ("add_attachment[db]", sent, b"x"))

    assert response.status_code == 200
    assert response.json["config"]["db"]["name"] == kept
    assert [row["file_name"] for row in attachment_rows(client)] == [kept]


@pytest.mark.parametrize("sent", ["", ".", "..", "folder/", "dir\\..", "&#46;"])
def test_an_upload_whose_name_leaves_nothing_is_dropped_as_django_drops_it(
    client: FlaskClient, sent: str
) -> None:
    activity_before = client.get(f"{PLUGINS}activity/", headers=AUTH).json

    response = patch_config_1(client, ("add_attachment[db]", sent, b"x"))

    assert response.status_code == 200
    assert "db" not in response.json["config"]
    assert attachment_rows(client) == []
    assert client.get(f"{PLUGINS}activity/", headers=AUTH).json == activity_before


def test_removing_an_attachment_there_is_not_is_a_500_the_journal_explains(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = patch_config_1(client, ("remove_attachment[db]", None, b"true"))

    assert_500_because(
        client,
        response,
        "remove_attachment[db] names no attachment of plugin config 1; "
        "PostHog fails with UnboundLocalError",
    )
    assert world.store.export() == before
