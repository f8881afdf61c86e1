"""Concierge: one GraphQL graph over ButterflyMX, RemoteLock and Butlr.

The packages live in the repository's top-level folders (`schema/`, `resolvers/`, ...);
these symlinks install them as `concierge.<package>`, clear of other distributions'
top-level names (PyPI has a popular `schema`)."""
