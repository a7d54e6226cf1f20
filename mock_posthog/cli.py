"""The `mock-posthog` command: serve, check, health."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from mock_posthog.settings import Settings
from mock_posthog.version import __version__
from mock_posthog.world.data_file import DataFileError
from mock_posthog.world.fixtures import FixtureError, problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    return arguments.run(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mock-posthog", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mock-posthog {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the emulated API over HTTP")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on; 0 picks a free one")
    serve.add_argument("--data", type=Path, help="TinyDB file that keeps the state")
    serve.add_argument(
        "--fixtures", type=Path, action="append", help="fixture file (repeatable, merged in order)"
    )
    serve.add_argument("--plugins-dir", type=Path, help="directory that file: plugin URLs read")
    serve.add_argument(
        "--validate-responses",
        action="store_true",
        default=None,
        help="check every response against its schema",
    )
    serve.add_argument(
        "--journal-limit", type=int, help="requests the journal keeps (default 1000; 0: all)"
    )
    serve.add_argument(
        "--rate-limit",
        action="store_true",
        default=None,
        help="throttle personal API keys as PostHog does (480/minute, 4800/hour)",
    )
    serve.add_argument("--uuid-seed", type=int, help="make UUIDs the same on every run")
    serve.add_argument(
        "--max-namespaces",
        type=_count,
        help="namespaces kept beside the default one; the least recently used go (default 1000)",
    )
    serve.add_argument(
        "--namespace-idle-seconds",
        type=_count,
        help="drop a namespace after this many seconds without a request (default 3600)",
    )
    token = serve.add_mutually_exclusive_group()
    token.add_argument(
        "--control-token",
        help="secret that /_mock/ requests must send (prefer MOCK_POSTHOG_CONTROL_TOKEN: "
        "a flag shows in the process list)",
    )
    token.add_argument(
        "--no-control-token",
        dest="control_token",
        action="store_const",
        const="off",
        help="serve /_mock/ without a token even beyond loopback",
    )
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check", help="validate fixture files without serving")
    check.add_argument("files", type=Path, nargs="+")
    check.set_defaults(run=_check)

    document = commands.add_parser("openapi", help="print the OpenAPI document of the API")
    document.add_argument(
        "--control",
        action="store_true",
        help="print the control plane's document (/_mock/openapi.json) instead",
    )
    document.set_defaults(run=_print_openapi)

    health = commands.add_parser("health", help="exit 0 when a server says it is ready")
    health.add_argument(
        "--url", help="the server's address (default http://127.0.0.1:$MOCK_POSTHOG_PORT)"
    )
    health.set_defaults(run=_health)
    return parser


def _serve(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env(
        host=arguments.host,
        port=arguments.port,
        data=arguments.data,
        fixtures=tuple(arguments.fixtures) if arguments.fixtures else None,
        plugins_dir=arguments.plugins_dir,
        validate_responses=arguments.validate_responses,
        journal_limit=arguments.journal_limit,
        rate_limit=arguments.rate_limit,
        uuid_seed=arguments.uuid_seed,
        max_namespaces=arguments.max_namespaces,
        namespace_idle_seconds=arguments.namespace_idle_seconds,
        control_token=arguments.control_token,
    )
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    from mock_posthog.app import create_app
    from mock_posthog.control.control_token import protection, refusal_message
    from mock_posthog.http import recording, redaction

    guard = protection(settings)
    if guard.refused:
        print(f"mock-posthog: {refusal_message(settings.host)}", file=sys.stderr)
        return 2
    unwritable = settings.data and _unwritable(settings.data)
    if unwritable:
        print(f"mock-posthog: {unwritable}", file=sys.stderr)
        return 2

    try:
        app = create_app(settings)
    except FixtureError as error:
        print(f"mock-posthog: refusing the fixtures: {error}", file=sys.stderr)
        return 2
    except DataFileError as error:
        print(f"mock-posthog: refusing the data file: {error}", file=sys.stderr)
        return 2
    world = app.extensions["mock_posthog"].world
    redaction.install(lambda: recording.key_values(world.store))  # no key or token in the log
    logging.getLogger("mock_posthog").log(
        logging.INFO if guard.loopback or guard.token else logging.WARNING,
        guard.describe(settings.host),
    )
    from mock_posthog.http.serving import serve

    def listening(port: int) -> None:
        print(f"http://{_display_host(settings.host)}:{port}", flush=True)

    serve(app, settings.host, settings.port, listening)
    return 0


def _count(text: str) -> int:
    """A whole number, 0 or more, for argparse."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (0 or more)")
    return int(text)


def _unwritable(data: Path) -> str | None:
    """Why this process cannot save `data`, said for a container's user; None when it can.
    Saves write a file beside `data` and rename it, so its directory must be writable."""
    directory = data.resolve().parent
    if not directory.is_dir():
        return f"cannot keep the data file {data}: the directory {directory} does not exist"
    if os.access(directory, os.W_OK):
        return None
    uid, gid = os.getuid(), os.getgid()
    return (
        f"cannot keep the data file {data}: {directory} is not writable by uid {uid} "
        f"(gid {gid}), which this process runs as; give uid {uid} write access to it "
        f"(chown {uid} on the host), or run the container as its owner with "
        '--user "$(stat -c %u:%g DIRECTORY)"'
    )


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _check(arguments: argparse.Namespace) -> int:
    """Every error of the files, each with its file and path, as `serve --fixtures` would
    refuse them; exit 1 when there is one."""
    errors = problems(arguments.files)
    for path in arguments.files:
        if not any(error.source == str(path) for error in errors):
            print(f"{path}: ok")
    for error in errors:
        print(f"{error.source}: {error.path}: {error.message}")
    return 1 if errors else 0


def _print_openapi(arguments: argparse.Namespace) -> int:
    import json

    from mock_posthog.contract.openapi import document
    from mock_posthog.posthog.api import ROUTES

    if arguments.control:
        from mock_posthog.app import create_app
        from mock_posthog.control.document import document as control_document

        print(json.dumps(control_document(create_app(Settings())), indent=2))
    else:
        print(json.dumps(document(ROUTES), indent=2))
    return 0


def _health(arguments: argparse.Namespace) -> int:
    """For container health checks: GET /_mock/health answers 200 only once the world is
    loaded."""
    settings = Settings.from_env()
    base = arguments.url or f"http://127.0.0.1:{settings.port}"
    check = urllib.request.Request(f"{base.rstrip('/')}/_mock/health")
    if settings.required_control_token:
        check.add_header("X-Mock-PostHog-Token", settings.required_control_token)
    try:
        with urllib.request.urlopen(check, timeout=5) as answer:
            print(f"{base}: {answer.status}")
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{base}: not ready ({error})")
        return 1


if __name__ == "__main__":
    sys.exit(main())
