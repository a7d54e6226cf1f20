"""What the image test stands on, where it can be checked without an engine: the reason it
skips with when neither podman nor docker is installed, and the Debian mirror the stand-in
base image is made from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.end_to_end.container_engine import Unavailable, debian_mirror, find_engine


def test_without_podman_or_docker_the_reason_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(Unavailable, match=r"^neither podman nor docker is installed$"):
        find_engine(tmp_path)


def test_the_mirror_is_read_from_deb822_sources(tmp_path: Path) -> None:
    sources = tmp_path / "debian.sources"
    sources.write_text(
        "Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm\n"
    )

    assert debian_mirror([sources]) == "http://mirror.example/debian"


def test_the_mirror_is_read_from_a_one_line_sources_list(tmp_path: Path) -> None:
    sources = tmp_path / "sources.list"
    sources.write_text("# comment\ndeb [arch=amd64] http://mirror.example/debian bookworm main\n")

    assert debian_mirror([sources]) == "http://mirror.example/debian"


def test_without_sources_the_mirror_is_debians_own(tmp_path: Path) -> None:
    assert debian_mirror([tmp_path / "missing.sources"]) == "http://deb.debian.org/debian"
