"""Path patterns that tests write to pick requests out of the journal or to aim a fault.

A pattern is a path, compared without regard to the trailing slash (PostHog serves both
forms), in which `{name}` or `*` stands for one path segment and `**` for any run of them:
`/api/projects/{project_id}/plugin_configs/*/logs/`, `/api/**/plugins/`.

A pattern is matched in time linear in the path, whatever the pattern: it runs as a set of
states advanced together one character at a time (each state a bit of an integer), never by
backtracking, which a regular expression of many `**` (`.*a.*a.*…b`) would do for seconds on
every request a fault looks at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKENS = re.compile(r"\*\*|\*|\{\w+\}")


@dataclass(frozen=True)
class _Automaton:
    """State i is "the first i elements matched"; state `final` is the whole pattern.

    Elements are a literal character, one character of a segment (not `/`), or a loop: any
    characters (`**`) or segment characters (the rest of a `*`). A loop may also match
    nothing, so its state passes on at once to the next (`skippable`)."""

    literal: dict[str, int]  # a character -> the states whose element is that character
    segment_char: int  # states whose element is one segment character
    any_loop: int  # states whose element is `**`
    segment_loop: int  # states whose element is the rest of a `*`
    skippable: int  # any_loop | segment_loop
    final: int

    def _closed(self, states: int) -> int:
        # No two loops are next to each other (see `_elements`), so one step closes the set.
        return states | ((states & self.skippable) << 1)

    def _step(self, states: int, char: str) -> int:
        consumes = self.literal.get(char, 0)
        stays = self.any_loop
        if char != "/":
            consumes |= self.segment_char
            stays |= self.segment_loop
        return self._closed(((states & consumes) << 1) | (states & stays))

    def matches(self, path: str) -> bool:
        """The pattern matches `path`, or `path` less its trailing slash."""
        states = self._closed(1)
        before_last = states
        for char in path:
            if not states:
                return False
            before_last, states = states, self._step(states, char)
        return bool(states & self.final) or (path.endswith("/") and bool(before_last & self.final))


def _elements(pattern: str) -> list[str]:
    """The pattern as elements: a character, "seg" (one segment character) or a loop,
    "**" or "seg*"; adjacent loops merged into the wider one, which matches the same."""
    elements: list[str] = []
    position = 0

    def loop(kind: str) -> None:
        if elements and elements[-1] in ("**", "seg*"):
            elements[-1] = "**" if "**" in (kind, elements[-1]) else "seg*"
        else:
            elements.append(kind)

    for token in _TOKENS.finditer(pattern):
        elements.extend(pattern[position : token.start()])
        if token.group() == "**":
            loop("**")
        else:
            elements.append("seg")
            loop("seg*")
        position = token.end()
    elements.extend(pattern[position:])
    return elements


@lru_cache(maxsize=256)
def compile_path(pattern: str) -> _Automaton:
    literal: dict[str, int] = {}
    masks = {"seg": 0, "**": 0, "seg*": 0}
    elements = _elements(pattern.rstrip("/"))
    for index, element in enumerate(elements):
        if element in masks:
            masks[element] |= 1 << index
        else:
            literal[element] = literal.get(element, 0) | 1 << index
    return _Automaton(
        literal=literal,
        segment_char=masks["seg"],
        any_loop=masks["**"],
        segment_loop=masks["seg*"],
        skippable=masks["**"] | masks["seg*"],
        final=1 << len(elements),
    )


def path_matches(pattern: str, path: str) -> bool:
    return compile_path(pattern).matches(path)
