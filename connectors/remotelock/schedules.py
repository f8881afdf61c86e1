"""Access schedules: the weekdays and hours inside a guest's window (`client.schedules`).

Kept for visitor keys: a recurring key's PIN follows the same weekly plan as its QR key.
Only `access_schedule` is spoken; the other four schedule types drive devices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time

from concierge.connectors.remotelock.core import Resource, body, segment
from concierge.connectors.remotelock.fields import resource

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    id: str
    type: str
    name: str

    @classmethod
    def from_json(cls, data: object, where: str = "schedule") -> Schedule:
        kind, ident, a, _ = resource(data, where)
        return cls(id=ident, type=kind, name=a.text("name"))


class Schedules(Resource):
    async def create_access(
        self, name: str, days: Mapping[str, Sequence[tuple[time, time]]]
    ) -> Schedule:
        """An access schedule: per weekday (`mon`..`sun`), windows of the location's time."""
        unknown = [day for day in days if day not in DAYS]
        if not days or unknown:
            raise ValueError(f"remotelock: schedule days must be some of {DAYS}, got {unknown!r}")
        attributes: dict[str, object] = {"name": name}
        for day, windows in days.items():
            attributes[day] = [
                {"start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M")}
                for start, end in windows
            ]
        # A create is never retried: a lost answer and a resend would make two schedules.
        return await self._core.one(
            "POST",
            "/schedules",
            Schedule.from_json,
            "schedule",
            json_body=body(attributes, "access_schedule"),
            idempotent=False,
        )

    async def delete(self, schedule_id: str) -> None:
        await self._core.nothing("DELETE", f"/schedules/{segment(schedule_id)}", idempotent=True)
