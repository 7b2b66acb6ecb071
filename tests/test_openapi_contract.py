"""Schemathesis against the committed OpenAPI document and a real server.

Bounded: a fixed number of derandomized examples per operation. Checks: no
5xx but the declared 503 (queue full, with Retry-After) and 504 (time limit
without a plan), no traceback, every status code and content type is declared, every body matches its
schema. (Not positive-data acceptance: a schema-valid request can still be
refused with 422 for reasons JSON Schema cannot say, such as an unknown food
id or kcal_min above kcal_max.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the server extra")
pytest.importorskip("schemathesis")

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import mealplan
from tests.serving import Server, running_server

DOCUMENT = Path(mealplan.__file__).parent / "schemas" / "openapi.json"


@schemathesis.check
def no_undeclared_server_error(
    ctx: schemathesis.CheckContext,
    response: schemathesis.Response,
    case: schemathesis.Case[Any],
) -> bool | None:
    """No 5xx but the contract's own: 503 (busy, Retry-After) and 504 (time limit)."""
    del ctx, case
    if response.status_code >= 500 and response.status_code not in (503, 504):
        msg = f"server error {response.status_code}: {response.text[:200]}"
        raise AssertionError(msg)
    assert "Traceback" not in response.text
    return None


CHECKS = [
    no_undeclared_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(DOCUMENT)
# Bounded by max_examples: the coverage phase would add hundreds of boundary
# cases (each a solve) on top.
schema.config.phases.coverage.enabled = False

# Every request field is generated, targets and bounds included: the input
# hardening (issue 15) rejects their extreme values as bad input (422).


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("contract")
    # A short time limit keeps generated multi-week requests quick; they are
    # still answered (plan, diagnosis or 504), never a 5xx of another kind.
    # A small queue: generated jobs that would pile up are refused with 503
    # (declared) instead of delaying everything after them.
    with running_server(
        tmp,
        "--workers",
        "1",
        "--queue",
        "2",
        "--max-time-limit",
        "1",
        "--overhead",
        "10",
        "--grace",
        "0",
    ) as s:
        yield s


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each step is a solve
    suppress_health_check=list(HealthCheck),
)
def test_the_service_keeps_its_openapi_contract(
    case: schemathesis.Case[Any], contract_server: Server
) -> None:
    case.call_and_validate(base_url=contract_server.url, checks=CHECKS, timeout=120)
