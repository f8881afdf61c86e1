"""The read graph over real HTTP: one query across three vendors, IDs, caching, partial results."""

from __future__ import annotations

import base64

from tests.schema.graphs import DASHBOARD, Graph
from tests.schema.graphs import building_of as _building


async def test_one_query_answers_a_building_across_three_vendors(graph: Graph) -> None:
    body = await graph.query(DASHBOARD, first=1000)
    assert "errors" not in body, body.get("errors")
    building = _building(body)
    units = [e["node"] for e in building["units"]["edges"]]
    assert len(units) == building["unitCount"] == 100
    assert all(len(u["tenants"]) == 2 for u in units)
    door_vendors = {d["vendor"] for u in units for d in u["doors"]}
    assert door_vendors == {"BUTTERFLYMX", "REMOTELOCK"}
    assert all(len(u["doors"]) == 1 for u in units)
    remotelock = [d for u in units for d in u["doors"] if d["vendor"] == "REMOTELOCK"]
    assert all(
        d["state"] in ("LOCKED", "UNLOCKED") and d["battery"] is not None for d in remotelock
    )
    assert all(d["capabilities"]["canLock"] for d in remotelock)
    assert building["accessPoints"]
    [space] = building["spaces"]
    rooms = space["rooms"]
    assert len(rooms) == 20
    assert all(r["occupancy"]["count"] <= r["occupancy"]["capacity"] for r in rooms)
    assert space["occupancy"]["count"] == sum(r["occupancy"]["count"] for r in rooms)
    assert all(len(r["sensors"]) == 2 for r in rooms)
    assert space["zones"]
    room_ids = {r["id"] for r in rooms}
    assert all(z["room"] is None or z["room"]["id"] in room_ids for z in space["zones"])


async def test_the_dashboard_costs_a_fixed_number_of_vendor_calls(graph: Graph) -> None:
    await graph.sandbox("DELETE", "/counters")
    await graph.query(DASHBOARD, first=1000)
    counters = await graph.sandbox("GET", "/counters")
    total = sum(v["total"] for v in counters.values())
    assert total <= 20, {v: c["routes"] for v, c in counters.items()}


async def test_a_repeated_query_within_the_ttl_makes_no_reference_calls(graph: Graph) -> None:
    await graph.query(DASHBOARD, first=1000)
    await graph.sandbox("DELETE", "/counters")
    again = await graph.query(DASHBOARD, first=1000)
    assert "errors" not in again
    counters = await graph.sandbox("GET", "/counters")
    assert counters["butterflymx"]["total"] == 0
    assert counters["butlr"]["routes"].keys() <= {"POST /api/v3/reporting"}


async def test_butlr_down_gives_access_data_and_typed_errors(graph: Graph) -> None:
    await graph.sandbox("PATCH", "/faults/butlr", json={"error_rate": 1})
    body = await graph.query(DASHBOARD, first=1000)
    building = _building(body)
    assert len(building["units"]["edges"]) == 100
    assert building["spaces"] is None
    codes = {(e["extensions"]["code"], e["extensions"]["vendor"]) for e in body["errors"]}
    assert codes == {("VENDOR_UNAVAILABLE", "butlr")}
    assert all("Butlr" in e["message"] for e in body["errors"])


async def test_remotelock_down_keeps_butterflymx_doors_and_reports_the_gap(graph: Graph) -> None:
    await graph.sandbox("PATCH", "/faults/remotelock", json={"error_rate": 1})
    body = await graph.query(DASHBOARD, first=4)
    units = [e["node"] for e in _building(body)["units"]["edges"]]
    assert [len(u["doors"]) for u in units] == [1, 0, 1, 0]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"VENDOR_UNAVAILABLE"}
    assert {tuple(e["path"][-1:]) for e in body["errors"]} == {("doors",)}


async def test_node_round_trips_every_type(graph: Graph) -> None:
    body = await graph.query(
        """{ buildings(first: 1) { edges { node { id
              units(first: 2) { edges { node { id tenants { id } doors { id } } } }
              accessPoints { id }
              spaces { id hives { id } rooms { id sensors { id } } } } } } }"""
    )
    building = _building(body)
    units = [e["node"] for e in building["units"]["edges"]]
    space = building["spaces"][0]
    ids = {
        "Building": building["id"],
        "Unit": units[0]["id"],
        "Tenant": units[0]["tenants"][0]["id"],
        "Door": units[1]["doors"][0]["id"],
        "Space": space["id"],
        "Hive": space["hives"][0]["id"],
        "Room": space["rooms"][0]["id"],
        "Sensor": space["rooms"][0]["sensors"][0]["id"],
    }
    ids["AccessPoint door"] = building["accessPoints"][0]["id"]
    ids["ButterflyMX lock door"] = units[0]["doors"][0]["id"]
    for label, node_id in ids.items():
        answer = await graph.query(
            "query($id: ID!) { node(id: $id) { __typename id } }", id=node_id
        )
        assert answer["data"]["node"] is not None, label
        assert answer["data"]["node"]["id"] == node_id
        assert answer["data"]["node"]["__typename"] == label.split()[-1].capitalize()
    many = await graph.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=list(ids.values())
    )
    assert [n["id"] for n in many["data"]["nodes"]] == list(ids.values())


async def test_unknown_and_malformed_ids_are_clear(graph: Graph) -> None:
    unknown = base64.b64encode(b"Unit:butterflymx:999999").decode()
    body = await graph.query("query($id: ID!) { node(id: $id) { id } }", id=unknown)
    assert body["data"]["node"] is None
    body = await graph.query("query($id: ID!) { node(id: $id) { id } }", id="not-an-id")
    assert body["data"] is None or body["data"]["node"] is None
    assert "GlobalID" in body["errors"][0]["message"]


async def test_filters_on_units_and_doors(graph: Graph) -> None:
    body = await graph.query(
        """{ buildings(first: 1) { edges { node {
              units(first: 100, floor: 3) { edges { node { floor } } }
              locks: doors(vendor: REMOTELOCK) { vendor kind }
              points: doors(kind: ACCESS_POINT) { kind } } } } }"""
    )
    building = _building(body)
    floors = {e["node"]["floor"] for e in building["units"]["edges"]}
    assert floors == {3}
    assert len(building["units"]["edges"]) == 10
    assert {(d["vendor"], d["kind"]) for d in building["locks"]} == {("REMOTELOCK", "UNIT_LOCK")}
    assert len(building["locks"]) == 50
    assert building["points"]
    assert {d["kind"] for d in building["points"]} == {"ACCESS_POINT"}


async def test_activity_and_visitor_keys_read_and_round_trip(graph: Graph) -> None:
    body = await graph.query(
        """{ buildings(first: 1) { edges { node {
              panels { id name }
              calls(first: 5, callType: MOBILE) { edges { node { id callType createdAt } } }
              doorReleases(first: 3) { edges { node { id releaseMethod createdAt } } }
              units(first: 2) { edges { node {
                keychains { id kind virtualKeys { qrCodeImageUrl } }
                doors { vendor accessGuests { id status pin } } } } } } } }
            accessGuests(first: 3) { edges { node { id name status } } } }"""
    )
    assert "errors" not in body, body.get("errors")
    building = _building(body)
    calls = [e["node"] for e in building["calls"]["edges"]]
    assert calls
    assert {c["callType"] for c in calls} == {"MOBILE"}
    assert [c["createdAt"] for c in calls] == sorted((c["createdAt"] for c in calls), reverse=True)
    releases = [e["node"] for e in building["doorReleases"]["edges"]]
    assert len(releases) == 3
    guests = [
        g for e in building["units"]["edges"] for d in e["node"]["doors"] for g in d["accessGuests"]
    ]
    ids = [building["panels"][0]["id"], calls[0]["id"], releases[0]["id"]]
    ids += [g["id"] for g in guests[:1]]
    ids += [e["node"]["id"] for e in body["data"]["accessGuests"]["edges"][:1]]
    keychains = [k for e in building["units"]["edges"] for k in e["node"]["keychains"]]
    ids += [k["id"] for k in keychains[:1]]
    answer = await graph.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert [n["id"] for n in answer["data"]["nodes"]] == ids


async def test_a_unit_reached_by_id_loads_its_own_tenants_and_doors(graph: Graph) -> None:
    body = await graph.query(
        "{ buildings(first: 1) { edges { node { units(first: 2) { edges { node { id } } } } } } }"
    )
    ids = [e["node"]["id"] for e in _building(body)["units"]["edges"]]
    answer = await graph.query(
        """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit {
             label tenants { name } doors { vendor unit { label } } } } }""",
        ids=ids,
    )
    assert "errors" not in answer
    units = answer["data"]["nodes"]
    assert [len(u["tenants"]) for u in units] == [2, 2]
    assert [u["doors"][0]["vendor"] for u in units] == ["BUTTERFLYMX", "REMOTELOCK"]
    assert [u["doors"][0]["unit"]["label"] for u in units] == [u["label"] for u in units]
