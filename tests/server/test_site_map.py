"""The site map file: loaded at start-up, mistakes named before the server binds a port."""

import json
from pathlib import Path

import pytest

from concierge.sandbox.dataset import build_world
from concierge.server.settings import SettingsError
from concierge.server.vendors import load_site_map


def test_the_sandbox_site_map_loads_from_a_json_file(tmp_path: Path) -> None:
    world = build_world()
    path = tmp_path / "site.json"
    path.write_text(json.dumps(world.site_map()))
    site = load_site_map(str(path))
    building = world.buildings[0]
    assert site.building_for_location(building.rl_location_id) == str(building.bmx_id)
    assert site.building_for_space(building.butlr_space_id) == str(building.bmx_id)
    lock = world.locks[1]
    assert [lk.vendor_id for lk in site.locks_for_unit(str(lock.unit))] == [lock.vendor_id]


def test_a_toml_site_map_works_too(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        '[[buildings]]\nbutterflymx_building_id = "7"\nremotelock_location_ids = ["loc"]\n'
        '[[locks]]\nvendor = "remotelock"\nvendor_id = "abc"\nbutterflymx_unit_id = "70"\n'
    )
    site = load_site_map(str(path))
    assert site.building_for_location("loc") == "7"
    assert site.lock("remotelock", "abc") is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{nope", "is not valid"),
        ('{"locks": [{"vendor": "remotelock"}]}', "missing 'vendor_id'"),
        ('{"locks": [{"vendor": "acme", "vendor_id": "1", "butterflymx_unit_id": "2"}]}', "acme"),
        ("[]", "must hold an object"),
    ],
)
def test_mistakes_name_the_file_and_the_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "site.json"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_site_map(str(path))


def test_a_missing_file_is_named() -> None:
    with pytest.raises(SettingsError, match=r"cannot read /nonexistent/site\.json"):
        load_site_map("/nonexistent/site.json")
