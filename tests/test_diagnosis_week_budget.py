"""A week's budget too small gets a daily budget that plans the whole week.

The cheapest whole week is too slow to solve inside a diagnosis, so the
advice plans the days one at a time by cost (every rule of the whole plan
kept) and offers the dearest day's cost as the daily budget, narrowed by a
few verified steps. Checked independently: the patched request plans, every
day of that plan costs at most the budget (recomputed from the table's
prices by ``tests/checks.py``), and the suggestion says whether a lower
budget was ruled out.
"""

from __future__ import annotations

import time
from typing import Any

import mealplan
from mealplan._advice_budget import week_budget
from mealplan._oracle import Oracle, merge_patch
from mealplan._planner import resolve_targets
from mealplan._relax import Context
from tests.checks import check_plan
from tests.strategies import small_table

WEEK: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "meals": None,
    "budget_per_day": 1.0,
    "bounds": {"vitamin_d_ug": {"minimum": 0}},
    # One meal a day (meals None) makes session 10's per-meal RACC caps
    # (fruit, meat, tofu, cheese) per-day caps, and the small table's days
    # then conflict without the budget: this test is about the budget.
    "portion_limits": False,
    "days": 3,
    "time_limit": 60,
}


def test_a_week_budget_too_small_gets_a_verified_daily_budget() -> None:
    table = small_table()
    req = mealplan.parse_request(WEEK)
    targets = {b.nutrient: b for b in resolve_targets(req, table).bounds}
    ctx = Context(
        req, table, targets, targets, Oracle(req, table, time.monotonic() + 60)
    )
    found = week_budget(ctx)
    assert found is not None
    s = found.suggestion
    assert s is not None, found.note
    assert s.verified
    need = s.patch["budget_per_day"]
    assert need > 1.0
    assert s.flag == f"--budget {need:.2f}"
    assert f"${need:.2f}" in s.description
    if not s.smallest:
        assert "not ruled out" in s.description
    plan = mealplan.plan({**merge_patch(WEEK, s.patch), "mip_gap": 1.0}, table)
    check_plan(plan, table)
    for day in plan.days:
        assert day.cost is not None
        assert day.cost <= need + 1e-6
