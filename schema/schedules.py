"""When a visitor key opens: one of a custom window, a weekly plan, or a one-time pass."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from concierge.resolvers.schedules import KeySchedule


@strawberry.enum(description="A day of the week.")
class Weekday(Enum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


@strawberry.enum(description="How a key's validity is given.")
class ScheduleKind(Enum):
    CUSTOM = "custom"
    RECURRING = "recurring"
    ONE_TIME = "one_time"


@strawberry.input(
    description="Valid from startsAt to endsAt; times without an offset are the building's."
)
class WindowInput:
    starts_at: datetime
    ends_at: datetime


@strawberry.input(
    description="Valid on the weekdays between timeFrom and timeTo (hh:mm), from startDate "
    "to endDate, all in the building's time zone."
)
class RecurringInput:
    weekdays: list[Weekday]
    start_date: date
    end_date: date
    time_from: str
    time_to: str


@strawberry.input(one_of=True, description="Exactly one of custom, recurring or oneTime.")
class ScheduleInput:
    custom: WindowInput | None = strawberry.UNSET
    recurring: RecurringInput | None = strawberry.UNSET
    one_time: WindowInput | None = strawberry.field(
        default=strawberry.UNSET, description="Usable once, inside the window."
    )


@strawberry.type(description="When a visitor key opens, in the building's time zone.")
class KeyScheduleInfo:
    kind: ScheduleKind
    time_zone: str = strawberry.field(description="IANA zone of the building.")
    starts_at: datetime
    ends_at: datetime
    weekdays: list[Weekday] | None
    start_date: date | None
    end_date: date | None
    time_from: str | None = strawberry.field(description="Recurring keys: daily start, hh:mm.")
    time_to: str | None = strawberry.field(description="Recurring keys: daily end, hh:mm.")

    @classmethod
    def of(cls, s: KeySchedule) -> KeyScheduleInfo:
        w = s.weekly
        return cls(
            kind=ScheduleKind(s.kind),
            time_zone=s.zone,
            starts_at=s.starts_at.astimezone(s.tz),
            ends_at=s.ends_at.astimezone(s.tz),
            weekdays=[Weekday(d) for d in w.weekdays] if w else None,
            start_date=w.start_date if w else None,
            end_date=w.end_date if w else None,
            time_from=w.time_from.strftime("%H:%M") if w else None,
            time_to=w.time_to.strftime("%H:%M") if w else None,
        )
