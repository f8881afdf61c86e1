"""The one exception tree for everything that can go wrong talking to a vendor.

    VendorError                     .vendor .status .method .url (never secrets)
     ├── VendorUnavailableError     5xx, connection refused or reset          transient
     │    └── CircuitOpenError      we stopped calling a vendor that is down  transient
     ├── VendorTimeoutError         no answer within the timeout              transient
     ├── VendorRateLimitedError     429; .retry_after seconds                 transient
     ├── VendorAuthError            401, refresh refused: re-authorise        auth
     │    └── VendorForbiddenError  403: this account may not do this         permanent
     ├── VendorRejectedError        400/409/422; .field_errors                permanent
     ├── VendorNotFoundError        404                                       permanent
     └── VendorProtocolError        a payload we cannot read; names the field permanent

Connectors raise only these. aiohttp's exceptions are translated in exactly one place
(`connectors.http`), always with `raise ... from exc`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldError:
    """One rejected input field, as the vendor reported it (`field` may be None)."""

    field: str | None
    message: str


class VendorError(Exception):
    kind: ClassVar[str] = "vendor"
    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        status: int | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.vendor = vendor
        self.status = status
        self.method = method
        self.url = url

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method and self.url else ""
        status = f" HTTP {self.status}" if self.status is not None else ""
        return f"{self.vendor}{status}: {self.message}{where}"


class VendorUnavailableError(VendorError):
    kind = "unavailable"
    transient = True


class CircuitOpenError(VendorUnavailableError):
    kind = "circuit_open"


class VendorTimeoutError(VendorError):
    kind = "timeout"
    transient = True


class VendorRateLimitedError(VendorError):
    kind = "rate_limited"
    transient = True

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        retry_after: float | None = None,
        status: int | None = 429,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message, vendor=vendor, status=status, method=method, url=url)
        self.retry_after = retry_after


class VendorAuthError(VendorError):
    kind = "auth"


class VendorForbiddenError(VendorAuthError):
    """The token is fine but the account may not do this (another building's door)."""

    kind = "forbidden"


class VendorRejectedError(VendorError):
    kind = "rejected"

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        field_errors: Sequence[FieldError] = (),
        status: int | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message, vendor=vendor, status=status, method=method, url=url)
        self.field_errors = tuple(field_errors)


class VendorNotFoundError(VendorError):
    kind = "not_found"


class VendorProtocolError(VendorError):
    kind = "protocol"


def require(record: Mapping[str, object], key: str, vendor: str, where: str) -> object:
    """`record[key]`, or a `VendorProtocolError` naming the missing field."""
    try:
        return record[key]
    except KeyError:
        raise VendorProtocolError(f"{where}: missing field {key!r}", vendor=vendor) from None
