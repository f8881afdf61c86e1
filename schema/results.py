"""Typed mutation errors: union members a client can switch on, each with a message a
person can act on. `error_of` maps the resolvers' `ActionError`s to them."""

from __future__ import annotations

import strawberry

from concierge.resolvers import outcomes


@strawberry.interface(description="A mutation that could not be done, and why.")
class UserError:
    message: str
    code: str = strawberry.field(description="Stable, for programs: NOT_FOUND, DOOR_OFFLINE...")


@strawberry.type(description="No such object, or not one you may act on.")
class NotFoundError(UserError):
    pass


@strawberry.type(description="You may see the object but this credential may not do that.")
class NotPermittedError(UserError):
    pass


@strawberry.type(description="The input cannot work; `field` names the input field.")
class InvalidInputError(UserError):
    field: str | None


@strawberry.type(description="The key's schedule cannot work; `field` names the input field.")
class InvalidScheduleError(UserError):
    field: str | None


@strawberry.type(
    description="The PIN already opens the same lock in an overlapping window; `holder` names "
    "the visitor key or RemoteLock person that has it."
)
class PinConflictError(UserError):
    holder: str


@strawberry.type(description="The door's vendor cannot do that to this door.")
class DoorNotCapableError(UserError):
    pass


@strawberry.type(description="The lock is offline: a command cannot reach it now.")
class DoorOfflineError(UserError):
    pass


@strawberry.type(
    description="This idempotencyKey was first used for a different request; use a new key."
)
class IdempotencyConflictError(UserError):
    pass


@strawberry.type(
    description="The vendor could not be asked (down or rate-limiting); nothing was done."
)
class VendorUnavailableError(UserError):
    vendor: str
    retry_after_s: float | None = strawberry.field(
        description="Seconds to wait before retrying, when the vendor said."
    )


@strawberry.type(
    description="The vendor refused your linked account (it is unlinked now); nothing was "
    "done. Link the account again at `relink`, then retry."
)
class VendorAuthError(UserError):
    vendor: str
    relink: str | None


@strawberry.type(
    description="Concierge cannot answer this now: its database is unreachable, or the first "
    "request with this idempotency key has not finished. Nothing was done; retry with the same key."
)
class ServiceUnavailableError(UserError):
    pass


ActionErrors = (
    NotFoundError
    | InvalidInputError
    | DoorNotCapableError
    | DoorOfflineError
    | IdempotencyConflictError
    | VendorUnavailableError
    | ServiceUnavailableError
    | NotPermittedError
    | VendorAuthError
)
# Visitor keys can also fail on their schedule and PIN.
KeyErrors = ActionErrors | InvalidScheduleError | PinConflictError


def error_of(exc: outcomes.ActionError) -> UserError:
    if isinstance(exc, outcomes.InvalidInputError):
        return InvalidInputError(message=exc.message, code=exc.code, field=exc.field)
    if isinstance(exc, outcomes.InvalidScheduleError):
        return InvalidScheduleError(message=exc.message, code=exc.code, field=exc.field)
    if isinstance(exc, outcomes.PinConflictError):
        return PinConflictError(message=exc.message, code=exc.code, holder=exc.holder)
    if isinstance(exc, outcomes.RelinkRequiredError):
        return VendorAuthError(
            message=exc.message, code=exc.code, vendor=exc.vendor, relink=exc.relink
        )
    if isinstance(exc, outcomes.VendorRefusedError):
        return VendorUnavailableError(
            message=exc.message, code=exc.code, vendor=exc.vendor, retry_after_s=exc.retry_after
        )
    kinds: dict[type[outcomes.ActionError], type[UserError]] = {
        outcomes.NotFoundError: NotFoundError,
        outcomes.NotPermittedError: NotPermittedError,
        outcomes.DoorNotCapableError: DoorNotCapableError,
        outcomes.DoorOfflineError: DoorOfflineError,
        outcomes.IdempotencyConflictError: IdempotencyConflictError,
        outcomes.StoreDownError: ServiceUnavailableError,
        outcomes.UnfinishedError: ServiceUnavailableError,
    }
    return kinds.get(type(exc), NotFoundError)(message=exc.message, code=exc.code)
