"""Request-body parsers for the API (DEFAULT_PARSER_CLASSES).

DRF's own parsers, with three refusals added before anything reaches a
serializer: JSON nested deeper than CLINIC_MAX_JSON_DEPTH (found by a scan of
the text, so a 10,000-deep body never reaches the recursive decoder), a NUL
character in any key or value (no database stores one; the 400 names the
field), and forms with too many fields. How much is read at all is bounded by
``clinic.core.api.middleware.BodyLimitMiddleware``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.datastructures import MultiValueDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

NUL_MESSAGE = "Remove the NUL character (\\x00) from this field."
_JSON_SYNTAX = re.compile(r'["\\\[\]{}]')


def max_json_depth() -> int:
    return int(getattr(settings, "CLINIC_MAX_JSON_DEPTH", 32))


def json_too_deep(text: str, limit: int) -> bool:
    """True if arrays and objects in ``text`` nest deeper than ``limit``.

    Brackets inside strings do not count. One pass over the characters that
    matter, without recursion, whatever the nesting."""
    depth = 0
    in_string = False
    skip_to = -1
    for match in _JSON_SYNTAX.finditer(text):
        position = match.start()
        if position < skip_to:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                skip_to = position + 2  # the escaped character is not syntax
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _nul_paths(data: Any, prefix: str = "") -> Iterator[str]:
    """Dotted names of the fields whose key or text holds a NUL character."""
    if isinstance(data, str):
        if "\x00" in data:
            yield prefix or "non_field_errors"
    elif isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if "\x00" in str(key):
                yield name.replace("\x00", "\\x00")
            else:
                yield from _nul_paths(value, name)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _nul_paths(item, f"{prefix}.{index}" if prefix else str(index))


def refuse_nul(data: Any) -> None:
    """Raise a 400 naming every field that holds a NUL character."""
    names = list(dict.fromkeys(_nul_paths(data)))
    if names:
        raise ValidationError({name: [NUL_MESSAGE] for name in names})


def _form_fields(data: MultiValueDict[str, Any]) -> dict[str, Any]:
    """A form's fields as plain values: ``name`` for one value, ``name.1`` for the
    second of several."""
    fields: dict[str, Any] = {}
    for key in data:
        values = data.getlist(key)
        fields[key] = values[0] if len(values) == 1 else values
    return fields


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        context = parser_context or {}
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - the body is not valid {encoding}.") from exc
        limit = max_json_depth()
        if json_too_deep(text, limit):
            raise ParseError(f"The JSON is nested too deeply (more than {limit} levels).")
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError as exc:  # belt and braces: the scan should have said so
            raise ParseError(f"The JSON is nested too deeply (more than {limit} levels).") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> _ImmutableQueryDict:
        try:
            data = super().parse(stream, media_type, parser_context)
        except TooManyFieldsSent as exc:
            raise ParseError("The form has too many fields.") from exc
        refuse_nul(_form_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> parsers.DataAndFiles[_ImmutableQueryDict, MultiValueDict[str, Any]]:
        try:
            result = super().parse(stream, media_type, parser_context)
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            raise ParseError("The form has too many fields or files.") from exc
        except RequestDataTooBig:
            raise  # the exception handler answers 413
        refuse_nul(_form_fields(result.data))
        refuse_nul({key: [f.name or "" for f in result.files.getlist(key)] for key in result.files})
        return result
