"""The column contract of the bundled tables (``foods/*.csv``).

Kept apart from :mod:`mealplan._build` (which needs pandas and SR28) so that
loading a table imports neither.
"""

from __future__ import annotations

from mealplan._nutrients import Nutrient

__all__ = ["FOODS_COLUMNS", "MENTION_COLUMNS", "PORTIONS_COLUMNS", "SECTIONS"]

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
)
"""The columns of ``foods.csv``, in file order (a contract other code uses)."""

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
