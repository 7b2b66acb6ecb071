"""A problem with row groups switched off is derived, not rebuilt, and is the same.

The diagnosis's deletion filter asks for dozens of variants of one problem,
most differing only in nutrient bounds, AMDR shares, ``max_foods`` or the
budget (:func:`mealplan._problem.row_only`). :func:`without_rows` derives
them from one build; here every field of a derived problem is compared with
what :func:`build_problem` builds with the same groups off, on the bundled
table (meal structure, supplements, a budget, a food cap).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable
from mealplan._planner import resolve_targets
from mealplan._problem import (
    Problem,
    Restrictions,
    build_problem,
    row_only,
    without_rows,
)
from mealplan._supplements import with_supplements

ADULT = {"age": 35, "sex": "female"}
REQUESTS: list[dict[str, Any]] = [
    {"person": ADULT, "budget_per_day": 1.0, "max_foods": 6},
    {
        "person": {**ADULT, "pregnancy": True, "trimester": 2},
        "diet": "vegan",
        "allow_fortified": False,
        "supplements": True,
    },
    {"person": {"age": 73, "sex": "female"}, "diet": "pescatarian", "max_foods": 4},
]


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return mealplan.load_foods()


def same(a: Any, b: Any, where: str = "problem") -> None:
    """Assert ``a`` equals ``b`` field by field (arrays by value)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x, y = np.asarray(a), np.asarray(b)
        nan = x.dtype.kind == "f" and y.dtype.kind == "f"  # unpriced foods
        assert np.array_equal(x, y, equal_nan=nan), where
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, Mapping):
        assert isinstance(b, Mapping), where
        assert list(a) == list(b), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b), where
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{k}]")
    else:
        assert a == b, (where, a, b)


def _built(req: mealplan.PlanRequest, table: FoodTable, off: Any) -> Problem:
    # Supplement rows, as plan() adds them: their charges depend on the bounds.
    table = with_supplements(table, req)
    return build_problem(
        req,
        resolve_targets(req, table),
        table,
        disabled=off,
        restrictions=Restrictions(hard=True),
    )


@settings(max_examples=4, deadline=None)
@given(k=st.integers(0, len(REQUESTS) - 1), data=st.data())
def test_a_derived_problem_is_the_built_one(
    table: FoodTable, k: int, data: st.DataObject
) -> None:
    req = mealplan.parse_request(REQUESTS[k])
    base = _built(req, table, ())
    rows = [g for g in base.groups if row_only(g)]
    assert rows, "the request has row groups to switch off"
    # A column group off in the base too (the filter drops those as well).
    columns = [g for g in base.groups if not row_only(g)]
    col_off = data.draw(st.sets(st.sampled_from(columns), max_size=1))
    row_off = data.draw(st.sets(st.sampled_from(rows), min_size=1))
    built = _built(req, table, col_off | row_off)
    derived = without_rows(_built(req, table, col_off), col_off | row_off)
    same(derived, built)


def test_the_energy_maximum_is_no_row_group(table: FoodTable) -> None:
    # It also caps each food's amount once the portion limits are off.
    req = mealplan.parse_request({"person": ADULT})
    groups = {g.name: g for g in _built(req, table, ()).groups}
    assert not row_only(groups["max:energy_kcal"])
    assert row_only(groups["min:energy_kcal"])
    assert not row_only(groups["portion_limits"])


def test_a_supplement_charge_follows_the_bounds(table: FoodTable) -> None:
    # A tablet's charge grows with how many times it covers the minimums:
    # switching one off changes it, and the derived problem follows.
    req = mealplan.parse_request(REQUESTS[1])
    base = _built(req, table, ())
    assert base.supplements
    g = next(g for g in base.groups if g.name == "min:vitamin_b12_ug")
    derived = without_rows(base, {g})
    assert dict(derived.penalty) != dict(base.penalty)
    same(derived, _built(req, table, {g}))
