"""The column contract of the bundled tables (``foods/*.csv``).

Kept apart from :mod:`mealplan._build` (which needs pandas and SR28) so that
loading a table imports neither.
"""

from __future__ import annotations

from mealplan._nutrients import Nutrient

__all__ = ["FOODS_COLUMNS", "MENTION_COLUMNS", "PORTIONS_COLUMNS", "ROLES", "SECTIONS"]

FOODS_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "ndb_no",
    "food_group",
    "category",
    *(n.value for n in Nutrient),
    "vegan",
    "vegetarian",
    "pescatarian",
    "allergens",
    "fortified",
    "meal_slots",
    "article_sections",
    "max_portions",
    "price_per_100g",
    "price_year",
    "price_source",
    "sr28_description",
    "provenance",
    "fndds_code",
    "base",
    "roles",
    "whole_units",
    "vitamin_d_form",
)
"""The columns of ``foods.csv``, in file order (a contract other code uses).

The last four are structure data: ``fndds_code`` (8 digits) for an FNDDS
dish, empty for an SR28 food (which has ``ndb_no``); ``base`` (the base food:
raw and cooked broccoli share ``broccoli``); ``roles`` (a ``;``-list of
:data:`ROLES`); ``whole_units`` (``true`` for a food served in whole units:
eggs, slices, sandwiches, pieces, fillets). ``vitamin_d_form`` (``D2``,
``D3`` or empty) is the form of the food's vitamin D where USDA's own rows
show it (:func:`mealplan._sr28.vitamin_d_forms`); empty is not known."""

PORTIONS_COLUMNS: tuple[str, ...] = (
    "food_id",
    "seq",
    "amount",
    "description",
    "grams",
    "is_default",
)
MENTION_COLUMNS: tuple[str, ...] = (
    "mention_id",
    "section",
    "words",
    "kind",
    "food_ids",
    "note",
)
SECTIONS: tuple[str, ...] = (
    "key_points",
    "comparison_table",
    "dietary_adjustments",
    "foods_high_magnesium",
    "foods_high_calcium",
    "foods_vitamin_d",
    "faq",
)
"""Slugs of the article sections a mention can come from."""

ROLES: tuple[str, ...] = (
    "main",
    "protein",
    "soup",
    "side_vegetable",
    "salad",
    "grain_side",
    "bread",
    "breakfast_dish",
    "cereal_rte",
    "cereal_hot",
    "dairy",
    "plant_milk",
    "fruit",
    "beverage",
    "snack",
    "spread",
    "breakfast_spread",
    "condiment",
    "fat",
    "sugar",
    "ingredient",
    "salt",
)
"""The fixed vocabulary of food roles in a meal (also listed in README.md).

``main``: a dish that is a meal's centre (a sandwich, pasta, curry, chili, a
hearty soup or salad); ``protein``: a protein food that can be the main of a
plate (meat, fish, eggs, tofu, beans, cottage cheese); ``soup``;
``side_vegetable``; ``salad``; ``grain_side`` (rice, pasta, grains and
starchy vegetables); ``bread``; ``breakfast_dish`` (pancakes, omelets,
oatmeal made with milk); ``cereal_rte`` (ready-to-eat cereal, eaten with milk,
yogurt or a plant milk); ``cereal_hot``; ``dairy``; ``plant_milk``; ``fruit``;
``beverage``; ``snack``; ``spread`` (eaten on bread); ``breakfast_spread``
(a food that at breakfast goes on bread, avocado, and at other meals as its
other roles say); ``condiment`` (herbs,
sauces, lemon, toppings: never a meal item of their own); ``fat`` (oils,
butter, margarine, dressings) and ``sugar`` (sugar, honey, jam, syrups):
never items of their own, only the cooking fat, dressing or topping of a
named item; ``ingredient`` (a food as purchased, not as served: dry rolled
oats, raw oat bran): never an item, only what the grocery list buys;
``salt`` (table salt): never a candidate of the model, only the measured salt
an item is seasoned with where a day's foods fall short of the sodium AI
(:mod:`mealplan._salt`)."""
