"""The no-repeat rule covers every meal, snacks that may be empty included (issue 15).

A snack with ``min_foods`` 0 used to be left out, so 4 of 169 multi-day
plans repeated a snack on consecutive days. The whole-plan MILP still leaves
those meals out (an indicator per day made infeasibility proofs slow), so
the rule is held where plans are made (:mod:`mealplan._norepeat`): the
day-by-day seed, the column generation's master, and cuts on a whole-plan
MILP's plan. The plans here come from each of those paths on a six-food
table whose cheapest week eats milk as every day's snack.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import mealplan
from mealplan._formulation import formulate
from mealplan._norepeat import repeats, with_cuts
from mealplan._weekly_master import Master, column
from tests.checks import check_plan
from tests.six_foods import six_food_problem, six_food_table, six_food_targets

MEALS = [
    {"name": "breakfast", "slot": "breakfast", "min_foods": 1, "max_foods": 3},
    {"name": "lunch", "slot": "lunch", "min_foods": 1, "max_foods": 3},
    # May be empty, yet its energy share asks for something: milk or apple.
    {
        "name": "snack",
        "slot": "snack",
        "min_foods": 0,
        "max_foods": 2,
        "energy_share": [0.05, 0.5],
    },
]
# The cheapest 3 days under the rule (US$): found alike by column generation
# and by the whole-plan MILP with cuts (CBC and HiGHS), each proven optimal.
OPTIMUM = 3.292835


def _request(days: int, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "targets": six_food_targets(),
        "days": days,
        "max_days_per_food": days,
        "structure": False,
        "meals": MEALS,
        "objective": "cost",
        "time_limit": 60,
    }
    body.update(extra)
    return body


def _snacks(plan: mealplan.MealPlan) -> list[frozenset[str]]:
    return [
        frozenset(i.food_id for i in d.items if i.meal == "snack") for d in plan.days
    ]


def _no_repeat(plan: mealplan.MealPlan) -> None:
    for a, b in itertools.pairwise(_snacks(plan)):
        assert not a or a != b, sorted(a)


@pytest.mark.parametrize(
    ("solver", "extra"),
    [
        ("highs", {}),  # day-by-day seed and column generation
        ("cbc", {}),  # the whole-plan MILP with cuts
        ("highs", {"max_grams_per_week": 100_000}),  # the whole-plan MILP, HiGHS
    ],
)
def test_snack_is_not_repeated_on_consecutive_days(
    solver: str, extra: dict[str, Any]
) -> None:
    table = six_food_table()
    plan = mealplan.plan(_request(3, solver=solver, **extra), table)
    check_plan(plan, table)  # checks every meal, independently of the optimiser
    _no_repeat(plan)
    assert all(_snacks(plan)), "the snack's energy share asks for one every day"
    # Honest status: each path claims the optimum, and they agree (the
    # cheapest week under the rule costs this much; milk every day, which
    # breaks it, is cheaper).
    assert plan.status is mealplan.PlanStatus.OPTIMAL
    assert plan.objective_value == pytest.approx(OPTIMUM, rel=2e-3)


def test_regenerated_day_does_not_repeat_a_neighbours_snack() -> None:
    table = six_food_table()
    week = mealplan.plan(_request(3), table)
    again = mealplan.regenerate(week, day=2, foods=table)
    check_plan(again, table)
    _no_repeat(again)


def test_repeats_skip_empty_meals_and_cut_exactly_the_repeat() -> None:
    problem = six_food_problem(
        days=2, meals=MEALS, structure=False, max_days_per_food=2, max_foods=None
    )
    snack = 2
    milk = problem.food_ids.index("milk")
    apple = problem.food_ids.index("apple")
    oats = problem.food_ids.index("oats")
    base = {(0, 0, oats): 1.0, (1, 0, oats): 1.0}  # breakfast repeats: the MILP's
    both = {**base, (0, snack, milk): 2.0, (1, snack, milk): 1.0}
    cuts = repeats(problem, both)
    assert ((0, 1), snack, (milk,)) in cuts
    assert repeats(problem, {(0, snack, milk): 1.0, (1, snack, apple): 1.0}) == []
    assert repeats(problem, {}) == []  # two empty snacks are no repeat
    model = formulate(with_cuts(problem, [((0, 1), snack, (milk,))]))
    rows = np.flatnonzero(
        [b.value == "no_repeat" for b in model.row_block]
    )  # the cut is the last no-repeat row
    cut = rows[-1]

    def fits(units: dict[tuple[int, int, int], float]) -> bool:
        x = np.nan_to_num(model.start_vector(units))
        return bool(model.activity(x)[cut] <= model.row_upper[cut] + 1e-9)

    assert not fits(both)
    assert fits({**base, (0, snack, milk): 1.0})
    assert fits({**base, (0, snack, milk): 1.0, (1, snack, apple): 1.0})
    assert fits({**both, (1, snack, apple): 1.0})  # milk and apple is another snack


def test_master_rows_cover_every_meal_but_not_empty_ones() -> None:
    # Two days, one day type; meal 1 is a snack. Column a: snack {5}; b: no snack.
    a = column(0, {(0, 0, 1): 1.0, (0, 1, 5): 1.0}, 1.0)
    b = column(0, {(0, 0, 2): 1.0}, 2.0)
    master = Master(2, [0, 0], None, {}, [1])
    master.add(a)
    master.add(b)
    model, var = master.model(integer=True)
    pairs = []
    for r in range(2, model.num_rows):  # after the two convexity rows
        cols = model.indices[model.indptr[r] : model.indptr[r + 1]]
        pairs.append(sorted(var[j] for j in cols))
    # The snack {5} may not be on both days; the empty snack may.
    assert pairs == [[(0, 0), (1, 0)]]
