"""Path patterns that tests write to pick requests out of the journal or to aim a fault.

A pattern is a path, compared without regard to the trailing slash (PostHog serves both
forms), in which `{name}` or `*` stands for one path segment and `**` for any run of them:
`/api/projects/{project_id}/plugin_configs/*/logs/`, `/api/**/plugins/`.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKENS = re.compile(r"\*\*|\*|\{\w+\}")


@lru_cache(maxsize=256)
def compile_path(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for token in _TOKENS.finditer(pattern.rstrip("/")):
        parts.append(re.escape(pattern[position : token.start()]))
        parts.append(".*" if token.group() == "**" else "[^/]+")
        position = token.end()
    parts.append(re.escape(pattern.rstrip("/")[position:]))
    return re.compile("".join(parts) + "/?")


def path_matches(pattern: str, path: str) -> bool:
    return compile_path(pattern).fullmatch(path) is not None
