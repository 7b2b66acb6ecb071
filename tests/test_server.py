"""The HTTP service, through a real ``mealplan serve`` on loopback.

Every route, every error path, concurrent requests, a full queue, a job
polled to completion and a graceful shutdown with a job in flight. Plans
that come back are checked against the food table with tests/checks.py.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the server extra")
pytest.importorskip("httpx")

import httpx

import mealplan
from tests.checks import check_plan
from tests.serving import Server, running_server

PERSON = {"person": {"age": 35, "sex": "female"}}
IMPOSSIBLE = {
    "person": {"age": 35, "sex": "female"},
    "diet": "vegan",
    "budget_per_day": 0.5,
}
ERROR_KEYS = {"error", "errors"}


@pytest.fixture(scope="module")
def server(http_server: Server) -> Server:
    return http_server  # tests/conftest.py: workers 1, queue 4, time limit <= 8 s


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def table() -> mealplan.FoodTable:
    return mealplan.load_foods()


@pytest.fixture(scope="module")
def day_plan(client: httpx.Client) -> dict[str, Any]:
    r = client.post("/v1/plans", json=PERSON)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def assert_error_body(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert "Traceback" not in r.text
    assert "detail" not in body  # never FastAPI's own error body
    if status != 504:
        assert set(body) == ERROR_KEYS
        assert isinstance(body["error"], str)
        assert body["error"]
        assert "\n" not in body["error"]
        assert all(set(e) == {"loc", "msg"} for e in body["errors"])
    return body


# ------------------------------------------------------------------- answers


def test_healthz(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["workers"] == 1
    assert body["capacity"] == 5
    assert body["version"] == mealplan.__version__


def test_a_day_is_a_plan_that_meets_its_request(
    day_plan: dict[str, Any], table: mealplan.FoodTable
) -> None:
    assert day_plan["kind"] == "plan"
    plan = mealplan.MealPlan.model_validate(day_plan["plan"])
    check_plan(plan, table)
    assert plan.request.person == mealplan.Person(age=35, sex="female")
    assert "not medical advice" in plan.disclaimer


def test_an_answer_says_where_its_time_went(client: httpx.Client) -> None:
    # Server-Timing: the worker's share and the rest (queue, transfer), so a
    # slow answer can be told apart from a long queue.
    r = client.post("/v1/plans", json=PERSON)
    assert r.status_code == 200, r.text
    parts = {
        name.strip(): float(dur.removeprefix("dur="))
        for name, dur in (m.split(";") for m in r.headers["server-timing"].split(","))
    }
    assert set(parts) == {"solve", "wait", "total"}
    assert parts["solve"] > 0
    assert parts["wait"] >= 0
    assert parts["solve"] + parts["wait"] == pytest.approx(parts["total"], abs=0.2)


def test_the_same_request_gives_the_same_plan_as_the_library(
    day_plan: dict[str, Any],
) -> None:
    local = mealplan.plan(PERSON)
    served = mealplan.MealPlan.model_validate(day_plan["plan"])
    assert [(i.food_id, i.portions) for i in served.items] == [
        (i.food_id, i.portions) for i in local.items
    ]


def test_an_impossible_request_is_an_answer_with_a_diagnosis(
    client: httpx.Client,
) -> None:
    r = client.post("/v1/plans", json=IMPOSSIBLE)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "diagnosis"
    diagnosis = mealplan.Diagnosis.model_validate(body["diagnosis"])
    assert diagnosis.conflicts
    assert any("budget" in c.constraint for c in diagnosis.conflicts)
    # An app sent JSON: the fix is said as a patch to it, never as a CLI flag.
    best = next(s for s in diagnosis.suggestions if s.verified)
    assert best.flag  # the field stays for CLI callers
    words = [diagnosis.message, *(c.relaxation for c in diagnosis.conflicts)]
    assert not [w for w in words if "--" in w], words
    assert "into the request" in diagnosis.message


def test_time_limit_above_the_server_maximum_is_lowered(client: httpx.Client) -> None:
    r = client.post("/v1/plans", json={**PERSON, "time_limit": 3000})
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["request"]["time_limit"] == 8


def test_regenerate_a_meal_changes_only_that_meal(
    client: httpx.Client, day_plan: dict[str, Any], table: mealplan.FoodTable
) -> None:
    old = mealplan.MealPlan.model_validate(day_plan["plan"])
    r = client.post(
        "/v1/plans/regenerate",
        json={"plan": day_plan["plan"], "day": 1, "meal": "dinner"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "plan"
    new = mealplan.MealPlan.model_validate(body["plan"])
    check_plan(new, table)

    def meal(p: mealplan.MealPlan, name: str) -> list[tuple[str, float]]:
        return sorted((i.food_id, i.portions) for i in p.items if i.meal == name)

    assert meal(new, "dinner") != meal(old, "dinner")
    for other in ("breakfast", "lunch", "snack"):
        assert meal(new, other) == meal(old, other)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"day": 2}, "day"),
        ({"meal": "brunch"}, "meal"),
        ({"reject": ["no-such"]}, "reject.0"),  # the field that holds it
    ],
)
def test_regenerate_bad_input_is_422(
    client: httpx.Client, day_plan: dict[str, Any], change: dict[str, Any], loc: str
) -> None:
    body = {"plan": day_plan["plan"], "day": 1, **change}
    r = client.post("/v1/plans/regenerate", json=body)
    err = assert_error_body(r, 422)
    assert loc in [e["loc"] for e in err["errors"]]


def test_regenerate_with_the_whole_answer_says_to_send_its_plan(
    client: httpx.Client, day_plan: dict[str, Any]
) -> None:
    # The /v1/plans answer posted as "plan" got "plan.request: this field is
    # required (and 9 more problem(s))".
    r = client.post("/v1/plans/regenerate", json={"plan": day_plan, "day": 1})
    err = assert_error_body(r, 422)
    assert err["errors"][0]["loc"] == "plan"
    assert "not the whole answer" in err["error"]


def test_a_job_is_accepted_then_polled_to_completion(
    client: httpx.Client, table: mealplan.FoodTable
) -> None:
    # A generous limit: the test is about the job's life cycle, and a busy
    # machine must not turn it into a time-limit failure. Any plan passes
    # check_plan, so the first one found will do (mip_gap 1): proving the
    # 2-day plan optimal took most of the test's 8 s.
    r = client.post(
        "/v1/jobs", json={**PERSON, "days": 2, "time_limit": 60, "mip_gap": 1.0}
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] == "pending"
    assert r.headers["location"] == f"/v1/jobs/{job['id']}"
    deadline = time.monotonic() + 120
    while True:
        polled = client.get(r.headers["location"])
        assert polled.status_code == 200
        info = polled.json()
        if info["state"] != "pending":
            break
        assert time.monotonic() < deadline, "job never finished"
        time.sleep(0.2)
    assert info["state"] == "done", info
    assert info["error"] is None
    plan = mealplan.MealPlan.model_validate(info["result"]["plan"])
    assert len(plan.days) == 2
    check_plan(plan, table)


def test_an_unknown_job_is_404(client: httpx.Client) -> None:
    assert_error_body(client.get("/v1/jobs/0123456789abcdef"), 404)


def test_a_bad_job_is_rejected_before_it_is_queued(client: httpx.Client) -> None:
    err = assert_error_body(client.post("/v1/jobs", json={"days": 3}), 422)
    assert err["errors"][0]["loc"] == "request"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        # Accepted with 202 and failed on the first poll before: what
        # POST /v1/plans refuses, a job refuses at once, with the same body.
        ({"person": {"age": 35, "sex": "female"}, "include": ["unicorn"]}, "include.0"),
        ({"person": {"age": 0.5, "sex": "female"}}, "person.age"),
        ({"person": {"age": 35, "sex": "female"}, "exclude": ["xyzzyfood"]}, "exclude"),
        (
            {"person": {"age": 2, "sex": "female"}, "include": ["peanuts-dry-roasted"]},
            "include",
        ),
    ],
)
def test_a_job_that_cannot_plan_is_422_at_submit(
    client: httpx.Client, body: dict[str, Any], loc: str
) -> None:
    job = client.post("/v1/jobs", json=body)
    err = assert_error_body(job, 422)
    assert err["errors"][0]["loc"].startswith(loc), err
    plan = assert_error_body(client.post("/v1/plans", json=body), 422)
    assert plan["error"] == err["error"]


def test_concurrent_requests_all_get_their_own_answer(client: httpx.Client) -> None:
    ages = [30, 45, 60, 75]
    results: dict[int, httpx.Response] = {}

    def ask(age: int) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=120) as c:
            results[age] = c.post(
                "/v1/plans", json={"person": {"age": age, "sex": "male"}}
            )

    threads = [threading.Thread(target=ask, args=(a,)) for a in ages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for age in ages:
        r = results[age]
        assert r.status_code == 200, r.text
        assert r.json()["plan"]["request"]["person"]["age"] == age


# -------------------------------------------------------------------- lookups


def test_food_search_and_one_food(client: httpx.Client) -> None:
    r = client.get("/v1/foods", params={"q": "pumpkin seeds", "limit": 3})
    assert r.status_code == 200
    hits = r.json()
    assert 1 <= len(hits) <= 3
    assert all("pumpkin" in h["name"].lower() for h in hits)
    first = client.get(f"/v1/foods/{hits[0]['id']}")
    assert first.status_code == 200
    food = first.json()
    assert food["id"] == hits[0]["id"]
    assert food["nutrients"]["magnesium_mg"] == hits[0]["magnesium_mg"]
    assert client.get("/v1/foods", params={"q": "zzzqqq"}).json() == []
    # No words is bad input, not an empty answer (it was 200 []).
    for blank in ("", "   "):
        err = assert_error_body(client.get("/v1/foods", params={"q": blank}), 422)
        assert err["errors"][0]["loc"] == "q", err


def test_unknown_food_is_404_with_a_hint(client: httpx.Client) -> None:
    err = assert_error_body(client.get("/v1/foods/no-such-food"), 404)
    assert "GET /v1/foods?q=" in err["error"]


def test_targets(client: httpx.Client) -> None:
    r = client.get("/v1/targets", params={"age": 29, "sex": "female"})
    assert r.status_code == 200
    served = mealplan.NutrientTargets.model_validate(r.json())
    # The bounds a plan uses by default (panel 'auto'): iron and the rest of
    # the panel too (they were the focus bounds alone, 10 against a plan's 29).
    person = mealplan.Person(age=29, sex="female")
    assert served == mealplan.targets_for(person, panel="auto")
    assert served.get("iron_mg") is not None
    r = client.get("/v1/targets", params={"age": 29, "sex": "female", "panel": "off"})
    assert mealplan.NutrientTargets.model_validate(r.json()) == mealplan.targets_for(
        person
    )


@pytest.mark.parametrize(
    "params",
    [
        {"sex": "female"},
        {"age": 29, "sex": "other"},
        {"age": -1, "sex": "female"},
        {"age": 40, "sex": "male", "pregnancy": "true"},
        {"age": 40, "sex": "female", "trimester": 2},
        {"age": 40, "sex": "female", "panel": "most"},
    ],
)
def test_bad_targets_query_is_422(client: httpx.Client, params: dict[str, Any]) -> None:
    assert_error_body(client.get("/v1/targets", params=params), 422)


def test_a_rule_over_several_parameters_is_the_querys(client: httpx.Client) -> None:
    # It said "Invalid person: request: ..." with loc "request" for a query.
    params: dict[str, str | int] = {
        "age": 30,
        "sex": "female",
        "pregnancy": "true",
        "lactation": "true",
    }
    err = assert_error_body(client.get("/v1/targets", params=params), 422)
    assert err["errors"][0]["loc"] == "query"
    assert "request" not in err["error"]


def test_a_targets_query_of_nan_says_a_finite_number(client: httpx.Client) -> None:
    # It said "less than or equal to 120 (got 'nan')", as if nan were too big.
    err = assert_error_body(
        client.get("/v1/targets", params={"age": "nan", "sex": "male"}), 422
    )
    assert "finite number" in err["error"], err["error"]


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "loc"),
    [
        ("{}", "request"),
        ('{"person": {"age": 35}}', "person.sex"),
        ('{"person": {"age": 35, "sex": "female"}, "colour": "red"}', "colour"),
        ('{"person": {"age": 35, "sex": "female"}, "days": 99}', "days"),
        ('{"person": {"age": 35, "sex": "female"', "request"),
        ("[1, 2]", "request"),
        ("", "request"),
    ],
)
def test_bad_plan_requests_are_422_with_the_cli_body(
    client: httpx.Client, content: str, loc: str
) -> None:
    r = client.post(
        "/v1/plans", content=content, headers={"content-type": "application/json"}
    )
    err = assert_error_body(r, 422)
    assert err["error"].endswith(".")
    assert loc in [e["loc"] for e in err["errors"]]


@pytest.mark.parametrize(
    ("method", "route", "content", "words"),
    [
        ("post", "/v1/plans", "", "the request body is required"),
        ("post", "/v1/plans", "[]", "expected a JSON object {...} (got an array)"),
        ("get", "/v1/foods", None, "this field is required"),
    ],
)
def test_bad_input_is_said_in_json_words_not_pythons(
    client: httpx.Client, method: str, route: str, content: str | None, words: str
) -> None:
    # Pydantic's own words quoted Python ("Field required (got None)", "a
    # valid dictionary or object to extract fields from").
    headers = {"content-type": "application/json"}
    r = client.request(method.upper(), route, content=content, headers=headers)
    err = assert_error_body(r, 422)
    assert words in err["error"], err["error"]
    for python in ("got None", "dictionary", "Field required"):
        assert python not in err["error"], err["error"]


def test_a_food_the_table_lacks_is_422(client: httpx.Client) -> None:
    r = client.post("/v1/plans", json={**PERSON, "include": ["no-such-food"]})
    err = assert_error_body(r, 422)
    assert "no-such-food" in err["error"]
    # The field that holds it, and how to find ids over HTTP (not in Python).
    assert [e["loc"] for e in err["errors"]] == ["include.0"]
    assert "GET /v1/foods?q=" in err["error"], err["error"]
    assert "FoodTable" not in err["error"]


def test_a_solver_the_server_lacks_is_bad_input_not_a_time_limit(
    client: httpx.Client,
) -> None:
    # 504 says "no plan within the time limit": a client would retry with a
    # longer one, for nothing (gurobi is not installed here, nor on CI).
    r = client.post("/v1/plans", json={**PERSON, "solver": "gurobi", "time_limit": 5})
    err = assert_error_body(r, 422)
    assert [e["loc"] for e in err["errors"]] == ["solver"]
    assert "gurobi" in err["error"]
    assert "glpk" not in err["error"]


def test_a_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = {**PERSON, "exclude": ["x" * 1000] * 1100}
    assert_error_body(client.post("/v1/plans", json=big), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"person": {"age": 35, "sex": "female"}, "exclude": ['
        for _ in range(1100):
            yield json.dumps("x" * 1000).encode() + b","
        yield b'"y"]}'

    assert_error_body(client.post("/v1/plans", content=chunks()), 413)


def test_unknown_route_and_method(client: httpx.Client) -> None:
    assert_error_body(client.get("/v2/plans"), 404)
    wrong = client.get("/v1/plans")
    assert_error_body(wrong, 405)
    assert wrong.headers["allow"] == "POST"  # RFC 9110: a 405 says what is
    assert_error_body(client.delete("/healthz"), 405)
    assert "GET" in client.delete("/healthz").headers["allow"]
    assert_error_body(client.get("/docs"), 404)  # FastAPI's page loads from a CDN


def test_browser_apps_of_an_allowed_origin_may_call(client: httpx.Client) -> None:
    preflight = client.options(
        "/v1/plans",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_the_openapi_document_is_served_and_committed(client: httpx.Client) -> None:
    from mealplan._server import openapi_text

    committed = Path(mealplan.__file__).parent / "schemas" / "openapi.json"
    assert committed.read_text(encoding="utf-8") == openapi_text(), (
        "mealplan/schemas/openapi.json is stale; regenerate it with "
        "'mealplan schema openapi > mealplan/schemas/openapi.json' and review the diff"
    )
    assert client.get("/openapi.json").json() == json.loads(openapi_text())


def test_the_request_schema_says_person_or_targets_is_required() -> None:
    jsonschema = pytest.importorskip("jsonschema_rs")  # comes with schemathesis
    from mealplan._server import openapi_text

    document = json.loads(openapi_text())
    schema = {
        "$ref": "#/components/schemas/PlanRequest",
        "components": document["components"],
    }
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({})
    assert not validator.is_valid({"person": None})
    assert validator.is_valid(PERSON)


def test_the_page_is_served_with_its_bundled_assets(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "not medical advice" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "https://" not in page.text
    for asset in ("/static/app.js", "/static/page.css"):
        r = client.get(asset)
        assert r.status_code == 200, asset
        assert "https://" not in r.text


# ---------------------------------------------- time limit, full queue, shutdown


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker, no queue, no overhead allowed past the time limit."""
    tmp = tmp_path_factory.mktemp("tight")
    with running_server(
        tmp,
        "--workers",
        "1",
        "--queue",
        "0",
        "--overhead",
        "0",
        "--grace",
        "0",
    ) as s:
        yield s


def wait_idle(client: httpx.Client) -> None:
    deadline = time.monotonic() + 120
    while client.get("/healthz").json()["in_flight"]:
        assert time.monotonic() < deadline, "the server never became idle"
        time.sleep(0.1)


def test_time_limit_without_a_plan_is_504(tight: Server) -> None:
    with tight.client() as c:
        r = c.post("/v1/plans", json={**PERSON, "time_limit": 0.01})
        body = assert_error_body(r, 504)
        assert set(body) == {"error", "time_limit"}
        assert body["time_limit"] == 0.01
        wait_idle(c)


def test_a_full_queue_is_503_with_retry_after(tight: Server) -> None:
    with tight.client() as c:
        wait_idle(c)
        job = c.post("/v1/jobs", json={**PERSON, "days": 2})
        assert job.status_code == 202
        r = c.post("/v1/plans", json=PERSON)
        assert_error_body(r, 503)
        assert int(r.headers["retry-after"]) >= 1
        assert_error_body(c.post("/v1/jobs", json=PERSON), 503)
        wait_idle(c)
        assert c.get(job.headers["location"]).json()["state"] == "done"
        assert c.post("/v1/plans", json=PERSON).status_code == 200


def _wait_accepted(s: Server, ids: list[str]) -> None:
    """Wait until the server counts one solve in flight beyond the pending jobs.

    An event, not a sleep: on a busy machine the asking thread may take
    seconds to connect, and a signal sent before then finds no request.
    """
    deadline = time.monotonic() + 120
    with s.client() as c:
        while True:
            before = [c.get(f"/v1/jobs/{i}").json()["state"] for i in ids]
            in_flight = c.get("/healthz").json()["in_flight"]
            after = [c.get(f"/v1/jobs/{i}").json()["state"] for i in ids]
            if before == after and in_flight > after.count("pending"):
                return
            assert time.monotonic() < deadline, "the request was never accepted"
            time.sleep(0.05)


def test_shutdown_accounts_for_every_accepted_job(tmp_path: Path) -> None:
    with running_server(tmp_path, "--workers", "1", "--grace", "30") as s:
        with s.client() as c:
            ids = [
                c.post("/v1/jobs", json={**PERSON, "days": d}).json()["id"]
                for d in (2, 1)
            ]
        answer: dict[str, httpx.Response] = {}

        def ask() -> None:
            with s.client() as c2:
                answer["r"] = c2.post("/v1/plans", json=PERSON)

        asker = threading.Thread(target=ask)
        asker.start()
        _wait_accepted(s, ids)  # the request is accepted before the signal
        workers = s.children()
        assert workers
        code = s.stop()
        asker.join()
    # uvicorn re-raises SIGTERM after its graceful shutdown.
    assert code in (0, -15), s.output
    assert "Application shutdown complete" in s.output
    assert "leaked" not in s.output
    # The request in flight got its answer; each job finished (within the grace).
    assert answer["r"].status_code == 200
    for job_id in ids:
        assert f"job {job_id} done" in s.output, s.output
    assert "Traceback" not in s.output
    # No solver process outlives the server (they may take a moment to exit).
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]


def test_shutdown_fails_jobs_past_the_grace_period(tight: Server) -> None:
    with tight.client() as c:
        wait_idle(c)
        job_id = c.post("/v1/jobs", json={**PERSON, "days": 7}).json()["id"]
    code = tight.stop()
    assert code in (0, -15), tight.output
    assert "Application shutdown complete" in tight.output
    # A week cannot be planned in the moment between its 202 and the signal.
    assert f"job {job_id} failed" in tight.output
    assert "Traceback" not in tight.output


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_outcomes_map_to_their_status() -> None:
    from mealplan._pool import Outcome
    from mealplan._server import _respond

    assert _respond(Outcome("time_limit", "No plan in 1 s."), 1.0).status_code == 504
    internal = _respond(Outcome("failed", "", detail="Traceback ..."), 1.0)
    assert internal.status_code == 500
    assert b"Traceback" not in internal.body
    bad = _respond(Outcome("bad_input", "Bad.", (("a", "b"),)), 1.0)
    assert bad.status_code == 422
    assert json.loads(bytes(bad.body)) == {
        "error": "Bad.",
        "errors": [{"loc": "a", "msg": "b"}],
    }


def test_serve_without_the_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from mealplan._cli import main

    monkeypatch.setitem(sys.modules, "mealplan._server", None)
    assert main(["serve", "--port", "0"]) == 2
    assert "pip install 'mealplan[server]'" in capsys.readouterr().err


def test_serve_rejects_out_of_range_flags(capsys: pytest.CaptureFixture[str]) -> None:
    from mealplan._cli import main

    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


if os.environ.get("MEALPLAN_SERVER_DEBUG"):  # pragma: no cover

    def test_debug_print_log(server: Server) -> None:
        print(server.log_path.read_text())
