"""The count covers (mealplan._covers), checked without a solver.

Each cover row must hold for every plan of the model without it: here that
is checked from the data alone (the fewest foods that can reach a minimum at
their largest portions), and on assignments built to meet a pattern group's
row with the least shortfall the row allows.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import _covers
from mealplan._arrays import Block, Model
from mealplan._covers import cover_count
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Problem, build_problem
from tests.six_foods import six_food_problem


@pytest.fixture(autouse=True)
def _covers_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The covers are off by default (see mealplan._covers): on for these tests."""
    monkeypatch.setattr(_covers, "ENABLED", True)


def test_the_covers_are_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_covers, "ENABLED", False)
    problem = six_food_problem()
    assert Block.COVER not in formulate(problem).row_block
    monkeypatch.setattr(_covers, "ENABLED", True)
    assert Block.COVER in formulate(problem).row_block


@given(
    st.lists(st.floats(0.0, 50.0), min_size=1, max_size=7),
    st.floats(0.01, 200.0),
)
def test_cover_count_is_the_fewest_capacities_that_reach_the_need(
    capacity: list[float], need: float
) -> None:
    found = cover_count(np.array(capacity), need)
    reach = {
        size: max(sum(c) for c in itertools.combinations(capacity, size))
        for size in range(1, len(capacity) + 1)
    }
    if found is None:
        assert max(reach.values()) < need
        return
    k, left = found
    # k foods can reach the need (within the solver's tolerance) ...
    assert reach[k] >= need - 1e-6 * max(1.0, need)
    # ... and no fewer can: the row "at least k foods" cuts off no plan.
    if k > 1:
        assert reach[k - 1] < need
        assert left == pytest.approx(need - reach[k - 1])
    else:
        assert left == need
    assert left > 0


@cache
def _day(age: int, sex: str, diet: str) -> tuple[Problem, Model]:
    """A default day's problem and its model with the covers (built once)."""
    assert _covers.ENABLED
    table = mealplan.load_foods()
    req = parse_request({"person": {"age": age, "sex": sex}, "diet": diet})
    problem = build_problem(req, resolve_targets(req, table), table)
    return problem, formulate(problem)


PEOPLE = [
    (34, "male", "vegetarian"),
    (70, "female", "vegan"),
    (2, "female", "omnivore"),
]


def _rows(model: Model, block: Block) -> list[int]:
    return [r for r, b in enumerate(model.row_block) if b is block]


def _entries(model: Model, r: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = model.indptr[r], model.indptr[r + 1]
    return model.indices[lo:hi], model.data[lo:hi]


@pytest.mark.parametrize("person", PEOPLE)
def test_a_nutrient_cover_asks_for_no_more_foods_than_the_minimum_needs(
    person: tuple[int, str, str],
) -> None:
    """Fewer than k foods, each at its largest portion, stay below the minimum.

    Recomputed from the data: for each minimum, the foods that carry the
    nutrient and the fewest of them that can reach it; the model must hold
    exactly that row, and no cover row of the nutrient asks for more.
    """
    problem, model = _day(*person)
    rows: dict[frozenset[int], set[float]] = {}
    for r in _rows(model, Block.COVER):
        cols, vals = _entries(model, r)
        if np.all(vals == 1.0):  # a pattern group's cover has its shortfall too
            rows.setdefault(frozenset(cols.tolist()), set()).add(model.row_lower[r])
    assert rows
    seen = 0
    for bound in problem.bounds:
        if bound.sense != ">=" or bound.average or bound.value <= 0:
            continue
        amount = np.nan_to_num(problem.coef[bound.key], nan=0.0)
        ks = [j for j, f in enumerate(model.keys[:, 2].tolist()) if amount[f] > 0]
        members = frozenset(int(model.y_cols[j]) for j in ks)
        foods = sorted({int(model.keys[j, 2]) for j in ks})
        capacity = sorted(
            (amount[f] * problem.max_units[f] for f in foods), reverse=True
        )
        if sum(capacity) < bound.value * (1 - 1e-6):
            continue
        k = next(
            n
            for n in range(1, len(capacity) + 1)
            if sum(capacity[:n]) >= bound.value * (1 - 1e-6)
        )
        assert sum(capacity[: k - 1]) < bound.value
        assert k in rows.get(members, set()), bound.nutrient
        seen += 1
    assert seen >= 5


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(PEOPLE), st.data())
def test_pattern_covers_hold_on_assignments_that_meet_their_group(
    person: tuple[int, str, str], data: st.DataObject
) -> None:
    """Any foods at any allowed portions, with the least shortfall the group row allows."""
    problem, model = _day(*person)
    k = len(model.keys)
    # A group's cover follows its row (none when no count can be said).
    pairs = [
        (r, r + 1)
        for r in _rows(model, Block.PATTERN)
        if r + 1 < model.num_rows
        and model.row_block[r + 1] is Block.COVER
        and model.row_group[r + 1] is None
    ]
    assert pairs
    for p_row, c_row in pairs:
        cols, vals = _entries(model, p_row)
        food_cols = cols[cols < k]
        credit = vals[cols < k]
        helpers = cols[cols >= k]
        # The row: credit.v - over + under - band = target; under is the +1.
        under = int(helpers[vals[cols >= k] == 1.0][0])
        target = model.row_lower[p_row]
        band = max((model.col_upper[c] for c in helpers if c != under), default=0.0)
        band = 0.0 if not np.isfinite(band) else band
        # Any set of distinct foods, each at one meal, each at an allowed amount.
        by_food: dict[int, list[int]] = {}
        for c in food_cols.tolist():
            by_food.setdefault(int(model.keys[c, 2]), []).append(c)
        chosen = data.draw(
            st.lists(st.sampled_from(sorted(by_food)), unique=True, max_size=6)
        )
        x = np.zeros(model.num_cols)
        for f in chosen:
            c = data.draw(st.sampled_from(by_food[f]))
            lo, hi = problem.min_units[f], problem.max_units[f]
            if hi < lo:
                continue  # capped out for this person: never in a plan
            x[c] = data.draw(st.integers(int(lo), int(hi)))
            x[model.y_cols[c]] = 1.0
        servings = float(credit @ x[food_cols])
        x[under] = max(0.0, target - band - servings)
        c_cols, c_vals = _entries(model, c_row)
        assert float(c_vals @ x[c_cols]) >= model.row_lower[c_row] - 1e-9


def test_the_covers_are_in_the_relaxation_and_the_restrictions() -> None:
    problem, model = _day(34, "male", "vegetarian")
    n = model.row_block.count(Block.COVER)
    assert n > 0
    assert formulate(problem, relax=True).row_block.count(Block.COVER) == n
    # A restriction counts over its own foods: still one row per minimum.
    some = sorted({int(f) for f in model.keys[:, 2]})[:40]
    restricted = formulate(problem, foods=some)
    assert 0 < restricted.row_block.count(Block.COVER) <= n


def test_no_covers_on_soft_minimums() -> None:
    """With shortfall slacks a minimum may be missed, so no count holds."""
    problem = six_food_problem(allow_shortfall=True)
    model = formulate(problem)
    k = len(model.keys)
    for r in _rows(model, Block.COVER):
        cols, _ = _entries(model, r)
        # Only pattern covers, which carry their group's shortfall column.
        assert np.any(cols >= 2 * k)
    assert Block.COVER in formulate(six_food_problem()).row_block


def test_paired_fats_stay_in_the_food_cap_unless_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FATS_OUTSIDE_FOOD_CAP (on by default): switched off, the cap counts every food."""
    from mealplan import _formulation

    problem, _ = _day(34, "male", "vegetarian")
    assert problem.structure is not None
    fats = {
        f for rule in problem.structure.companions if rule.pooled for f in rule.needs
    }
    assert fats

    def capped(model: Model) -> set[int]:
        (row,) = _rows(model, Block.MAX_FOODS)
        cols, _ = _entries(model, row)
        food_of = dict(
            zip(model.y_cols.tolist(), model.keys[:, 2].tolist(), strict=True)
        )
        return {food_of[int(c)] for c in cols}

    monkeypatch.setattr(_formulation, "FATS_OUTSIDE_FOOD_CAP", False)
    assert fats <= capped(formulate(problem))
    monkeypatch.setattr(_formulation, "FATS_OUTSIDE_FOOD_CAP", True)
    assert not fats & capped(formulate(problem))
