"""The account a token acts on: the record and `client.account`.

Kept: the mutations issue reads the account's default guest times, and the account is
the `account` publisher of webhook subscriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from concierge.connectors.remotelock.core import Resource
from concierge.connectors.remotelock.fields import resource


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    default_guest_start_time: time | None
    default_guest_end_time: time | None
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: object, where: str = "account") -> Account:
        _, ident, a, _ = resource(data, where)
        return cls(
            id=ident,
            name=a.text("name"),
            default_guest_start_time=a.opt_time_of_day("default_guest_start_time"),
            default_guest_end_time=a.opt_time_of_day("default_guest_end_time"),
            created_at=a.opt_instant("created_at"),
        )


class AccountResource(Resource):
    async def get(self) -> Account:
        """The account the token acts on (its id is the `account` publisher's id)."""
        return await self._core.one("GET", "/account", Account.from_json, "account")
