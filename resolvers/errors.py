"""Vendor failures in the graph's vocabulary: `extensions.code`, `extensions.vendor`.

Messages are ours, never the vendor's: vendor bodies can carry SQL fragments (ButterflyMX
404s), internal names or echoed secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from concierge.connectors.errors import VendorError

__all__ = ["Partial", "VendorError", "describe", "vendor_error_extensions", "vendor_error_message"]

CODES = {
    "unavailable": "VENDOR_UNAVAILABLE",
    "circuit_open": "VENDOR_UNAVAILABLE",
    "timeout": "VENDOR_TIMEOUT",
    "rate_limited": "VENDOR_RATE_LIMITED",
    "auth": "VENDOR_AUTH",
    "forbidden": "VENDOR_FORBIDDEN",
    "rejected": "VENDOR_REJECTED",
    "not_found": "NOT_FOUND",
    "protocol": "VENDOR_PROTOCOL",
}
NAMES = {"butterflymx": "ButterflyMX", "remotelock": "RemoteLock", "butlr": "Butlr"}
MESSAGES = {
    "VENDOR_UNAVAILABLE": "{vendor} is unavailable",
    "VENDOR_TIMEOUT": "{vendor} did not answer in time",
    "VENDOR_RATE_LIMITED": "{vendor} is rate-limiting us",
    "VENDOR_AUTH": "{vendor} refused our credentials; the account needs re-authorisation",
    "VENDOR_FORBIDDEN": "{vendor} does not allow this account to do that",
    "VENDOR_REJECTED": "{vendor} rejected the request",
    "NOT_FOUND": "{vendor} has no such object",
    "VENDOR_PROTOCOL": "{vendor} sent a response we could not read",
}


def vendor_error_code(exc: VendorError) -> str:
    return CODES.get(exc.kind, "VENDOR_ERROR")


def vendor_error_message(exc: VendorError) -> str:
    template = MESSAGES.get(vendor_error_code(exc), "{vendor} failed")
    message = template.format(vendor=NAMES.get(exc.vendor, exc.vendor))
    # Which fields it refused helps a person act; the vendor's wording stays out.
    fields = sorted({f.field for f in getattr(exc, "field_errors", ()) if f.field})
    return f"{message} (fields: {', '.join(fields)})" if fields else message


def vendor_error_extensions(exc: VendorError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": vendor_error_code(exc), "vendor": exc.vendor}
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        extensions["retryAfter"] = retry_after
    return extensions


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Partial(Generic[T]):
    """A field's answer without one vendor's part: `error` says which and why."""

    value: T
    error: VendorError | None = None


def describe(exc: BaseException | None) -> tuple[str, dict[str, Any]] | None:
    """Our message and extensions for a vendor failure; None for anything else (a bug)."""
    if not isinstance(exc, VendorError):
        return None
    return vendor_error_message(exc), vendor_error_extensions(exc)
