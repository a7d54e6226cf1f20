"""The `mock-posthog` command: a local emulator of PostHog's plugin and plugin-config REST API.

Commands: serve (the API over HTTP), check (fixture files), openapi (the API's document),
health (whether a server is ready). `mock-posthog COMMAND --help` says more.
"""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, NoReturn

from mock_posthog import settings as setting_options
from mock_posthog.settings import Settings, SettingsError, unknown_variables
from mock_posthog.version import __version__
from mock_posthog.world import data_file
from mock_posthog.world.data_file import DataFileError
from mock_posthog.world.fixtures import FixtureError, problems

PROG = "mock-posthog"
SERVE_DESCRIPTION = """\
Serve the emulated API, and the control plane /_mock/, over HTTP.

The first line on stdout is the address, http://HOST:PORT, printed once the server
accepts connections (with --port 0, the port it picked). The log goes to stderr.
SIGINT (Ctrl-C) or SIGTERM stops it cleanly, the data file whole.

Every option can also be set by the MOCK_POSTHOG_* variable named beside it; a flag wins
over its variable. A mistake in either is one line on stderr and exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, whose mistakes are one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except KeyboardInterrupt:  # Ctrl-C before `serve` listens, or during `check`: no traceback
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(
        required=True, metavar="COMMAND", title="commands", parser_class=_Parser
    )
    _add_serve(commands)
    check = commands.add_parser(
        "check",
        help="validate fixture files without serving",
        description="Validate fixture files as `serve --fixtures` would load them, without "
        "serving: that each file is readable JSON, that every record of every table matches "
        "the fixture schema (the path of each bad field is printed), and, when the files are "
        "sound, that every reference names a record one of them holds. Prints `FILE: ok` or "
        "each error as `FILE: PATH: MESSAGE`; exits 1 when there is an error.",
    )
    check.add_argument("files", type=Path, nargs="+", metavar="FILE", help="fixture file")
    check.set_defaults(run=_check)

    document = commands.add_parser("openapi", help="print the OpenAPI document of the API")
    document.add_argument(
        "--control",
        action="store_true",
        help="print the control plane's document (/_mock/openapi.json) instead",
    )
    document.set_defaults(run=_print_openapi)

    health = commands.add_parser(
        "health",
        help="exit 0 when a server says it is ready",
        description="GET /_mock/health of a server (with MOCK_POSTHOG_CONTROL_TOKEN when set): "
        "exit 0 once it answers 200, 1 otherwise. For container health checks.",
    )
    health.add_argument(
        "--url", help="the server's address (default http://127.0.0.1:$MOCK_POSTHOG_PORT)"
    )
    health.set_defaults(run=_health)
    return parser


def _add_serve(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`serve`'s options, one for each setting that has a flag, from the settings'
    declarations; the others are listed as variables."""
    unflagged = [
        f"  {setting_options.variable(name)}\n      {option.help}\n"
        f"      ({option.accepts}; default: {setting_options.default_text(name)})"
        for name, option in setting_options.options().items()
        if not option.flag
    ]
    serve = commands.add_parser(
        "serve",
        help="serve the emulated API over HTTP",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=SERVE_DESCRIPTION,
        epilog="variables with no flag:\n" + "\n".join(unflagged),
    )
    token = serve.add_mutually_exclusive_group()
    for name, option in setting_options.options().items():
        if not option.flag:
            continue
        described = (
            f"{option.help} ({setting_options.variable(name)}; "
            f"default: {setting_options.default_text(name)})"
        )
        target = token if name == "control_token" else serve
        if option.switch:
            target.add_argument(
                setting_options.flag(name),
                dest=name,
                action="store_const",
                const="1",
                help=described,
            )
        elif name == "fixtures":
            serve.add_argument(
                "--fixtures", action="append", type=Path, metavar="FILE", help=described
            )
        else:
            target.add_argument(
                setting_options.flag(name), dest=name, metavar=option.metavar, help=described
            )
    token.add_argument(
        "--no-control-token",
        dest="control_token",
        action="store_const",
        const=setting_options.CONTROL_TOKEN_OFF,
        help="serve /_mock/ without a token even beyond loopback "
        f"(MOCK_POSTHOG_CONTROL_TOKEN={setting_options.CONTROL_TOKEN_OFF})",
    )
    serve.set_defaults(run=_serve)


def _refuse(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _serve(arguments: argparse.Namespace) -> int:
    for warning in unknown_variables():
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    flags = {
        name: getattr(arguments, name)
        for name, option in setting_options.options().items()
        if option.flag and name != "fixtures"
    }
    fixtures = tuple(arguments.fixtures) if arguments.fixtures else None
    try:
        settings = Settings.from_env(flags=flags, fixtures=fixtures)
    except SettingsError as error:
        return _refuse(str(error))
    from mock_posthog.control.control_token import protection, refusal_message
    from mock_posthog.http.serving import listen

    try:
        listener = listen(settings.host, settings.port)
    except OSError as error:
        return _refuse(_listen_failure(settings.host, settings.port, error))
    if protection(settings).refused:
        listener.close()
        return _refuse(refusal_message(settings.host))
    held: IO[str] | None = None
    if settings.data is not None:
        try:
            path = data_file.usable_path(settings.data)
            held = data_file.lock(path)  # held until this process ends
        except DataFileError as error:
            listener.close()
            return _refuse(f"refusing the data file: {error}")
        settings = replace(settings, data=path)
    with listener:
        return _serve_on(settings, listener, held)


def _listen_failure(host: str, port: int, error: OSError) -> str:
    if isinstance(error, socket.gaierror):
        host_option = setting_options.options()["host"]
        return (
            f"--host / MOCK_POSTHOG_HOST {host!r}: the name does not resolve "
            f"(expected {host_option.accepts})"
        )
    where = f"{_display_host(host)}:{port}"
    if error.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {where}: address already in use "
            "(another server? use --port 0 for a free port)"
        )
    return f"cannot listen on {where}: {(error.strerror or str(error)).lower()}"


def _serve_on(settings: Settings, listener: socket.socket, held: IO[str] | None) -> int:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    from mock_posthog.app import create_app
    from mock_posthog.control.control_token import protection
    from mock_posthog.http import faults, recording, redaction
    from mock_posthog.http.serving import end_process, serve

    try:
        app = create_app(settings)
    except FixtureError as error:
        return _refuse(f"refusing the fixtures: {error}")
    except DataFileError as error:
        return _refuse(f"refusing the data file: {error}")
    world = app.extensions["mock_posthog"].world
    redaction.install(lambda: recording.key_values(world.store))  # no key or token in the log
    log = logging.getLogger("mock_posthog")
    guard = protection(settings)
    log.info("mock-posthog %s: %s", __version__, _world_line(settings))
    log.info("%s", _data_line(settings, held))
    log.log(
        logging.INFO if guard.loopback or guard.token else logging.WARNING,
        guard.describe(settings.host),
    )

    def listening(port: int) -> None:
        print(f"http://{_display_host(settings.host)}:{port}", flush=True)

    serve(app, listener, listening, faults.any_latency, settings.max_body_bytes)
    # Every write is saved as it commits, and the data file's lock ends with the process.
    end_process(0)


def _world_line(settings: Settings) -> str:
    if not settings.fixtures:
        return "serving the default world (fixtures/default.json)"
    return "serving the world of " + ", ".join(str(path) for path in settings.fixtures)


def _data_line(settings: Settings, held: IO[str] | None) -> str:
    if settings.data is None:
        return "no data file: the state lives in memory and ends with the server"
    return f"data file {settings.data}, locked by this server (PID in {held and held.name})"


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
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        return _refuse(str(error))
    # Imported here, not at the top: urllib.request brings http.client, email and ssl, which
    # `serve` never uses and would load before its first answer.
    import urllib.error
    import urllib.request

    base = arguments.url or f"http://127.0.0.1:{settings.port}"
    check = urllib.request.Request(f"{base.rstrip('/')}/_mock/health")
    if settings.required_control_token:
        check.add_header("X-Mock-PostHog-Token", settings.required_control_token)
    try:
        with urllib.request.urlopen(check, timeout=5) as answer:
            print(f"{base}: {answer.status}")
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"{base}: not ready ({error})")
        return 1


if __name__ == "__main__":
    sys.exit(main())
