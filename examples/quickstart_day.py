"""Plan one day for a 35-year-old woman and print it.

Run: python examples/quickstart_day.py
"""

from __future__ import annotations

import mealplan
from mealplan._report import render_text

plan = mealplan.plan({"person": {"age": 35, "sex": "female"}})
text = render_text(plan)
print(text)

# Every focus nutrient is met, and the plan says it is not medical advice.
for nutrient in ("magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"):
    total = plan.days[0].total(nutrient)
    assert total.status is mealplan.NutrientStatus.MET, total
assert plan.status in (mealplan.PlanStatus.OPTIMAL, mealplan.PlanStatus.FEASIBLE)
assert "not medical advice" in text
