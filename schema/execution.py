"""A shorter path through graphql-core for fields that are plain data.

A building dashboard completes thousands of fields that only read an attribute (a unit's
label, a door's state) or a Node's ID. For each, graphql-core builds a resolve-info
object, Strawberry wraps the read (for an ID: a resolver with its own info object), and
graphql-core completes the value through its generic steps. `FastExecutionContext` reads
such a field and coerces the value itself, the same way those steps would. Everything
else, and every case that could end in an error (a null in a non-null field, a value the
type cannot represent, a middleware), takes graphql-core's own path, so answers and
errors are what they would have been.

A field with a resolver can also declare the attribute where a parent fills its answer in
ahead (`strawberry.field(metadata=prefilled("ready_tenants"))`): when the attribute holds
a value, graphql-core reads it instead of calling the resolver through Strawberry; when
it is None, the resolver runs as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, Undefined
from graphql.type.scalars import specified_scalar_types
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from concierge.schema.budget import BoundedExecutionContext

DEFINITION = "strawberry-definition"  # where Strawberry keeps its own object on graphql-core's
PREFILLED = "concierge-prefilled"  # field metadata: the attribute a parent may fill in


def prefilled(attribute: str) -> dict[str, str]:
    """Field metadata: a parent may have put this field's answer in `attribute`."""
    return {PREFILLED: attribute}


@dataclass(frozen=True, slots=True)
class PlainField:
    """How to read one field without a resolver: `read(source)`, then `leaf`'s coercion;
    a value of exactly type `passes` is already what that coercion would return."""

    read: Callable[[Any], Any]
    leaf: GraphQLLeafType
    non_null: bool
    passes: type | None = None


# Built-in scalars whose coercion returns a value of this exact type unchanged (Int also
# checks the 32-bit range, which `_complete` does too; Float is left to graphql-core).
_PASSES: dict[str, type] = {"String": str, "ID": str, "Boolean": bool, "Int": int}
_INT_RANGE = range(-(2**31), 2**31)


PlainFields = dict[str, dict[str, PlainField]]  # parent type name → field name → how


def plain_fields(schema: GraphQLSchema, default_resolver: object) -> PlainFields:
    """Every field of `schema` that reads an attribute or is a default Node ID."""
    found: PlainFields = {}
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        definition = graphql_type.extensions.get(DEFINITION)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        fields: dict[str, PlainField] = {}
        for name, graphql_field in graphql_type.fields.items():
            target = graphql_field.type
            non_null = isinstance(target, GraphQLNonNull)
            leaf = target.of_type if isinstance(target, GraphQLNonNull) else target
            if graphql_field.args or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                continue
            read = _reader(definition, graphql_type.name, name, graphql_field.extensions)
            if read is not None and default_resolver is getattr:
                builtin = specified_scalar_types.get(leaf.name) is leaf
                passes = _PASSES.get(leaf.name) if builtin else None
                fields[name] = PlainField(read, leaf, non_null, passes)
        if fields:
            found[graphql_type.name] = fields
    return found


def _reader(
    definition: StrawberryObjectDefinition,
    type_name: str,
    field_name: str,
    extensions: dict[str, Any],
) -> Callable[[Any], Any] | None:
    field = extensions.get(DEFINITION)
    # A field extension (a permission class is one) must run: such a field is not plain.
    if not isinstance(field, StrawberryField) or field.extensions:
        return None
    if field.is_basic_field:
        return attrgetter(field.python_name)
    origin = definition.origin
    if field_name == "id" and _default_node_id(origin):
        id_attr = origin.resolve_id_attr()

        def global_id(source: Any) -> str:
            # Exactly the class: a subclass may resolve its ID its own way.
            if type(source) is not origin:
                raise _NotPlain
            return to_base64(type_name, str(getattr(source, id_attr)))

        return global_id
    return None


def _default_node_id(origin: type) -> bool:
    """A Node whose ID is `base64("<Type>:<NodeID attribute>")`, as relay.Node makes it."""
    if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return False
    node: Any = relay.Node
    own: Any = origin
    return (
        own.resolve_id.__func__ is node.resolve_id.__func__
        and own.resolve_typename.__func__ is node.resolve_typename.__func__
    )


def _prefilled_first(attribute: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def read_or_resolve(source: Any, info: Any, **arguments: Any) -> Any:
        value = getattr(source, attribute, None)
        return value if value is not None else resolve(source, info, **arguments)

    return read_or_resolve


class _NotPlain(Exception):
    """This value must take graphql-core's own path."""


_SLOW = object()  # `_complete`'s answer when graphql-core must complete the field itself


def _complete(how: PlainField, source: Any) -> Any:
    """The field's completed value, as graphql-core would complete it, or `_SLOW`."""
    try:
        value = how.read(source)
        if value is None:
            return _SLOW if how.non_null else None
        if type(value) is how.passes and (how.passes is not int or value in _INT_RANGE):
            return value
        coerced = how.leaf.coerce_output_value(value)
    except Exception:  # noqa: BLE001 - graphql-core's path reports it
        return _SLOW
    return _SLOW if coerced is None or coerced is Undefined else coerced


class FastExecutionContext(BoundedExecutionContext):
    # Set once per schema by `install`; empty means every field takes the usual path.
    plain: PlainFields = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A schema extension with a `resolve` hook must see every field.
        self._plain = {} if manager is not None and manager.middlewares else self.plain

    def complete_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """An object whose selected fields are all plain (a door, a tenant) is completed
        here in one pass; any other goes through graphql-core, field by field."""
        plain = self._plain.get(parent_type.name)
        if plain is not None:
            results: dict[str, Any] = {}
            for response_name, field_details_list in grouped_field_set.items():
                how = plain.get(field_details_list[0].node.name.value)
                value = _SLOW if how is None else _complete(how, source_value)
                if value is _SLOW:
                    break
                results[response_name] = value
            else:
                return results
        return super().complete_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def complete_list_value(
        self,
        return_type: GraphQLList[Any],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A list of objects whose selected fields are all plain (a unit's tenants, its
        doors) is completed here in one pass; anything unusual goes through graphql-core."""
        rows = self._plain_rows(return_type, field_details_list, info, path, result)
        if rows is not None:
            return rows
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plain_rows(
        self,
        return_type: GraphQLList[Any],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
    ) -> list[dict[str, Any]] | None:
        item_type = return_type.of_type
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if not isinstance(item_type, GraphQLObjectType) or type(result) is not list:
            return None
        plain = self._plain.get(item_type.name)
        if plain is None or self.get_stream_usage(field_details_list, path) is not None:
            return None
        collected = self.collect_subfields(item_type, field_details_list)
        if collected.new_defer_usages:
            return None
        hows: list[tuple[str, PlainField]] = []
        for response_name, details in collected.grouped_field_set.items():
            how = plain.get(details[0].node.name.value)
            if how is None:
                return None
            hows.append((response_name, how))
        is_type_of = item_type.is_type_of
        rows: list[dict[str, Any]] = []
        for item in result:
            # A null item, a wrong type or an unusual value: graphql-core says what is wrong.
            if item is None or (is_type_of is not None and is_type_of(item, info) is not True):
                return None
            row: dict[str, Any] = {}
            for response_name, how in hows:
                value = _complete(how, item)
                if value is _SLOW:
                    return None
                row[response_name] = value
            rows.append(row)
        # Each row is an object completed here, not in `execute_fields`: count them.
        self.spend(len(rows))
        return rows

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        plain = self._plain.get(parent_type.name)
        if plain is not None:
            how = plain.get(field_details_list[0].node.name.value)
            if how is not None:
                value = _complete(how, source)
                if value is not _SLOW:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def install(schema: GraphQLSchema, default_resolver: object) -> type[FastExecutionContext]:
    """An execution context class that knows `schema`'s plain fields; prefilled fields'
    resolvers read their attribute first (never on a field with extensions: a permission
    check must not be skipped)."""
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType):
            for graphql_field in graphql_type.fields.values():
                field = graphql_field.extensions.get(DEFINITION)
                if not isinstance(field, StrawberryField) or field.extensions:
                    continue
                attribute = field.metadata.get(PREFILLED)
                if attribute is not None and graphql_field.resolve is not None:
                    graphql_field.resolve = _prefilled_first(attribute, graphql_field.resolve)
    return type(
        "FastExecutionContext",
        (FastExecutionContext,),
        {"plain": plain_fields(schema, default_resolver)},
    )
