"""Hardening over HTTP: the service reads JSON as strictly as the CLI.

FastAPI parses a body with ``json.loads``, which keeps the last of two equal
keys: ``{"allergies": ["peanuts"], "allergies": []}`` was planned with no
allergy filter over HTTP (200) while the CLI and the API refused it. And the
regenerate body took ``"day": true`` as day 1 and a ``meal`` or ``reject`` id
of any length.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the server extra")
pytest.importorskip("httpx")

import httpx

from tests.serving import Server

PERSON = '"person": {"age": 35, "sex": "female"}'


def _with(extra: str) -> str:
    return "{" + PERSON + ", " + extra + "}"


@pytest.fixture(scope="module")
def client(http_server: Server) -> Iterator[httpx.Client]:
    with http_server.client() as c:
        yield c


def _error(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {"error", "errors"}
    assert "\n" not in body["error"]
    assert body["error"].endswith(".")
    return body


@pytest.mark.parametrize(
    ("route", "content", "words", "loc"),
    [
        (
            "/v1/plans",
            _with('"allergies": ["peanuts"], "allergies": []'),
            "key 'allergies' appears twice",
            "allergies",
        ),
        (
            "/v1/jobs",
            '{"person": {"age": 35, "sex": "female", "age": 3}}',
            "key 'age' appears twice",
            "person.age",  # where it is, not the key alone
        ),
        (
            "/v1/plans",
            _with('"likes": ' + "[" * 1000 + "1" + "]" * 1000),
            "nested too deeply",
            "request",
        ),
        (
            "/v1/plans",
            _with('"exclude": ["\\ud800"]'),
            "lone surrogate",
            "exclude.0",
        ),
    ],
    ids=["duplicate-key", "duplicate-nested-key", "deep", "lone-surrogate"],
)
@pytest.mark.parametrize(
    "ctype",
    ["application/json", "application/json; charset=utf-8", "application/x+json"],
)
def test_bodies_are_read_strictly(
    client: httpx.Client, route: str, content: str, words: str, loc: str, ctype: str
) -> None:
    r = client.post(route, content=content, headers={"content-type": ctype})
    body = _error(r)
    assert words in body["error"]
    assert body["errors"][0]["loc"] == loc


def test_malformed_json_keeps_its_own_message(client: httpx.Client) -> None:
    r = client.post(
        "/v1/plans", content="hello", headers={"content-type": "application/json"}
    )
    assert "the body is not valid JSON" in _error(r)["error"]


@pytest.fixture(scope="module")
def saved(client: httpx.Client) -> dict[str, Any]:
    r = client.post("/v1/plans", json={"person": {"age": 35, "sex": "female"}})
    assert r.status_code == 200, r.text
    plan: dict[str, Any] = r.json()["plan"]
    return plan


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"day": True}, "day"),
        ({"day": 1.0}, "day"),
        ({"meal": "x" * 10_000}, "meal"),
        ({"reject": ["x" * 10_000]}, "reject.0"),
    ],
    ids=["day-true", "day-float", "long-meal", "long-reject"],
)
def test_regenerate_fields_are_strict_and_bounded(
    client: httpx.Client, saved: dict[str, Any], change: dict[str, Any], loc: str
) -> None:
    r = client.post("/v1/plans/regenerate", json={"plan": saved, "day": 1, **change})
    body = _error(r)
    assert body["errors"][0]["loc"] == loc
    assert len(body["error"]) < 300


@pytest.mark.parametrize(
    ("url", "words", "loc"),
    [
        ("/v1/targets?age=35&sex=female&age=3", "'age' appears twice", "age"),
        ("/v1/foods?q=milk&q=egg", "'q' appears twice", "q"),
        ("/v1/targets?age=35&sex=female&wieght_kg=60", "unknown field", "wieght_kg"),
        ("/v1/foods/almonds?x=1", "unknown field", "x"),
    ],
    ids=["duplicate-age", "duplicate-q", "unknown-targets", "unknown-food"],
)
def test_query_strings_are_read_like_a_body(
    client: httpx.Client, url: str, words: str, loc: str
) -> None:
    # Starlette kept the last 'age' (targets for a 3-year-old) and ignored
    # an unknown parameter.
    body = _error(client.get(url))
    assert words in body["error"]
    assert body["errors"][0]["loc"] == loc


def test_the_page_keeps_any_query_string(client: httpx.Client) -> None:
    assert client.get("/?utm_source=x&utm_source=y").status_code == 200


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # The page's own route takes a /v1/plans answer; pydantic's words
        # ("Unable to extract tag using discriminator") named its machinery.
        ("{}", "the 'kind' field is missing"),
        ('{"kind": "plans"}', "'kind' is 'plans'; expected one of 'plan', 'diagnosis'"),
    ],
)
def test_an_answer_without_its_kind_says_so(
    client: httpx.Client, content: str, words: str
) -> None:
    r = client.post(
        "/ui/render", content=content, headers={"content-type": "application/json"}
    )
    body = _error(r)
    assert words in body["error"]
    assert "discriminator" not in body["error"].lower()
