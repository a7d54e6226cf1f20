"""Clients generated from the served documents, as a user generates them: openapi-python-client
with ruff on the PATH (its formatting step), and openapi-typescript with tsc.

Each is generated once per session into a temporary folder; nothing is installed globally (the
Python package is imported by its path, the npm packages live in the temporary folder)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask

# The frontend route answers `application/javascript`, which openapi-python-client reads as
# text only when told that it is text (the README says how).
PYTHON_CONFIG = "content_type_overrides:\n  application/javascript: text/javascript\n"
# Pinned, as a project pins what its CI installs.
NPM_PACKAGES = ("openapi-typescript@7.13.0", "typescript@5.9.3")


def tools_path() -> str:
    """PATH with this interpreter's scripts first: openapi-python-client runs `ruff` from it."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def generate_python_client(document: dict[str, Any], folder: Path, package: str) -> ModuleType:
    """Generate `package` in `folder` from `document`; fail on any warning, import it by path."""
    if shutil.which("ruff", path=tools_path()) is None:
        pytest.fail("ruff is not installed beside this interpreter (it is in the test extra)")
    (folder / "document.json").write_text(json.dumps(document), "utf-8")
    (folder / "config.yaml").write_text(PYTHON_CONFIG, "utf-8")
    generated = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", "document.json", "--config", "config.yaml"),
            *("--meta", "none", "--output-path", package),
        ],
        cwd=folder,
        env={**os.environ, "PATH": tools_path()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = (generated.stdout + generated.stderr).strip().splitlines()
    # Anything beyond this one line is a warning, an error, or a part of the client left out.
    assert (generated.returncode, output) == (0, [f"Generating {package}"])
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))


def wsgi_client(api: ModuleType, app: Flask, **headers: str) -> Any:
    """The generated client, speaking to `app` in process."""
    transport = httpx.WSGITransport(app=app)  # type: ignore[arg-type]
    return api.Client(
        base_url="http://localhost",
        headers=headers,
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


def without_dates(value: Any) -> Any:
    """The value with each timestamp cut to its seconds: a parsed datetime writes `+00:00` where
    the server wrote `Z`, the same instant."""
    if isinstance(value, dict):
        return {key: without_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_dates(item) for item in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        return value[:19]
    return value


def npm_folder(folder: Path) -> Path:
    """A folder holding the pinned openapi-typescript and typescript, or a skip saying why."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip("node and npm are needed to check the TypeScript types")
    (folder / "package.json").write_text('{"private": true}', "utf-8")
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", *NPM_PACKAGES],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if installed.returncode != 0:
        pytest.skip(f"npm could not install {' '.join(NPM_PACKAGES)}: {installed.stderr[-300:]}")
    return folder


def typescript_types(folder: Path, document: dict[str, Any], name: str) -> str:
    """openapi-typescript's output for `document`, written to `<name>.ts` in `folder`."""
    (folder / f"{name}.json").write_text(json.dumps(document), "utf-8")
    generated = subprocess.run(
        [
            *(_bin(folder, "openapi-typescript"), f"{name}.json", "--output", f"{name}.ts"),
            # A field with a default is optional in a request (the default is the server's).
            *("--default-non-nullable", "false"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stderr
    assert "warn" not in generated.stderr.lower(), generated.stderr
    return (folder / f"{name}.ts").read_text("utf-8")


def compile_typescript(folder: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """`tsc --noEmit --strict` over `files` in `folder` (`fetch` from the DOM library)."""
    return subprocess.run(
        [
            *(_bin(folder, "tsc"), "--noEmit", "--strict", "--target", "es2022"),
            *("--lib", "es2022,dom", "--module", "nodenext", "--moduleResolution", "nodenext"),
            *files,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _bin(folder: Path, name: str) -> str:
    return str(folder / "node_modules" / ".bin" / name)
