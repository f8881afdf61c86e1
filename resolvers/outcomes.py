"""What a mutation can refuse with: typed, actionable errors the schema turns into union
members. Raised before anything is asked of a vendor, except `VendorRefusedError`.

    ActionError
     ├── NotFoundError            no such object (or not one this request may see)
 ├── NotPermittedError        the caller may see the object but not do this to it
     ├── InvalidInputError        input that cannot work; `field` names it
     ├── InvalidScheduleError     a key's validity cannot work (order, format, past, zone)
     ├── PinConflictError         the PIN is another person's on the same lock, same time
     ├── DoorNotCapableError      the door's vendor cannot do that to it
     ├── DoorOfflineError         the lock is not connected: the command could not land
     ├── IdempotencyConflictError the key was first used for other input
     ├── VendorRefusedError       the vendor could not be asked (down, rate-limiting): retry
     ├── RelinkRequiredError      the resident's linked account is gone: link it again
     └── StoreDownError           our database is unreachable: nothing was done, retry later
"""

from __future__ import annotations


class ActionError(Exception):
    code = "ACTION_FAILED"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(ActionError):
    code = "NOT_FOUND"


class NotPermittedError(ActionError):
    code = "NOT_PERMITTED"


class InvalidInputError(ActionError):
    code = "INVALID_INPUT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidScheduleError(ActionError):
    code = "INVALID_SCHEDULE"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PinConflictError(ActionError):
    code = "PIN_CONFLICT"

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


class DoorNotCapableError(ActionError):
    code = "DOOR_NOT_CAPABLE"


class DoorOfflineError(ActionError):
    code = "DOOR_OFFLINE"


class IdempotencyConflictError(ActionError):
    code = "IDEMPOTENCY_CONFLICT"


class VendorRefusedError(ActionError):
    code = "VENDOR_UNAVAILABLE"

    def __init__(self, message: str, vendor: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.retry_after = retry_after


class RelinkRequiredError(ActionError):
    """The vendor refused a resident's linked account (the link is removed): nothing was
    done; `relink` is where the client starts linking again."""

    code = "VENDOR_AUTH"

    def __init__(self, message: str, vendor: str, relink: str) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.relink = relink


class StoreDownError(ActionError):
    code = "SERVICE_UNAVAILABLE"


class UnfinishedError(ActionError):
    """A replay found the first request with its key neither finished nor given up."""

    code = "SERVICE_UNAVAILABLE"
