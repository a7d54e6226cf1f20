"""The references the benchmark compares mock-posthog with: a bare Flask app answering fixed
bytes for fixed routes (the same bytes mock-posthog answered) and `/_mock/health`, or a raw
WSGI callable answering the same bytes (the server's ceiling), or mock-posthog's own app;
under mock-posthog's server (granian, as `serve` runs it) or waitress. Each prints its address
first, as `serve` does.

    python bench/bare_app.py RESPONSES.json [--port 0] [--server granian|waitress] [--raw]
    python bench/bare_app.py --mock [--server waitress]

RESPONSES.json is a list of {"method", "path", "status", "content_type", "body"} and, for
the same bytes on the wire, "headers": the other headers mock-posthog sent, as [name, value].
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HEALTH = json.dumps({"status": "ok"}).encode()
# waitress as `serve` ran it, with its limits raised: 16 threads (fewer cost more CPU per
# request with 10 connections), and 1,000 connections where its default stops at 100.
WAITRESS = {
    "threads": 16,
    "connection_limit": 1000,
    "backlog": 1024,
    "asyncore_use_poll": True,
    "max_request_body_size": 10 * 1024 * 1024,
}


# What a server writes of its own, and what the bare apps write themselves.
NOT_COPIED = {"content-type", "content-length", "date", "server", "connection", "keep-alive"}


def copied_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers of mock-posthog's answer a bare app sends too, to answer the same bytes."""
    return [(name, value) for name, value in headers if name.lower() not in NOT_COPIED]


def make_app(responses: list[dict[str, Any]]) -> Flask:
    app = Flask("bare")
    for index, spec in enumerate(responses):
        body = spec["body"].encode()
        headers = [(name, value) for name, value in spec.get("headers", ())]

        def view(
            body: bytes = body, spec: dict[str, Any] = spec, headers: Any = headers
        ) -> Response:
            # Read as the mock reads it: granian closes a connection whose body was left.
            request.get_data()
            return Response(
                body, status=spec["status"], content_type=spec["content_type"], headers=headers
            )

        app.add_url_rule(spec["path"], f"route{index}", view, methods=[spec["method"]])
    app.add_url_rule(
        "/_mock/health", "health", lambda: Response(HEALTH, content_type="application/json")
    )
    return app


def make_raw_app(responses: list[dict[str, Any]]) -> WSGIApp:
    """A WSGI callable with a dict lookup and nothing else: what the server itself costs."""
    answers = {
        (spec["method"], spec["path"]): (
            f"{spec['status']} OK",
            [
                ("Content-Type", spec["content_type"]),
                ("Content-Length", str(len(spec["body"]))),
                *((name, value) for name, value in spec.get("headers", ())),
            ],
            spec["body"].encode(),
        )
        for spec in responses
    }
    answers["GET", "/_mock/health"] = (
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(HEALTH)))],
        HEALTH,
    )
    missing = ("404 Not Found", [("Content-Length", "0")], b"")

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            body.read(length)
        status, headers, content = answers.get(
            (environ["REQUEST_METHOD"], environ["PATH_INFO"]), missing
        )
        start_response(status, headers)
        return [content]

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("responses", nargs="?")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--server", choices=("granian", "waitress"), default="granian")
    parser.add_argument("--raw", action="store_true", help="a raw WSGI callable, not Flask")
    parser.add_argument(
        "--mock", action="store_true", help="mock-posthog's app (the default world)"
    )
    parser.add_argument("--threads", type=int, help="Python threads under granian (to compare)")
    arguments = parser.parse_args()
    app: WSGIApp
    if arguments.mock:
        from mock_posthog.app import create_app

        app = create_app()
    else:
        with open(arguments.responses, encoding="utf-8") as stream:
            responses = json.load(stream)
        app = make_raw_app(responses) if arguments.raw else make_app(responses)
    if arguments.threads:
        from mock_posthog.http import serving

        serving.THREADS = arguments.threads
    serve = serve_on_waitress if arguments.server == "waitress" else serve_as_mock_posthog_does
    serve(app, arguments.host, arguments.port)


def serve_as_mock_posthog_does(app: WSGIApp, host: str, port: int) -> None:
    from mock_posthog.http.serving import end_process, listen, serve

    listener = listen(host, port)
    serve(app, listener, lambda bound: print(f"http://{host}:{bound}", flush=True))
    end_process(0)


def serve_on_waitress(app: WSGIApp, host: str, port: int) -> None:
    from waitress.server import create_server

    server = create_server(app, host=host, port=port, **WAITRESS)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"http://{host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
