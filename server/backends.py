"""Which vendor APIs the server uses: configured vendors, a standalone sandbox, or an embedded one.

With no configuration, `concierge serve` starts the sandbox in-process (its own aiohttp
site on a free loopback port) with live demo activity. `--sandbox-url` points every
unconfigured vendor at a running `concierge sandbox` and reads its credentials and site
map from the control API. Vendors configured in settings always win.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from concierge.sandbox.app import Sandbox
from concierge.sandbox.dataset import DatasetSpec
from concierge.server.settings import VENDORS, Settings, SettingsError, VendorSettings

CONTROL_TIMEOUT = aiohttp.ClientTimeout(total=5)


@dataclass
class Backends:
    vendors: dict[str, VendorSettings]
    site_map: dict[str, Any] | None = None
    sandbox_control_url: str | None = None
    embedded: Sandbox | None = field(default=None, repr=False)

    async def close(self) -> None:
        if self.embedded is not None:
            await self.embedded.stop()
            self.embedded = None


async def open_backends(settings: Settings, http: aiohttp.ClientSession) -> Backends:
    vendors = dict(settings.vendors)
    if all(name in vendors for name in VENDORS):
        return Backends(vendors=vendors)

    embedded: Sandbox | None = None
    if settings.sandbox_url is not None:
        control_url = settings.sandbox_url.rstrip("/")
        info = await fetch_json(http, control_url)
        site_map = await fetch_json(http, f"{control_url}/sitemap")
    else:
        embedded = Sandbox(
            DatasetSpec(seed=settings.seed), ambient_interval_s=settings.demo_activity_s or None
        )
        info = await embedded.start()
        control_url = str(info["control_url"])
        site_map = embedded.world.site_map()

    for name in VENDORS:
        if name in vendors:
            continue
        described = info.get("vendors", {}).get(name)
        if not isinstance(described, dict):
            raise SettingsError(f"the sandbox at {control_url} does not simulate {name}")
        vendors[name] = VendorSettings(
            name=name,
            auth_url=str(described["auth_url"]),
            api_url=str(described["api_url"]),
            credentials=_flat_credentials(described.get("credentials", {})),
            source="sandbox",
        )
    return Backends(
        vendors=vendors, site_map=site_map, sandbox_control_url=control_url, embedded=embedded
    )


def _flat_credentials(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {k: str(v) for k, v in raw.items() if isinstance(v, (str, int, float))}


async def fetch_json(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    try:
        async with http.get(url, timeout=CONTROL_TIMEOUT) as response:
            if response.status != 200:
                raise SettingsError(
                    f"sandbox_url: {url} answered HTTP {response.status}; "
                    "is it the sandbox's control URL (…/_control)?"
                )
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SettingsError(
            f"sandbox_url: cannot reach {url}: {exc or type(exc).__name__}"
        ) from exc
    except json.JSONDecodeError as exc:
        raise SettingsError(f"sandbox_url: {url} did not answer JSON") from exc
    if not isinstance(body, dict):
        raise SettingsError(f"sandbox_url: {url} did not answer a JSON object")
    return body
