"""Validating request attributes into changes, with Rails-style resource-error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from concierge.sandbox.remotelock.errors import Problems
from concierge.sandbox.remotelock.store import Record

BLANK = "can't be blank"
INVALID = "is invalid"
NOT_IN_LIST = "is not included in the list"
TAKEN = "has already been taken"
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def time_of_day(value: str) -> str | None:
    """`"14:00"` or `"14:00:00"` -> `"14:00:00"`; None if not a 24-hour time."""
    match = _TIME_OF_DAY.match(value)
    if match is None:
        return None
    return f"{match.group(1)}:{match.group(2)}:{match.group(3) or '00'}"


def naive_timestamp(value: str) -> str | None:
    """ISO 8601 without zone, as guests' times are kept; a given zone is dropped, as documented."""
    text = re.sub(r"(\.\d+)?(Z|[+-]\d{2}:?\d{2})$", "", value.strip())
    for pattern in _NAIVE_FORMATS:
        try:
            return datetime.strptime(text, pattern).strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError:
            continue
    return None


class Fields:
    """Reads a body's attributes one by one; valid ones land in `changes`, others in `problems`."""

    def __init__(self, attributes: dict[str, Any]) -> None:
        self.attributes = attributes
        self.problems = Problems(attributes)
        self.changes: dict[str, Any] = {}

    def given(self, name: str) -> bool:
        return name in self.attributes

    def _blank(self, name: str, required: bool) -> bool:
        """True when the value is missing/blank (and records the error if it is required)."""
        value = self.attributes.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems.add(name, BLANK)
            elif name in self.attributes:
                self.changes[name] = None
            return True
        return False

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        message: str = INVALID,
        max_length: int = 255,
    ) -> None:
        if self._blank(name, required):
            return
        value = self.attributes[name]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or len(value) > max_length:
            self.problems.add(name, INVALID)
        elif pattern is not None and not pattern.match(value):
            self.problems.add(name, message)
        else:
            self.changes[name] = value.strip()

    def email(self, name: str, *, required: bool = False) -> None:
        self.text(name, required=required, pattern=_EMAIL)

    def choice(self, name: str, options: Iterable[str], *, required: bool = False) -> None:
        if self._blank(name, required):
            return
        if self.attributes[name] not in tuple(options):
            self.problems.add(name, NOT_IN_LIST)
        else:
            self.changes[name] = self.attributes[name]

    def boolean(self, name: str) -> None:
        if name not in self.attributes:
            return
        value = self.attributes[name]
        if isinstance(value, bool):
            self.changes[name] = value
        else:
            self.problems.add(name, INVALID)

    def integer(
        self,
        name: str,
        *,
        options: Iterable[int] | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> None:
        if name not in self.attributes:
            return
        value = self.attributes[name]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.problems.add(name, "is not a number")
        elif options is not None and value not in tuple(options):
            self.problems.add(name, NOT_IN_LIST)
        elif minimum is not None and value < minimum:
            self.problems.add(name, f"must be greater than or equal to {minimum}")
        elif maximum is not None and value > maximum:
            self.problems.add(name, f"must be less than or equal to {maximum}")
        else:
            self.changes[name] = value

    def time(self, name: str) -> None:
        if self._blank(name, False):
            return
        value = self.attributes[name]
        normal = time_of_day(value) if isinstance(value, str) else None
        if normal is None:
            self.problems.add(name, INVALID)
        else:
            self.changes[name] = normal

    def timestamp(self, name: str, *, required: bool = False) -> None:
        if self._blank(name, required):
            return
        value = self.attributes[name]
        normal = naive_timestamp(value) if isinstance(value, str) else None
        if normal is None:
            self.problems.add(name, INVALID)
        else:
            self.changes[name] = normal

    def reference(
        self, name: str, records: dict[str, Record], types: Iterable[str], *, required: bool = False
    ) -> Record | None:
        """An `*_id` attribute naming an existing record of one of `types` (null clears it)."""
        if self._blank(name, required):
            return None
        value = self.attributes[name]
        record = records.get(value) if isinstance(value, str) else None
        if record is None or record.type not in tuple(types):
            self.problems.add(name, "does not exist")
            return None
        self.changes[name] = record.id
        return record
