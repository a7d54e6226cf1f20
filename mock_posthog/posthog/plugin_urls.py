"""Plugin URLs as PostHog's parse_url reads them: GitHub first, then npm, then GitLab; the
repository or package a URL names, and the ref it pins, if any."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mock_posthog.contract.errors import ServerError

INVALID_URL = "Must be a GitHub/GitLab repository or npm package URL!"

_NAME = r"[A-Za-z0-9_.-]+"
_REF = r"[A-Za-z0-9_./-]+"
_GITHUB = re.compile(
    rf"^https?://(?:www\.)?github\.com/(?P<user>{_NAME})/(?P<repo>{_NAME})"
    rf"(?:/(?:commit|tree|releases/tag)/(?P<ref>{_REF}))?$"
)
_GITHUB_ARCHIVE = re.compile(
    rf"^https?://(?:www\.)?github\.com/(?P<user>{_NAME})/(?P<repo>{_NAME})"
    rf"/archive/(?P<ref>{_REF})(?:\.zip|\.tar\.gz)$"
)
_NPM = re.compile(
    r"^https?://(?:www\.)?npmjs\.com/package/(?P<package>[@a-z0-9_-]+(?:/[a-z0-9_-]+)?)?"
    r"/?(?:v/(?P<ref>[A-Za-z0-9_.-]+)/?)?$"
)
_GITLAB = re.compile(r"^https?://(?:www\.)?gitlab\.com/(?P<project>[A-Za-z0-9_./-]+)$")


class UpstreamError(ValueError):
    """A control request (publish a release, change reachability, replace the repository
    list) that cannot be done, with the reason."""


class ReleaseExists(UpstreamError):
    """A release of that tag is already published: releases, like commits, do not change."""


@dataclass(frozen=True)
class PluginUrl:
    """A parsed plugin URL: the repository or package (`base`, no ref, no query, the key of
    its archive) and the ref it names, if any."""

    kind: str  # github, gitlab or npm
    base: str
    name: str
    ref: str | None


def without_query(url: str) -> str:
    return url.split("?", 1)[0]


def parse_url(url: Any) -> PluginUrl:
    """The URL parsed; PostHog raises a plain exception for anything else, hence a 500."""
    try:
        return read_url(url)
    except UpstreamError as error:
        raise ServerError(str(error)) from None


def read_url(url: Any) -> PluginUrl:
    """The URL parsed, or an UpstreamError saying why it cannot be."""
    if not isinstance(url, str):
        raise UpstreamError(f"the plugin's URL is {url!r}, which PostHog's parse_url cannot read")
    bare = _without_private_token(url)
    parsed = _github(bare) or _npm(bare) or _gitlab(bare)
    if parsed is None:
        raise UpstreamError(f"{url!r} is not a GitHub, GitLab or npm URL: {INVALID_URL}")
    return parsed


def _without_private_token(url: str) -> str:
    """The URL before its `?private_token=…`, without slashes at either end."""
    if "?" in url:
        parts = url.split("?")
        if len(parts) > 2:
            raise UpstreamError(f"{url!r} has more than one '?', which PostHog cannot split")
        url = parts[0]
    return url.strip("/")


def _github(bare: str) -> PluginUrl | None:
    match = _GITHUB.match(bare) or _GITHUB_ARCHIVE.match(bare)
    if match is None:
        return None
    base = f"https://github.com/{match['user']}/{match['repo']}"
    return PluginUrl("github", base, match["repo"], match["ref"])


def _npm(bare: str) -> PluginUrl | None:
    match = _NPM.match(bare)
    if match is None:
        return None
    if match["package"] is None:
        raise UpstreamError(f"{bare!r} names no npm package, so PostHog cannot fetch it")
    base = f"https://www.npmjs.com/package/{match['package']}"
    return PluginUrl("npm", base, match["package"], match["ref"])


def _gitlab(bare: str) -> PluginUrl | None:
    match = _GITLAB.match(bare)
    if match is None:
        return None
    project, ref = match["project"], None
    if "/-/" in project:
        parts = project.split("/-/")
        segments = parts[-1].split("/")
        if len(parts) > 2 or len(segments) < 2:
            raise UpstreamError(f"PostHog cannot find the ref in the GitLab URL {bare!r}")
        project, ref = parts[0], segments[1]
    base = f"https://gitlab.com/{project}"
    return PluginUrl("gitlab", base, project.rsplit("/", 1)[-1], ref or None)
