"""A pytest plugin the mutation run puts into its copy of the repository for the run on the
unmutated code: which lines of the module (MUTATE_TARGET) each test runs, written as JSON to
MUTATE_TRACE_OUT, so that each mutant runs only the tests that reach it."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from types import CodeType, FrameType
from typing import Any

import pytest

TARGET = os.path.realpath(os.environ["MUTATE_TARGET"])
_files: dict[str, bool] = {}
_hits: dict[str, set[int]] = {}
_current = ["<outside>"]  # the test running now; "<outside>" at import time


def _is_target(code: CodeType) -> bool:
    name = code.co_filename
    if name not in _files:
        _files[name] = os.path.realpath(name) == TARGET
    return _files[name]


def _local(frame: FrameType, event: str, arg: Any) -> Any:
    if event == "line":
        _hits.setdefault(_current[0], set()).add(frame.f_lineno)
    return _local


def _global(frame: FrameType, event: str, arg: Any) -> Any:
    if _is_target(frame.f_code):
        _hits.setdefault(_current[0], set()).add(frame.f_lineno)
        return _local
    return None


sys.settrace(_global)
threading.settrace(_global)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _current[0] = item.nodeid
    yield
    _current[0] = "<outside>"


def pytest_sessionfinish(session: pytest.Session) -> None:
    sys.settrace(None)
    with open(os.environ["MUTATE_TRACE_OUT"], "w") as out:
        json.dump({test: sorted(lines) for test, lines in _hits.items()}, out)
