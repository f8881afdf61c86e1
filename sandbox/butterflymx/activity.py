"""Live intercom activity: calls that move through their statuses, and door releases.

Reference lists the statuses per call type but not their order. We play:

    voip:   initializing -> voip_connected | canceled | timeout_online_signal
    mobile: initializing -> connecting_sip [-> voip_rollover | rejected | canceled
                                              | timeout_online_signal]

(a mobile call whose outcome is `connecting_sip` stays there: answered in the app).
Statuses are due at fixed offsets from the ring on the sandbox clock, so advancing the
clock fast-forwards a ringing call.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from concierge.sandbox.butterflymx.records import NO_PIC, CallRecord, DoorReleaseRecord
from concierge.sandbox.butterflymx.store import Store
from concierge.sandbox.butterflymx.webhooks import Events
from concierge.sandbox.clock import Clock

CALL_TYPES = ("voip", "mobile")
NOTIFICATION_TYPES = ("visitor", "delivery")
OUTCOMES = {
    "voip": ("voip_connected", "canceled", "timeout_online_signal"),
    "mobile": ("connecting_sip", "voip_rollover", "rejected", "canceled", "timeout_online_signal"),
}
DEFAULT_OUTCOME = {"voip": "voip_connected", "mobile": "voip_rollover"}
ANSWERED = frozenset({"voip_connected", "connecting_sip", "voip_rollover"})
RELEASE_METHODS = (
    "mobile",
    "panel",
    "qr_key",
    "nfc",
    "voip",
    "bluetooth",
    "front_door_view",
    "rfid",
)
DOOR_RELEASE_TYPES = ("visitor", "delivery")
PANEL_USER_TYPES = ("default", "doorman")


def status_plan(call_type: str, outcome: str) -> list[str]:
    # Reference silent on status order: voip goes straight to its outcome; mobile passes
    # through connecting_sip first (see the module docstring).
    if call_type == "voip":
        return ["initializing", outcome]
    return ["initializing", "connecting_sip"] + ([] if outcome == "connecting_sip" else [outcome])


@dataclass
class AnswerRelease:
    """The door release an answered call ends with, decided (and numbered) when it rings."""

    release_id: int
    name: str
    user_id: int | None


class Activity:
    """Rings calls and records door releases; owns the tasks that progress live calls."""

    def __init__(self, store: Store, events: Events, clock: Clock) -> None:
        self._store = store
        self._events = events
        self._clock = clock
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._waiters: set[asyncio.Event] = set()
        clock.on_advance(self._wake_all)

    def live_calls(self) -> list[CallRecord]:
        return [self._store.calls[call_id] for call_id in self._tasks]

    def ring(
        self,
        *,
        unit_id: int,
        panel_id: int,
        call_type: str,
        notification_type: str,
        outcome: str,
        step_s: float,
        answer_release: AnswerRelease | None,
    ) -> CallRecord:
        now = self._clock.time()
        unit = self._store.units[unit_id]
        call = CallRecord(
            id=self._store.next_id("call"),
            guid=self._store.uuid(),
            call_type=call_type,
            notification_type=notification_type,
            panel_id=panel_id,
            unit_id=unit_id,
            building_id=unit.building_id,
            created_at=now,
            status="initializing",
            status_changed_at=now,
            multiple_devices=len(self._store.tenants_of_unit(unit_id)) > 1,
        )
        self._store.calls[call.id] = call
        self._events.call_changed(call)
        plan = status_plan(call_type, outcome)[1:]
        self._tasks[call.id] = asyncio.create_task(
            self._progress(call, plan, now, step_s, answer_release), name=f"bmx-call-{call.id}"
        )
        return call

    def record_door_release(
        self,
        *,
        unit_id: int,
        release_method: str,
        door_release_type: str,
        panel_user_type: str,
        name: str,
        user_id: int | None,
        call_guid: str | None,
        release_id: int | None = None,
    ) -> DoorReleaseRecord:
        unit = self._store.units[unit_id]
        release = DoorReleaseRecord(
            id=release_id if release_id is not None else self._store.next_id("door_release"),
            release_method=release_method,
            door_release_type=door_release_type,
            panel_user_type=panel_user_type,
            call_guid=call_guid,
            name=name,
            unit_id=unit_id,
            building_id=unit.building_id,
            user_id=user_id,
            created_at=self._clock.time(),
            thumb_url=NO_PIC,
            medium_url=NO_PIC,
        )
        self._store.door_releases[release.id] = release
        self._events.door_released(release)
        return release

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _progress(
        self,
        call: CallRecord,
        plan: list[str],
        rang_at: float,
        step_s: float,
        answer_release: AnswerRelease | None,
    ) -> None:
        try:
            for step, status in enumerate(plan, start=1):
                await self._sleep_until(rang_at + step * step_s)
                if call.id not in self._store.calls:
                    return  # the call's unit was deleted meanwhile
                call.status = status
                call.status_changed_at = self._clock.time()
                self._events.call_changed(call)
            if (
                answer_release is not None
                and call.status in ANSWERED
                and call.unit_id in self._store.units
            ):
                self.record_door_release(
                    unit_id=call.unit_id,
                    release_method="voip" if call.call_type == "voip" else "mobile",
                    door_release_type=call.notification_type,
                    panel_user_type="default",
                    name=answer_release.name,
                    user_id=answer_release.user_id,
                    call_guid=call.guid,
                    release_id=answer_release.release_id,
                )
        finally:
            self._tasks.pop(call.id, None)

    async def _sleep_until(self, due: float) -> None:
        while (remaining := due - self._clock.time()) > 0:
            wake = asyncio.Event()
            self._waiters.add(wake)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=remaining)
            finally:
                self._waiters.discard(wake)

    def _wake_all(self) -> None:
        for wake in list(self._waiters):
            wake.set()
