"""GraphiQL without the internet: our page and the npm files `make install` fetched."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")
ASSETS = STATIC / "graphiql"
ASSETS_URL = "/static/graphiql"


@cache
def graphiql_html() -> str:
    """Strawberry's GraphiQL page with every CDN URL replaced by one of ours
    (scripts/graphiql_assets.py fetches the same pinned versions from npm)."""
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def assets_route() -> Mount:
    # check_dir=False: a checkout that skipped `make install` still starts; the page then
    # shows "Loading..." and the README says how to fetch the files.
    return Mount(ASSETS_URL, StaticFiles(directory=ASSETS, check_dir=False), name="graphiql")
