"""The bare Flask app the benchmark compares mock-posthog with: it answers fixed bytes for
fixed routes (the same bytes mock-posthog answered) and `/_mock/health`, under the same WSGI
server as `mock-posthog serve`, and prints its address first, as `serve` does.

    python bench/bare_app.py RESPONSES.json [--port 0]

RESPONSES.json is a list of {"method", "path", "status", "content_type", "body"}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from flask import Flask, Response


def make_app(responses: list[dict[str, Any]]) -> Flask:
    app = Flask("bare")
    for index, spec in enumerate(responses):
        body = spec["body"].encode()

        def view(body: bytes = body, spec: dict[str, Any] = spec) -> Response:
            return Response(body, status=spec["status"], content_type=spec["content_type"])

        app.add_url_rule(spec["path"], f"route{index}", view, methods=[spec["method"]])
    health = json.dumps({"status": "ok"}).encode()
    app.add_url_rule(
        "/_mock/health", "health", lambda: Response(health, content_type="application/json")
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("responses")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    with open(arguments.responses, encoding="utf-8") as stream:
        app = make_app(json.load(stream))
    serve(app, arguments.host, arguments.port)


def serve(app: Flask, host: str, port: int) -> None:
    """mock-posthog's own server when it has the module for it; else werkzeug's threaded
    server, which `mock-posthog serve` used before it."""
    try:
        from mock_posthog.http.serving import serve as serve_as_mock_posthog_does
    except ImportError:
        from werkzeug.serving import make_server

        server = make_server(host, port, app, threaded=True)
        print(f"http://{host}:{server.server_port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        return
    serve_as_mock_posthog_does(
        app, host, port, lambda bound: print(f"http://{host}:{bound}", flush=True)
    )


if __name__ == "__main__":
    sys.exit(main())
