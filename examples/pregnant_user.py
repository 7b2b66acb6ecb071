"""Plan a day in the second trimester of pregnancy, without peanuts.

The DRIs change in pregnancy (e.g. magnesium 350 mg at 19-30 y); the plan uses
them. Run: python examples/pregnant_user.py
"""

from __future__ import annotations

import mealplan
from mealplan._report import render_text

request = mealplan.PlanRequest(
    person=mealplan.Person(
        age=29, sex=mealplan.Sex.FEMALE, pregnancy=True, trimester=2
    ),
    allergies=[mealplan.Allergen.PEANUTS],
)
targets = mealplan.targets_for(request.person)  # type: ignore[arg-type]
plan = mealplan.plan(request)
print(render_text(plan))

magnesium = targets.get("magnesium_mg")
assert magnesium is not None
assert magnesium.minimum == 350  # RDA, pregnancy 19-30 y
assert plan.days[0].total("magnesium_mg").amount >= 350
foods = mealplan.load_foods()
for item in plan.items:
    assert "peanuts" not in foods.food(item.food_id).allergens, item.name
