"""Node keys: `<source>:<vendor id>`, the part of a global ID after the type name."""

from __future__ import annotations


def vendor_id(node_key: str) -> str:
    """The vendor's own ID from a node key like `butterflymx:11741`."""
    return node_key.partition(":")[2]


def vendor_ids(node_keys: list[str]) -> list[str]:
    return [vendor_id(k) for k in node_keys]
