"""The life-stage safety rules read what a dish is made with (its USDA recipe).

A dish's name does not say everything it holds (the dietitian's review of
session 30): nachos are made with tortilla chips, a fresh fruit salad with
whole grapes, an apple salad with walnuts, pad Thai with peanuts and raw
mung bean sprouts, a bologna sandwich with deli meat, a Greek salad with
feta. The independent recipe rules (``tests/checks.py``, which every
toddler's plan is checked against too) read ``foods/dish_ingredients.csv``
themselves, not through ``foods/safety_rules.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mealplan
from mealplan import UnsafeFoodError
from mealplan._catalog import load_foods
from mealplan._errors import FoodTableError
from mealplan._safety import read_safety_rules, unsafe_foods
from tests.checks import deli_recipe_hazards, toddler_recipe_hazards


def test_every_dish_made_with_a_toddler_hazard_is_out_for_toddlers() -> None:
    table = load_foods(dishes=True)
    toddler = unsafe_foods(table, ["toddler"])
    hazards = toddler_recipe_hazards()
    assert len(hazards) > 20  # the rule has something to check
    missed = [(d, i) for d, i in hazards.items() if d in table.ids and d not in toddler]
    assert not missed, missed[:20]


@pytest.mark.parametrize("stage", ["pregnancy", "lactation", "over_65"])
def test_every_cold_dish_made_with_a_luncheon_meat_is_out(stage: str) -> None:
    # A ham sandwich, a club sandwich with prepackaged turkey (its "roast
    # beef" read as cooked) were planned for a pregnant woman.
    table = load_foods(dishes=True)
    unsafe = unsafe_foods(table, [stage])
    hazards = deli_recipe_hazards()
    assert len(hazards) > 10  # the rule has something to check
    missed = [(d, i) for d, i in hazards.items() if d in table.ids and d not in unsafe]
    assert not missed, missed[:20]


@pytest.mark.parametrize(
    ("stage", "food", "safe"),
    [
        # Session 31's dietitian review: planned in pregnancy or at 70.
        ("pregnancy", "ham-sandwich-with-lettuce-and-spread", False),
        (
            "pregnancy",
            "turkey-ham-and-roast-beef-club-sandwich-with-lettuce-tom",
            False,
        ),
        ("pregnancy", "ham-or-pork-salad", False),  # a deli salad
        ("pregnancy", "tuna-salad-made-with-mayonnaise", False),
        ("pregnancy", "turkey-smoked", False),
        ("pregnancy", "lomi-salmon", False),  # salted raw salmon
        ("over_65", "lomi-salmon", False),
        ("under_5", "lomi-salmon", False),
        # Served hot: kept.
        ("pregnancy", "chicken-or-turkey-cordon-bleu", True),
        ("pregnancy", "refried-beans-with-meat", True),
        ("pregnancy", "creamed-chipped-or-dried-beef", True),
        ("pregnancy", "ham-extra-lean-roasted", True),
        # A "grilled" or "pasta" salad is served cold: its raw vegetables count.
        ("toddler", "macaroni-or-pasta-salad-with-cheese", False),
        # What the review found planned for a 2-year-old or a pregnant woman.
        ("toddler", "nachos-with-cheese-and-sour-cream", False),  # tortilla chips
        ("toddler", "fruit-salad-fresh-or-raw-excluding-citrus-fruits-no-dres", False),
        ("toddler", "apple-salad-with-dressing", False),  # walnuts, grapes
        ("toddler", "pad-thai-meatless", False),  # peanuts
        ("toddler", "tuna-salad-made-with-mayonnaise", False),  # raw celery
        ("pregnancy", "pad-thai-meatless", False),  # raw mung bean sprouts
        ("pregnancy", "bologna-sandwich-with-spread", False),  # deli meat
        ("pregnancy", "greek-salad-no-dressing", False),  # feta
        # A recipe's raw ingredients cooked in the dish, or a trace: kept.
        ("pregnancy", "beef-stroganoff", True),  # raw beef, cooked
        ("pregnancy", "meat-loaf-made-with-beef", True),  # raw egg, baked
        ("pregnancy", "rice-cooked-with-coconut-milk", True),  # no dairy
        ("toddler", "vegetable-soup-home-recipe", True),  # raw carrots, cooked
        ("toddler", "meat-loaf-made-with-beef", True),
    ],
)
def test_dishes_by_their_recipe(stage: str, food: str, safe: bool) -> None:
    table = load_foods(dishes=True)
    assert food in table.ids
    assert (food not in unsafe_foods(table, [stage])) is safe


def test_an_unsafe_include_names_what_the_dish_is_made_with() -> None:
    request = {
        "person": {"age": 2, "sex": "female"},
        "include": ["apple-salad-with-dressing"],
    }
    with pytest.raises(UnsafeFoodError) as info:
        mealplan.plan(request, load_foods(dishes=True))
    message = str(info.value)
    assert "made with" in message, message
    assert "its USDA recipe" in message, message
    assert "choking" in message, message


def test_the_ingredients_column_is_optional_and_checked(tmp_path: Path) -> None:
    head = "rule,life_stages,categories,pattern,unless,ids,reason,source"
    path = tmp_path / "rules.csv"
    path.write_text(f"{head}\nx,pregnancy,,swordfish,,,is a fish,FDA\n")
    (rule,) = read_safety_rules(path)
    assert rule.ingredients == ""  # a caller's older table: dish names only
    path.write_text(f"{head},ingredients\nx,pregnancy,,swordfish,,,is a fish,FDA,all\n")
    assert read_safety_rules(path)[0].ingredients == "all"
    path.write_text(f"{head},ingredients\nx,pregnancy,,fish,,,is a fish,FDA,some\n")
    with pytest.raises(FoodTableError, match="ingredients"):
        read_safety_rules(path)
