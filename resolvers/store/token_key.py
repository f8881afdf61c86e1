"""The key that encrypts vendor tokens: from settings, from a file, or made once and kept.

`token_key` may list several Fernet keys, comma-separated, newest first: tokens are
written with the first and read with any (key rotation without losing stored tokens).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from concierge.resolvers.store.errors import StoreConfigError

log = logging.getLogger(__name__)

KEY_FILE = "token.key"


def load_token_key(
    data_dir: str | Path,
    token_key: str | None = None,
    token_key_file: str | None = None,
    *,
    shared: bool = False,
) -> MultiFernet:
    """The key from the settings, else the one kept in `data_dir` (made on first use).

    `shared`: the database is shared by replicas, which must all hold the same key.
    Blocking file I/O: call it once at start-up.
    """
    if token_key:
        return _keys(token_key, "setting 'token_key'")
    if token_key_file:
        try:
            text = Path(token_key_file).read_text()
        except OSError as exc:
            raise StoreConfigError(
                f"setting 'token_key_file': cannot read {token_key_file}: {exc.strerror}"
            ) from exc
        return _keys(text, f"setting 'token_key_file' ({token_key_file})")
    return _keys(_kept_key(Path(data_dir), shared), f"the kept key {Path(data_dir) / KEY_FILE}")


def _kept_key(data_dir: Path, shared: bool) -> str:
    path = data_dir / KEY_FILE
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        # O_EXCL: of two servers starting on one data directory, one writes, both read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(fd, "wb") as file:
        file.write(key + b"\n")
    if shared:
        log.warning(
            "generated a token encryption key in %s: replicas sharing this database cannot "
            "read each other's vendor tokens unless all are given one token_key",
            path,
        )
    else:
        log.info("generated a token encryption key in %s (set token_key to use your own)", path)
    return key.decode()


def _keys(text: str, source: str) -> MultiFernet:
    parts = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if not parts:
        raise StoreConfigError(f"{source} holds no key")
    try:
        return MultiFernet([Fernet(part) for part in parts])
    except ValueError as exc:
        raise StoreConfigError(
            f"{source} is not a Fernet key (32 url-safe base64-encoded bytes; "
            "make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)"
        ) from exc
