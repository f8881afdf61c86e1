"""Typed reads from vendor JSON objects; a wrong or missing field is a `VendorProtocolError`.

Every error names where the value sits (`units[93].attributes: field 'label' ...`), so
a changed payload is found from the log line alone. Enumerations stay open strings:
the reference's own examples use values its lists do not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from connectors.errors import VendorProtocolError

VENDOR = "butterflymx"
_MISSING = object()


def protocol_error(where: str, problem: str) -> VendorProtocolError:
    return VendorProtocolError(f"{where}: {problem}", vendor=VENDOR)


class Fields:
    """One JSON object, read field by field."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise protocol_error(where, f"expected an object, got {_kind(data)}")
        self.data: Mapping[str, Any] = data
        self.where = where

    def _value(self, key: str, *, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise protocol_error(self.where, f"missing field {key!r}")
            return None
        return value

    def _wrong(self, key: str, expected: str, value: object) -> VendorProtocolError:
        return protocol_error(self.where, f"field {key!r} should be {expected}, got {_kind(value)}")

    def text(self, key: str) -> str:
        value = self._value(key, required=True)
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        """A string, null, or absent (absent reads as None)."""
        value = self._value(key, required=False)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "a string or null", value)
        return value

    def integer(self, key: str) -> int:
        value = self._value(key, required=True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "an integer", value)
        return value

    def opt_integer(self, key: str) -> int | None:
        value = self._value(key, required=False)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self._wrong(key, "an integer or null", value)
        return value

    def flag(self, key: str) -> bool:
        value = self._value(key, required=True)
        if not isinstance(value, bool):
            raise self._wrong(key, "a boolean", value)
        return value

    def opt_flag(self, key: str) -> bool | None:
        value = self._value(key, required=False)
        if value is not None and not isinstance(value, bool):
            raise self._wrong(key, "a boolean or null", value)
        return value

    def moment(self, key: str) -> datetime:
        moment = self.opt_moment(key)
        if moment is None:
            raise protocol_error(self.where, f"missing field {key!r}")
        return moment

    def opt_moment(self, key: str) -> datetime | None:
        text = self.opt_text(key)
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise protocol_error(
                self.where, f"field {key!r} is not an ISO 8601 time: {text[:40]!r}"
            ) from None

    def opt_day(self, key: str) -> date | None:
        text = self.opt_text(key)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise protocol_error(
                self.where, f"field {key!r} is not a date: {text[:40]!r}"
            ) from None

    def opt_texts(self, key: str) -> tuple[str, ...] | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of strings", value)
        return tuple(value)

    def integers(self, key: str) -> tuple[int, ...]:
        value = self._value(key, required=True)
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self._wrong(key, "a list of integers", value)
        return tuple(value)

    def child(self, key: str) -> Fields:
        return Fields(self._value(key, required=True), f"{self.where}.{key}")

    def opt_child(self, key: str) -> Fields | None:
        value = self._value(key, required=False)
        return None if value is None else Fields(value, f"{self.where}.{key}")

    def items(self, key: str) -> list[Any]:
        value = self._value(key, required=True)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    names = {bool: "a boolean", str: "a string", int: "an integer", float: "a number"}
    return names.get(type(value), type(value).__name__)
