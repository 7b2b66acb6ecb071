"""Each backend on the same small models, and highspy against PuLP/CBC."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan._backend import BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._backend_pulp import PulpBackend
from mealplan._deadline import Deadline
from mealplan._formulation import Goal, Model, formulate
from mealplan._optimiser import make_backend
from tests.conftest import require_solver
from tests.six_foods import six_food_problem, six_food_table, six_food_targets

BACKENDS = ["highs", "cbc", "glpk"]
EXACT = SolveOptions(mip_gap=1e-7, abs_gap=0.0)


def _backend(name: str) -> Any:
    return make_backend(require_solver(name))


def _solve(name: str, model: Model) -> Any:
    backend = _backend(name)
    backend.load(model)
    deadline = Deadline(60)
    result = backend.solve(deadline, EXACT)
    assert not deadline.hit, "a generous deadline was hit: the verdict is not proven"
    return result


def _feasible(model: Model, x: np.ndarray) -> bool:
    act = model.activity(x)
    # CBC writes its solution with 8 significant digits: allow for that,
    # relative to the size of each row's terms.
    rows_of = np.repeat(np.arange(model.num_rows), np.diff(model.indptr))
    scale = np.zeros(model.num_rows)
    np.add.at(scale, rows_of, np.abs(model.data * x[model.indices]))
    tol = 1e-6 * (1 + scale)
    rows = np.all(act >= model.row_lower - tol) and np.all(act <= model.row_upper + tol)
    cols = np.all(x >= model.col_lower - 1e-6) and np.all(x <= model.col_upper + 1e-6)
    whole = np.allclose(x[model.integrality], np.round(x[model.integrality]), atol=1e-6)
    return bool(rows and cols and whole)


@pytest.mark.parametrize("name", BACKENDS)
def test_each_backend_solves_the_same_milp_to_the_same_optimum(name: str) -> None:
    model = formulate(six_food_problem(days=1))
    reference = _solve("highs", model)
    result = _solve(name, model)
    assert result.status is BackendStatus.OPTIMAL
    assert result.x is not None
    assert _feasible(model, result.x)
    assert result.objective == pytest.approx(reference.objective, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", BACKENDS)
def test_each_backend_proves_the_same_model_infeasible(name: str) -> None:
    problem = six_food_problem(
        pins=[{"food": "kale", "meal": "lunch"}],
        bans=[{"food": "kale", "meal": "lunch"}],
    )
    assert _solve(name, formulate(problem)).status is BackendStatus.INFEASIBLE


@pytest.mark.parametrize("name", ["highs", "cbc"])
def test_lp_relaxation_and_its_duals(name: str) -> None:
    model = formulate(six_food_problem(), relax=True)
    result = _solve(name, model)
    assert result.status is BackendStatus.OPTIMAL
    assert result.x is not None
    assert _feasible(model, result.x)
    assert result.row_duals is not None
    assert result.row_duals.shape == (model.num_rows,)
    # Strong duality on the LP: c.x equals the dual objective of the active sides.
    reference = _solve("highs", model)
    assert result.objective == pytest.approx(reference.objective, rel=1e-6, abs=1e-7)


def test_highs_reports_the_real_gap_and_bound() -> None:
    model = formulate(six_food_problem())
    result = _solve("highs", model)
    assert result.bound is not None
    assert result.gap is not None
    assert result.gap <= EXACT.mip_gap + 1e-9


def test_a_start_is_accepted_and_kept_when_optimal() -> None:
    model = formulate(six_food_problem())
    first = _solve("highs", model)
    backend = HighsBackend()
    backend.load(model)
    backend.set_start(first.x)
    again = backend.solve(Deadline(60), EXACT)
    assert again.objective == pytest.approx(first.objective, abs=1e-6)


def test_unknown_and_missing_solvers_raise_solver_error() -> None:
    with pytest.raises(mealplan.SolverError, match="Unknown solver 'nope'"):
        PulpBackend("nope")


def test_plan_runs_on_cbc_and_glpk_by_name(pulp_solver: str) -> None:
    table = six_food_table()
    request = {
        "targets": six_food_targets(),
        "max_foods": 5,
        "time_limit": 60,
    }
    highs = mealplan.plan(request, table)
    other = mealplan.plan({**request, "solver": pulp_solver}, table)
    assert other.status in (
        mealplan.PlanStatus.OPTIMAL,
        mealplan.PlanStatus.FEASIBLE,
    )
    assert other.objective_value == pytest.approx(
        highs.objective_value, rel=2e-3, abs=2e-3
    )


@settings(max_examples=12)
@given(
    kcal=st.floats(1200, 2600),
    calcium=st.floats(0, 1400),
    max_foods=st.one_of(st.none(), st.integers(2, 6)),
    days=st.integers(1, 2),
    mode=st.sampled_from(["half", "whole", "continuous"]),
    cost=st.booleans(),
)
def test_highs_and_cbc_reach_the_same_objective(
    kcal: float, calcium: float, max_foods: int | None, days: int, mode: str, cost: bool
) -> None:
    problem = six_food_problem(
        targets={
            "bounds": [
                {
                    "nutrient": "energy_kcal",
                    "unit": "kcal",
                    "minimum": kcal,
                    "maximum": kcal + 400,
                },
                {"nutrient": "calcium_mg", "unit": "mg", "minimum": calcium},
            ]
        },
        max_foods=max_foods,
        days=days,
        portion_mode=mode,
        objective="cost" if cost else "typical",
    )
    model = formulate(problem, Goal.from_pair(("min", "cost")) if cost else None)
    a = _solve("highs", model)
    b = _solve("cbc", model)
    assert a.status.value == b.status.value
    if a.status is BackendStatus.OPTIMAL:
        assert b.x is not None
        assert _feasible(model, b.x)
        assert b.objective == pytest.approx(a.objective, rel=1e-4, abs=1e-5)


def test_pulp_is_imported_only_when_a_pulp_solver_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, mealplan\n"
        "assert 'pulp' not in sys.modules, 'import mealplan imported pulp'\n"
        "mealplan.plan({'person': {'age': 35, 'sex': 'female'}, 'time_limit': 60})\n"
        "assert 'pulp' not in sys.modules, 'a HiGHS plan imported pulp'\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_highs_cutoff_prunes_plans_worse_than_it_and_keeps_better_ones() -> None:
    model = formulate(six_food_problem(days=1))
    best = _solve("highs", model)
    assert best.objective is not None
    for cutoff, found in ((best.objective + 0.5, True), (best.objective - 0.5, False)):
        backend = HighsBackend()
        backend.load(model)
        deadline = Deadline(60)
        result = backend.solve(deadline, SolveOptions(mip_gap=1e-7, cutoff=cutoff))
        assert not deadline.hit, "a generous deadline was hit"
        if found:
            assert result.status is BackendStatus.OPTIMAL
            assert result.objective == pytest.approx(best.objective, abs=1e-6)
            continue
        # Nothing at or below the cutoff exists: no plan, or a heuristic one
        # that must not be called optimal, and any bound must stay valid.
        assert result.status is not BackendStatus.OPTIMAL
        assert result.objective is None or result.objective >= best.objective - 1e-6
        assert result.bound is None or result.bound <= best.objective + 1e-6
