"""A JSON body is read as DRF's JSONParser reads it, with Python's json (PostHog's STRICT_JSON
is False), whichever parser the mock runs: the same value, or the same parse error's words."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from mock_posthog.contract.errors import ParseError
from mock_posthog.http.payload import ApiRequest
from mock_posthog.posthog.parsers import parse

BOUNDED = settings(max_examples=400, deadline=None)

# Pieces of JSON text, joined at random: mostly malformed, some valid, with what tells
# parsers apart (long integers, non-finite literals, surrogates, control characters, a BOM).
PIECES = [
    "{", "}", "[", "]", '"', ":", ",", "1", "0", "-", ".", "e", "E", "+", " ", "\t", "\n",
    "\\", "u", "a", "true", "false", "null", "NaN", "Infinity", "\x00", "\x01", "\x7f", "é",
    "\ufeff", "d800", "\\ud83d\\ude00", "9" * 25, "18446744073709551616", "1e999", "/",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
)
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | NUMBERS.map(json.loads) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


def read(text: str) -> Any:
    """The body as the mock's parser reads it, or its parse error's words."""
    builder = EnvironBuilder(
        method="POST", data=text.encode("utf-8", "surrogatepass"), content_type="application/json"
    )
    try:
        return ("value", repr(parse(ApiRequest(builder.get_environ())).data))
    except ParseError as refused:
        return ("refused", refused.detail)


def python_reads(text: str) -> Any:
    """What DRF's JSONParser makes of the same bytes: Python's json, or its error's words."""
    try:
        return ("value", repr(json.loads(text.encode("utf-8", "surrogatepass").decode("utf-8"))))
    except ValueError as error:
        return ("refused", f"JSON parse error - {error}")


@BOUNDED
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_text_of_json_pieces_is_read_as_pythons_json_reads_it(text: str) -> None:
    assert read(text) == python_reads(text)


@BOUNDED
@given(NUMBERS)
def test_a_number_is_read_as_pythons_json_reads_it(text: str) -> None:
    assert read(text) == python_reads(text)


@BOUNDED
@given(VALUES)
def test_a_json_document_is_read_as_pythons_json_reads_it(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)

    assert read(text) == python_reads(text)


def test_an_integer_beyond_64_bits_is_kept_whole() -> None:
    assert read('{"big": 18446744073709551616, "small": -9223372036854775809}') == (
        "value",
        "{'big': 18446744073709551616, 'small': -9223372036854775809}",
    )
