"""Typed reads from vendor JSON objects: the mechanics every vendor's `Fields` shares.

A wrong or missing field is a `VendorProtocolError` naming where the value sits
(`devices[12].attributes: field 'connected' ...`), so a changed payload is found from the
log line alone. Each vendor subclasses `FieldReader` with its own name, its own reading of
empty strings and the readers its shapes need.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from concierge.connectors.errors import VendorProtocolError

_MISSING = object()


class FieldReader:
    """One JSON object, read field by field."""

    vendor: ClassVar[str]

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise self.error(where, f"expected an object, got {self.describe(data)}")
        self.data: Mapping[str, Any] = data
        self.where = where

    @classmethod
    def error(cls, where: str, problem: str) -> VendorProtocolError:
        return VendorProtocolError(f"{where}: {problem}", vendor=cls.vendor)

    @staticmethod
    def describe(value: object) -> str:
        """How a wrong value is named in an error message."""
        if value is None:
            return "null"
        if isinstance(value, str):
            return f"string {value[:40]!r}"
        return type(value).__name__

    def _child(self, data: object, where: str) -> Self:
        return type(self)(data, where)

    def _value(self, key: str, *, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise self.error(self.where, f"missing field {key!r}")
            return None
        return value

    def _wrong(self, key: str, expected: str, value: object) -> VendorProtocolError:
        return self.error(
            self.where, f"field {key!r} should be {expected}, got {self.describe(value)}"
        )

    def has(self, key: str) -> bool:
        return key in self.data

    def opt_text(self, key: str) -> str | None:
        """A string, null, or absent (absent reads as None)."""
        value = self._value(key, required=False)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "a string or null", value)
        return value

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

    def opt_instant(self, key: str) -> datetime | None:
        """An ISO 8601 timestamp (`2018-08-26T07:51:22Z`) as an aware UTC datetime."""
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise self._wrong(key, "an ISO 8601 timestamp", raw) from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

    def instant(self, key: str) -> datetime:
        self._value(key, required=True)
        value = self.opt_instant(key)
        if value is None:
            raise self._wrong(key, "an ISO 8601 timestamp", value)
        return value

    def objects(self, key: str) -> list[Self]:
        """A list of objects (absent reads as empty), each readable field by field."""
        value = self._value(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return [self._child(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value)]

    def nested(self, key: str) -> Self:
        return self._child(self._value(key, required=True), f"{self.where}.{key}")

    def opt_nested(self, key: str) -> Self | None:
        value = self._value(key, required=False)
        return None if value is None else self._child(value, f"{self.where}.{key}")
