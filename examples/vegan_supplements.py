"""A vegan who would rather take a B12 tablet than drink fortified plant milk.

Supplements are optional candidates, off by default (foods only). Plant foods
have no vitamin B12 unless fortified, so the default vegan day gets its B12
from fortified foods (here a fortified plant drink). Turning fortified foods
off and allowing one supplement, a 250 µg B12 tablet, gives a day of
unfortified foods plus that tablet, which the plan lists apart from the food.
(Without the tablet that request has no plan: ``mealplan plan --age 35 --sex
female --diet vegan --no-fortified`` exits 1 with a diagnosis.)
Run: python examples/vegan_supplements.py
"""

from __future__ import annotations

import os

import mealplan

# The test suite sets MEALPLAN_EXAMPLES_FIRST_PLAN to take the first plan
# (mip_gap 1) under a generous limit, so it runs in seconds whatever the
# machine's load: every check below holds for any plan.
FIRST_PLAN = (
    {"mip_gap": 1, "time_limit": 120}
    if os.environ.get("MEALPLAN_EXAMPLES_FIRST_PLAN")
    else {}
)

person = {"age": 35, "sex": "female"}
foods = mealplan.load_foods()
# Fortified as the planner's allow_fortified option means it (SR28's mark, or
# "fortified", "enriched", "with added ..." in the name or description).
unfortified = set(foods.allowed(allow_fortified=False))

usual = mealplan.plan({"person": person, "diet": "vegan", **FIRST_PLAN}, foods)
fortified = [i for i in usual.items if i.food_id not in unfortified]
print("Foods only (the default): vitamin B12 comes from fortified foods:")
for item in fortified:
    b12 = (foods.value(item.food_id, "vitamin_b12_ug") or 0.0) * item.grams / 100
    print(
        f"  {item.name}: {item.portions:g} x {item.portion_description} ({b12:.1f} µg)"
    )

tablet = mealplan.plan(
    {
        "person": person,
        "diet": "vegan",
        "allow_fortified": False,
        "supplements": ["vitamin-b12-250ug"],
        **FIRST_PLAN,
    },
    foods,
)
print()
print(mealplan.render_text(tablet))

# The tablet is listed as a supplement, never as food, and the food is unfortified.
supplements = [i for i in tablet.items if i.kind == "supplement"]
assert [i.food_id for i in supplements] == ["vitamin-b12-250ug"]
assert all(i.meal == "supplements" for i in supplements)
assert not any(
    foods.food(i.food_id).fortified for i in tablet.items if i.kind == "food"
)
assert tablet.days[0].total("vitamin_b12_ug").status is mealplan.NutrientStatus.MET
assert fortified, "the default vegan day relies on fortified foods"
