"""Async clients for the vendor APIs; no GraphQL and no server code."""
