"""Request bodies as Django REST framework's JSON, form and multipart parsers read them."""

from __future__ import annotations

import codecs
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import Request
from werkzeug.datastructures import FileStorage

from mock_posthog.contract.errors import ParseError, ServerError, UnsupportedMediaType
from mock_posthog.contract.operations import BODY_METHODS

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(slots=True)
class Payload:
    """A body as parsed. Not frozen, though nothing changes one: a frozen dataclass's
    __init__ costs several times as much, and every request with a body makes one."""

    data: Any = field(default_factory=dict)
    files: dict[str, FileStorage] = field(default_factory=dict)
    is_form: bool = False


class RequestBody:
    """The request's body, parsed when a step first reads it. PostHog's views parse the body
    only when they use it: after the key from the header, the organization, membership and
    the access level, and never for a DELETE; a key looked for in the body reads it early."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._parsed: Payload | None = None

    @property
    def was_parsed(self) -> bool:
        return self._parsed is not None

    def parsed(self) -> Payload:
        if self._parsed is None:
            self._parsed = parse(self._request)
        return self._parsed

    @property
    def data(self) -> Any:
        return self.parsed().data

    @property
    def files(self) -> dict[str, FileStorage]:
        return self.parsed().files

    @property
    def is_form(self) -> bool:
        return self.parsed().is_form


def parse(request: Request) -> Payload:
    """DRF's rules: no content type or no body reads as empty; an unknown type is a 415."""
    if request.method not in BODY_METHODS:
        return Payload()
    media_type = request.mimetype
    if media_type == "multipart/form-data" and not request.mimetype_params.get("boundary"):
        raise ParseError("Multipart form parse error - Invalid boundary in multipart: None")
    if media_type in FORM_TYPES:
        # Django's multipart parser skips a part without a name.
        form = {key: values[-1] for key, values in request.form.lists() if key}
        files = {key: values[-1] for key, values in request.files.lists() if key}
        return Payload(data=form, files=files, is_form=True)
    raw = request.get_data(cache=True)
    if not media_type or not raw:
        return Payload()
    # DRF's JSONParser takes application/json alone: a +json type is a 415 as any other.
    if media_type == "application/json":
        return Payload(data=_parse_json(raw, _charset(request)))
    raise UnsupportedMediaType(request.headers.get("Content-Type", media_type))


def _charset(request: Request) -> str:
    return _known_charset(request.mimetype_params.get("charset", "utf-8"))


@functools.lru_cache(maxsize=64)
def _known_charset(charset: str) -> str:
    """The declared charset; Django ignores one it does not know and reads UTF-8."""
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


def _parse_json(raw: bytes, charset: str) -> Any:
    """json.loads(text), as DRF's JSONParser reads it. orjson reads most bodies, in a fraction
    of the time: what it reads, it reads as Python's json does, but an integer beyond 64 bits
    (which it makes a float). What it refuses, or may read differently, Python's json reads,
    for its own result or its own error's wording (NaN, 1e999, a lone surrogate, a BOM)."""
    if charset == "utf-8" and not _LONG_NUMBER.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        text = raw.decode(charset)
        if text.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except (ValueError, LookupError) as error:
        raise ParseError(f"JSON parse error - {error}") from None
    except RecursionError:
        # DRF's JSONParser turns only ValueError into a parse error; PostHog answers 500.
        raise ServerError(
            "the JSON body nests deeper than Python's JSON parser follows (RecursionError)"
        ) from None


# Nineteen digits or more: a number orjson may not keep whole (2**63 has nineteen).
_LONG_NUMBER = re.compile(rb"[0-9]{19}")
# PostHog sets STRICT_JSON False, so DRF's JSONParser passes no parse_constant: NaN,
# Infinity and -Infinity are read as Python's json reads them (and 1e999 is inf).
_DECODER = json.JSONDecoder()
