"""The `concierge` command: `serve`, `sandbox`, `schema`, `db` and `keys`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp

from concierge.server.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from concierge.sandbox.dataset import DatasetSpec

log = logging.getLogger("concierge")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are per plugin
    try:
        code: int = args.run(args)
    except SettingsError as exc:
        print(f"concierge: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concierge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL server")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--config", help="TOML settings file (see README)")
    serve.add_argument("--sandbox-url", help="control URL of a running `concierge sandbox`")
    serve.set_defaults(run=_serve)

    sandbox = commands.add_parser("sandbox", help="run the vendor simulators standalone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8700, help="0 picks a free port")
    sandbox.add_argument(
        "--latency-ms", type=float, default=0.0, help="added latency for every vendor request"
    )
    sandbox.add_argument("--seed", type=int, default=42, help="demo dataset seed")
    sandbox.add_argument(
        "--units",
        default="100,100,100",
        help="units per building, comma-separated (one entry per building)",
    )
    sandbox.add_argument(
        "--demo-activity",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="emit live demo events every SECONDS (default off)",
    )
    sandbox.set_defaults(run=_sandbox)

    health = commands.add_parser(
        "health", help="exit 0 if the server answers /healthz (the container's health check)"
    )
    health.add_argument("--url", help="default: http://127.0.0.1:<port>/healthz from settings")
    health.add_argument("--config", help="TOML settings file (see README)")
    health.set_defaults(run=_health)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(run=_schema)

    db = commands.add_parser("db", help="the store's database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply every migration not yet applied")
    upgrade.add_argument("--config", help="TOML settings file (see README)")
    upgrade.set_defaults(run=_db_upgrade)
    current = db_commands.add_parser("current", help="show the database's migration revision")
    current.add_argument("--config", help="TOML settings file (see README)")
    current.set_defaults(run=_db_current)
    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key; its text is shown once")
    create.add_argument("--config", help="TOML settings file (see README)")
    create.add_argument("--name", required=True, help="who or what uses the key")
    create.add_argument(
        "--role", required=True, choices=["admin", "operator", "integration", "tenant"]
    )
    create.add_argument("--building", action="append", default=[], help="operator: building ID")
    create.add_argument("--tenant", action="append", default=[], help="tenant: tenant ID")
    create.add_argument("--unit", action="append", default=[], help="tenant: unit ID")
    create.add_argument(
        "--capability",
        action="append",
        default=[],
        help="integration: read, unlock, lock, keys, pins",
    )
    create.set_defaults(run=_keys_create)
    listing = key_commands.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--config", help="TOML settings file (see README)")
    listing.set_defaults(run=_keys_list)
    revoke = key_commands.add_parser("revoke", help="revoke a key by id or prefix")
    revoke.add_argument("--config", help="TOML settings file (see README)")
    revoke.add_argument("key", help="the key's id or prefix (from `keys list`)")
    revoke.set_defaults(run=_keys_revoke)
    return parser


def _keys_create(args: argparse.Namespace) -> int:
    from concierge.resolvers.principals import CAPABILITIES
    from concierge.server.keys import create_key

    unknown = set(args.capability) - CAPABILITIES
    if unknown:
        raise SettingsError(
            f"unknown capabilities {sorted(unknown)}; known: {sorted(CAPABILITIES)}"
        )
    if args.role == "operator" and not args.building:
        raise SettingsError("an operator key needs --building (one per building)")
    if args.role == "tenant" and not (args.tenant or args.unit):
        raise SettingsError("a tenant key needs --tenant or --unit")
    scope = {
        "buildings": args.building,
        "tenants": args.tenant,
        "units": args.unit,
        "capabilities": args.capability,
    }
    record, text = asyncio.run(create_key(load_settings(args.config), args.name, args.role, scope))
    print(json.dumps({"id": record.id, "prefix": record.prefix, "role": record.role, "key": text}))
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    from concierge.server.keys import list_keys

    for key in asyncio.run(list_keys(load_settings(args.config))):
        state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "live"
        print(
            f"{key.id}  ck_{key.prefix}_…  {key.role:<11} {key.name!r}  "
            f"{json.dumps(key.scope)}  {state}"
        )
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    from concierge.server.keys import revoke_key

    if not asyncio.run(revoke_key(load_settings(args.config), args.key)):
        print(f"concierge: no live key {args.key!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.key}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from concierge.server.app import create_app

    settings = load_settings(args.config).with_overrides(
        host=args.host, port=args.port, sandbox_url=args.sandbox_url
    )
    if settings.webhooks_register is None and settings.embedded_sandbox:
        # The demo: the embedded sandbox delivers its webhooks to us.
        settings = settings.with_overrides(webhooks_register=True)
    from concierge.server.logs import configure_logging
    from concierge.server.vendors import check_vendor_settings, load_site_map

    configure_logging(settings.log_format, settings.log_level)
    check_vendor_settings(settings)  # fail before binding a port
    if settings.site_map_file:
        load_site_map(settings.site_map_file)
    if settings.sandbox_url:
        asyncio.run(_check_sandbox(settings))
    _run(_check_store(settings))  # fail before binding a port: one line, not a traceback
    _describe(settings)
    from concierge.server.sse import ending_subscriptions_server

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,  # server.logs configured the handlers
        access_log=False,  # server.logs.RequestLogMiddleware writes the access lines
        lifespan="on",
        timeout_graceful_shutdown=max(1, round(settings.shutdown_timeout_s)),
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
    # Subscriptions end with a reason before connections are drained (server/sse.py).
    ending_subscriptions_server(config).run()
    return 0


async def _check_sandbox(settings: Settings) -> None:
    """Fail before binding a port when `--sandbox-url` is wrong."""
    from concierge.server.backends import fetch_json

    async with aiohttp.ClientSession() as http:
        assert settings.sandbox_url is not None
        await fetch_json(http, settings.sandbox_url.rstrip("/"))


async def _check_store(settings: Settings) -> None:
    from concierge.resolvers.store.errors import StoreUnavailableError
    from concierge.server.store import migrate

    try:
        await migrate(settings)
    except StoreUnavailableError as exc:
        raise SettingsError(str(exc)) from exc


def _db_upgrade(args: argparse.Namespace) -> int:
    from concierge.resolvers.store.errors import StoreUnavailableError
    from concierge.server.store import migrate

    try:
        where, revision = asyncio.run(migrate(load_settings(args.config)))
    except StoreUnavailableError as exc:
        print(f"concierge: {exc}", file=sys.stderr)
        return 1
    print(f"{where}: at revision {revision}")
    return 0


def _db_current(args: argparse.Namespace) -> int:
    from concierge.resolvers.store.errors import StoreUnavailableError
    from concierge.server.store import revisions

    try:
        where, revision, newest = asyncio.run(revisions(load_settings(args.config)))
    except StoreUnavailableError as exc:
        print(f"concierge: {exc}", file=sys.stderr)
        return 1
    state = (
        "up to date" if revision == newest else f"newest is {newest}: run `concierge db upgrade`"
    )
    print(f"{where}: at revision {revision or 'none'} ({state})")
    return 0


def _describe(settings: Settings) -> None:
    if settings.sandbox_url:
        source = f"the sandbox at {settings.sandbox_url}"
    elif settings.embedded_sandbox:
        source = "the embedded sandbox (demo data, live demo activity)"
    else:
        source = "the configured vendors"
    log.info(
        "GraphQL and GraphiQL at http://%s:%d/graphql, vendors from %s",
        settings.host,
        settings.port,
        source,
    )


def _sandbox(args: argparse.Namespace) -> int:
    from concierge.sandbox.dataset import DatasetSpec

    try:
        units = tuple(int(part) for part in args.units.split(","))
    except ValueError:
        raise SettingsError(
            f"--units must be comma-separated integers, got {args.units!r}"
        ) from None
    if not units or any(n < 1 for n in units):
        raise SettingsError("--units needs at least one building with at least one unit")
    spec = DatasetSpec(seed=args.seed, units_per_building=units)
    try:
        _run(_run_sandbox(args, spec))
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    return 0


async def _run_sandbox(args: argparse.Namespace, spec: DatasetSpec) -> None:
    from concierge.sandbox.app import Sandbox
    from concierge.server.heap import frozen_heap

    box = Sandbox(spec, latency_ms=args.latency_ms, ambient_interval_s=args.demo_activity or None)
    info = await box.start(args.host, args.port)
    # Contract: the first stdout line is this JSON object; scripts read it.
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        with frozen_heap():
            await stop.wait()
    finally:
        await box.stop()
        log.info("sandbox stopped")


def _run(main: Coroutine[Any, Any, None]) -> None:
    """Run on uvloop where it is installed (uvicorn[standard] brings it), as `serve` does."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def _health(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.request

    url = args.url or f"http://127.0.0.1:{load_settings(args.config).port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"concierge: {url}: {exc}", file=sys.stderr)
        return 1


def _schema(args: argparse.Namespace) -> int:
    from concierge.schema.root import export_sdl

    sys.stdout.write(export_sdl())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
