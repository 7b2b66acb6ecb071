"""A met total near a safety limit says so (the dietitian review of session 34)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan._models import BoundKind, NutrientStatus, NutrientTotal
from mealplan._report_parts import near_limit_words
from tests.checks import check_plan
from tests.items import nutrient_total
from tests.plans import PlanCache
from tests.requesting import plan_off_the_clock


def _total(amount: float, maximum: float, status: NutrientStatus) -> NutrientTotal:
    return nutrient_total("copper_mg", amount, maximum, status=status)


@settings(max_examples=200, deadline=None)
@given(
    share=st.floats(0, 1),
    maximum=st.floats(0.01, 1e4),
    kind=st.sampled_from([*BoundKind, None]),
)
def test_from_90_percent_of_a_ul_or_limit_only(
    share: float, maximum: float, kind: BoundKind | None
) -> None:
    words = near_limit_words(_total(share * maximum, maximum, NutrientStatus.MET), kind)
    near = share * maximum >= 0.9 * maximum
    if kind is BoundKind.UL and near:
        assert words == ", near the UL"
    elif kind is BoundKind.LIMIT and near:
        assert words == ", near the limit"
    else:
        assert words == ""
    # Only a met total: a shortfall or excess has its own words.
    assert (
        near_limit_words(_total(share * maximum, maximum, NutrientStatus.SHORT), kind)
        == ""
    )


def test_a_vegan_boy_of_3s_copper_at_its_ul_reads_near_it(plans: PlanCache) -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock(
        {"person": {"age": 3, "sex": "male"}, "diet": "vegan"}, table, plans
    )
    check_plan(plan, table)
    copper = sum(
        i.grams / 100 * (table.food(i.food_id).nutrients.get("copper_mg") or 0.0)
        for i in plan.days[0].items
        if i.food_id in table.ids
    )
    row = next(
        line
        for line in mealplan.render_text(plan).splitlines()
        if line.strip().startswith("Copper ")
    )
    if abs(copper - 0.9) < 1e-3:
        return  # rounding decides at the edge itself
    near = copper > 0.9
    assert row.rstrip().endswith("met, near the UL") == near, row
    cells = re.search(r"<td>Copper</td>(.*?)</tr>", mealplan.render_html(plan))
    assert cells is not None
    assert ("<td>met, near the UL</td>" in cells[1]) == near, cells[1]
