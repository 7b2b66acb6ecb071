"""A vegetarian week of real meals, with FNDDS dishes, then its grocery list.

Each day is breakfast, lunch, dinner and a snack built as meals (the default
meal structure): dishes as eaten (huevos rancheros, chiles rellenos...) beside
single foods, oil or butter shown as the cooking fat of an item, one form of
each base food a day; no food on more than half the days, and no meal repeats
the day before. The grocery list breaks the dishes down into what to buy.
Then one lunch is swapped out ("not this lunch") with the rest of the week
kept as it was.
Run: python examples/vegetarian_week.py
"""

from __future__ import annotations

import os

import mealplan
from mealplan._realism import realism_defects

# The test suite sets MEALPLAN_EXAMPLES_FIRST_PLAN to take the first plan
# (mip_gap 1) under a generous limit, so it runs in seconds whatever the
# machine's load: every check below holds for any plan.
FIRST_PLAN = (
    {"mip_gap": 1, "time_limit": 120}
    if os.environ.get("MEALPLAN_EXAMPLES_FIRST_PLAN")
    else {}
)

foods = mealplan.load_foods(dishes=True)  # the bundled table and its dishes
week = mealplan.plan(
    {
        "person": {"age": 42, "sex": "male", "weight_kg": 78, "height_cm": 178},
        "diet": "vegetarian",
        "days": 7,
        # The default time limit (10 s): the first plan (two days in
        # rotation) takes well under a second; the rest improves it, and the
        # plan says how close to the best it got.
        **FIRST_PLAN,
    },
    foods,
)
print(mealplan.render_text(week, foods))

groceries = mealplan.grocery_list(week, foods)
print(mealplan.render_grocery_text(groceries))

# The user does not want Wednesday's lunch: re-plan just that meal.
lunch = [item.food_id for item in week.days[2].items if item.meal == "lunch"]
new_week = mealplan.regenerate(week, day=3, meal="lunch", reject=lunch[:1], foods=foods)


def lunch_of(plan: mealplan.MealPlan) -> str:
    """Wednesday's lunch as its menu names it (DayPlan.meals)."""
    return next(m.title for m in plan.days[2].meals if m.meal == "lunch")


print("Wednesday lunch was:", lunch_of(week))
print("Wednesday lunch is:", lunch_of(new_week))

# Checks on the example's own output.
assert len(week.days) == 7
assert any(foods.food(item.food_id).fndds_code for item in week.items)  # dishes
assert sum(realism_defects(week, foods).values()) == 0
assert all(foods.food(item.food_id).vegetarian for item in week.items)
for day in week.days:
    for nutrient in mealplan.FOCUS_NUTRIENTS:
        assert day.total(nutrient.value).status is mealplan.NutrientStatus.MET
    assert {item.meal for item in day.items} >= {"breakfast", "lunch", "dinner"}
appearances: dict[str, int] = {}
for day in week.days:
    for food_id in {item.food_id for item in day.items}:
        appearances[food_id] = appearances.get(food_id, 0) + 1
assert max(appearances.values()) <= 4
# The grocery list is what to buy: every food of the week is served by a line,
# and a line not converted (bought as eaten) sums the week's grams.
assert {f for g in groceries for f in g.from_foods} == {i.food_id for i in week.items}
for g in groceries:
    if not g.converted:
        eaten = sum(i.grams for i in week.items if i.food_id == g.food_id)
        assert abs(g.grams - eaten) < 1e-6
assert [d.model_dump() for d in new_week.days if d.day != 3] == [
    d.model_dump() for d in week.days if d.day != 3
]
assert lunch[0] not in {i.food_id for i in new_week.days[2].items if i.meal == "lunch"}
