"""Typed reads from RemoteLock JSON; a wrong or missing field is a `VendorProtocolError`.

Every error names where the value sits (`devices[12].attributes: field 'connected' ...`),
so a changed payload is found from the log line alone. Enumerations (`state`, `status`,
`type`) stay open strings: the reference is Beta and adds values without notice.

`lenient` reads webhook bodies sent as `form`: every value arrives as a string there
("5", "true", "" for null), so numbers and booleans are read back from their text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from connectors.errors import VendorProtocolError
from connectors.remotelock.config import VENDOR

_MISSING = object()


def protocol_error(where: str, problem: str) -> VendorProtocolError:
    return VendorProtocolError(f"{where}: {problem}", vendor=VENDOR)


class Fields:
    """One JSON object, read field by field."""

    def __init__(self, data: object, where: str, *, lenient: bool = False) -> None:
        if not isinstance(data, Mapping):
            raise protocol_error(where, f"expected an object, got {_kind(data)}")
        self.data: Mapping[str, Any] = data
        self.where = where
        self.lenient = lenient

    def _value(self, key: str, *, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise protocol_error(self.where, f"missing field {key!r}")
            return None
        if self.lenient and value == "":
            return None
        return value

    def _wrong(self, key: str, expected: str, value: object) -> VendorProtocolError:
        return protocol_error(self.where, f"field {key!r} should be {expected}, got {_kind(value)}")

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str) -> str:
        value = self._value(key, required=True)
        if not isinstance(value, str) or not value:
            raise self._wrong(key, "a non-empty string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        """A string, null, or absent: the reference omits unset ids rather than nulling them."""
        value = self._value(key, required=False)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "a string or null", value)
        return value

    def opt_integer(self, key: str) -> int | None:
        value = self._value(key, required=False)
        if self.lenient and isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self._wrong(key, "an integer or null", value)
        return value

    def integer(self, key: str) -> int:
        value = self.opt_integer(key)
        if value is None:
            raise self._wrong(key, "an integer", value)
        return value

    def opt_boolean(self, key: str) -> bool | None:
        value = self._value(key, required=False)
        if self.lenient and value in ("true", "false"):
            return bool(value == "true")
        if value is not None and not isinstance(value, bool):
            raise self._wrong(key, "true, false or null", value)
        return None if value is None else bool(value)

    def boolean(self, key: str) -> bool:
        self._value(key, required=True)
        value = self.opt_boolean(key)
        if value is None:
            raise self._wrong(key, "true or false", value)
        return value

    def opt_instant(self, key: str) -> datetime | None:
        """A UTC timestamp such as `2018-08-26T07:51:22Z`, as an aware datetime."""
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

    def opt_wall_time(self, key: str) -> datetime | None:
        """A guest's `starts_at`/`ends_at`: local wall-clock time with no zone (naive)."""
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=None)
        except ValueError:
            raise self._wrong(key, "an ISO 8601 date-time", raw) from None

    def opt_time_of_day(self, key: str) -> time | None:
        """`HH:MM` or `HH:MM:SS`."""
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise self._wrong(key, "a time of day (HH:MM:SS)", raw) from None

    def opt_texts(self, key: str) -> tuple[str, ...] | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of strings", value)
        return tuple(value)

    def objects(self, key: str) -> list[Fields]:
        """A list of objects (absent reads as empty), each readable as `Fields`."""
        value = self._value(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return [
            Fields(item, f"{self.where}.{key}[{i}]", lenient=self.lenient)
            for i, item in enumerate(value)
        ]

    def nested(self, key: str) -> Fields:
        return Fields(self._value(key, required=True), f"{self.where}.{key}", lenient=self.lenient)

    def opt_nested(self, key: str) -> Fields | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        return Fields(value, f"{self.where}.{key}", lenient=self.lenient)


def resource(
    data: object, where: str, *, lenient: bool = False
) -> tuple[str, str, Fields, Fields | None]:
    """(type, id, attributes, meta) of one resource object `{"type", "id", "attributes"}`."""
    top = Fields(data, where, lenient=lenient)
    kind = top.text("type")
    ident = top.text("id")
    attributes = top.nested("attributes")
    return kind, ident, attributes, top.opt_nested("meta")


def restricted_actions(meta: Fields | None) -> tuple[str, ...]:
    if meta is None:
        return ()
    return meta.opt_texts("restricted_actions") or ()


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"string {value[:40]!r}"
    return type(value).__name__
