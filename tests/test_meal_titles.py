"""Each meal named as a menu names it (``DayPlan.meals``).

Every property test's plans are held to the titles too: ``check_plan`` calls
``check_meal_titles``, which recomputes them from the food table.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

import mealplan
from mealplan import FoodTable, MealPlan
from mealplan._meal_titles import short_name
from tests.checks import check_meal_titles, check_plan
from tests.plans import PlanCache


@cache
def _table(dishes: bool = False) -> FoodTable:
    return mealplan.load_foods(dishes=dishes)


@pytest.fixture
def bundled() -> FoodTable:
    return _table()


@pytest.mark.parametrize(
    ("name", "dish", "short"),
    [
        ("Soybeans, mature, cooked", False, "Soybeans"),
        ("Whole milk (vitamin D added)", False, "Whole milk"),
        ("Orange juice with added calcium and vitamin D", False, "Orange juice"),
        ("Adobo, with noodles", True, "Adobo with noodles"),
        ("Vegetables, stew type, cooked, no added fat", True, "Vegetables, stew type"),
        (
            "Egg white, omelet, scrambled, or fried, with cheese and vegetables",
            True,
            "Egg white, omelet with cheese and vegetables",
        ),
        ("Fruit smoothie juice drink, no dairy", True, "Fruit smoothie juice drink"),
        ("Rice, brown, with corn, no added fat", True, "Brown rice with corn"),
        (
            "Potato, baked, peel not eaten, with sour cream",
            True,
            "Baked potato with sour cream",
        ),
        (
            "Beef, potatoes, and vegetables including carrots; soy-based sauce",
            True,
            "Beef, potatoes, and vegetables including carrots",
        ),
        (
            "Cream of wheat, regular or quick, made with non-dairy milk, no added fat",
            True,
            "Cream of wheat",
        ),
        # A comma left in reads as two foods in a title ("... white beans,
        # soup, fruit and millet"): the word a menu puts first goes first.
        ("Soup, fruit", True, "Fruit soup"),
        ("Spinach, creamed", True, "Creamed spinach"),
        ("Squash, summer, cooked, no added fat", True, "Summer squash"),
        ("Onion soup, French", True, "French onion soup"),
        ("Pancakes, whole grain", True, "Whole grain pancakes"),
        ("Beef, roast, roasted, lean only eaten", True, "Roast beef"),
    ],
)
def test_short_names_read_as_a_menu_says_them(
    name: str, dish: bool, short: str
) -> None:
    assert short_name(name, dish=dish) == short


def test_the_readme_day_names_its_main_first(
    bundled: FoodTable, plans: PlanCache
) -> None:
    plan = plans.plan(
        {"person": {"age": 35, "sex": "female"}, "diet": "vegetarian"}, foods=bundled
    )
    day = plan.days[0]
    assert [m.meal for m in day.meals] == ["breakfast", "lunch", "dinner", "snack"]
    for title in day.meals:
        if title.meal in ("lunch", "dinner"):
            # A vegetarian plate is led by its beans, tofu, eggs or dish,
            # never by the rice or the greens beside them.
            lead = bundled.food(title.lead)
            assert lead.category == "legumes" or {"main", "protein"} & set(lead.roles)
            assert " with " in title.title
    check_meal_titles(plan, bundled)
    text = mealplan.render_text(plan)
    for title in day.meals:
        assert title.title in text
    # The table lists each meal's items in the menu's order, lead first.
    table_rows = text.split("Meal  ", 1)[1]
    for title in day.meals:
        lead_name = bundled.food(title.lead).name[:30]
        others = [bundled.food(f).name[:30] for f in title.food_ids[1:]]
        assert all(table_rows.index(lead_name) < table_rows.index(o) for o in others)
    assert day.meals[1].title in mealplan.render_html(plan)


def test_a_saved_plan_without_titles_still_loads(bundled: FoodTable) -> None:
    plan = mealplan.plan({"person": {"age": 35, "sex": "male"}}, foods=bundled)
    data = json.loads(mealplan.render_json(plan))
    for day in data["days"]:
        del day["meals"]
    old = MealPlan.model_validate(data)
    assert old.days[0].meals == []
    assert "Lunch" not in mealplan.render_text(old).split("Today's meals")[1][:40]


def test_unstructured_days_still_name_their_meals(bundled: FoodTable) -> None:
    plan = mealplan.plan(
        {"person": {"age": 50, "sex": "male"}, "structure": False}, foods=bundled
    )
    check_plan(plan, bundled)
    assert {m.meal for m in plan.days[0].meals} == {
        i.meal for i in plan.days[0].items if i.meal
    }


def test_a_dish_leads_its_meal_by_its_own_name() -> None:
    # The dish is included, so the verdict does not hang on the optimiser
    # choosing one (a vegetarian day chose a dish until session 17's AIs).
    table = _table(dishes=True)
    dish = "lasagna-meatless-with-vegetables"
    plan = mealplan.plan(
        {
            "person": {"age": 35, "sex": "female"},
            "diet": "vegetarian",
            "include": [dish],
            "mip_gap": 1.0,
        },
        foods=table,
    )
    check_meal_titles(plan, table)
    dish_leads = [
        m for m in plan.days[0].meals if table.food(m.lead).fndds_code is not None
    ]
    assert dish in [m.lead for m in dish_leads], plan.days[0].meals
    for title in dish_leads:
        name = table.food(title.lead).name
        assert title.title.startswith(short_name(name, dish=True))
