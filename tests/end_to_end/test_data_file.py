"""`serve --data` treats its file with care: one server per file (an OS lock that dies with
its process), a symlink written through to its target, and anything that is not a regular
file refused at start in one line, the thing itself left as it was."""

from __future__ import annotations

import json
import os
import signal
import stat
from pathlib import Path

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, ORG_ID
from tests.end_to_end.cli_run import refused

PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
SOURCE_PLUGIN = {"plugin_type": "source", "name": "written through"}
ROOT = os.geteuid() == 0
AS_ROOT = "root reads and writes whatever the permissions say"


def create_plugin(url: str) -> int:
    created = requests.post(url + PLUGINS, json=SOURCE_PLUGIN, headers=AUTH, timeout=5)
    assert created.status_code == 201
    return int(created.json()["id"])


def test_a_second_server_on_the_same_data_file_is_refused_naming_the_holder(
    tmp_path: Path,
) -> None:
    data = tmp_path / "state.json"
    with LiveServer.start(["--data", str(data)]) as first:
        finished = refused(["serve", "--port", "0", "--data", str(data)])

        assert finished.returncode == 2
        assert finished.stderr == (
            f"mock-posthog: refusing the data file: {data} is in use by another mock-posthog "
            f"server (PID {first.process.pid}); one server per data file\n"
        )
        assert finished.stdout == ""
        # The first server lost nothing: its spare files are where it left them.
        plugin = create_plugin(first.base_url)
        assert first.stop() == 0
    assert json.loads(data.read_text())["plugins"][str(plugin)]["name"] == "written through"


def test_a_symlink_to_the_same_file_is_the_same_data_file(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    link = tmp_path / "link.json"
    link.symlink_to(data)
    with LiveServer.start(["--data", str(data)]) as first:
        finished = refused(["serve", "--port", "0", "--data", str(link)])
        assert finished.returncode == 2
        assert f"(PID {first.process.pid})" in finished.stderr


def test_a_killed_server_does_not_block_the_next_start(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    with LiveServer.start(["--data", str(data)]) as first:
        plugin = create_plugin(first.base_url)
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    with LiveServer.start(["--data", str(data)]) as second:
        again = requests.get(f"{second.base_url}{PLUGINS}{plugin}/", headers=AUTH, timeout=5)
        assert again.status_code == 200
        assert second.stop() == 0


def test_a_symlinked_data_file_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "state.json"
    link.symlink_to(target)
    with LiveServer.start(["--data", str(link)]) as served:
        plugin = create_plugin(served.base_url)
        assert served.stop() == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    saved = json.loads(target.read_text())
    assert saved["plugins"][str(plugin)]["name"] == "written through"


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with LiveServer.start(["--data", str(link)]) as served:
        create_plugin(served.base_url)
        assert served.stop() == 0
    assert link.is_symlink()
    assert "plugins" in json.loads(target.read_text())


def test_a_device_is_refused_and_left_a_device() -> None:
    finished = refused(["serve", "--port", "0", "--data", "/dev/null"])

    assert (finished.returncode, finished.stderr) == (
        2,
        "mock-posthog: refusing the data file: /dev/null is a device, not a regular file\n",
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)

    finished = refused(["serve", "--port", "0", "--data", str(fifo)])

    assert (finished.returncode, finished.stderr) == (
        2,
        f"mock-posthog: refusing the data file: {fifo} is a FIFO, not a regular file\n",
    )
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    finished = refused(["serve", "--port", "0", "--data", str(tmp_path)])

    assert (finished.returncode, finished.stderr) == (
        2,
        f"mock-posthog: refusing the data file: {tmp_path} is a directory, not a regular file\n",
    )


def test_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "missing" / "state.json"

    finished = refused(["serve", "--port", "0", "--data", str(data)])

    assert (finished.returncode, finished.stderr) == (
        2,
        f"mock-posthog: refusing the data file: {data}: its directory {data.parent} "
        "does not exist\n",
    )


@pytest.mark.skipif(ROOT, reason=AS_ROOT)
def test_a_read_only_directory_with_stale_spare_files_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    data = folder / "state.json"
    data.write_text("{}")
    (folder / ".state.json.saving.spare-1-00000000").write_text("{}")
    folder.chmod(0o555)
    try:
        finished = refused(["serve", "--port", "0", "--data", str(data)])
    finally:
        folder.chmod(0o755)

    assert (finished.returncode, finished.stderr) == (
        2,
        f"mock-posthog: refusing the data file: {data}: its directory {folder} is not writable "
        f"by uid {os.getuid()} (gid {os.getgid()}), which this process runs as; give uid "
        f"{os.getuid()} write access to it (chown {os.getuid()} on the host), or run the "
        'container as its owner with --user "$(stat -c %u:%g DIRECTORY)"\n',
    )
    assert data.read_text() == "{}"


@pytest.mark.skipif(ROOT, reason=AS_ROOT)
def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    data.write_text("{}")
    data.chmod(0o200)

    finished = refused(["serve", "--port", "0", "--data", str(data)])

    assert (finished.returncode, finished.stderr) == (
        2,
        f"mock-posthog: refusing the data file: {data}: cannot read it (permission denied)\n",
    )
