"""A vegan week (7 days) and its grocery list.

With the bundled table a vegan week is only feasible when a food may appear
on every day: the default variety rule (each food on at most half the days,
4 of 7) leaves too few vegan vitamin B12 sources (fortified foods) within
their realistic portion caps. So this plan sets max_days_per_food=7; focus
nutrients are still met every day.
Run: python examples/vegan_week.py
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

plan = mealplan.plan(
    {
        "person": {"age": 35, "sex": "female"},
        "diet": "vegan",
        "days": 7,
        "max_days_per_food": 7,
        "time_limit": 8,
        **FIRST_PLAN,
    }
)
print(mealplan.render_text(plan))  # day by day, weekly averages and the grocery list

groceries = mealplan.grocery_list(plan)
print(mealplan.render_grocery_text(groceries))

foods = mealplan.load_foods()
assert len(plan.days) == 7
assert all(foods.food(item.food_id).vegan for item in plan.items)
for day in plan.days:
    for nutrient in ("magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"):
        assert day.total(nutrient).status is mealplan.NutrientStatus.MET
# The grocery list is what to buy (dry lentils for cooked ones): every food of
# the week is served by a line; a line bought as eaten sums the week's grams.
assert {f for g in groceries for f in g.from_foods} == {i.food_id for i in plan.items}
for g in groceries:
    if not g.converted:
        eaten = sum(i.grams for i in plan.items if i.food_id == g.food_id)
        assert abs(g.grams - eaten) < 1e-6
