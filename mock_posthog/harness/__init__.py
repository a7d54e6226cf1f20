"""What test authors hold: one handle interface (operations.py) over two transports, in-process
(handle.py) and live (live.py); the pytest plugin; and the interception of requests, httpx,
urllib.request and http.client, strict or not.

May import anything below it: app, control, http, posthog, world, contract."""
