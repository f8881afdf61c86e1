"""Typed reads from vendor JSON objects; a wrong or missing field is a `VendorProtocolError`.

Every error names where the value sits (`units[93].attributes: field 'label' ...`), so
a changed payload is found from the log line alone. Enumerations stay open strings:
the reference's own examples use values its lists do not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from concierge.connectors.fields import FieldReader

VENDOR = "butterflymx"


class Fields(FieldReader):
    """One ButterflyMX JSON object, read field by field."""

    vendor = VENDOR

    @staticmethod
    def describe(value: object) -> str:
        if value is None:
            return "null"
        if isinstance(value, Mapping):
            return "an object"
        if isinstance(value, list):
            return "a list"
        names = {bool: "a boolean", str: "a string", int: "an integer", float: "a number"}
        return names.get(type(value), type(value).__name__)

    def text(self, key: str) -> str:
        value = self._value(key, required=True)
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
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
            raise self.error(self.where, f"missing field {key!r}")
        return moment

    def opt_moment(self, key: str) -> datetime | None:
        text = self.opt_text(key)
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise self.error(
                self.where, f"field {key!r} is not an ISO 8601 time: {text[:40]!r}"
            ) from None

    def opt_day(self, key: str) -> date | None:
        text = self.opt_text(key)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.error(self.where, f"field {key!r} is not a date: {text[:40]!r}") from None

    def items(self, key: str) -> list[Any]:
        value = self._value(key, required=True)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return value


protocol_error = Fields.error
