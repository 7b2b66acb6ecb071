"""Saturated fat's share of energy, reported against the Dietary Guidelines' 10 %.

The share is recomputed from the table (9 kcal a gram, the day's energy
from the table's own values), independently of the report code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import mealplan
from mealplan._panel_report import compact_panel
from mealplan._report_parts import amount
from tests.checks import check_plan
from tests.requesting import plan_off_the_clock


def _day_sum(table: mealplan.FoodTable, plan: mealplan.MealPlan, column: str) -> float:
    return sum(
        i.grams / 100 * (table.food(i.food_id).nutrients.get(column) or 0.0)
        for i in plan.days[0].items
        if i.food_id in table.ids
    )


@pytest.mark.parametrize(
    "body",
    [
        {"person": {"age": 55, "sex": "male"}, "diet": "vegetarian"},
        {"person": {"age": 3, "sex": "female"}},
        {"person": {"age": 1, "sex": "male"}},
    ],
)
def test_the_panel_says_saturated_fats_share_from_age_2(body: dict[str, Any]) -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock(body, table)
    check_plan(plan, table)
    lines = compact_panel(plan.request.person, plan.days[0].totals, [], amount)
    said = [
        part for line in lines for part in line.split("; ") if "saturated fat" in part
    ]
    if body["person"]["age"] < 2:
        assert said == []
        return
    share = (
        9
        * _day_sum(table, plan, "saturated_fat_g")
        / _day_sum(table, plan, "energy_kcal")
    )
    assert len(said) == 1, lines
    found = re.search(r"([0-9.]+)% of energy", said[0])
    assert found is not None, said
    # Totals are rounded before the report reads them: a tenth of a percent.
    assert abs(float(found[1]) - 100 * share) <= 0.06, (said, share)
    over = [line for line in lines if line.startswith("Over a limit:")]
    if abs(share - 0.10) > 1e-3:
        assert any("saturated fat" in line for line in over) == (share >= 0.10)
