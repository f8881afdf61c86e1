"""Typed reads from RemoteLock JSON; a wrong or missing field is a `VendorProtocolError`.

Every error names where the value sits (`devices[12].attributes: field 'connected' ...`),
so a changed payload is found from the log line alone. Enumerations (`state`, `status`,
`type`) stay open strings: the reference is Beta and adds values without notice.

`lenient` reads webhook bodies sent as `form`: every value arrives as a string there
("5", "true", "" for null), so numbers and booleans are read back from their text.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Self

from concierge.connectors.fields import FieldReader
from concierge.connectors.remotelock.config import VENDOR


class Fields(FieldReader):
    """One RemoteLock JSON object, read field by field."""

    vendor = VENDOR

    def __init__(self, data: object, where: str, *, lenient: bool = False) -> None:
        super().__init__(data, where)
        self.lenient = lenient

    def _child(self, data: object, where: str) -> Self:
        return type(self)(data, where, lenient=self.lenient)

    def _value(self, key: str, *, required: bool) -> Any:
        value = super()._value(key, required=required)
        if self.lenient and value == "":
            return None
        return value

    def text(self, key: str) -> str:
        value = self._value(key, required=True)
        if not isinstance(value, str) or not value:
            raise self._wrong(key, "a non-empty string", value)
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


protocol_error = Fields.error


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
