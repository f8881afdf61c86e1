"""Reading ButterflyMX error bodies: messages without SQL, field errors from pointers."""

from __future__ import annotations

from concierge.connectors.butterflymx.errors import read_error
from concierge.connectors.errors import FieldError

SQL_404 = {
    "errors": [
        {
            "title": "Record not found",
            "detail": "Couldn't find Keychain with 'id'=9 [WHERE `keychains`.`deleted_at` IS NULL "
            "AND `units_users`.`user_id` = ?]",
        }
    ]
}


def test_sql_is_cut_from_not_found_details() -> None:
    message, fields = read_error(404, SQL_404)
    assert message == "Couldn't find Keychain with 'id'=9"
    assert fields == []


def test_sql_is_cut_even_without_an_id() -> None:
    body = {"errors": [{"detail": "Couldn't find Call with [WHERE `calls`.`guid` = ?]"}]}
    assert read_error(404, body)[0] == "Couldn't find Call"


def test_validation_pointers_become_field_errors() -> None:
    body = {
        "errors": [
            {"source": {"pointer": "/data/attributes/label"}, "detail": "can't be blank"},
            {
                "source": {"pointer": "/data/attributes/address.address_1"},
                "detail": "can't be blank",
            },
            {"source": {"parameter": "page[size]"}, "detail": "101 is not a valid value"},
        ]
    }
    message, fields = read_error(400, body)
    assert fields == [
        FieldError("label", "can't be blank"),
        FieldError("address.address_1", "can't be blank"),
        FieldError("page[size]", "101 is not a valid value"),
    ]
    assert message.startswith("label can't be blank; address.address_1")


def test_the_oauth_pair_keeps_its_error_code_first() -> None:
    body = {"error": "invalid_grant", "error_description": "The provided grant is invalid"}
    assert read_error(400, body) == ("invalid_grant: The provided grant is invalid", [])
    assert read_error(404, {"error": "Not Found"})[0] == "Not Found"


def test_the_password_endpoint_shapes_are_read() -> None:
    assert read_error(422, {"errors": "Wrong password"})[0] == "Wrong password"
    assert read_error(422, {"errors": ["Password confirmation doesn't match Password"]})[0] == (
        "Password confirmation doesn't match Password"
    )


def test_an_unreadable_body_falls_back_to_the_status() -> None:
    assert read_error(502, None) == ("HTTP 502", [])
    assert read_error(500, {"errors": [{}]}) == ("HTTP 500", [])


def test_long_messages_are_capped() -> None:
    message, _ = read_error(400, {"errors": [{"detail": "x" * 5000}]})
    assert len(message) <= 300
