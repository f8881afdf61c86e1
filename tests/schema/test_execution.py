"""The plain-field fast path answers exactly what graphql-core's own path answers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from enum import Enum
from typing import Any

import aiohttp
import pytest
import strawberry
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from concierge.schema import schema as concierge_schema
from concierge.schema.execution import FastExecutionContext, install, prefilled
from concierge.server.settings import Settings
from tests.conftest import RunningSandbox, serve
from tests.schema.graphs import DASHBOARD, Graph


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Thing(relay.Node):
    key: relay.NodeID[str]
    name: str
    nickname: str | None
    colour: Colour
    size: int | None = 1


@strawberry.type
class RenamedThing(Thing):
    """A subclass: its ID must still be typed by the GraphQL type that resolved it."""


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            Thing(key="1", name="one", nickname=None, colour=Colour.RED),
            Thing(key="2", name=None, nickname="two", colour=Colour.RED),  # type: ignore[arg-type]
            Thing(key="3", name="three", nickname=None, colour="blue"),  # type: ignore[arg-type]
            RenamedThing(key="4", name="four", nickname=None, colour=Colour.RED),
            Thing(key="5", name="five", nickname=None, colour=Colour.RED, size=2**40),
        ]


@strawberry.type
class Greeting:
    ready: strawberry.Private[str | None]

    @strawberry.field(metadata=prefilled("ready"))
    def text(self) -> str:
        return "resolved"


@strawberry.type
class GreetingQuery:
    @strawberry.field
    def greetings(self) -> list[Greeting]:
        return [Greeting(ready="filled in"), Greeting(ready=None)]


def test_a_prefilled_field_answers_its_attribute_and_resolves_when_it_is_empty() -> None:
    tiny = strawberry.Schema(query=GreetingQuery)
    tiny.execution_context_class = install(tiny._schema, tiny.config.default_resolver)

    result = tiny.execute_sync("{ greetings { text } }")

    assert result.errors is None
    assert result.data == {"greetings": [{"text": "filled in"}, {"text": "resolved"}]}


def _answers(context_class: type[Any]) -> dict[str, Any]:
    tiny = strawberry.Schema(query=Query, types=[RenamedThing])
    tiny.execution_context_class = context_class
    result = tiny.execute_sync("{ things { id name nickname colour size } }")
    return {
        "data": result.data,
        "errors": [(e.message, e.path) for e in result.errors or []],
    }


def test_nulls_and_bad_values_fail_exactly_as_without_the_fast_path() -> None:
    tiny = strawberry.Schema(query=Query, types=[RenamedThing])
    fast = install(tiny._schema, tiny.config.default_resolver)
    assert set(fast.plain["Thing"]) == {"id", "name", "nickname", "colour", "size"}

    answered = _answers(fast)

    assert answered == _answers(StrawberryGraphQLCoreExecutionContext)
    assert answered["data"]["things"][0] == {
        "id": relay.to_base64("Thing", "1"),
        "name": "one",
        "nickname": None,
        "colour": "RED",
        "size": 1,
    }
    assert answered["data"]["things"][1] is None  # null in a non-null field
    assert answered["data"]["things"][2] is None  # a value the enum cannot represent
    assert answered["data"]["things"][4]["size"] is None  # past GraphQL's 32-bit Int
    assert [path for _, path in answered["errors"]] == [
        ["things", 1, "name"],
        ["things", 2, "colour"],
        ["things", 4, "size"],
    ]


def test_the_schema_answers_plain_fields_through_the_fast_path() -> None:
    fast = concierge_schema.execution_context_class
    assert issubclass(fast, FastExecutionContext)
    assert {"id", "label", "floor"} <= set(fast.plain["Unit"])
    assert {"id", "name", "state", "battery"} <= set(fast.plain["Door"])
    assert "tenants" not in fast.plain["Unit"]  # a resolver, not data


async def test_the_dashboard_is_identical_without_the_fast_path(
    http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    # One sandbox and both servers asked at once: live data (occupancy, lock state) is the
    # same for both, so any difference is the completion path's.
    settings = Settings(sandbox_url=sandbox.control_url, demo_activity_s=0)
    async with (
        serve(replace(settings, fast_execution=True, data_dir="fast")) as fast_url,
        serve(replace(settings, fast_execution=False, data_dir="stock")) as stock_url,
    ):
        answers = await asyncio.gather(
            Graph(fast_url, http).query(DASHBOARD, first=100),
            Graph(stock_url, http).query(DASHBOARD, first=100),
        )

    assert "errors" not in answers[0]
    assert answers[0] == answers[1]


class Deny(BasePermission):
    message = "Denied."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Guarded:
    ready: strawberry.Private[str | None]
    secret: str | None = strawberry.field(permission_classes=[Deny])

    @strawberry.field(metadata=prefilled("ready"), permission_classes=[Deny])
    def filled(self) -> str | None:
        return "resolved"


@strawberry.type
class GuardedQuery:
    @strawberry.field
    def guarded(self) -> list[Guarded]:
        return [Guarded(ready="filled in", secret="attribute")]


@pytest.mark.parametrize("field", ["secret", "filled"])
def test_a_permission_class_on_a_plain_or_prefilled_field_runs_on_the_fast_path(
    field: str,
) -> None:
    tiny = strawberry.Schema(query=GuardedQuery)
    fast = install(tiny._schema, tiny.config.default_resolver)
    tiny.execution_context_class = fast
    assert field not in fast.plain.get("Guarded", {})

    result = tiny.execute_sync(f"{{ guarded {{ {field} }} }}")

    assert result.data == {"guarded": [{field: None}]}
    assert [(e.message, e.path) for e in result.errors or []] == [
        ("Denied.", ["guarded", 0, field])
    ]
