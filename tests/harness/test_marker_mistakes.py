"""A fixture file named by `@pytest.mark.posthog_fixtures` that is missing or invalid fails
the test with one line naming the marker, the path as written and the first bad field."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
import pytest

@pytest.mark.posthog_fixtures("data/missing.json")
def test_missing(posthog):
    pass

@pytest.mark.posthog_fixtures("data/bad.json")
def test_invalid(posthog):
    pass
"""


def test_a_missing_or_invalid_marker_file_fails_in_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=TESTS)
    data = pytester.mkdir("data")
    (data / "bad.json").write_text('{"plugins": [{"id": 7, "name": 12}]}')

    result = pytester.runpytest("-p", "no:cacheprovider", "-rE")

    result.assert_outcomes(errors=2)  # at the fixture's set-up
    missing = str(data / "missing.json")
    lines = result.stdout.lines
    assert (
        f"@pytest.mark.posthog_fixtures('data/missing.json'): no such file or directory: {missing}"
    ) in lines
    assert (
        "@pytest.mark.posthog_fixtures('data/bad.json'): $.plugins[0].name: "
        "12 is not of type 'string', 'null'"
    ) in lines
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()
