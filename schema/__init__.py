"""The Strawberry schema; `schema.graphql` beside this file is its checked-in SDL snapshot."""

from concierge.schema.root import schema

__all__ = ["schema"]
