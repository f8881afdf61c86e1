"""Visitor keys: `VisitorKey` nodes and the `issueKey`, `revokeKey`, `setTenantPin` mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from concierge.resolvers import access, keys
from concierge.resolvers.key_plans import IssueRequest
from concierge.resolvers.keys import CredentialView, VisitorKeyView
from concierge.resolvers.outcomes import ActionError, InvalidInputError
from concierge.schema.context import Info
from concierge.schema.doors import VendorName
from concierge.schema.graph import NodeType, one
from concierge.schema.results import KeyErrors, error_of
from concierge.schema.schedules import KeyScheduleInfo, ScheduleInput

if TYPE_CHECKING:
    from concierge.schema.access import Tenant, Unit


@strawberry.enum(description="Where a visitor key stands.")
class VisitorKeyStatus(Enum):
    CREATING = "CREATING"  # being issued at the vendors
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    FAILED = "FAILED"  # a vendor failed while issuing; what was created was removed


@strawberry.enum(description="What kind of vendor object a credential is.")
class CredentialKind(Enum):
    KEYCHAIN = "keychain"
    VIRTUAL_KEY = "virtual_key"
    ACCESS_SCHEDULE = "access_schedule"
    ACCESS_GUEST = "access_guest"
    ACCESS = "access"


@strawberry.type(description="One vendor object a visitor key created.")
class KeyCredential:
    vendor: VendorName
    kind: CredentialKind
    vendor_id: str
    qr_code_image_url: str | None = strawberry.field(description="QR keys: the image to scan.")
    email: str | None
    sms_number: str | None

    @classmethod
    def of(cls, view: CredentialView) -> KeyCredential:
        return cls(
            vendor=VendorName(view.vendor),
            kind=CredentialKind(view.kind),
            vendor_id=view.vendor_id,
            qr_code_image_url=view.qr_code_image_url,
            email=view.email,
            sms_number=view.sms_number,
        )


@strawberry.type(
    description="A visitor's key: ButterflyMX QR keys and, where the unit has a RemoteLock "
    "lock, a guest PIN, issued and revoked as one."
)
class VisitorKey(NodeType, relay.Node):
    key: relay.NodeID[str]
    view: strawberry.Private[VisitorKeyView]
    name: str
    status: VisitorKeyStatus
    schedule: KeyScheduleInfo
    pin: str | None = strawberry.field(description="The RemoteLock PIN (given or generated).")
    created_at: datetime
    revoked_at: datetime | None
    credentials: list[KeyCredential] = strawberry.field(
        description="Every vendor object the key created, in the order they were created."
    )

    @strawberry.field
    async def unit(
        self, info: Info
    ) -> Annotated[Unit, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Unit

        return one(info, Unit, (await access.units_by_id(info.context, [self.view.unit_key]))[0])

    @strawberry.field(description="The tenant whose visitor it is, when one was named.")
    async def tenant(
        self, info: Info
    ) -> Annotated[Tenant, strawberry.lazy("concierge.schema.access")] | None:
        from concierge.schema.access import Tenant

        return one(info, Tenant, await access.tenant(info.context, self.view.tenant_key))

    @classmethod
    def of(cls, view: VisitorKeyView) -> VisitorKey:
        return cls(
            key=view.key,
            view=view,
            name=view.name,
            status=VisitorKeyStatus(view.status),
            schedule=KeyScheduleInfo.of(view.schedule),
            pin=view.pin,
            created_at=view.created_at,
            revoked_at=view.revoked_at,
            credentials=[KeyCredential.of(c) for c in view.credentials],
        )


@strawberry.input(description="Issue a visitor key for a unit (or a tenant, which implies it).")
class IssueKeyInput:
    unit_id: relay.GlobalID | None = None
    tenant_id: relay.GlobalID | None = None
    name: str
    recipients: list[str] = strawberry.field(
        default_factory=list,
        description="E-mail addresses or E.164 numbers (+15551234567): one QR key each.",
    )
    schedule: ScheduleInput
    door_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None,
        description="Doors to open; default: the building's entrances and the unit's locks.",
    )
    pin: str | None = strawberry.field(
        default=None, description="4-8 digits for RemoteLock locks; default: generated."
    )
    idempotency_key: str = strawberry.field(
        description="Unique per intended key: a retry with the same key never issues twice."
    )


@strawberry.input(description="Revoke a visitor key at every vendor.")
class RevokeKeyInput:
    key_id: relay.GlobalID
    idempotency_key: str


@strawberry.input(description="Set a tenant's ButterflyMX keypad PIN.")
class SetTenantPinInput:
    tenant_id: relay.GlobalID
    pin: str = strawberry.field(description="4-8 digits.")
    idempotency_key: str


@strawberry.type(description="The key was issued at every vendor it needed.")
class IssueKeySuccess:
    key: VisitorKey


@strawberry.type(description="The key no longer opens anything.")
class RevokeKeySuccess:
    key: VisitorKey


@strawberry.type(description="The PIN was set, as ButterflyMX reads it back.")
class SetTenantPinSuccess:
    tenant: Annotated[Tenant, strawberry.lazy("concierge.schema.access")] | None
    pin: str


IssueKeyResult = Annotated[IssueKeySuccess | KeyErrors, strawberry.union("IssueKeyResult")]
RevokeKeyResult = Annotated[RevokeKeySuccess | KeyErrors, strawberry.union("RevokeKeyResult")]
SetTenantPinResult = Annotated[
    SetTenantPinSuccess | KeyErrors, strawberry.union("SetTenantPinResult")
]


def _node_key(global_id: relay.GlobalID, type_name: str, field: str) -> str:
    if global_id.type_name != type_name:
        raise InvalidInputError(f"{field} must be the id of a {type_name}", field=field)
    return global_id.node_id


def _request(input: IssueKeyInput) -> IssueRequest:
    unit = _node_key(input.unit_id, "Unit", "unitId") if input.unit_id else None
    tenant = _node_key(input.tenant_id, "Tenant", "tenantId") if input.tenant_id else None
    doors = (
        [_node_key(d, "Door", "doorIds") for d in input.door_ids]
        if input.door_ids is not None
        else None
    )
    s = input.schedule
    window = s.custom or s.one_time
    weekly = s.recurring
    return IssueRequest(
        unit_key=unit,
        tenant_key=tenant,
        name=input.name,
        recipients=list(input.recipients),
        kind="recurring" if weekly else ("custom" if s.custom else "one_time"),
        starts_at=window.starts_at if window else None,
        ends_at=window.ends_at if window else None,
        weekdays=[d.value for d in weekly.weekdays] if weekly else [],
        start_date=weekly.start_date if weekly else None,
        end_date=weekly.end_date if weekly else None,
        time_from=weekly.time_from if weekly else None,
        time_to=weekly.time_to if weekly else None,
        door_keys=doors,
        pin=input.pin,
        idempotency_key=input.idempotency_key,
    )


def _key(info: Info, view: VisitorKeyView) -> VisitorKey:
    found = one(info, VisitorKey, view)
    assert found is not None  # whoever issued or revoked a key may read it
    return found


@strawberry.type
class KeyMutation:
    @strawberry.mutation(description="Issue a visitor key: QR keys and, where possible, a PIN.")
    async def issue_key(self, info: Info, input: IssueKeyInput) -> IssueKeyResult:
        try:
            view = await keys.issue(info.context, _request(input))
        except ActionError as exc:
            return error_of(exc)  # type: ignore[return-value]
        return IssueKeySuccess(key=_key(info, view))

    @strawberry.mutation(description="Revoke a visitor key everywhere (RemoteLock keeps history).")
    async def revoke_key(self, info: Info, input: RevokeKeyInput) -> RevokeKeyResult:
        try:
            key = _node_key(input.key_id, "VisitorKey", "keyId")
            view = await keys.revoke_key(info.context, key, input.idempotency_key)
        except ActionError as exc:
            return error_of(exc)  # type: ignore[return-value]
        return RevokeKeySuccess(key=_key(info, view))

    @strawberry.mutation(description="Set a tenant's ButterflyMX keypad PIN.")
    async def set_tenant_pin(self, info: Info, input: SetTenantPinInput) -> SetTenantPinResult:
        from concierge.schema.access import Tenant

        try:
            tenant = _node_key(input.tenant_id, "Tenant", "tenantId")
            view, pin = await keys.set_tenant_pin(
                info.context, tenant, input.pin, input.idempotency_key
            )
        except ActionError as exc:
            return error_of(exc)  # type: ignore[return-value]
        return SetTenantPinSuccess(tenant=one(info, Tenant, view), pin=pin)
