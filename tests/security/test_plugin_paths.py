"""`file:` plugin URLs read only inside the configured plugins directory: no `..`, no symlink
to a file or a folder outside, no absolute path elsewhere, no encoded escape. Whatever the
URL, the answer is PostHog's 400 for a plugin.json it cannot load, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, PLUGINS, error, make_app

OUTSIDE_SECRET = "outside-the-plugins-directory"
MANIFEST = {"name": "Inside", "config": []}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/plugins (the plugins directory) and tmp/outside, whose plugin would be accepted if
    it could be reached."""
    root = tmp_path / "plugins"
    outside = tmp_path / "outside" / "evil"
    outside.mkdir(parents=True)
    (outside / "plugin.json").write_text(json.dumps({"name": OUTSIDE_SECRET}), "utf-8")
    (outside / "index.ts").write_text(f"// {OUTSIDE_SECRET}", "utf-8")
    good = root / "good"
    good.mkdir(parents=True)
    (good / "plugin.json").write_text(json.dumps(MANIFEST), "utf-8")
    (good / "index.ts").write_text("export function processEvent(e) { return e }", "utf-8")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    half = root / "linked-manifest"
    half.mkdir()
    (half / "plugin.json").symlink_to(outside / "plugin.json")
    (half / "index.ts").write_text("export function processEvent(e) { return e }", "utf-8")
    (root / "loop").symlink_to(root / "loop")
    return tmp_path


@pytest.fixture
def client(tree: Path) -> FlaskClient:
    return make_app(plugins_dir=tree / "plugins").test_client()


def escapes(tree: Path) -> list[str]:
    root, outside = tree / "plugins", tree / "outside" / "evil"
    return [
        f"file:{root}/../outside/evil",
        "file:../outside/evil",
        "file:good/../../outside/evil",
        f"file:{outside}",
        f"file://{outside}",
        f"file:///{outside}",
        f"file:{root}/linked-folder",
        "file:linked-folder",
        "file:linked-manifest",
        "file:%2e%2e/outside/evil",
        "file:%2E%2E%2Foutside%2Fevil",
        "file:..%2foutside%2fevil",
        "file:good/%2e%2e/%2e%2e/outside/evil",
        "file:..\\outside\\evil",
        "file:~/../outside/evil",
        "file:/",
        "file:",
        "file:.",
        "file:loop",
        "file:good\x00/../../outside/evil",
        "file:" + "a" * 5000,
        "file:" + "/".join(["b" * 255] * 20),
    ]


ESCAPE_COUNT = 22


@pytest.mark.parametrize("index", range(ESCAPE_COUNT))
def test_a_file_url_cannot_read_outside_the_plugins_directory(
    tree: Path, client: FlaskClient, index: int
) -> None:
    url = escapes(tree)[index]
    world = client.application.extensions["mock_posthog"].world
    before = world.store.snapshot()

    response = client.post(PLUGINS, json={"url": url}, headers=AUTH)

    detail = f"Could not load plugin.json from: {url.removeprefix('file:')}/plugin.json"
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )
    assert world.store.snapshot() == before


def test_every_escape_is_tried(tree: Path) -> None:
    assert len(escapes(tree)) == ESCAPE_COUNT


@pytest.mark.parametrize("url", ["file:good", "file:good/../good", "file:./good/"])
def test_a_path_that_stays_inside_installs(client: FlaskClient, url: str) -> None:
    response = client.post(PLUGINS, json={"url": url}, headers=AUTH)

    assert (response.status_code, response.json["name"], response.json["url"]) == (
        201,
        "Inside",
        url,
    )


def test_a_file_linked_from_outside_is_not_read(tree: Path, client: FlaskClient) -> None:
    mixed = tree / "plugins" / "mixed"
    mixed.mkdir()
    (mixed / "plugin.json").write_text(json.dumps(MANIFEST), "utf-8")
    (mixed / "frontend.tsx").write_text("export const scene = {}", "utf-8")
    (mixed / "index.ts").symlink_to(tree / "outside" / "evil" / "index.ts")

    installed = client.post(PLUGINS, json={"url": "file:mixed"}, headers=AUTH)
    source = client.get(f"{PLUGINS}{installed.json['id']}/source/", headers=AUTH)

    assert installed.status_code == 201
    assert (source.status_code, sorted(source.json)) == (200, ["frontend.tsx", "plugin.json"])
    assert OUTSIDE_SECRET not in source.get_data(as_text=True)


def test_a_plugins_directory_that_is_itself_a_link_still_confines(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "good").mkdir(parents=True)
    (real / "good" / "plugin.json").write_text(json.dumps(MANIFEST), "utf-8")
    (real / "good" / "index.ts").write_text("export function processEvent(e) { return e }")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "plugin.json").write_text(json.dumps({"name": OUTSIDE_SECRET}))
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    client = make_app(plugins_dir=tmp_path / "link").test_client()

    inside = client.post(PLUGINS, json={"url": "file:good"}, headers=AUTH)
    outside = client.post(PLUGINS, json={"url": "file:../secret"}, headers=AUTH)

    assert (inside.status_code, inside.json["name"]) == (201, "Inside")
    assert outside.status_code == 400
