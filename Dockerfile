# mock-posthog as a sidecar: the emulated PostHog API on port 8010, state in memory unless
# MOCK_POSTHOG_DATA names a file. Configure it with MOCK_POSTHOG_* variables, e.g.
# MOCK_POSTHOG_FIXTURES=/fixtures/world.json, MOCK_POSTHOG_RATE_LIMIT=1.
# It listens on all addresses, so its control plane /_mock/ needs a secret: run it with
# MOCK_POSTHOG_CONTROL_TOKEN=<secret> (control requests send it in X-Mock-PostHog-Token), or
# with MOCK_POSTHOG_CONTROL_TOKEN=off on a network only your tests reach. Without either it
# refuses to start. The health check works either way.
#
# The base image is a build argument, for registries that mirror Python's images:
#   docker build --build-arg BASE_IMAGE=registry.example.com/python:3.12-slim -t mock-posthog .
# With podman, build with --format docker: the OCI format has no HEALTHCHECK.
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MOCK_POSTHOG_PORT=8010

WORKDIR /src
# The dependencies first, in a layer of their own, read from pyproject.toml: an edit to the
# code rebuilds only the small layer below.
COPY pyproject.toml ./
RUN python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && python3 -m pip install -r requirements.txt
COPY README.md ./
COPY schemas ./schemas
COPY fixtures ./fixtures
COPY mock_posthog ./mock_posthog
RUN python3 -m pip install --no-deps . && rm -rf /src

WORKDIR /
# A numeric uid, as Kubernetes' runAsNonRoot needs, in group 0, which owns /data too: a
# platform that runs images as another uid of group 0 (OpenShift) can write it as well.
# MOCK_POSTHOG_DATA=/data/world.json keeps the state in a named volume or a bind mount on
# /data; a bind-mounted directory must be writable by uid 10001, or run the container as its
# owner (--user "$(id -u):$(id -g)").
RUN useradd --uid 10001 --gid 0 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin mock-posthog \
    && mkdir /data && chown 10001:0 /data && chmod 0775 /data
USER 10001

EXPOSE 8010
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 \
    CMD ["mock-posthog", "health"]
CMD ["mock-posthog", "serve", "--host", "0.0.0.0"]
