"""The API's one JSON parser: DRF's, refusing at the door what could not be stored and
served back.

A body may be valid JSON and still hold values that PostgreSQL or the JSON renderer
cannot take: a lone surrogate (``"\\udfff"``: PostgreSQL refuses it, SQLite stores it
and every later response that shows it fails to encode as UTF-8), NUL (``"\\u0000"``:
PostgreSQL text and jsonb cannot hold it), a number beyond the float range (``1e999``)
or a NaN/Infinity literal (neither PostgreSQL's jsonb nor SQLite's JSON accepts them).
They are refused here, once for every endpoint and every field (free-form objects such
as ``client_info`` and their keys included, and the keys of fields a serializer
ignores), as a ``validation_error`` naming the path of the value: RFC 7493 (I-JSON) asks
the same of JSON meant for interchange. Serializer fields would each have to remember
it; a dict field's keys and nested values have no field at all.

The hot path pays almost nothing: a lone surrogate or a NUL can only come from a
``\\u`` escape of one (JSON refuses a raw NUL in a string, UTF-8 cannot carry a
surrogate) or from a body in another charset that is not pure ASCII, and a non-finite
number stops the strict decoding: only such bodies are walked.
"""

import codecs
import math
from json import JSONDecoder
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

# The wording of DRF's own CharField errors for the same characters.
_NUL = str(ProhibitNullCharactersValidator.message)
_SURROGATE = str(ProhibitSurrogateCharactersValidator.message)
_NON_FINITE = "Numbers must be finite: no NaN, Infinity or overflowing values such as 1e999."


class _NonFinite(Exception):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NonFinite
    return value


def _no_constant(name: str) -> float:
    raise _NonFinite


# Built once: json.loads(text, **hooks) would build a decoder for every request.
_STRICT = JSONDecoder(parse_float=_finite_float, parse_constant=_no_constant)
# Decodes the rare body holding a non-finite number again, for the walk to name its path.
_LENIENT = JSONDecoder(parse_constant=float)


def _text_error(text: str) -> str | None:
    if "\x00" in text:
        return _NUL
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _SURROGATE.format(code_point=ord(text[exc.start]))
    return None


def _path_name(path: list[str | int]) -> str:
    """``client_info.tags.0``; a key's own unstorable characters shown as ``\\uXXXX``."""
    if not path:
        return api_settings.NON_FIELD_ERRORS_KEY
    parts = (
        part.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\u0000")
        if isinstance(part, str)
        else str(part)
        for part in path
    )
    return ".".join(parts)


def _value_error(value: Any) -> str | None:
    if isinstance(value, str):
        return _text_error(value)
    if isinstance(value, float) and not math.isfinite(value):
        return _NON_FINITE
    return None


def refuse_unstorable(data: Any) -> None:
    """Raise a ``ValidationError`` naming the first value or key, in document order,
    that could not be stored and served back."""
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        path, value = stack.pop()
        # The text parts of a path are object keys: each is checked with its value.
        key = path[-1] if path and isinstance(path[-1], str) else ""
        if error := _text_error(key) or _value_error(value):
            raise ValidationError({_path_name(path): [error]})
        if isinstance(value, dict):
            stack.extend(([*path, k], item) for k, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(([*path, i], value[i]) for i in range(len(value) - 1, -1, -1))


def _may_hold_unstorable(text: str, encoding: str) -> bool:
    """False when the decoded body cannot hold a lone surrogate or a NUL: it has no
    escape of either, and is ASCII or was UTF-8 (JSON refuses a raw NUL in a string,
    and strict UTF-8 decoding never yields a surrogate)."""
    # Substring searches run at memchr speed where a regex would not; they also match
    # harmless escapes (\\ud7ff, a valid pair, an escaped backslash before "ud800"):
    # the walk then finds nothing.
    if "\\ud" in text or "\\uD" in text or "\\u0000" in text:
        return True
    return not text.isascii() and codecs.lookup(encoding).name != "utf-8"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing absurdly nested documents with a 400 instead of a 500,
    and values that could not be stored or served back (see the module)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return self.parse_text(text, encoding)

    def parse_text(self, text: str, encoding: str = "utf-8") -> Any:
        """The document of a body already decoded from ``encoding``."""
        try:
            try:
                data = _STRICT.decode(text)
            except _NonFinite:
                data = _LENIENT.decode(text)
                refuse_unstorable(data)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _may_hold_unstorable(text, encoding):
            refuse_unstorable(data)
        return data
