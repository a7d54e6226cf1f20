"""A bounded load generator: threads, each with one keep-alive `http.client` connection to a
loopback address, sending the same request for a fixed time and at most a fixed count.

    python bench/load.py --port 8010 --path /api/... --connections 10 --seconds 2

Prints one JSON object: requests completed in the measured window, requests per second,
errors, and the statuses seen. Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import threading
import time
from collections import Counter
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", default="", help="the request body, as text")
    parser.add_argument("--header", action="append", default=[], help="NAME: VALUE")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=2.0, help="the measured window")
    parser.add_argument("--warmup", type=float, default=0.3, help="seconds before the window")
    parser.add_argument("--max-requests", type=int, default=200_000)
    arguments = parser.parse_args()
    if not ipaddress.ip_address(arguments.host).is_loopback:
        parser.error("only loopback addresses are load-tested")
    headers = dict(_header(text) for text in arguments.header)
    print(json.dumps(run(arguments, headers)))


def _header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip(), value.strip()


def run(arguments: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    body = arguments.body.encode() if arguments.body else None
    if body is not None:
        headers = {**headers, "Content-Length": str(len(body))}
    start = time.perf_counter() + 0.05
    window_start = start + arguments.warmup
    window_end = window_start + arguments.seconds
    budget = threading.Semaphore(arguments.max_requests)
    lock = threading.Lock()
    counted: list[int] = []
    statuses: Counter[str] = Counter()

    def worker() -> None:
        connection = http.client.HTTPConnection(arguments.host, arguments.port, timeout=10)
        done = 0
        seen: Counter[str] = Counter()
        while time.perf_counter() < start:
            time.sleep(0.001)
        while True:
            now = time.perf_counter()
            if now >= window_end or not budget.acquire(blocking=False):
                break
            try:
                connection.request(arguments.method, arguments.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status = type(error).__name__
            finished = time.perf_counter()
            if window_start <= finished < window_end:
                done += 1
                seen[status] += 1
        connection.close()
        with lock:
            counted.append(done)
            statuses.update(seen)

    threads = [threading.Thread(target=worker) for _ in range(arguments.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(counted)
    errors = sum(count for status, count in statuses.items() if not status.startswith("2"))
    return {
        "requests": total,
        "seconds": arguments.seconds,
        "rps": (total - errors) / arguments.seconds,  # successful answers only
        "errors": errors,
        "statuses": dict(statuses),
    }


if __name__ == "__main__":
    main()
