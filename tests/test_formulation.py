"""The formulation as arrays, tested without any solver."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mealplan._formulation import (
    Block,
    Goal,
    GoalKind,
    Model,
    ModelBuilder,
    formulate,
)
from mealplan._problem import (
    ConstraintGroup,
    GroupKind,
    Problem,
    Restrictions,
)
from tests.six_foods import six_food_problem


def test_columns_are_one_v_per_allowed_day_meal_food_then_one_y_each() -> None:
    problem = six_food_problem(days=2)
    model = formulate(problem)
    expected = sorted(
        (d, m, f)
        for d in range(2)
        for m, meal in enumerate(problem.meals)
        for f in meal.foods
    )
    assert sorted(map(tuple, model.keys.tolist())) == expected
    k = len(expected)
    assert np.array_equal(model.y_cols, np.arange(k, 2 * k))
    assert model.integrality[:k].all()
    assert model.integrality[k : 2 * k].all()
    foods = model.keys[:, 2]
    assert np.array_equal(model.col_upper[:k], problem.max_units[foods])
    assert np.array_equal(model.col_upper[k : 2 * k], np.ones(k))


def test_csr_is_well_formed_and_matches_the_dense_matrix() -> None:
    model = formulate(six_food_problem(days=2))
    assert model.indptr[0] == 0
    assert model.indptr[-1] == len(model.data)
    assert np.all(np.diff(model.indptr) >= 0)
    assert len(model.row_lower) == len(model.row_upper) == model.num_rows
    assert len(model.row_block) == model.num_rows
    assert np.all(model.row_lower <= model.row_upper)
    assert model.indices.max() < model.num_cols
    x = np.random.default_rng(1).uniform(0, 2, model.num_cols)
    assert np.allclose(model.activity(x), model.dense() @ x)


def test_energy_rows_hold_the_per_unit_energy_of_each_day() -> None:
    problem = six_food_problem(days=2)
    model = formulate(problem)
    dense = model.dense()
    group = ConstraintGroup(GroupKind.MIN, "energy_kcal")
    rows = [r for r, g in enumerate(model.row_group) if g == group]
    assert len(rows) == 2  # one per day
    for day, r in enumerate(rows):
        assert model.row_lower[r] == 1500
        assert model.row_upper[r] == np.inf
        for k, (d, _, f) in enumerate(model.keys.tolist()):
            want = problem.coef["energy_kcal"][f] if d == day else 0.0
            assert dense[r, k] == pytest.approx(want)


def test_links_bound_each_amount_by_its_binary() -> None:
    problem = six_food_problem()
    model = formulate(problem)
    dense = model.dense()
    upper = [r for r, b in enumerate(model.row_block) if b is Block.LINK_UPPER]
    assert len(upper) == len(model.keys)
    for r, (k, (_, _, f)) in zip(upper, enumerate(model.keys.tolist()), strict=True):
        assert dense[r, k] == 1.0
        assert dense[r, model.y_cols[k]] == -problem.max_units[f]
        assert model.row_upper[r] == 0.0


def test_relaxation_and_restriction_change_columns_only() -> None:
    problem = six_food_problem()
    assert not formulate(problem, relax=True).integrality.any()
    kale = problem.food_ids.index("kale")
    small = formulate(problem, foods={kale})
    assert set(small.keys[:, 2].tolist()) == {kale}


def test_a_pin_on_a_banned_food_is_an_empty_row_that_cannot_hold() -> None:
    problem = six_food_problem(
        pins=[{"food": "kale", "meal": "lunch"}],
        bans=[{"food": "kale", "meal": "lunch"}],
    )
    model = formulate(problem)
    pins = [r for r, b in enumerate(model.row_block) if b is Block.PIN]
    assert len(pins) == 1
    r = pins[0]
    assert model.indptr[r] == model.indptr[r + 1]  # no column can meet it
    assert model.row_lower[r] == 1.0


def test_restrictions_are_typed_inputs_not_patches() -> None:
    kept = Restrictions(
        fixed=((0, "breakfast", "oats", 2.0), (1, "lunch", "beans", 1.0)),
        free=(0, "lunch"),
        must_differ=(((0, "lunch"), ("beans", "kale")),),
        penalty=(("kale", 0.5),),
        bans=((0, "dinner", "salmon"),),
    )
    problem = six_food_problem(kept, days=2)
    kale = problem.food_ids.index("kale")
    salmon = problem.food_ids.index("salmon")
    assert problem.penalty == {kale: 0.5}
    model = formulate(problem)
    keys = {tuple(k): i for i, k in enumerate(model.keys.tolist())}
    oats = problem.food_ids.index("oats")
    breakfast = [m.name for m in problem.meals].index("breakfast")
    dinner = [m.name for m in problem.meals].index("dinner")
    k = keys[(0, breakfast, oats)]
    assert model.col_lower[k] == model.col_upper[k] == 2.0
    assert (0, dinner, salmon) not in keys
    assert Block.DIFFER in model.row_block
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.days = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        problem.max_units[0] = 9.0


def test_goals_replace_the_objective() -> None:
    problem = six_food_problem()
    model = formulate(problem, Goal(GoalKind.NUTRIENT, True, "calcium_mg"))
    assert model.maximise
    k = len(model.keys)
    assert np.allclose(model.col_cost[:k], problem.coef["calcium_mg"][model.keys[:, 2]])
    feasibility = formulate(problem, Goal.from_pair(("min", "none")))
    assert not feasibility.col_cost.any()


def test_builder_sums_duplicate_entries() -> None:
    builder = ModelBuilder(six_food_problem(), None)
    cols = builder.add_columns([0.0, 0.0], 1.0)
    builder.add_row([cols[0], cols[0], cols[1]], [1.0, 2.0, 1.0], 0, 1, Block.DIFFER)
    model = builder.build()
    r = model.num_rows - 1
    lo, hi = model.indptr[r], model.indptr[r + 1]
    assert dict(zip(model.indices[lo:hi], model.data[lo:hi], strict=True)) == {
        cols[0]: 3.0,
        cols[1]: 1.0,
    }


@given(
    kind=st.sampled_from(list(GroupKind)),
    nutrient=st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
)
def test_group_names_round_trip(kind: GroupKind, nutrient: str) -> None:
    needs_nutrient = kind in (
        GroupKind.MIN,
        GroupKind.MAX,
        GroupKind.MACRO,
        GroupKind.STRUCTURE,
    )
    group = ConstraintGroup(kind, nutrient if needs_nutrient else None)
    assert ConstraintGroup.parse(group.name) == group
    assert group.order[0] == kind.value


def test_diagnosis_order_puts_user_choices_last() -> None:
    names = ["diet", "min:calcium_mg", "portion_limits", "budget", "macro:fat_g"]
    ordered = sorted((ConstraintGroup.parse(n) for n in names), key=lambda g: g.order)
    assert [g.name for g in ordered] == [
        "portion_limits",
        "macro:fat_g",
        "min:calcium_mg",
        "budget",
        "diet",
    ]
    with pytest.raises(ValueError, match="not a constraint group"):
        ConstraintGroup.parse("min")


@functools.cache
def _two_days() -> tuple[Problem, Model]:
    problem = six_food_problem(days=2, max_days_per_food=2)
    assert problem.no_repeat_meals
    return problem, formulate(problem)


@given(st.data())
def test_the_no_repeat_row_cuts_exactly_a_meal_repeated_the_next_day(
    data: st.DataObject,
) -> None:
    # Solver-free: a meal's foods on day 1 and day 2 (any two sets), each
    # "shared" helper at the least its row allows; the no-repeat row holds
    # exactly when the two days' meals differ (checked on the row's
    # coefficients, not on how they were built).
    problem, model = _two_days()
    meal = next(m for m, mm in enumerate(problem.meals) if mm.min_foods >= 1)
    foods = list(problem.meals[meal].foods)
    day1 = set(data.draw(st.lists(st.sampled_from(foods), min_size=1), label="day 1"))
    day2 = set(data.draw(st.lists(st.sampled_from(foods), min_size=1), label="day 2"))
    x = np.zeros(model.num_cols)
    for k, (d, m, f) in enumerate(model.keys.tolist()):
        if m == meal and f in (day1 if d == 0 else day2):
            x[model.y_cols[k]] = 1.0
    shared = [r for r, b in enumerate(model.row_block) if b is Block.SHARED]
    for r in shared:
        # s - y1 - y2 >= -1: s at its least, max(0, y1 + y2 - 1).
        cols = model.indices[model.indptr[r] : model.indptr[r + 1]]
        vals = model.data[model.indptr[r] : model.indptr[r + 1]]
        (s,) = cols[vals > 0]
        x[s] = max(0.0, -float(vals[vals < 0] @ x[cols[vals < 0]]) - 1.0)
    act = model.activity(x)
    rows = [
        r
        for r, b in enumerate(model.row_block)
        if b is Block.NO_REPEAT
        and set(model.indices[model.indptr[r] : model.indptr[r + 1]])
        & set(model.y_cols[model.keys[:, 1] == meal].tolist())
    ]
    assert len(rows) == 1
    holds = act[rows[0]] <= model.row_upper[rows[0]] + 1e-9
    assert holds == (day1 != day2)
