# mock-posthog as a sidecar: the emulated PostHog API on port 8010, state in memory unless
# MOCK_POSTHOG_DATA names a file. Configure it with MOCK_POSTHOG_* variables, e.g.
# MOCK_POSTHOG_FIXTURES=/fixtures/world.json, MOCK_POSTHOG_RATE_LIMIT=1.
# It listens on all addresses, so its control plane /_mock/ needs a secret: run it with
# MOCK_POSTHOG_CONTROL_TOKEN=<secret> (control requests send it in X-Mock-PostHog-Token), or
# with MOCK_POSTHOG_CONTROL_TOKEN=off on a network only your tests reach. Without either it
# refuses to start. The health check works either way.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCK_POSTHOG_PORT=8010

WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . && rm -rf /src

WORKDIR /
# MOCK_POSTHOG_DATA=/data/world.json keeps the state in a volume mounted on /data.
RUN useradd --system --no-create-home mock-posthog && mkdir /data && chown mock-posthog /data
USER mock-posthog

EXPOSE 8010
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 \
    CMD ["mock-posthog", "health"]
CMD ["mock-posthog", "serve", "--host", "0.0.0.0"]
