"""JSON:API mechanics on v3: pagination links, sort, filter, include, and their errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.sandbox.butterflymx.conftest import Bmx


def _page_of(link: str) -> tuple[int, int]:
    query = parse_qs(urlsplit(link).query)
    return int(query["page[number]"][0]), int(query["page[size]"][0])


async def test_default_page_has_twenty_and_links_built_from_request_host(
    bmx: Bmx, manager_token: str
) -> None:
    reply = await bmx.call("GET", "/v3/units", manager_token)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/vnd.api+json; charset=utf-8"
    assert len(reply.body["data"]) == 20
    assert "meta" not in reply.body
    links = reply.body["links"]
    assert set(links) == {"self", "first", "prev", "next", "last"}
    assert links["self"] == f"{bmx.api_url}/v3/units?page%5Bnumber%5D=1&page%5Bsize%5D=20"
    assert links["prev"] is None
    assert _page_of(links["next"]) == (2, 20)
    assert _page_of(links["last"]) == (15, 20)
    ids = [int(u["id"]) for u in reply.body["data"]]
    assert ids == sorted(ids, reverse=True)  # newest first, as the reference lists


async def test_middle_last_and_beyond_last_pages(bmx: Bmx, manager_token: str) -> None:
    middle = await bmx.call(
        "GET", "/v3/units", manager_token, params={"page[number]": "7", "page[size]": "20"}
    )
    assert _page_of(middle.body["links"]["prev"]) == (6, 20)
    assert _page_of(middle.body["links"]["next"]) == (8, 20)
    last = await bmx.call("GET", "/v3/units", manager_token, params={"page[number]": "15"})
    assert len(last.body["data"]) == 20
    assert last.body["links"]["next"] is None
    beyond = await bmx.call("GET", "/v3/units", manager_token, params={"page[number]": "99"})
    assert beyond.status == 200
    assert beyond.body["data"] == []
    assert beyond.body["links"]["next"] is None
    assert _page_of(beyond.body["links"]["last"]) == (15, 20)


async def test_page_size_one_walks_exactly_three_hundred_units(
    bmx: Bmx, manager_token: str
) -> None:
    seen: list[str] = []
    url: str | None = "/v3/units?page%5Bsize%5D=1"
    while url is not None:
        reply = await bmx.call("GET", url, manager_token)
        seen += [u["id"] for u in reply.body["data"]]
        nxt = reply.body["links"]["next"]
        url = nxt[len(bmx.api_url) :] if nxt else None
    assert len(seen) == 300
    assert len(set(seen)) == 300


async def test_oversize_and_invalid_page_parameters_are_400(bmx: Bmx, manager_token: str) -> None:
    for params in (
        {"page[size]": "101"},
        {"page[size]": "abc"},
        {"page[number]": "0"},
        {"page[size]": "-3"},
    ):
        reply = await bmx.call("GET", "/v3/units", manager_token, params=params)
        assert reply.status == 400, params
        (error,) = reply.body["errors"]
        assert error["source"]["parameter"] in params
    ok = await bmx.call("GET", "/v3/units", manager_token, params={"page[size]": "100"})
    assert len(ok.body["data"]) == 100


async def test_filters_really_filter_and_unknown_filter_is_400(
    bmx: Bmx, manager_token: str
) -> None:
    reply = await bmx.call(
        "GET", "/v3/units", manager_token, params={"filter[floor_number]": "3", "page[size]": "100"}
    )
    floors = {u["attributes"]["floor_number"] for u in reply.body["data"]}
    assert floors == {3}
    assert len(reply.body["data"]) == 30  # 10 units per floor in 3 buildings
    label = await bmx.call("GET", "/v3/units", manager_token, params={"filter[label]": "3B"})
    assert {u["attributes"]["label"] for u in label.body["data"]} == {"3B"}
    unknown = await bmx.call("GET", "/v3/units", manager_token, params={"filter[color]": "red"})
    assert unknown.status == 400
    assert unknown.body["errors"][0]["source"] == {"parameter": "filter[color]"}
    bad_value = await bmx.call(
        "GET", "/v3/units", manager_token, params={"filter[floor_number]": "three"}
    )
    assert bad_value.status == 400
    bad_enum = await bmx.call(
        "GET", "/v3/units", manager_token, params={"filter[unit_type]": "castle"}
    )
    assert bad_enum.status == 400


async def test_sort_ascending_descending_multiple_and_unknown(bmx: Bmx, manager_token: str) -> None:
    reply = await bmx.call(
        "GET",
        "/v3/units",
        manager_token,
        params={"sort": "-floor_number,label", "page[size]": "15"},
    )
    rows = [(u["attributes"]["floor_number"], u["attributes"]["label"]) for u in reply.body["data"]]
    assert rows[0][0] == 10
    assert rows == sorted(rows, key=lambda r: (-r[0], r[1]))
    asc = await bmx.call("GET", "/v3/me/calls", manager_token, params={"sort": "created_at"})
    stamps = [c["attributes"]["created_at"] for c in asc.body["data"]]
    assert stamps == sorted(stamps)
    assert "sort=created_at" in asc.body["links"]["self"]
    bad = await bmx.call("GET", "/v3/units", manager_token, params={"sort": "-colour"})
    assert bad.status == 400
    assert bad.body["errors"][0]["source"] == {"parameter": "sort"}


async def test_include_building_and_users_and_unknown_include(bmx: Bmx, manager_token: str) -> None:
    reply = await bmx.call(
        "GET", "/v3/units", manager_token, params={"include": "users,building", "page[size]": "3"}
    )
    kinds = {r["type"] for r in reply.body["included"]}
    assert kinds == {"buildings", "users"}
    building = next(r for r in reply.body["included"] if r["type"] == "buildings")
    assert "time_zone_offset" in building["attributes"]
    user_ids = {r["id"] for r in reply.body["included"] if r["type"] == "users"}
    linked = {
        u["id"] for unit in reply.body["data"] for u in unit["relationships"]["users"]["data"]
    }
    assert user_ids == linked
    assert "include=users%2Cbuilding" in reply.body["links"]["self"]
    bad = await bmx.call("GET", "/v3/units", manager_token, params={"include": "owner"})
    assert bad.status == 400
    assert bad.body["errors"][0]["source"] == {"parameter": "include"}


async def test_door_releases_accept_both_filter_syntaxes(bmx: Bmx, manager_token: str) -> None:
    sample = await bmx.call("GET", "/v3/door_releases", manager_token)
    unit_id = sample.body["data"][0]["relationships"]["unit"]["data"]["id"]
    bare = await bmx.call(
        "GET", "/v3/door_releases", manager_token, params={"unit_id": unit_id, "page[size]": "100"}
    )
    jsonapi = await bmx.call(
        "GET",
        "/v3/door_releases",
        manager_token,
        params={"filter[unit]": unit_id, "page[size]": "100"},
    )
    assert bare.body["data"] == jsonapi.body["data"]
    assert {d["relationships"]["unit"]["data"]["id"] for d in bare.body["data"]} == {unit_id}
    both = await bmx.call(
        "GET", "/v3/door_releases", manager_token, params={"unit_id": unit_id, "filter[unit]": "1"}
    )
    assert both.body["data"] == []
    delivery = await bmx.call(
        "GET", "/v3/door_releases", manager_token, params={"door_release_type": "delivery"}
    )
    assert {d["attributes"]["door_release_type"] for d in delivery.body["data"]} == {"delivery"}
    by_created = await bmx.call(
        "GET", "/v3/door_releases", manager_token, params={"sort": "-created,name"}
    )
    stamps = [d["attributes"]["created_at"] for d in by_created.body["data"]]
    assert stamps == sorted(stamps, reverse=True)


async def test_unknown_route_and_wrong_method_in_jsonapi_shape(
    bmx: Bmx, manager_token: str
) -> None:
    missing = await bmx.call("GET", "/v3/nothing_here", manager_token)
    assert missing.status == 404
    assert missing.body["errors"][0]["title"] == "Not Found"
    wrong = await bmx.call("DELETE", "/v3/buildings", manager_token)
    assert wrong.status == 405
    assert wrong.body["errors"][0]["title"] == "Method Not Allowed"
    assert "GET" in wrong.headers["Allow"]


async def test_malformed_json_and_wrong_content_type(bmx: Bmx, manager_token: str) -> None:
    building = (await bmx.call("GET", "/v3/buildings", manager_token)).body["data"][0]["id"]
    broken = await bmx.call("PATCH", f"/v3/buildings/{building}", manager_token, data=b"{oops")
    assert broken.status == 400
    assert broken.body["errors"][0]["title"] == "Bad Request"
    text = await bmx.call(
        "PATCH",
        f"/v3/buildings/{building}",
        manager_token,
        data=b"name=x",
        content_type="text/plain",
    )
    assert text.status == 415
    plain_json = await bmx.call(
        "PATCH",
        f"/v3/buildings/{building}",
        manager_token,
        json={"data": {"attributes": {"name": "Renamed"}}},
        content_type="application/json",
    )
    assert plain_json.status == 200
    assert plain_json.body["data"]["attributes"]["name"] == "Renamed"
