"""Visitor keys: issued at both vendors or at none, revoked with history kept, PINs checked."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from concierge.server.settings import Settings
from tests.schema.graphs import Graph, building_of

KEY_FIELDS = """
  id name status pin
  unit { id } tenant { id }
  schedule { kind timeZone startsAt endsAt weekdays startDate endDate timeFrom timeTo }
  credentials { vendor kind vendorId qrCodeImageUrl email smsNumber }
"""
ISSUE = f"""
mutation($input: IssueKeyInput!) {{
  issueKey(input: $input) {{
    __typename
    ... on IssueKeySuccess {{ key {{ {KEY_FIELDS} }} }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ field }}
    ... on InvalidScheduleError {{ field }}
    ... on PinConflictError {{ holder }}
    ... on VendorUnavailableError {{ vendor }}
  }}
}}
"""
REVOKE = f"""
mutation($key: ID!, $idem: String!) {{
  revokeKey(input: {{keyId: $key, idempotencyKey: $idem}}) {{
    __typename
    ... on RevokeKeySuccess {{ key {{ {KEY_FIELDS} revokedAt }} }}
    ... on UserError {{ code message }}
  }}
}}
"""
SET_PIN = """
mutation($tenant: ID!, $pin: String!, $idem: String!) {
  setTenantPin(input: {tenantId: $tenant, pin: $pin, idempotencyKey: $idem}) {
    __typename
    ... on SetTenantPinSuccess { pin tenant { id } }
    ... on UserError { code message }
    ... on InvalidInputError { field }
  }
}
"""
SITE = """
{ buildings(first: 1) { edges { node {
  timeZone
  accessPoints { id }
  units(first: 100) { edges { node { id tenants { id }
    doors { id vendor kind capabilities { canIssuePin canIssueQrKey } } } } }
} } } }
"""
UNIT_KEYS = """
query($id: ID!) { node(id: $id) { ... on Unit {
  visitorKeys { id status }
  keychains { id name kind weekdays startsAt endsAt timeFrom timeTo }
} } }
"""
GUEST = """
query($id: ID!) { node(id: $id) { ... on AccessGuest { id name status pin startsAt endsAt } } }
"""
LOCK_GUESTS = "query($id: ID!) { node(id: $id) { ... on Door { accessGuests { id status } } } }"
KEY_NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on VisitorKey {{ {KEY_FIELDS} }} }} }}"


@pytest.fixture
def concierge_settings() -> Settings:
    return Settings(demo_activity_s=0)


def _gid(type_name: str, node_key: str) -> str:
    return base64.b64encode(f"{type_name}:{node_key}".encode()).decode()


async def _site(graph: Graph) -> dict[str, Any]:
    """The demo building, and a unit with a RemoteLock lock (and a tenant)."""
    building = building_of(await graph.query(SITE))
    for edge in building["units"]["edges"]:
        unit = edge["node"]
        locks = [d for d in unit["doors"] if d["vendor"] == "REMOTELOCK"]
        if locks and unit["tenants"]:
            return {"building": building, "unit": unit, "lock": locks[0]["id"]}
    raise AssertionError("the demo building has a unit with a RemoteLock lock")


async def _writes(graph: Graph) -> int:
    """Vendor API calls that change something (token requests aside)."""
    total = 0
    for vendor in ("butterflymx", "remotelock"):
        counters = await graph.sandbox("GET", f"/counters?vendor={vendor}")
        for route, count in counters["routes"].items():
            method, _, path = route.partition(" ")
            if method != "GET" and "oauth" not in path and "token" not in path:
                total += int(count)
    return total


async def _calls(graph: Graph, vendor: str, route: str) -> int:
    counters = await graph.sandbox("GET", f"/counters?vendor={vendor}")
    return int(counters["routes"].get(route, 0))


def _recurring(days_ahead: int = 1) -> dict[str, Any]:
    start = date.today() + timedelta(days=days_ahead)
    return {
        "recurring": {
            "weekdays": ["MON", "WED", "FRI"],
            "startDate": start.isoformat(),
            "endDate": (start + timedelta(days=30)).isoformat(),
            "timeFrom": "09:00",
            "timeTo": "17:30",
        }
    }


def _custom(hours_ahead: int = 2, hours: int = 4) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(hours=hours_ahead)
    return {
        "custom": {
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=hours)).isoformat(),
        }
    }


async def _issue(graph: Graph, **fields: Any) -> Any:
    body = await graph.query(ISSUE, input=fields)
    assert "errors" not in body, body
    return body["data"]["issueKey"]


def _credentials(key: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in key["credentials"] if c["kind"] == kind]


async def test_a_recurring_key_makes_a_keychain_and_a_scheduled_guest(graph: Graph) -> None:
    site = await _site(graph)
    unit, lock = site["unit"], site["lock"]
    result = await _issue(
        graph,
        unitId=unit["id"],
        name="Dog walker",
        recipients=["walker@example.com", "+15551234567"],
        schedule=_recurring(),
        idempotencyKey="walker",
    )
    assert result["__typename"] == "IssueKeySuccess", result
    key = result["key"]
    assert (key["status"], key["name"], key["unit"]["id"]) == ("ACTIVE", "Dog walker", unit["id"])
    assert key["pin"]
    assert key["pin"].isdigit()
    assert key["schedule"]["timeFrom"] == "09:00"
    (keychain,) = _credentials(key, "KEYCHAIN")
    qr = _credentials(key, "VIRTUAL_KEY")
    assert {c["email"] or c["smsNumber"] for c in qr} == {"walker@example.com", "+15551234567"}
    assert all(c["qrCodeImageUrl"] for c in qr)
    (guest,) = _credentials(key, "ACCESS_GUEST")
    assert len(_credentials(key, "ACCESS")) == 1
    assert len(_credentials(key, "ACCESS_SCHEDULE")) == 1

    # ButterflyMX: a recurring keychain, dates and times as it reads them (UTC).
    zone = ZoneInfo(key["schedule"]["timeZone"])
    weekly = _recurring()["recurring"]
    first = datetime.combine(date.fromisoformat(weekly["startDate"]), datetime.min.time(), zone)
    first = first.replace(hour=9).astimezone(UTC)
    found = await graph.query(UNIT_KEYS, id=unit["id"])
    chains = {k["id"]: k for k in found["data"]["node"]["keychains"]}
    chain = chains[_gid("Keychain", f"butterflymx:{keychain['vendorId']}")]
    assert (chain["kind"], chain["name"]) == ("RECURRING", "Dog walker")
    assert chain["timeFrom"] == first.strftime("%H:%M")
    assert datetime.fromisoformat(chain["startsAt"]) == first
    assert len(chain["weekdays"]) == 3
    assert [k["status"] for k in found["data"]["node"]["visitorKeys"]] == ["ACTIVE"]

    # RemoteLock: a guest over the widest window, in the location's wall clock.
    node = await graph.query(GUEST, id=_gid("AccessGuest", f"remotelock:{guest['vendorId']}"))
    person = node["data"]["node"]
    assert (person["name"], person["status"], person["pin"]) == (
        "Dog walker",
        "upcoming",
        key["pin"],
    )
    assert person["startsAt"].startswith(f"{weekly['startDate']}T09:00:00")
    assert person["endsAt"].startswith(f"{weekly['endDate']}T17:30:00")
    door = (await graph.query(LOCK_GUESTS, id=lock))["data"]["node"]
    assert _gid("AccessGuest", f"remotelock:{guest['vendorId']}") in {
        g["id"] for g in door["accessGuests"]
    }
    assert await _calls(graph, "remotelock", "POST /api/schedules") == 1

    readback = (await graph.query(KEY_NODE, id=key["id"]))["data"]["node"]
    assert readback["credentials"] == key["credentials"]


async def test_a_failure_at_remotelock_leaves_no_keychain_at_butterflymx(graph: Graph) -> None:
    site = await _site(graph)
    unit = site["unit"]
    before = (await graph.query(UNIT_KEYS, id=unit["id"]))["data"]["node"]["keychains"]
    await graph.sandbox(
        "PATCH",
        "/faults/remotelock",
        json={
            "error_rate": 1,
            "error_status": 500,
            "methods": ["POST"],
            "path_contains": "access_persons",
        },
    )
    result = await _issue(
        graph,
        unitId=unit["id"],
        name="Plumber",
        recipients=["plumber@example.com"],
        schedule=_custom(),
        idempotencyKey="plumber",
    )
    assert result["__typename"] == "VendorUnavailableError", result
    assert result["vendor"] == "remotelock"
    assert "RemoteLock" in result["message"]
    assert await _calls(graph, "butterflymx", "POST /api/v3/me/keychains/custom") == 1
    assert await _calls(graph, "butterflymx", "DELETE /api/v3/me/keychains/{id}") == 1
    after = await graph.query(UNIT_KEYS, id=unit["id"])
    assert after["data"]["node"]["keychains"] == before
    assert [k["status"] for k in after["data"]["node"]["visitorKeys"]] == ["FAILED"]


async def test_revoking_deletes_the_keychain_and_deactivates_the_guest(graph: Graph) -> None:
    site = await _site(graph)
    unit, lock = site["unit"], site["lock"]
    key = (
        await _issue(
            graph,
            unitId=unit["id"],
            name="Cleaner",
            recipients=["cleaner@example.com"],
            schedule=_custom(),
            idempotencyKey="cleaner",
        )
    )["key"]
    (keychain,) = _credentials(key, "KEYCHAIN")
    (guest,) = _credentials(key, "ACCESS_GUEST")
    revoked = (await graph.query(REVOKE, key=key["id"], idem="revoke-cleaner"))["data"]
    assert revoked["revokeKey"]["__typename"] == "RevokeKeySuccess", revoked
    assert revoked["revokeKey"]["key"]["status"] == "REVOKED"
    assert revoked["revokeKey"]["key"]["revokedAt"] is not None

    chains = (await graph.query(UNIT_KEYS, id=unit["id"]))["data"]["node"]["keychains"]
    assert _gid("Keychain", f"butterflymx:{keychain['vendorId']}") not in {c["id"] for c in chains}
    guest_id = _gid("AccessGuest", f"remotelock:{guest['vendorId']}")
    person = (await graph.query(GUEST, id=guest_id))["data"]["node"]
    assert person is not None, "the guest is kept, with its history"
    assert person["status"] == "deactivated"
    door = (await graph.query(LOCK_GUESTS, id=lock))["data"]["node"]
    assert {g["id"]: g["status"] for g in door["accessGuests"]}.get(guest_id) in (
        None,
        "deactivated",
    )
    assert await _calls(graph, "remotelock", "DELETE /api/access_persons/{id}") == 0

    writes = await _writes(graph)
    again = (await graph.query(REVOKE, key=key["id"], idem="revoke-cleaner"))["data"]
    assert again["revokeKey"]["key"]["status"] == "REVOKED"
    assert await _writes(graph) == writes


async def test_a_pin_taken_on_the_lock_is_refused_by_name_before_any_write(graph: Graph) -> None:
    site = await _site(graph)
    unit = site["unit"]
    first = await _issue(
        graph,
        unitId=unit["id"],
        name="Nanny",
        recipients=["nanny@example.com"],
        schedule=_custom(hours_ahead=1, hours=8),
        pin="4821",
        idempotencyKey="nanny",
    )
    assert first["__typename"] == "IssueKeySuccess", first
    writes = await _writes(graph)
    clash = await _issue(
        graph,
        unitId=unit["id"],
        name="Babysitter",
        recipients=["sitter@example.com"],
        schedule=_custom(hours_ahead=3, hours=2),
        pin="4821",
        idempotencyKey="sitter",
    )
    assert clash["__typename"] == "PinConflictError", clash
    assert clash["holder"] == "Nanny"
    assert "Nanny" in clash["message"]
    assert await _writes(graph) == writes


async def test_a_pin_held_elsewhere_in_the_account_is_refused_before_any_write(
    graph: Graph,
) -> None:
    building = building_of(await graph.query(SITE))
    units = [
        e["node"]
        for e in building["units"]["edges"]
        if e["node"]["tenants"]
        and any(
            d["vendor"] == "REMOTELOCK" and d["capabilities"]["canIssuePin"]
            for d in e["node"]["doors"]
        )
    ]
    assert len(units) >= 2, "the demo building has two units with RemoteLock locks"
    first = await _issue(
        graph,
        unitId=units[0]["id"],
        name="Dog walker",
        recipients=["walker@example.com"],
        schedule=_custom(hours_ahead=1, hours=1),
        pin="60417",
        idempotencyKey="walker",
    )
    assert first["__typename"] == "IssueKeySuccess", first
    writes = await _writes(graph)
    # Another unit's lock, another day: RemoteLock would still refuse the PIN.
    clash = await _issue(
        graph,
        unitId=units[1]["id"],
        name="Piano tuner",
        recipients=["tuner@example.com"],
        schedule=_custom(hours_ahead=48, hours=1),
        pin="60417",
        idempotencyKey="tuner",
    )
    assert clash["__typename"] == "PinConflictError", clash
    assert clash["holder"] == "Dog walker"
    assert "unique across the account" in clash["message"]
    assert await _writes(graph) == writes


async def test_replaying_an_issue_makes_no_second_keychain(graph: Graph) -> None:
    site = await _site(graph)
    fields = {
        "tenantId": site["unit"]["tenants"][0]["id"],
        "name": "Courier",
        "recipients": ["+15557654321"],
        "schedule": {"oneTime": _custom()["custom"]},
        "idempotencyKey": "courier",
    }
    first = await _issue(graph, **fields)
    assert first["__typename"] == "IssueKeySuccess", first
    assert first["key"]["tenant"]["id"] == fields["tenantId"]
    assert first["key"]["schedule"]["kind"] == "ONE_TIME"
    second = await _issue(graph, **fields)
    assert second == first
    assert await _calls(graph, "butterflymx", "POST /api/v3/me/keychains/one_time") == 1
    other = await _issue(graph, **(fields | {"name": "Another courier"}))
    assert other["__typename"] == "IdempotencyConflictError"


async def test_bad_input_is_refused_with_a_typed_error_and_no_vendor_write(graph: Graph) -> None:
    site = await _site(graph)
    unit = site["unit"]["id"]
    tenant = site["unit"]["tenants"][0]["id"]
    past = date.today() - timedelta(days=3)
    good = {"unitId": unit, "name": "V", "recipients": ["v@example.com"], "schedule": _custom()}
    no_qr_door = next(
        (
            d["id"]
            for e in site["building"]["units"]["edges"]
            for d in e["node"]["doors"]
            if not (d["capabilities"]["canIssuePin"] or d["capabilities"]["canIssueQrKey"])
        ),
        None,
    )
    weekly = _recurring()["recurring"]
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        (
            {"schedule": {"recurring": weekly | {"weekdays": []}}},
            "InvalidScheduleError",
            "weekdays",
        ),
        (
            {
                "schedule": {
                    "custom": {"startsAt": "2030-01-02T10:00:00Z", "endsAt": "2030-01-01T10:00:00Z"}
                }
            },
            "InvalidScheduleError",
            "endsAt",
        ),
        (
            {"schedule": {"recurring": weekly | {"timeFrom": "9am"}}},
            "InvalidScheduleError",
            "timeFrom",
        ),
        (
            {"schedule": {"recurring": weekly | {"timeTo": "24:00"}}},
            "InvalidScheduleError",
            "timeTo",
        ),
        (
            {"schedule": {"recurring": weekly | {"startDate": past.isoformat()}}},
            "InvalidScheduleError",
            "startDate",
        ),
        (
            {
                "schedule": {
                    "custom": {"startsAt": f"{past}T10:00:00Z", "endsAt": f"{past}T12:00:00Z"}
                }
            },
            "InvalidScheduleError",
            "endsAt",
        ),
        ({"recipients": ["not an address"]}, "InvalidInputError", "recipients"),
        ({"recipients": ["5551234567"]}, "InvalidInputError", "recipients"),
        ({"recipients": []}, "InvalidInputError", "recipients"),
        ({"pin": "123"}, "InvalidInputError", "pin"),
        ({"pin": "123456789"}, "InvalidInputError", "pin"),
        ({"pin": "12a4"}, "InvalidInputError", "pin"),
        ({"unitId": _gid("Unit", "butterflymx:999999999")}, "NotFoundError", None),
        (
            {"unitId": None, "tenantId": _gid("Tenant", "butterflymx:999999999")},
            "NotFoundError",
            None,
        ),
        ({"unitId": tenant}, "InvalidInputError", "unitId"),
        ({"doorIds": [_gid("Door", "remotelock.lock:no-such-lock")]}, "NotFoundError", None),
        ({"doorIds": [unit]}, "InvalidInputError", "doorIds"),
        ({"unitId": None}, "InvalidInputError", "unitId"),
        ({"name": " "}, "InvalidInputError", "name"),
    ]
    if no_qr_door is not None:
        cases.append(({"doorIds": [no_qr_door]}, "DoorNotCapableError", None))
    before = await _writes(graph)
    for n, (change, typename, field) in enumerate(cases):
        result = await _issue(graph, **(good | change | {"idempotencyKey": f"bad-{n}"}))
        assert result["__typename"] == typename, (change, result)
        if field is not None:
            assert result["field"] == field, (change, result)
        assert result["message"]
    assert await _writes(graph) == before


async def test_a_schedule_must_be_exactly_one_kind(graph: Graph) -> None:
    site = await _site(graph)
    both = _custom() | {"oneTime": _custom()["custom"]}
    body = await graph.query(
        ISSUE,
        input={"unitId": site["unit"]["id"], "name": "V", "schedule": both, "idempotencyKey": "x"},
    )
    assert body.get("errors"), body
    assert await _writes(graph) == 0


async def test_a_tenant_pin_is_set_and_read_back(graph: Graph) -> None:
    site = await _site(graph)
    tenant = site["unit"]["tenants"][0]["id"]
    body = await graph.query(SET_PIN, tenant=tenant, pin="085434", idem="pin-1")
    result = body["data"]["setTenantPin"]
    assert result == {
        "__typename": "SetTenantPinSuccess",
        "pin": "085434",
        "tenant": {"id": tenant},
    }
    assert await _calls(graph, "butterflymx", "PUT /api/v3/pins") == 1
    bad = (await graph.query(SET_PIN, tenant=tenant, pin="12", idem="pin-2"))["data"]
    assert (bad["setTenantPin"]["__typename"], bad["setTenantPin"]["field"]) == (
        "InvalidInputError",
        "pin",
    )
    assert await _calls(graph, "butterflymx", "PUT /api/v3/pins") == 1
