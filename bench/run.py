"""mock-posthog's benchmark: every figure a median of several runs, measured side by side with
a reference in the same run (a bare Flask app answering the same bytes under the same WSGI
server, and moto's server), printed as raw medians and ratios.

    python bench/run.py                    # everything; installs moto into a throwaway venv
    python bench/run.py --only startup,throughput --no-moto
    python bench/run.py --smoke            # a few seconds: checks that the benchmark still works

Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time.
See bench/README.md for what each line measures and the last figures.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bare_app import copied_headers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
API_KEY = "phx_mock_personal_api_key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
ORG_ID = "00000000-0000-4000-8000-000000000001"
PLUGINS = "/api/organizations/@current/plugins/"
PLUGIN = PLUGINS + "1/"
CONFIGS = "/api/projects/1/plugin_configs/"
SECTIONS = (
    "startup",
    "inprocess",
    "throughput",
    "server",
    "growth",
    "persistence",
    "memory",
    "namespaces",
)
START_TIMEOUT = 60.0

# A fake AWS signature: moto reads the service (s3) from the credential scope, checks nothing.
S3_AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=0",
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
}


# Results.


@dataclass
class Row:
    section: str
    what: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    target: str = ""
    met: bool | None = None
    runs: int = 0
    # The median of the ratios of runs made side by side, when there were such pairs: on a
    # shared machine it moves less than the ratio of the two medians.
    paired_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.paired_ratio is not None:
            return self.paired_ratio
        if not self.reference_value:
            return None
        return self.value / self.reference_value


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {_format_row(row)}", file=sys.stderr, flush=True)
        return row

    def table(self) -> str:
        header = ("section", "measurement", "median", "reference (median)", "ratio", "target", "")
        lines = [header]
        for row in self.rows:
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
            reference = (
                f"{row.reference} {_amount(row.reference_value, row.unit)}"
                if row.reference_value is not None
                else row.reference
            )
            verdict = "" if row.met is None else ("met" if row.met else "NOT MET")
            lines.append(
                (
                    row.section,
                    row.what,
                    _amount(row.value, row.unit),
                    reference,
                    ratio,
                    row.target,
                    verdict,
                )
            )
        widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
        rendered = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        ]
        rendered.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(rendered)


def _format_row(row: Row) -> str:
    text = f"{row.section}: {row.what}: {_amount(row.value, row.unit)}"
    if row.reference_value is not None:
        text += f" vs {row.reference} {_amount(row.reference_value, row.unit)} ({row.ratio:.2f}x)"
    return text


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "us":
        return f"{value:.0f} us"
    if unit == "req/s":
        return f"{value:.0f} req/s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.3g} {unit}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# Options.


@dataclass(frozen=True)
class Options:
    runs: int
    seconds: float
    smoke: bool
    moto_venv: Path | None
    no_moto: bool
    workdir: Path

    def scale(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full


# Worlds the benchmark seeds: the default world plus generated records.


def default_world() -> dict[str, list[dict[str, Any]]]:
    return json.loads((ROOT / "fixtures" / "default.json").read_text("utf-8"))


def world_with(plugins: int = 0, configs: int = 0, log_entries: int = 0) -> dict[str, Any]:
    """The default world grown to `plugins` plugins, `configs` configs in project 1 (one per
    plugin) and `log_entries` log entries spread over ten configs (or fewer, if fewer)."""
    world = default_world()
    template = next(plugin for plugin in world["plugins"] if plugin["id"] == 2)
    for plugin_id in range(len(world["plugins"]) + 1, plugins + 1):
        plugin = copy.deepcopy(template)
        plugin.update(
            id=plugin_id,
            name=f"Bench plugin {plugin_id}",
            url=f"https://github.com/PostHog/bench-plugin-{plugin_id}",
        )
        world["plugins"].append(plugin)
    taken = {config["plugin"] for config in world["plugin_configs"]}
    next_id = max(config["id"] for config in world["plugin_configs"]) + 1
    for plugin_id in range(1, plugins + 1):
        if len(world["plugin_configs"]) >= configs:
            break
        if plugin_id in taken:
            continue
        world["plugin_configs"].append(
            {"id": next_id, "plugin": plugin_id, "team_id": 1, "enabled": False, "order": 0}
        )
        next_id += 1
    config_ids = [config["id"] for config in world["plugin_configs"]][:10]
    types = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
    for index in range(len(world["plugin_log_entries"]), log_entries):
        config_id = config_ids[index % len(config_ids)]
        world["plugin_log_entries"].append(
            {
                "plugin_config_id": config_id,
                "team_id": 1,
                "plugin_id": next(
                    c["plugin"] for c in world["plugin_configs"] if c["id"] == config_id
                ),
                "timestamp": f"2024-01-{1 + index % 28:02d}T{index % 24:02d}:"
                f"{index % 60:02d}:{index % 59:02d}.{index % 1000:03d}Z",
                "type": types[index // len(config_ids) % len(types)],
                "message": f"event {index} "
                + ("timeout" if index // len(config_ids) % 7 == 0 else "processed"),
            }
        )
    return world


def write_world(directory: Path, name: str, world: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(world), "utf-8")
    return path


# Processes: servers on 127.0.0.1 that print their address first.


class Server:
    def __init__(self, name: str, command: Sequence[str], env: dict[str, str] | None = None):
        self.name = name
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        line = _read_line(self.process, START_TIMEOUT)
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"{name} did not start: {line!r}")
        self.url = line.strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        threading.Thread(target=_drain, args=(self.process.stdout,), daemon=True).start()

    def wait_healthy(self, path: str = "/_mock/health") -> float:
        """Seconds from the spawn to the first 200 from `path`."""
        deadline = time.perf_counter() + START_TIMEOUT
        while time.perf_counter() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _ = request(self.port, "GET", path)
                if status == 200:
                    return time.perf_counter() - self.started
            time.sleep(0.002)
        raise RuntimeError(f"{self.name} never answered 200 on {path}")

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    found: list[str] = []
    assert process.stdout is not None
    stream = process.stdout
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else ""


def _drain(stream: Any) -> None:
    for _ in stream:
        pass


@contextlib.contextmanager
def running(
    name: str, command: Sequence[str], env: dict[str, str] | None = None
) -> Iterator[Server]:
    server = Server(name, command, env)
    try:
        yield server
    finally:
        server.stop()


def serve_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "mock_posthog.cli", "serve", "--port", "0", *arguments]


def bare_command(responses: Path) -> list[str]:
    return [sys.executable, str(HERE / "bare_app.py"), str(responses)]


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        status, content, _ = exchange(connection, method, path, body, headers)
        return status, content
    finally:
        if own:
            connection.close()


def exchange(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str] | None,
) -> tuple[int, bytes, list[tuple[str, str]]]:
    """One request on `connection`: the answer's status, body and headers."""
    connection.request(method, path, body=body, headers=headers or {})
    answer = connection.getresponse()
    return answer.status, answer.read(), answer.getheaders()


def answer_of(port: int, call: Call) -> dict[str, Any]:
    """What mock-posthog answers `call`, for a bare app to answer the same bytes: the status,
    the body, and the headers it sends (Allow and Django's security headers)."""
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as link:
        status, content, headers = exchange(
            link, call.method, call.path, call.body.encode() or None, dict(call.headers)
        )
    if status >= 300:
        raise RuntimeError(f"{call.label} answered {status}: {content[:200]!r}")
    return {
        "method": call.method,
        "path": call.path,
        "status": status,
        "content_type": "application/json",
        "body": content.decode(),
        "headers": copied_headers(headers),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Calls the throughput section makes, against each server.


@dataclass(frozen=True)
class Call:
    label: str
    method: str
    path: str
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def load(self, port: int, options: Options) -> dict[str, Any]:
        command = [
            sys.executable,
            str(HERE / "load.py"),
            "--port",
            str(port),
            "--method",
            self.method,
            "--path",
            self.path,
            "--connections",
            "10",
            "--seconds",
            str(options.seconds),
            "--warmup",
            "0.1" if options.smoke else "0.3",
        ]
        if self.body:
            command += ["--body", self.body]
        for name, value in self.headers:
            command += ["--header", f"{name}: {value}"]
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(finished.stdout)


MOCK_CALLS = {
    "GET a plugin": Call("GET a plugin", "GET", PLUGIN, headers=tuple(AUTH.items())),
    "GET a page of 100 plugins": Call(
        "GET a page of 100 plugins", "GET", PLUGINS, headers=tuple(AUTH.items())
    ),
    "POST a plugin config": Call(
        "POST a plugin config",
        "POST",
        CONFIGS,
        body=json.dumps({"plugin": 50, "order": 3, "enabled": False}),
        headers=(*AUTH.items(), ("Content-Type", "application/json")),
    ),
}

# moto's comparable calls: S3 GetObject of a small object, ListObjectsV2 of 100 keys, PutObject.
MOTO_CALLS = {
    "GET a plugin": Call(
        "S3 GetObject (0.6 KB)", "GET", "/bench/object-1.json", headers=tuple(S3_AUTH.items())
    ),
    "GET a page of 100 plugins": Call(
        "S3 ListObjectsV2 (100 keys)", "GET", "/bench?list-type=2", headers=tuple(S3_AUTH.items())
    ),
    "POST a plugin config": Call(
        "S3 PutObject (0.6 KB)",
        "PUT",
        "/bench/new.json",
        body=json.dumps({"plugin": 50, "order": 3, "enabled": False, "pad": "x" * 560}),
        headers=tuple(S3_AUTH.items()),
    ),
}


# Sections.


def section_startup(options: Options, report: Report) -> None:
    """`mock-posthog serve --port 0` to the first 200 from /_mock/health, against the bare app
    under the same server, spawned alternately."""
    responses = options.workdir / "startup-responses.json"
    responses.write_text(json.dumps([]), "utf-8")
    compile_package()
    runs = max(options.runs, 5) if not options.smoke else 1
    mock: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        for times, command in ((mock, serve_command()), (bare, bare_command(responses))):
            with running("server", command) as server:
                times.append(server.wait_healthy())
    value, reference = median(mock), median(bare)
    report.add(
        Row(
            "startup",
            "serve --port 0 to first 200 /_mock/health",
            value,
            "s",
            "bare Flask",
            reference,
            "< 0.5 s and <= 1.5x",
            value < 0.5 and value <= 1.5 * reference,
            runs,
        )
    )
    moto = moto_python(options)
    if moto is not None:
        times = []
        for _ in range(min(runs, 3)):
            with running("moto", moto_command(moto)) as server:
                times.append(server.wait_healthy("/moto-api/data.json"))
        report.add(
            Row(
                "startup",
                "moto_server to first 200 (for scale)",
                median(times),
                "s",
                runs=len(times),
            )
        )


def compile_package() -> None:
    """Byte-compile mock_posthog and every installed package `serve` imports, where they are
    imported from, as `pip install` leaves them: start-up is measured as users meet it, not
    with every module compiled from source on every start (which PYTHONDONTWRITEBYTECODE
    causes for a package installed without its bytecode)."""
    listed = subprocess.run(
        [sys.executable, "-c", _SERVE_PACKAGES], capture_output=True, text=True, check=True
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", *listed.stdout.split()], check=True)


# Prints the folder (or file) of each top-level module `serve` imports from outside the
# standard library, mock_posthog's included.
_SERVE_PACKAGES = """
import sys, sysconfig
from pathlib import Path
import mock_posthog.app, mock_posthog.cli, mock_posthog.http.serving
stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
for name, module in list(sys.modules.items()):
    file = getattr(module, "__file__", None)
    if "." in name or not file or not file.endswith(".py"):
        continue
    path = Path(file).resolve()
    if stdlib not in path.parents or "site-packages" in path.parts:
        print(path.parent if path.name == "__init__.py" else path)
"""


def section_inprocess(options: Options, report: Report) -> None:
    """A test's GET through the in-process handle (reset included) against a GET of the same
    bytes through a bare Flask app's test client; then the same as whole pytest tests."""
    from flask import Flask, Response

    from mock_posthog.harness.handle import MockPostHog

    handle = MockPostHog()  # as the pytest fixture builds it: responses validated
    body = handle.get(PLUGIN).data
    bare = Flask("bare")
    bare.add_url_rule(PLUGIN, "plugin", lambda: Response(body, content_type="application/json"))
    client = bare.test_client()
    batch = options.scale(200, 20)
    batches = options.scale(15, 2)

    def bare_get() -> None:
        client.get(PLUGIN, headers=AUTH)

    def mock_test() -> None:
        handle.reset()
        handle.get(PLUGIN)

    timings = interleaved(
        {
            "bare": bare_get,
            "mock": mock_test,
            "reset": handle.reset,
            "get": lambda: handle.get(PLUGIN),
        },
        batch,
        batches,
    )
    report.add(
        Row(
            "in-process",
            "reset + GET a plugin (handle, validated)",
            timings["mock"],
            "us",
            "bare test-client GET",
            timings["bare"],
            "<= 2x",
            timings["mock"] <= 2 * timings["bare"],
            batches,
        )
    )
    report.add(Row("in-process", "GET a plugin alone (handle)", timings["get"], "us", runs=batches))
    report.add(
        Row(
            "in-process",
            "reset of the default world",
            timings["reset"],
            "us",
            target="< 1 ms",
            met=timings["reset"] < 1000,
            runs=batches,
        )
    )
    per_test = pytest_per_test(options, body)
    report.add(
        Row(
            "in-process",
            "pytest test: `posthog` fixture + one GET",
            per_test["mock"],
            "us",
            "pytest test: bare client + one GET",
            per_test["bare"],
            "<= 2x",
            per_test["mock"] <= 2 * per_test["bare"],
            per_test["tests"],
        )
    )


def interleaved(
    actions: dict[str, Callable[[], Any]], batch: int, batches: int
) -> dict[str, float]:
    """Microseconds per call of each action: the median over batches, the actions taking turns."""
    for action in actions.values():
        for _ in range(max(batch // 10, 2)):
            action()
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(batches):
        for name, action in actions.items():
            started = time.perf_counter()
            for _ in range(batch):
                action()
            samples[name].append((time.perf_counter() - started) / batch * 1e6)
    return {name: median(values) for name, values in samples.items()}


CONFTEST = """
import json, os, pytest
from flask import Flask, Response

DURATIONS = {}
BODY = open(os.environ["BENCH_BODY"], "rb").read()

@pytest.fixture(scope="session")
def bare_client():
    app = Flask("bare")
    app.add_url_rule(%(path)r, "plugin", lambda: Response(BODY, content_type="application/json"))
    return app.test_client()

def pytest_runtest_logreport(report):
    DURATIONS.setdefault(report.nodeid, 0.0)
    DURATIONS[report.nodeid] += report.duration

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_DURATIONS"], "w") as stream:
        json.dump(DURATIONS, stream)
"""

TEST_MOCK = """
import pytest

@pytest.mark.parametrize("n", range(%(tests)d))
def test_get(posthog, n):
    assert posthog.get(%(path)r).status_code == 200
"""

TEST_BARE = """
import pytest

@pytest.mark.parametrize("n", range(%(tests)d))
def test_get(bare_client, n):
    assert bare_client.get(%(path)r, headers=%(auth)r).status_code == 200
"""


def pytest_per_test(options: Options, body: bytes) -> dict[str, float]:
    """Setup, call and teardown of each test, summed; the median per test file."""
    folder = options.workdir / "pytest-run"
    folder.mkdir(exist_ok=True)
    tests = options.scale(300, 5)
    values = {"path": PLUGIN, "tests": tests, "auth": AUTH}
    (folder / "conftest.py").write_text(CONFTEST % values)
    (folder / "test_mock.py").write_text(TEST_MOCK % values)
    (folder / "test_bare.py").write_text(TEST_BARE % values)
    (folder / "body.json").write_bytes(body)
    samples: dict[str, list[float]] = {"mock": [], "bare": []}
    runs = options.scale(3, 1)
    for run in range(runs):
        durations = folder / "durations.json"
        files = ["test_bare.py", "test_mock.py"]
        env = {**os.environ, "BENCH_BODY": str(folder / "body.json")}
        env["BENCH_DURATIONS"] = str(durations)
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
            + (files if run % 2 == 0 else files[::-1]),
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
        )
        for nodeid, seconds in json.loads(durations.read_text()).items():
            samples["mock" if nodeid.startswith("test_mock") else "bare"].append(seconds * 1e6)
    return {"mock": median(samples["mock"]), "bare": median(samples["bare"]), "tests": tests * runs}


def section_throughput(options: Options, report: Report) -> None:
    """10 keep-alive connections on loopback against `serve` (100 plugins seeded), the bare app
    answering the same bytes under the same server, and moto's server."""
    world = write_world(options.workdir, "world-100.json", world_with(plugins=100))
    with running("mock-posthog", serve_command("--fixtures", str(world))) as mock:
        mock.wait_healthy()
        responses = [answer_of(mock.port, call) for call in MOCK_CALLS.values()]
        responses_file = options.workdir / "throughput-responses.json"
        responses_file.write_text(json.dumps(responses), "utf-8")
        with contextlib.ExitStack() as stack:
            bare = stack.enter_context(running("bare", bare_command(responses_file)))
            bare.wait_healthy()
            moto_server = None
            moto = moto_python(options)
            if moto is not None:
                moto_server = stack.enter_context(running("moto", moto_command(moto)))
                moto_server.wait_healthy("/moto-api/data.json")
                prepare_moto(moto_server.port)
            samples: dict[tuple[str, str], list[float]] = {}
            cpu: dict[tuple[str, str], list[float]] = {}
            runs = max(options.runs, 5) if not options.smoke else 1
            for run in range(runs):
                for label, call in MOCK_CALLS.items():
                    targets = [("mock", mock, call), ("bare", bare, call)]
                    if moto_server is not None:
                        targets.append(("moto", moto_server, MOTO_CALLS[label]))
                    turn = run % len(targets)  # who goes first changes from run to run
                    for name, server, made in targets[turn:] + targets[:turn]:
                        used = server.cpu_seconds()
                        result = made.load(server.port, options)
                        used = server.cpu_seconds() - used
                        if result["errors"] and name != "moto":  # moto's own 500s: not ours
                            raise RuntimeError(f"{name} {made.label}: {result['statuses']}")
                        samples.setdefault((name, label), []).append(result["rps"])
                        served = max(result["requests"], 1)
                        cpu.setdefault((name, label), []).append(used / served * 1e6)
    for label in MOCK_CALLS:
        for reference, target, least in (("bare", "bare Flask", 0.7), ("moto", "moto", 2.0)):
            if (reference, label) not in samples:
                continue
            mine, theirs = samples["mock", label], samples[reference, label]
            paired = median(
                [ours / max(other, 1e-9) for ours, other in zip(mine, theirs, strict=True)]
            )
            what = f"{label} (10 connections)" if reference == "bare" else f"{label} vs moto"
            name = target if reference == "bare" else f"moto {MOTO_CALLS[label].label}"
            report.add(
                Row(
                    "throughput",
                    what,
                    median(mine),
                    "req/s",
                    name,
                    median(theirs),
                    f">= {least:g}x",
                    paired >= least,
                    runs,
                    paired,
                )
            )
        report.add(
            Row(
                "throughput",
                f"{label}: server CPU per request",
                median(cpu["mock", label]),
                "us",
                "bare Flask",
                median(cpu["bare", label]),
                "(for reading)",
                runs=runs,
            )
        )


def section_server(options: Options, report: Report) -> None:
    """The WSGI server, against waitress and a raw WSGI callable (bench/server_section.py)."""
    from server_section import section_server as measure

    measure(options, report)


def section_growth(options: Options, report: Report) -> None:
    """Create, retrieve and update a plugin, a filtered logs query, and seeding, with 10
    records and with 10,000 plugins and 100,000 log entries, in process (as `serve` runs:
    responses not validated)."""
    from mock_posthog.app import create_app
    from mock_posthog.settings import Settings

    plugins = options.scale(10_000, 300)
    entries = options.scale(100_000, 1_000)
    small = write_world(options.workdir, "world-10.json", world_with(plugins=10, log_entries=10))
    large = write_world(
        options.workdir,
        "world-large.json",
        world_with(plugins=plugins, configs=100, log_entries=entries),
    )
    seeding: dict[str, list[float]] = {"small": [], "large": []}
    apps: dict[str, Any] = {}
    for _ in range(options.scale(5, 1)):
        for name, path in (("small", small), ("large", large)):
            started = time.perf_counter()
            apps[name] = create_app(Settings(fixtures=(path,)))
            seeding[name].append(time.perf_counter() - started)
    report.add(
        Row(
            "growth",
            f"seed {entries:,} log entries + {plugins:,} plugins from a fixture file",
            median(seeding["large"]),
            "s",
            "10 records",
            median(seeding["small"]),
            "< 2 s",
            median(seeding["large"]) < 2,
            len(seeding["large"]),
        )
    )
    counter = iter(range(10**9))
    clients = {name: app.test_client() for name, app in apps.items()}
    created: dict[str, list[int]] = {"small": [], "large": []}

    def create(name: str) -> Callable[[], Any]:
        def action() -> None:
            answer = clients[name].post(
                PLUGINS,
                json={"plugin_type": "source", "name": f"bench {next(counter)}"},
                headers=AUTH,
            )
            created[name].append(answer.json["id"])

        return action

    def retrieve(name: str) -> Callable[[], Any]:
        return lambda: clients[name].get(f"{PLUGINS}{created[name][-1]}/", headers=AUTH)

    def update(name: str) -> Callable[[], Any]:
        return lambda: clients[name].patch(
            f"{PLUGINS}{created[name][-1]}/",
            json={"name": f"renamed {next(counter)}"},
            headers=AUTH,
        )

    batch, batches = options.scale(50, 5), options.scale(9, 1)
    for operation, make in (("create", create), ("retrieve", retrieve), ("update", update)):
        timings = interleaved({name: make(name) for name in apps}, batch, batches)
        report.add(
            Row(
                "growth",
                f"{operation} a plugin, large world",
                timings["large"],
                "us",
                "10 records",
                timings["small"],
                "<= 2x",
                timings["large"] <= 2 * timings["small"],
                batches,
            )
        )
    query = "/api/projects/1/plugin_configs/1/logs/?type_filter=ERROR&search=timeout"
    timings = interleaved(
        {name: (lambda name=name: clients[name].get(query, headers=AUTH)) for name in apps},
        options.scale(5, 1),
        options.scale(7, 1),
    )
    report.add(
        Row(
            "growth",
            f"filtered logs query (a config with {entries // 10:,} entries)",
            timings["large"] / 1e6,
            "s",
            "10 records",
            timings["small"] / 1e6,
            "< 50 ms",
            timings["large"] < 50_000,
            options.scale(7, 1),
        )
    )


def section_persistence(options: Options, report: Report) -> None:
    """With --data and 1,000 plugins + 1,000 configs: sequential PATCHes of a config over one
    connection; after each, the file is read back and must hold the change."""
    count = options.scale(1_000, 50)
    world = write_world(
        options.workdir, "world-persist.json", world_with(plugins=count, configs=count)
    )
    writes = options.scale(200, 10)
    latencies: dict[str, list[float]] = {}
    for name, extra in (("memory", []), ("data", ["--data", str(options.workdir / "data.json")])):
        with running(name, serve_command("--fixtures", str(world), *extra)) as server:
            server.wait_healthy()
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            samples = latencies.setdefault(name, [])
            for index in range(writes):
                config_id = 1 + index % 10
                body = json.dumps({"order": index}).encode()
                started = time.perf_counter()
                status, _ = request(
                    server.port,
                    "PATCH",
                    f"{CONFIGS}{config_id}/",
                    body,
                    {**AUTH, "Content-Type": "application/json"},
                    connection,
                )
                samples.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"PATCH answered {status}")
                if name == "data":
                    check_saved(options.workdir / "data.json", config_id, index)
            connection.close()
    value, reference = median(latencies["data"]), median(latencies["memory"])
    report.add(
        Row(
            "persistence",
            f"PATCH a config with --data ({count:,} plugins + {count:,} configs)",
            value,
            "s",
            "in memory",
            reference,
            "< 5 ms; file complete",
            value < 0.005,
            writes,
        )
    )


def check_saved(path: Path, config_id: int, order: int) -> None:
    """The file is whole JSON and holds the acknowledged write."""
    saved = json.loads(path.read_text("utf-8"))
    if saved["plugin_configs"][str(config_id)]["order"] != order:
        raise RuntimeError(f"the data file lacks the write of order {order} to config {config_id}")


def section_memory(options: Options, report: Report) -> None:
    """Resident memory of `serve` on the default world: started, then after a long run with
    the journal at its cap (1,000 entries), then after as many requests again."""
    responses = options.workdir / "memory-responses.json"
    responses.write_text(json.dumps([]), "utf-8")
    with running("bare", bare_command(responses)) as bare:
        bare.wait_healthy()
        bare_rss = bare.rss_mb()
    with running("mock-posthog", serve_command()) as server:
        server.wait_healthy()
        started = server.rss_mb()
        call = MOCK_CALLS["GET a plugin"]
        volume = options.scale(10_000, 300)
        rss = []
        for _ in range(3):
            load = subprocess.run(
                [
                    sys.executable,
                    str(HERE / "load.py"),
                    "--port",
                    str(server.port),
                    "--path",
                    call.path,
                    "--header",
                    f"Authorization: Bearer {API_KEY}",
                    "--seconds",
                    "60",
                    "--warmup",
                    "0",
                    "--max-requests",
                    str(volume),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            json.loads(load.stdout)
            rss.append(server.rss_mb())
    report.add(
        Row(
            "memory",
            "RSS of serve, default world, started",
            started,
            "MB",
            "bare Flask",
            bare_rss,
            "< 60 MB",
            started < 60,
        )
    )
    report.add(
        Row(
            "memory",
            f"RSS after {volume:,} / {2 * volume:,} / {3 * volume:,} requests",
            rss[-1],
            "MB",
            target=f"stops growing ({' / '.join(f'{value:.1f}' for value in rss)} MB)",
            met=rss[-1] - rss[1] < 2,
        )
    )


# Namespaces: what a new one costs, in time and in memory.


def section_namespaces(options: Options, report: Report) -> None:
    """The first request in a new namespace (its world restored from the seed's bytes) against
    the same GET in a namespace that exists, in-process; then `serve`'s RSS with many
    namespaces of a few writes each."""
    from mock_posthog import Settings, create_app

    client = create_app(Settings()).test_client()
    count = options.scale(500, 20)
    made = iter(range(10**9))

    def first_request() -> None:
        name = f"ns-{next(made)}"
        client.get(PLUGIN, headers={**AUTH, "X-Mock-PostHog-Namespace": name})

    def existing() -> None:
        client.get(PLUGIN, headers={**AUTH, "X-Mock-PostHog-Namespace": "ns-kept"})

    existing()
    timings = interleaved({"first": first_request, "kept": existing}, count, options.runs)
    report.add(
        Row(
            "namespaces",
            "first request in a new namespace (GET a plugin)",
            timings["first"],
            "us",
            "GET in an existing namespace",
            timings["kept"],
            "<= 5 ms",
            timings["first"] <= 5000,
            options.runs,
        )
    )
    namespaces_memory(options, report)


def namespaces_memory(options: Options, report: Report) -> None:
    count = options.scale(1000, 30)
    with running("mock-posthog", serve_command()) as server:
        server.wait_healthy()
        started = server.rss_mb()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for number in range(count):
            headers = {**AUTH, "X-Mock-PostHog-Namespace": f"job-{number}"}
            for order in (1, 2, 3):
                body = json.dumps({"order": order}).encode()
                status, _ = request(
                    server.port,
                    "PATCH",
                    CONFIGS + "1/",
                    body,
                    {**headers, "Content-Type": "application/json"},
                    connection,
                )
                if status != 200:
                    raise RuntimeError(f"PATCH in a namespace answered {status}")
        connection.close()
        grown = server.rss_mb()
    report.add(
        Row(
            "namespaces",
            f"RSS of serve with {count:,} namespaces of 3 writes each",
            grown,
            "MB",
            "started",
            started,
            "< 300 MB",
            grown < 300,
        )
    )
    report.add(
        Row("namespaces", "RSS per namespace", (grown - started) / count * 1024, "KB", runs=1)
    )


# moto, in a throwaway virtualenv.


def moto_python(options: Options) -> Path | None:
    if options.no_moto or options.smoke:
        return None
    venv = options.moto_venv or options.workdir / "moto-venv"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "moto_server").exists():
        print(f"installing moto[server] into {venv} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "moto[server]"],
            check=True,
        )
    return python


def moto_command(python: Path) -> list[str]:
    """moto's server prints no address of its own; a wrapper prints it once it listens."""
    port = free_port()
    script = (
        "import sys, threading, time, urllib.request\n"
        "from moto.server import ThreadedMotoServer\n"
        f"server = ThreadedMotoServer(ip_address='127.0.0.1', port={port}, verbose=False)\n"
        "server.start()\n"
        f"print('http://127.0.0.1:{port}', flush=True)\n"
        "import signal\n"
        "signal.signal(signal.SIGTERM, lambda *a: (server.stop(), sys.exit(0)))\n"
        "while True: time.sleep(1)\n"
    )
    return [str(python), "-c", script]


def prepare_moto(port: int) -> None:
    """A bucket with 100 small objects, for GetObject and ListObjectsV2."""
    status, content = request(port, "PUT", "/bench", b"", S3_AUTH)
    if status != 200:
        raise RuntimeError(f"moto refused the bucket: {status} {content[:200]!r}")
    body = json.dumps({"id": 1, "name": "x" * 560}).encode()
    for index in range(1, 101):
        request(port, "PUT", f"/bench/object-{index}.json", body, S3_AUTH)


# Main.


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was beside the run."""
    return " / ".join(f"{load:.2f}" for load in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=5, help="runs per median (at least 5)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per load run")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run, no moto")
    parser.add_argument("--no-moto", action="store_true", help="skip the comparison with moto")
    parser.add_argument("--moto-venv", type=Path, help="reuse (or create) moto's venv here")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    arguments = parser.parse_args(argv)
    sections = arguments.only.split(",") if arguments.only else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    workdir = Path(tempfile.mkdtemp(prefix="mock-posthog-bench-"))
    options = Options(
        runs=1 if arguments.smoke else max(arguments.runs, 5),
        seconds=0.3 if arguments.smoke else arguments.seconds,
        smoke=arguments.smoke,
        moto_venv=arguments.moto_venv,
        no_moto=arguments.no_moto,
        workdir=workdir,
    )
    report = Report()
    load_at_start = load_average()
    try:
        for name in SECTIONS:
            if name in sections:
                print(f"{name} ...", file=sys.stderr, flush=True)
                globals()[f"section_{name}"](options, report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"mock-posthog benchmark on {machine()}{' (smoke run)' if options.smoke else ''};"
        f" load average {load_at_start} at the start, {load_average()} at the end"
    )
    print(report.table())
    if arguments.json:
        arguments.json.write_text(json.dumps([asdict(row) for row in report.rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
