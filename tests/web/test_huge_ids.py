"""An id too big for the database's integer columns is a page that does not exist, on every route."""
from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from portal import demo
from tests.conftest import sign_in, staff_client

TOO_BIG = (2**31, 99999999999999999999)


def _int_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """Return (rule, method, int arguments) for every route with an integer in its path."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            method = "GET" if "GET" in rule.methods else "POST"
            found.append((rule.rule, method, ints))
    return found


def test_there_are_int_routes(app: Flask) -> None:
    assert len(_int_routes(app)) >= 10


@pytest.mark.parametrize("who", ["anonymous", "citizen", "head"])
def test_every_int_route_answers_404_for_a_huge_id(app: Flask, who: str) -> None:
    client = {"anonymous": lambda: app.test_client(), "citizen": lambda: sign_in(app.test_client(), demo.CITIZEN),
              "head": lambda: staff_client(app, "head")}[who]()
    client.get("/lang/en")
    for rule, method, ints in _int_routes(app):
        for huge in TOO_BIG:
            path = rule
            for name in ints:
                path = path.replace(f"<int:{name}>", str(huge))
            response = client.open(path, method=method)
            assert response.status_code == 404, (who, method, path, response.status_code)
            assert "Not found" in response.get_data(as_text=True), path


def test_the_largest_id_is_still_routed(app: Flask, citizen) -> None:  # type: ignore[no-untyped-def]
    response = citizen.get(f"/apply/{2**31 - 1}")
    assert response.status_code == 404  # routed to the view, which finds no such draft
    assert app.url_map.bind("portal.test").match(f"/apply/{2**31 - 1}")[1] == {"application_id": 2**31 - 1}
