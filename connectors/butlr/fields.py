"""Typed reads from Butlr JSON; a wrong or missing field is a `VendorProtocolError`.

Every error names where the value sits (`sensors[12].hive: field 'id' ...`), so a changed
payload is found from the log line alone. Butlr prints "" for unset strings (a sensor's
name, a space's timezone, an unplaced sensor's room id): `opt_text` reads "" as None.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from concierge.connectors.butlr.config import VENDOR
from concierge.connectors.fields import FieldReader

_MAC = re.compile(r"^[0-9a-f]{2}([:-][0-9a-f]{2}){5}(([:-][0-9a-f]{2}){2})?$")


def normalise_mac(value: str) -> str | None:
    """The lower-case, dash-separated form Butlr prints, or None if `value` is no MAC.

    Takes MAC-48 and EUI-64 (the reference's regex says one, its samples the other),
    any case, `:` or `-`.
    """
    lowered = value.strip().lower()
    if not _MAC.match(lowered):
        return None
    return lowered.replace(":", "-")


class Fields(FieldReader):
    """One Butlr JSON object, read field by field."""

    vendor = VENDOR

    def text(self, key: str) -> str:
        """A non-empty string: ids and keys."""
        value = self._value(key, required=True)
        if not isinstance(value, str) or not value:
            raise self._wrong(key, "a non-empty string", value)
        return value

    def string(self, key: str) -> str:
        """A string that may be empty: names (an unnamed sensor prints "")."""
        value = self._value(key, required=True)
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        """A string, with "", null and absent all read as None."""
        value = self._value(key, required=False)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "a string or null", value)
        return value or None

    def number(self, key: str) -> float:
        value = self._value(key, required=True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number", value)
        return float(value)

    def opt_number(self, key: str) -> float | None:
        return self.number(key) if self.data.get(key) is not None else None

    def integer(self, key: str) -> int:
        value = self._value(key, required=True)
        if isinstance(value, float) and value.is_integer():
            return int(value)  # JSON has one number type: 20.0 is 20
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "an integer", value)
        return value

    def opt_integer(self, key: str) -> int | None:
        return self.integer(key) if self.data.get(key) is not None else None

    def boolean(self, key: str) -> bool:
        value = self._value(key, required=True)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def opt_boolean(self, key: str) -> bool | None:
        return self.boolean(key) if self.data.get(key) is not None else None

    def opt_flag_text(self, key: str) -> bool | None:
        """`isBatteryLow`: typed string in the reference, so "true"/"false" (a bool also works)."""
        value = self._value(key, required=False)
        if value is None or isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return bool(value == "true")
        raise self._wrong(key, '"true" or "false"', value)

    def numbers(self, key: str, length: int | None = None) -> tuple[float, ...]:
        value = self._value(key, required=True)
        if (
            not isinstance(value, list)
            or (length is not None and len(value) != length)
            or not all(_is_number(v) for v in value)
        ):
            size = f"{length} " if length is not None else ""
            raise self._wrong(key, f"a list of {size}numbers", value)
        return tuple(float(v) for v in value)

    def opt_numbers(self, key: str, length: int | None = None) -> tuple[float, ...] | None:
        return self.numbers(key, length) if self.data.get(key) is not None else None

    def point(self, key: str) -> tuple[float, float]:
        x, y = self.numbers(key, 2)
        return (x, y)

    def polygon(self, key: str) -> tuple[tuple[float, float], ...]:
        value = self._value(key, required=True)
        if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(_is_number(c) for c in p) for p in value
        ):
            raise self._wrong(key, "a list of [x, y] points", value)
        return tuple((float(p[0]), float(p[1])) for p in value)

    def grid(self, key: str) -> tuple[tuple[float, ...], ...]:
        """A list of number rows: detection points `[x, y]` or a heatmap's rows."""
        value = self._value(key, required=True)
        if not isinstance(value, list) or not all(
            isinstance(row, list) and all(_is_number(c) for c in row) for row in value
        ):
            raise self._wrong(key, "a list of lists of numbers", value)
        return tuple(tuple(float(c) for c in row) for row in value)

    def epoch_ms(self, key: str) -> datetime:
        """Epoch milliseconds (detections, heartbeats) as an aware UTC datetime."""
        value = self._value(key, required=True)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self._wrong(key, "epoch milliseconds", value)
        return datetime.fromtimestamp(value / 1000, UTC)

    def opt_epoch_ms(self, key: str) -> datetime | None:
        return self.epoch_ms(key) if self.data.get(key) else None  # 0: never heard from

    def opt_date(self, key: str) -> date | None:
        """`installation_date`: `YYYY-MM-DD`, or "" when unknown."""
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self._wrong(key, "a date (YYYY-MM-DD)", raw) from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


protocol_error = Fields.error
