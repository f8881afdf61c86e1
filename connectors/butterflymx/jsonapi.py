"""JSON:API documents from v3: resource objects, the `included` index, `links.next`.

Included resources are looked up by (type, id) so each record can resolve its
relationships into related records. ButterflyMX types one thing two ways (tenancies
are `units_users` in `/v3/tenants` but `tenants` in `/v3/me`), so lookups accept
alternative type names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from concierge.connectors.butterflymx.fields import Fields, protocol_error

Ref = tuple[str, str]
"""(type, id) of a resource, as relationship linkage names it."""


@dataclass(frozen=True)
class ResourceObject:
    type: str
    id: str
    attributes: Fields
    relationships: Mapping[str, Any]
    where: str

    def one(self, name: str) -> Ref | None:
        """To-one linkage, or None when the relationship is absent or null."""
        linkage = self._linkage(name)
        if linkage is None:
            return None
        return _ref(linkage, f"{self.where}.relationships.{name}.data")

    def many(self, name: str) -> tuple[Ref, ...]:
        """To-many linkage; an absent relationship is empty."""
        linkage = self._linkage(name)
        if linkage is None:
            return ()
        where = f"{self.where}.relationships.{name}.data"
        if not isinstance(linkage, list):
            raise protocol_error(where, "expected a list of resource identifiers")
        return tuple(_ref(item, f"{where}[{i}]") for i, item in enumerate(linkage))

    def _linkage(self, name: str) -> Any:
        relationship = self.relationships.get(name)
        if relationship is None:
            return None
        if not isinstance(relationship, Mapping) or "data" not in relationship:
            raise protocol_error(f"{self.where}.relationships.{name}", "expected {'data': ...}")
        return relationship["data"]


def _ref(raw: object, where: str) -> Ref:
    linkage = Fields(raw, where)
    return linkage.text("type"), _id(linkage)


def _id(fields: Fields) -> str:
    # JSON:API ids are strings; the reference's own request examples send numbers.
    value = fields.data.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return fields.text("id")


def resource(raw: object, kinds: Sequence[str], where: str | None = None) -> ResourceObject:
    """A resource object of one of `kinds` (the first names it in errors)."""
    top = Fields(raw, where or kinds[0])
    kind = top.text("type")
    if kind not in kinds:
        raise protocol_error(top.where, f"type {kind!r} is not {' or '.join(map(repr, kinds))}")
    ident = _id(top)
    located = f"{where or kind}[{ident}]"
    attributes = top.data.get("attributes")
    relationships = top.data.get("relationships") or {}
    if not isinstance(relationships, Mapping):
        raise protocol_error(located, "field 'relationships' should be an object")
    return ResourceObject(
        type=kind,
        id=ident,
        attributes=Fields({} if attributes is None else attributes, f"{located}.attributes"),
        relationships=relationships,
        where=located,
    )


@dataclass(frozen=True)
class Included:
    """The `included` array indexed by (type, id)."""

    by_ref: Mapping[Ref, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: object) -> Included:
        if raw is None:
            return NOTHING_INCLUDED
        if not isinstance(raw, list):
            raise protocol_error("document", "field 'included' should be a list")
        index: dict[Ref, Mapping[str, Any]] = {}
        for i, item in enumerate(raw):
            entry = Fields(item, f"included[{i}]")
            index[(entry.text("type"), _id(entry))] = entry.data
        return cls(index)

    def find(self, ref: Ref | None, *kinds: str) -> Mapping[str, Any] | None:
        """The included resource for `ref`, also under alternative type names."""
        if ref is None:
            return None
        for kind in (ref[0], *kinds):
            found = self.by_ref.get((kind, ref[1]))
            if found is not None:
                return found
        return None

    def of_type(self, *kinds: str) -> list[Mapping[str, Any]]:
        return [raw for (kind, _), raw in self.by_ref.items() if kind in kinds]


NOTHING_INCLUDED = Included()


@dataclass(frozen=True)
class Document:
    data: Any  # one resource object, a list of them, or null; parsed by the caller
    included: Included
    next_url: str | None
    last_url: str | None = None

    def items(self) -> list[Any]:
        if not isinstance(self.data, list):
            raise protocol_error("document", "field 'data' should be a list")
        return self.data


def document(body: object) -> Document:
    top = Fields(body, "document")
    if "data" not in top.data:
        raise protocol_error("document", "missing field 'data'")
    links = top.opt_nested("links")
    return Document(
        data=top.data["data"],
        included=Included.parse(top.data.get("included")),
        next_url=links.opt_text("next") if links is not None else None,
        last_url=links.opt_text("last") if links is not None else None,
    )


def joined(values: Iterable[object]) -> str:
    """A comma-separated filter value; the vendor reads `filter[x]=1,2` as 1 OR 2."""
    return ",".join(str(v) for v in values)


def id_of(ref: Ref | None) -> str | None:
    """The id of a linkage, or None when there is none."""
    return ref[1] if ref is not None else None


def ids_of(refs: tuple[Ref, ...]) -> tuple[str, ...]:
    return tuple(ident for _, ident in refs)
