"""Start-up reconcile of our webhooks at each vendor: create what is missing, fix what is
wrong, leave everyone else's registrations alone.

RemoteLock: one webhook notification subscriber with our URL (json, our secret, active)
and an account-wide subscription to the door event types. ButterflyMX: one integration
per site-map building whose URL is ours (our secret token in the path), for calls and
door releases. A vendor that cannot be reached is logged once; confirmation's poll and
the next start cover the gap.
"""

from __future__ import annotations

import logging

from concierge.connectors.errors import VendorError
from concierge.resolvers.services import Services

log = logging.getLogger(__name__)

REMOTELOCK_EVENT_TYPES = ("unlocked", "locked", "access_denied", "power_level_low", "connectivity")
BUTTERFLYMX_BINDINGS = ("call", "door_release")
SUBSCRIBER_NAME = "Concierge"


async def register_webhooks(services: Services, *, public_url: str, secret: str) -> None:
    base = public_url.rstrip("/")
    try:
        await _remotelock(services, f"{base}/webhooks/remotelock", secret)
    except VendorError as exc:
        log.warning("remotelock webhook registration failed: %s", exc)
    try:
        await _butterflymx(services, f"{base}/webhooks/butterflymx/", secret)
    except VendorError as exc:
        log.warning("butterflymx webhook registration failed: %s", exc)


async def _remotelock(services: Services, url: str, secret: str) -> None:
    rl = services.remotelock
    subscribers = await rl.notification_subscribers.list(types=["webhook_notification_subscriber"])
    ours = next((s for s in subscribers if s.url == url), None)
    if ours is None:
        ours = await rl.notification_subscribers.create_webhook(SUBSCRIBER_NAME, url, secret=secret)
    elif ours.secret != secret or ours.content_type != "json" or not ours.active:
        ours = await rl.notification_subscribers.update(
            ours.id, secret=secret, content_type="json", active=True
        )
    account = await rl.account.get()
    subscriptions = await rl.notification_subscriptions.list(subscriber_id=ours.id)
    mine = next(
        (
            s
            for s in subscriptions
            if s.publisher_type == "account" and s.publisher_id == account.id
        ),
        None,
    )
    if mine is None:
        await rl.notification_subscriptions.create(
            publisher_type="account",
            publisher_id=account.id,
            subscriber_id=ours.id,
            event_types=REMOTELOCK_EVENT_TYPES,
        )
    elif not set(REMOTELOCK_EVENT_TYPES) <= set(mine.event_types):
        wanted = sorted(set(mine.event_types) | set(REMOTELOCK_EVENT_TYPES))
        await rl.notification_subscriptions.update(mine.id, event_types=wanted)


async def _butterflymx(services: Services, prefix: str, secret: str) -> None:
    bmx = services.butterflymx
    url = f"{prefix}{secret}"
    for building in services.site_map.buildings:
        bid = building.butterflymx_building_id
        integrations = await bmx.integrations.list(building_id=bid)
        # Ours is the one under our URL prefix (an old token is ours too, and fixed).
        ours = next((i for i in integrations if i.url.startswith(prefix)), None)
        if ours is None:
            await bmx.integrations.create(url, building_id=bid, bindings=BUTTERFLYMX_BINDINGS)
        elif (
            ours.url != url
            or ours.method != "post"
            or set(ours.bindings) != set(BUTTERFLYMX_BINDINGS)
        ):
            await bmx.integrations.update(
                ours.id, building_id=bid, url=url, method="post", bindings=BUTTERFLYMX_BINDINGS
            )
