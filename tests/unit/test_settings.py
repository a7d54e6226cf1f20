"""Settings read from MOCK_POSTHOG_* variables: the words a boolean takes, and a warning for
a variable nobody reads."""

from __future__ import annotations

import pytest

from mock_posthog.settings import Settings, SettingsError, unknown_variables


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("1", True),
        ("true", True),
        ("yes", True),
        ("on", True),
        ("ON", True),
        (" Yes ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("OFF", False),
    ],
)
def test_a_boolean_variable_takes_the_usual_words(word: str, value: bool) -> None:
    settings = Settings.from_env({"MOCK_POSTHOG_RATE_LIMIT": word})

    assert settings.rate_limit is value


@pytest.mark.parametrize("word", ["maybe", "2", "enabled", "y"])
def test_a_boolean_variable_refuses_any_other_word_by_name(word: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"MOCK_POSTHOG_VALIDATE_RESPONSES": word})

    assert str(refused.value) == (
        f"MOCK_POSTHOG_VALIDATE_RESPONSES={word!r}: expected one of 1/true/yes/on/0/false/no/off"
    )


def test_a_flag_wins_over_its_variable() -> None:
    settings = Settings.from_env({"MOCK_POSTHOG_PORT": "9000"}, flags={"port": "9001"})

    assert settings.port == 9001


def test_an_ipv6_host_in_brackets_is_the_address() -> None:
    assert Settings.from_env({}, flags={"host": "[::1]"}).host == "::1"


def test_unknown_variables_are_named_with_the_nearest_known_one() -> None:
    warnings = unknown_variables(
        {
            "MOCK_POSTHOG_FIXTURE": "x",
            "MOCK_POSTHOG_PORT": "1",
            "MOCK_POSTHOG_ZZZ": "x",
            "OTHER": "x",
        }
    )

    assert warnings == [
        "MOCK_POSTHOG_FIXTURE is not a variable mock-posthog reads "
        "(did you mean MOCK_POSTHOG_FIXTURES?); it is ignored",
        "MOCK_POSTHOG_ZZZ is not a variable mock-posthog reads; it is ignored",
    ]
