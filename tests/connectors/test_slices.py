"""Long lists are parsed in slices, in order, with each item's own index."""

from __future__ import annotations

import asyncio

from concierge.connectors.slices import SLICE, fanning_out, parse_each


async def test_every_item_is_parsed_in_order_with_its_index() -> None:
    items = list(range(SLICE * 2 + 7))

    parsed = await parse_each(items, lambda item, index: (item * 10, index))

    assert parsed == [(i * 10, i) for i in items]


async def test_parsing_during_a_fan_out_still_finishes() -> None:
    fanning_out()
    parsed, _ = await asyncio.gather(
        parse_each(["a", "b"], lambda item, index: f"{index}:{item}"), asyncio.sleep(0)
    )

    assert parsed == ["0:a", "1:b"]
