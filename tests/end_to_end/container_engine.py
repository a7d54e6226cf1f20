"""podman or docker, driven from tests: the engine found on this machine, set up to run here,
and the base image the project's Dockerfile builds on.

Where python:3.12-slim can be neither found nor pulled (no registry in reach), a stand-in is
made once from Debian's packages with debootstrap and kept in the engine's storage by its
tag, so that later runs find it at once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BASE_IMAGE = "docker.io/library/python:3.12-slim"
STAND_IN = "localhost/mock-posthog-python-stand-in:bookworm"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# podman's defaults fail where it cannot raise its open-files limit or use systemd's cgroups
# (containers in CI, sandboxes); these settings work wherever podman does.
PODMAN_CONF = """\
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
"""


class Unavailable(Exception):
    """The engine cannot build or run images here; the message says why."""


@dataclass
class Engine:
    program: str
    environ: dict[str, str]

    @property
    def podman(self) -> bool:
        return Path(self.program).name == "podman"

    def run(
        self, *arguments: str, timeout: float = 120, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [self.program, *arguments],
            env=self.environ,
            capture_output=True,
            text=stdin is None,
            input=stdin,
            timeout=timeout,
        )
        if isinstance(done.stdout, bytes):  # with binary input, decode what came back
            done = subprocess.CompletedProcess(
                done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
            )
        if check and done.returncode != 0:
            raise AssertionError(f"{self.program} {' '.join(arguments)}: {done.stderr.strip()}")
        return done

    def has_image(self, tag: str) -> bool:
        return self.run("image", "inspect", tag, check=False).returncode == 0

    def build_format(self) -> list[str]:
        """podman keeps HEALTHCHECK only in Docker's image format."""
        return ["--format", "docker"] if self.podman else []


def find_engine(workdir: Path) -> Engine:
    program = shutil.which("podman") or shutil.which("docker")
    if program is None:
        raise Unavailable("neither podman nor docker is installed")
    environ = dict(os.environ)
    if Path(program).name == "podman" and "CONTAINERS_CONF" not in environ:
        conf = workdir / "containers.conf"
        conf.write_text(PODMAN_CONF)
        environ["CONTAINERS_CONF"] = str(conf)
    engine = Engine(program, environ)
    info = engine.run("info", check=False, timeout=60)
    if info.returncode != 0:
        raise Unavailable(f"{program} cannot run here: {info.stderr.strip()[-300:]}")
    return engine


def base_image(engine: Engine) -> str:
    """python:3.12-slim when it is here or can be pulled; else the stand-in, made if need be."""
    if engine.has_image(BASE_IMAGE):
        return BASE_IMAGE
    if engine.has_image(STAND_IN):
        return STAND_IN
    if engine.run("pull", BASE_IMAGE, check=False, timeout=300).returncode == 0:
        return BASE_IMAGE
    make_stand_in(engine)
    return STAND_IN


def make_stand_in(engine: Engine) -> None:
    """A Debian rootfs with Python, pip and venv, imported as STAND_IN (about a minute)."""
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None or os.geteuid() != 0:
        raise Unavailable(
            f"{BASE_IMAGE} cannot be pulled, and making a stand-in needs debootstrap and root"
        )
    with tempfile.TemporaryDirectory(prefix="mock-posthog-rootfs-") as root:
        packages = "--include=python3,python3-venv,python3-pip,ca-certificates,passwd"
        made = subprocess.run(
            [debootstrap, "--variant=minbase", packages, "bookworm", root, debian_mirror()],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if made.returncode != 0:
            raise Unavailable(f"debootstrap failed: {made.stderr.strip()[-300:]}")
        # As in python:3.12-slim, pip may install into the system's Python.
        for marker in Path(root).glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
        # A stand-in for this machine trusts what it trusts (a proxy's CA, say), so that pip
        # in a build reaches the package registry as pip here does.
        if HOST_CA_BUNDLE.is_file():
            shutil.copyfile(HOST_CA_BUNDLE, Path(root) / HOST_CA_BUNDLE.relative_to("/"))
        archive = subprocess.run(["tar", "-C", root, "-c", "."], capture_output=True, check=True)
        engine.run("import", "-", STAND_IN, stdin=archive.stdout, timeout=600)


def debian_mirror(sources: Sequence[Path] = ()) -> str:
    """The Debian mirror this machine's apt uses; Debian's own when none is found."""
    found = list(sources) or [
        *Path("/etc/apt/sources.list.d").glob("*.sources"),
        Path("/etc/apt/sources.list"),
    ]
    for path in found:
        text = path.read_text() if path.is_file() else ""
        match = re.search(r"^URIs:\s*(\S+)", text, re.M) or re.search(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.M
        )
        if match:
            return match.group(1)
    return "http://deb.debian.org/debian"
