"""Vendor webhook events into the bus's vocabulary: de-duplicated, ordered per call, published.

RemoteLock notifications carry the event; ButterflyMX webhooks carry the record and are
followed by a read through the connector (the call's current status), run by the caller
in the background. Every event is first claimed in the store's webhook events table, so a
redelivery, a replay or a second replica's copy is published once. For calls the claim is
(call, status), not the vendor's event id: a building and a tenant integration deliver the
same status under two ids.

Back-fill reads what a vendor stored while we were not listening (RemoteLock `/events`,
ButterflyMX's call and door release lists) through the same claims, so an event that
arrives both ways is published once, whichever comes first. A cursor per vendor in the
store (the newest event time seen) bounds what a restart reads again.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cachetools import LRUCache

from concierge.connectors.butterflymx.calls import Call
from concierge.connectors.butterflymx.events import DoorRelease
from concierge.connectors.butterflymx.webhooks import (
    CallStatusChanged,
    DoorReleaseCreated,
    WebhookEvent,
)
from concierge.connectors.errors import VendorError
from concierge.connectors.remotelock.events import CredentialEvent, Event
from concierge.resolvers.events import (
    CallEventData,
    DoorEventData,
    building_calls_topic,
    building_doors_topic,
    call_topic,
    door_topic,
    event,
)
from concierge.resolvers.services import Services

log = logging.getLogger(__name__)
CURSOR_EVERY_S = 1.0

# RemoteLock event types in the one door vocabulary (connectivity is decided per event).
REMOTELOCK_KINDS = {
    "unlocked_event": "UNLOCKED",
    "locked_event": "LOCKED",
    "access_denied_event": "ACCESS_DENIED",
    "power_level_low_event": "BATTERY_LOW",
}
# A call's last status (the sandbox's outcomes): nothing follows these.
TERMINAL_CALL_STATUSES = frozenset(
    {
        "voip_connected",
        "connecting_sip",
        "voip_rollover",
        "rejected",
        "canceled",
        "timeout_online_signal",
    }
)
# Reference silent on how a connectivity event says which way it went: `connected_at` is
# when the lock last connected, so one close to the event means it came online.
ONLINE_WITHIN = timedelta(seconds=60)
# ButterflyMX's lists are read back from a minute before the cursor: events handled
# concurrently can move it past one still in flight (claims make the overlap free).
BUTTERFLYMX_OVERLAP = timedelta(seconds=60)
# First start (no cursor): a call ringing or a door released minutes ago is still news to
# the building's subscribers; older history is not replayed.
BUTTERFLYMX_FIRST_LOOK = timedelta(minutes=5)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Ingress:
    def __init__(self, services: Services) -> None:
        self._services = services
        # The newest status time published per call: an older delivery is not published.
        self._call_at: LRUCache[str, datetime] = LRUCache(maxsize=10_000)
        self._cursor_written: dict[str, float] = {}

    async def _first_time(self, vendor: str, key: str) -> bool:
        return await self._services.store.webhook_events.first_time(vendor, key)

    async def remotelock(self, ev: Event) -> bool:
        """Publish one RemoteLock event (webhook or back-fill); False for a duplicate."""
        kind = REMOTELOCK_KINDS.get(ev.type)
        if ev.type == "connectivity_event":
            connected_at = getattr(ev, "connected_at", None)
            online = connected_at is not None and connected_at >= ev.occurred_at - ONLINE_WITHIN
            kind = "ONLINE" if online else "OFFLINE"
        if kind is None or ev.publisher_type not in ("lock", "acs_door"):
            return False  # not a door event (a person's sync, a thermostat...)
        if not await self._first_time("remotelock", ev.id):
            return False
        site = self._services.site_map
        lock = site.lock("remotelock", ev.publisher_id)
        data = DoorEventData(
            id=f"remotelock:{ev.id}",
            kind=kind,
            door_key=f"remotelock.lock:{ev.publisher_id}",
            building_key=f"butterflymx:{lock.building_id}" if lock and lock.building_id else None,
            unit_key=f"butterflymx:{lock.unit_id}" if lock else None,
            occurred_at=_iso(ev.occurred_at),
            vendor="remotelock",
            vendor_type=ev.type,
            method=ev.method if isinstance(ev, CredentialEvent) else None,
            actor=ev.associated_resource_id if isinstance(ev, CredentialEvent) else None,
            status=ev.status,
        )
        await self._door(data)
        await self._advance("remotelock", ev.id, ev.created_at or ev.occurred_at)
        return True

    async def _advance(self, vendor: str, event_id: str | None, at: datetime) -> None:
        """Move the vendor's back-fill cursor, at most once a second: it is a lower bound
        anyway (back-fill overlaps harmlessly), and a write per event halves the throughput."""
        now = time.monotonic()
        if now - self._cursor_written.get(vendor, -CURSOR_EVERY_S) < CURSOR_EVERY_S:
            return
        self._cursor_written[vendor] = now
        await self._services.store.cursors.advance(vendor, event_id, at)

    async def backfill_remotelock(self) -> int:
        """Publish what RemoteLock stored since the newest event seen; how many were new.

        With no cursor yet (the first start) history is not replayed: the cursor starts now.
        """
        cursor = await self._services.store.cursors.get("remotelock")
        if cursor is None:
            await self._services.store.cursors.advance("remotelock", None, datetime.now(UTC))
            return 0
        event_id, created_at = cursor
        new = 0
        try:
            async for ev in self._services.remotelock.events.iter_since(
                event_id=event_id, created_at=created_at
            ):
                new += await self.remotelock(ev)
        except VendorError as exc:
            log.warning("remotelock back-fill stopped after %d events: %s", new, exc)
        return new

    async def _door(self, data: DoorEventData) -> None:
        bus = self._services.bus
        await bus.publish(event(door_topic(data.door_key), data))
        if data.building_key is not None:
            await bus.publish(event(building_doors_topic(data.building_key), data))

    async def butterflymx(self, ev: WebhookEvent) -> bool:
        """Publish one ButterflyMX webhook event; False for a duplicate or an unknown type."""
        if isinstance(ev, CallStatusChanged):
            published, at = await self._call(ev), ev.call.created_at
        elif isinstance(ev, DoorReleaseCreated):
            published, at = await self._door_release(ev.door_release), ev.door_release.created_at
        else:
            return False
        if published:  # (a back-fill moves the cursor once, when it has read everything)
            await self._advance("butterflymx", None, at)
        return published

    async def _door_release(self, release: DoorRelease) -> bool:
        """Publish one door release (webhook or back-fill); False for a duplicate."""
        reference = f"door_release:{release.id}"
        if not await self._first_time("butterflymx", reference):
            return False
        attempt = await self._services.store.attempts.by_reference(reference)
        # Reference silent: a door release names no door. Ours name the attempt's door;
        # others get a key naming the release, which resolves to no door.
        door_key = attempt.door_key if attempt else f"butterflymx.door_release:{release.id}"
        await self._door(
            DoorEventData(
                id=f"butterflymx:{release.id}",
                kind="RELEASED",
                door_key=door_key,
                building_key=_key(release.building_id),
                unit_key=_key(release.unit_id),
                occurred_at=_iso(release.created_at),
                vendor="butterflymx",
                vendor_type="door_release.created",
                method=release.release_method,
                actor=release.name,
            )
        )
        return True

    async def backfill_butterflymx(self) -> int:
        """Publish the door releases and new calls ButterflyMX listed since the cursor in
        the site map's buildings (where our integrations are); how many were new."""
        cursors = self._services.store.cursors
        cursor = await cursors.get("butterflymx")
        if cursor is None:
            since = datetime.now(UTC) - BUTTERFLYMX_FIRST_LOOK
            await cursors.advance("butterflymx", None, since)
        else:
            since = cursor[1] - BUTTERFLYMX_OVERLAP
        bmx = self._services.butterflymx
        buildings = [b.butterflymx_building_id for b in self._services.site_map.buildings]
        new, newest = 0, since
        try:
            units = await bmx.units.list(building_ids=buildings)
            building_of = {u.id: u.building_id for u in units}
            for release in await bmx.door_releases.created_since(since):
                building = building_of.get(release.unit_id or "")
                if building is not None:  # elsewhere: no integration of ours would tell us
                    new += await self._door_release(replace(release, building_id=building))
                    newest = max(newest, release.created_at)
            units_of: dict[str, list[str]] = defaultdict(list)
            for unit in units:
                if unit.building_id is not None:
                    units_of[unit.building_id].append(unit.id)
            for building, unit_ids in units_of.items():
                for call in await bmx.calls.created_since(since, unit_ids=unit_ids):
                    new += await self._backfilled_call(replace(call, building_id=building))
                    newest = max(newest, call.created_at)
        except VendorError as exc:
            # The cursor stays: the next start reads this gap again (claims drop repeats).
            log.warning("butterflymx back-fill stopped after %d events: %s", new, exc)
            return new
        await cursors.advance("butterflymx", None, newest)
        return new

    async def _backfilled_call(self, call: Call) -> bool:
        """Announce a call the building's subscribers missed, as it is now. The claim is the
        ring's, so a late `initializing` delivery (or another replica) adds nothing."""
        status = call.status or "initializing"
        if status == "initializing":  # still ringing: exactly what its webhook would do
            return await self._call_status(call, status, call.created_at)
        if not await self._first_time("butterflymx", f"call:{call.guid}:initializing"):
            return False
        # The call list gives no time for the current status: the event is the ring's.
        data = self._call_data(call, status, call.created_at)
        topic = building_calls_topic(f"butterflymx:{call.building_id}")
        await self._services.bus.publish(event(topic, data))
        return True

    async def _call(self, ev: CallStatusChanged) -> bool:
        call = ev.call
        statuses: list[tuple[str, datetime]] = []
        if call.status is not None:
            statuses.append((call.status, call.status_changed_at or ev.created_at))
        # The follow-up read: where the call is now (it may have moved on since this event).
        try:
            current = await self._services.butterflymx.calls.get_status(call.guid)
        except VendorError as exc:
            log.info("butterflymx call %s: status not readable now: %s", call.guid, exc)
        else:
            statuses.append((current.status, current.created_at or ev.created_at))
        published = False
        for status, at in sorted(statuses, key=lambda s: s[1]):
            published |= await self._call_status(call, status, at)
        return published

    def _call_data(self, call: Call, status: str, at: datetime) -> CallEventData:
        return CallEventData(
            call_key=f"butterflymx:{call.guid}",
            building_key=_key(call.building_id),
            unit_key=_key(call.unit_id),
            status=status,
            occurred_at=_iso(at),
            terminal=status in TERMINAL_CALL_STATUSES,
        )

    async def _call_status(self, call: Call, status: str, at: datetime) -> bool:
        key = f"butterflymx:{call.guid}"
        newest = self._call_at.get(key)
        if newest is not None and at < newest:
            return False  # out of order: a newer status was published already
        if not await self._first_time("butterflymx", f"call:{call.guid}:{status}"):
            return False
        self._call_at[key] = at
        data = self._call_data(call, status, at)
        bus = self._services.bus
        await bus.publish(event(call_topic(key), data))
        if status == "initializing" and data.building_key is not None:
            await bus.publish(event(building_calls_topic(data.building_key), data))
        return True


def _key(vendor_id: str | None) -> str | None:
    return None if vendor_id is None else f"butterflymx:{vendor_id}"
