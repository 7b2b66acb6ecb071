"""Every time limit holds, measured from outside (issue 15).

A request that cannot finish in its ``time_limit`` (a 28-day week, a week
with CBC, a week whose diagnosis has dozens of checks, a day over all of SR28)
must return a plan, a diagnosis or a typed time-limit error within the limit
plus a small margin. The CLI cases are timed around the subprocess, against
a default day through the same CLI in the same test (interpreter start,
imports, table, one quick solve and the output), so the margin measures only
what the request spent past its limit.

The margins (README, "Time limits"): a request ends at most one model build
and the output past its limit. Measured on the 2-core machine at load 6-8:
0.1-1.0 s past a 2 s limit for every CLI case here, and 1.45 s in process for
a day over all of SR28 (building its problem and its first model takes that
long before any solve can stop). Before the fix these cases ran 2-7 s past a
2 s limit, and a 28-day week 21 s past a 1 s limit. The CLI margin is 3 s,
or the reference run's own wall time when that is longer (it varied between
1.1 and 2.7 s at load 7, and took 6 s at load 11, when a CBC week ran 3.5 s
past a 1 s limit); the in-process margin is 3 s, or twice a near-zero-limit request's wall
time on the same table when that is longer (a loaded CI machine stretches
the build that no deadline can interrupt).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

import mealplan

LIMIT = 1.0
CLI_MARGIN = 3.0
API_MARGIN = 3.0

PERSON = ["--age", "35", "--sex", "female"]


def _run(args: list[str]) -> tuple[int, float, str, str]:
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mealplan", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, OPENBLAS_NUM_THREADS="1"),
    )
    return proc.returncode, time.monotonic() - began, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def reference() -> float:
    """Wall time of a default day through the CLI (everything but the wait)."""
    code, took, _, stderr = _run(["plan", *PERSON, "--time-limit", "60"])
    assert code == 0, stderr
    return took


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(["--days", "28"], id="28-days"),
        pytest.param(["--days", "7", "--solver", "cbc"], id="cbc-week"),
        pytest.param(
            ["--days", "7", "--diet", "vegan", "--no-fortified"], id="diagnosis-week"
        ),
    ],
)
def test_cli_request_ends_within_its_time_limit(
    reference: float, extra: list[str]
) -> None:
    code, took, stdout, stderr = _run(
        ["plan", *PERSON, *extra, "--time-limit", f"{LIMIT:g}"]
    )
    # A plan, a diagnosis, or the typed time-limit error: never a crash.
    assert code in (0, 1, 3), stderr
    assert "Traceback" not in stderr
    if code == 3:
        assert stderr.strip().splitlines() == [stderr.strip()]
        assert "time limit" in stderr
    else:
        assert json.loads(stdout)["schema_version"] == "1"
    over = took - reference - LIMIT
    # Under heavy load every step slows alike: the reference run says how much.
    assert over < max(CLI_MARGIN, reference), (
        f"{took:.2f} s for a {LIMIT:g} s limit ({reference:.2f} s reference)"
    )


def _timed_plan(request: dict[str, Any], foods: Any) -> tuple[str, float, float]:
    """Return the outcome, wall seconds and CPU seconds (HiGHS's threads too)."""
    began = time.monotonic()
    cpu = time.process_time()
    outcome: str
    try:
        outcome = mealplan.plan(request, foods).status.value
    except mealplan.SolverError as exc:
        outcome = str(exc)
    return outcome, time.monotonic() - began, time.process_time() - cpu


@pytest.mark.shared
def test_sr28_day_ends_within_its_time_limit(sr28_foods: Any) -> None:
    person = {"person": {"age": 35, "sex": "female"}}
    # The documented promise is the limit plus one model build: a request with
    # next to no time measures that build (and the output) at this moment's
    # load, as the CLI tests' reference run does. At load 12-15 the build over
    # all of SR28 alone took 4 s of wall time for 0.3 s of CPU.
    _, build, build_cpu = _timed_plan({**person, "time_limit": 0.01}, sr28_foods)
    outcome, took, cpu = _timed_plan({**person, "time_limit": LIMIT}, sr28_foods)
    assert outcome in ("optimal", "feasible") or "time limit" in outcome
    # Wall time is the promise; but on a machine whose load changes between
    # the two runs (CI at load 10: a 0.44 s reference, then 6.6 s), wall time
    # says more about the machine than about the request. The request kept
    # its limit when it did no more work past it than one build: its CPU
    # time (which a starved process does not accrue) says so at any load.
    over = took - LIMIT
    worked_over = cpu - LIMIT
    assert over < max(API_MARGIN, 2 * build) or worked_over < max(
        API_MARGIN, 2 * build_cpu
    ), (
        f"{took:.2f} s ({cpu:.2f} s CPU) for a {LIMIT:g} s limit "
        f"({build:.2f} s, {build_cpu:.2f} s CPU for the build)"
    )


def test_the_time_limit_error_says_no_solver_jargon(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HiGHS calls a solve our deadline stopped "Interrupted by user": the
    # sentence says the time limit and what to do; the status stays on the
    # error for a caller who wants it.
    from mealplan import _plan_search
    from mealplan._deadline import Deadline
    from mealplan._solution import Solution, SolveStatus
    from tests.six_foods import six_food_problem, six_food_targets

    stopped = Solution(
        SolveStatus.NO_SOLUTION, solver_status="Interrupted by user", time_limited=True
    )
    monkeypatch.setattr(_plan_search, "solve", lambda *a, **k: stopped)
    problem = six_food_problem()
    request = mealplan.parse_request({"targets": six_food_targets(), "max_foods": 5})
    with pytest.raises(mealplan.SolverError) as caught:
        _plan_search.solve_plan(problem, request, Deadline(5.0))
    text = str(caught.value)
    assert "Interrupted" not in text
    assert "time limit of" in text
    assert "raise time_limit" in text
    assert caught.value.status == "Interrupted by user"
