"""The checked-in SDL is the schema the server serves."""

from concierge.schema.root import SDL_PATH, export_sdl


def test_checked_in_sdl_equals_the_served_schema() -> None:
    assert SDL_PATH.read_text() == export_sdl(), (
        "schema/schema.graphql is stale: run `concierge schema > schema/schema.graphql`"
    )
