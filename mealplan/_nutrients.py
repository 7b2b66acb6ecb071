"""Names shared by every module: nutrients, allergens, diets and meal slots.

These enums are the single source of the column names of ``foods/foods.csv``
and of the values the JSON contract accepts; no other module spells them as
bare strings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "FOCUS_NUTRIENTS",
    "Allergen",
    "Diet",
    "FreeFrom",
    "MealSlot",
    "Nutrient",
]


class Nutrient(StrEnum):
    """A nutrient column of the food table, per 100 g of edible portion.

    The value is the column name; its suffix is the unit.
    """

    ENERGY = "energy_kcal"
    """Energy (SR28 208), kcal."""
    PROTEIN = "protein_g"
    """Protein (SR28 203), g."""
    FAT = "fat_g"
    """Total lipid (SR28 204), g."""
    CARBOHYDRATE = "carbohydrate_g"
    """Carbohydrate by difference (SR28 205), g."""
    FIBER = "fiber_g"
    """Total dietary fiber (SR28 291), g."""
    CALCIUM = "calcium_mg"
    """Calcium (SR28 301), mg."""
    MAGNESIUM = "magnesium_mg"
    """Magnesium (SR28 304), mg."""
    POTASSIUM = "potassium_mg"
    """Potassium (SR28 306), mg."""
    SODIUM = "sodium_mg"
    """Sodium (SR28 307), mg."""
    VITAMIN_D = "vitamin_d_ug"
    """Vitamin D, D2 + D3 (SR28 328, else 324 IU / 40), micrograms."""
    VITAMIN_B12 = "vitamin_b12_ug"
    """Vitamin B12 (SR28 418), micrograms."""

    @property
    def unit(self) -> str:
        """The unit, as written in the column suffix (``kcal``, ``g``, ``mg``, ``ug``)."""
        return self.value.rsplit("_", 1)[1]

    @property
    def label(self) -> str:
        """A readable name, e.g. ``"vitamin B12"``."""
        return _LABELS[self]

    @property
    def sr28_number(self) -> str:
        """The SR28 ``Nutr_No`` the column is read from."""
        return _SR28[self]


_LABELS = {
    Nutrient.ENERGY: "energy",
    Nutrient.PROTEIN: "protein",
    Nutrient.FAT: "fat",
    Nutrient.CARBOHYDRATE: "carbohydrate",
    Nutrient.FIBER: "fiber",
    Nutrient.CALCIUM: "calcium",
    Nutrient.MAGNESIUM: "magnesium",
    Nutrient.POTASSIUM: "potassium",
    Nutrient.SODIUM: "sodium",
    Nutrient.VITAMIN_D: "vitamin D",
    Nutrient.VITAMIN_B12: "vitamin B12",
}

_SR28 = {
    Nutrient.ENERGY: "208",
    Nutrient.PROTEIN: "203",
    Nutrient.FAT: "204",
    Nutrient.CARBOHYDRATE: "205",
    Nutrient.FIBER: "291",
    Nutrient.CALCIUM: "301",
    Nutrient.MAGNESIUM: "304",
    Nutrient.POTASSIUM: "306",
    Nutrient.SODIUM: "307",
    Nutrient.VITAMIN_D: "328",
    Nutrient.VITAMIN_B12: "418",
}

FOCUS_NUTRIENTS: tuple[Nutrient, ...] = (
    Nutrient.MAGNESIUM,
    Nutrient.CALCIUM,
    Nutrient.VITAMIN_D,
    Nutrient.VITAMIN_B12,
)
"""The four nutrients whose shortfall the article links to muscle twitching."""


class Allergen(StrEnum):
    """The nine major US food allergens (FALCPA 2004 plus sesame, FASTER Act 2021)."""

    MILK = "milk"
    EGG = "egg"
    FISH = "fish"
    SHELLFISH = "shellfish"
    TREE_NUTS = "tree_nuts"
    PEANUTS = "peanuts"
    WHEAT = "wheat"
    SOY = "soy"
    SESAME = "sesame"


class Diet(StrEnum):
    """A dietary pattern; each allows a subset of the one before it."""

    OMNIVORE = "omnivore"
    PESCATARIAN = "pescatarian"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"


class MealSlot(StrEnum):
    """The meal slots a food can be tagged as suiting."""

    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"
    SNACK = "snack"


class FreeFrom(StrEnum):
    """A dietary need beyond the nine allergens: foods to plan without.

    What each covers is reviewed data (``foods/exclusion_vocabulary.csv``):
    ``gluten`` is wheat, barley, rye and their products, and oats (SR28 cannot
    confirm an oat food is gluten-free); ``lactose`` is every dairy food except
    aged hard cheeses (parmesan, swiss, gruyere, romano, cheddar).
    """

    GLUTEN = "gluten"
    LACTOSE = "lactose"
