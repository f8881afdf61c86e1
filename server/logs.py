"""Logging: JSON lines for machines, plain lines in a terminal; a request ID on every line."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_log = logging.getLogger("concierge.access")
vendor_log = logging.getLogger("concierge.vendor")

# Fields a log call may pass in `extra=`; anything that looks like a secret is masked.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "vendor", "route", "client")
SECRET = re.compile(r"secret|password|token|authorization|cookie|api_key", re.IGNORECASE)
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _RESERVED or key.startswith("_") or value is None:
                continue
            entry[key] = "***" if SECRET.search(key) else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """`HH:MM:SS level logger: message  key=value ...` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(
            f"{key}={'***' if SECRET.search(key) else value}"
            for key in FIELDS
            if (value := getattr(record, key, None)) is not None
        )
        line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {record.name}: "
        line += record.getMessage() + (f"  {extras}" if extras else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


JsonFormatter.converter = time.gmtime


def configure_logging(
    log_format: str = "auto", level: str = "INFO", stream: TextIO | None = None
) -> None:
    """Replace the root handlers: JSON unless `auto` and the stream is a terminal."""
    out = stream or sys.stderr
    use_json = log_format == "json" or (log_format == "auto" and not out.isatty())
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are per plugin
    # Ours replaces uvicorn's access log (it has the request ID and the duration).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# ButterflyMX webhooks carry our secret in the URL path (server/webhooks.py): logged masked.
_SECRET_PATH = re.compile(r"^(/webhooks/butterflymx/)[^/]+")


def logged_path(path: str) -> str:
    """`path` as the access log shows it: with the webhook path token masked."""
    return _SECRET_PATH.sub(r"\1***", path)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestLogMiddleware:
    """Gives each HTTP request and WebSocket an ID (the client's `X-Request-ID` if it is
    short and plain), returns it as `X-Request-ID`, and logs one access line at the end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = logged_path(scope.get("path", ""))
            if path not in ("/healthz", "/readyz", "/metrics") or status >= 400:
                access_log.info(
                    "%s %s %s",
                    scope.get("method", "WS"),
                    path,
                    status or "-",
                    extra={
                        "method": scope.get("method", "WEBSOCKET"),
                        "path": path,
                        "status": status or None,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id.reset(token)


class VendorLog:
    """The connectors' `HTTPObserver` as log lines: DEBUG for answers, WARNING for failures.

    Only the route template is logged: never a query string, header or body."""

    def exchanged(self, vendor: str, method: str, route: str, status: str, seconds: float) -> None:
        failed = not status.isdigit() or int(status) >= 500
        vendor_log.log(
            logging.WARNING if failed else logging.DEBUG,
            "%s %s %s -> %s",
            vendor,
            method,
            route,
            status,
            extra={
                "vendor": vendor,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            },
        )

    def retried(self, vendor: str, kind: str) -> None:
        return  # the transport logs retries itself

    def waited(self, vendor: str, seconds: float) -> None:
        if seconds >= 1.0:
            vendor_log.info(
                "%s: waited %.1fs for the rate limit", vendor, seconds, extra={"vendor": vendor}
            )
