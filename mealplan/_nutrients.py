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
    "PanelMode",
    "unit_label",
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
    IRON = "iron_mg"
    """Iron (SR28 303), mg."""
    ZINC = "zinc_mg"
    """Zinc (SR28 309), mg."""
    COPPER = "copper_mg"
    """Copper (SR28 312), mg."""
    MANGANESE = "manganese_mg"
    """Manganese (SR28 315), mg."""
    SELENIUM = "selenium_ug"
    """Selenium (SR28 317), micrograms."""
    PHOSPHORUS = "phosphorus_mg"
    """Phosphorus (SR28 305), mg."""
    VITAMIN_A = "vitamin_a_rae_ug"
    """Vitamin A as retinol activity equivalents (SR28 320), micrograms."""
    RETINOL = "retinol_ug"
    """Retinol, preformed vitamin A (SR28 319), micrograms; the form the vitamin A UL applies to."""
    VITAMIN_C = "vitamin_c_mg"
    """Vitamin C (SR28 401), mg."""
    VITAMIN_E = "vitamin_e_mg"
    """Vitamin E as alpha-tocopherol (SR28 323), mg."""
    VITAMIN_E_ADDED = "vitamin_e_added_mg"
    """Vitamin E added to food (SR28 573), mg; the form the vitamin E UL applies to."""
    VITAMIN_K = "vitamin_k_ug"
    """Vitamin K as phylloquinone (SR28 430), micrograms."""
    THIAMIN = "thiamin_mg"
    """Thiamin (SR28 404), mg."""
    RIBOFLAVIN = "riboflavin_mg"
    """Riboflavin (SR28 405), mg."""
    NIACIN = "niacin_mg"
    """Niacin, preformed (SR28 406), mg; the RDA is in niacin equivalents, so totals understate it."""
    VITAMIN_B6 = "vitamin_b6_mg"
    """Vitamin B6 (SR28 415), mg."""
    FOLATE = "folate_dfe_ug"
    """Folate as dietary folate equivalents (SR28 435), micrograms."""
    FOLIC_ACID = "folic_acid_ug"
    """Folic acid, synthetic (SR28 431), micrograms; the form the folate UL applies to."""
    PANTOTHENIC_ACID = "pantothenic_acid_mg"
    """Pantothenic acid (SR28 410), mg."""
    CHOLINE = "choline_mg"
    """Choline, total (SR28 421), mg."""
    WATER = "water_g"
    """Water (SR28 255), g."""
    LINOLEIC_ACID = "linoleic_acid_g"
    """Linoleic acid, 18:2 undifferentiated (SR28 618), g."""
    ALPHA_LINOLENIC_ACID = "alpha_linolenic_acid_g"
    """Alpha-linolenic acid, 18:3 undifferentiated (SR28 619), g."""
    SATURATED_FAT = "saturated_fat_g"
    """Saturated fatty acids (SR28 606), g."""
    SUGARS = "sugars_g"
    """Total sugars (SR28 269), g."""
    CAFFEINE = "caffeine_mg"
    """Caffeine (SR28 262), mg; not a nutrient with a DRI, capped by a planning limit."""

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
    Nutrient.IRON: "iron",
    Nutrient.ZINC: "zinc",
    Nutrient.COPPER: "copper",
    Nutrient.MANGANESE: "manganese",
    Nutrient.SELENIUM: "selenium",
    Nutrient.PHOSPHORUS: "phosphorus",
    Nutrient.VITAMIN_A: "vitamin A",
    Nutrient.RETINOL: "retinol (preformed vitamin A)",
    Nutrient.VITAMIN_C: "vitamin C",
    Nutrient.VITAMIN_E: "vitamin E",
    Nutrient.VITAMIN_E_ADDED: "added vitamin E",
    Nutrient.VITAMIN_K: "vitamin K",
    Nutrient.THIAMIN: "thiamin",
    Nutrient.RIBOFLAVIN: "riboflavin",
    Nutrient.NIACIN: "niacin",
    Nutrient.VITAMIN_B6: "vitamin B6",
    Nutrient.FOLATE: "folate",
    Nutrient.FOLIC_ACID: "folic acid",
    Nutrient.PANTOTHENIC_ACID: "pantothenic acid",
    Nutrient.CHOLINE: "choline",
    Nutrient.WATER: "water",
    Nutrient.LINOLEIC_ACID: "linoleic acid",
    Nutrient.ALPHA_LINOLENIC_ACID: "alpha-linolenic acid",
    Nutrient.SATURATED_FAT: "saturated fat",
    Nutrient.SUGARS: "sugars",
    Nutrient.CAFFEINE: "caffeine",
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
    Nutrient.IRON: "303",
    Nutrient.ZINC: "309",
    Nutrient.COPPER: "312",
    Nutrient.MANGANESE: "315",
    Nutrient.SELENIUM: "317",
    Nutrient.PHOSPHORUS: "305",
    Nutrient.VITAMIN_A: "320",
    Nutrient.RETINOL: "319",
    Nutrient.VITAMIN_C: "401",
    Nutrient.VITAMIN_E: "323",
    Nutrient.VITAMIN_E_ADDED: "573",
    Nutrient.VITAMIN_K: "430",
    Nutrient.THIAMIN: "404",
    Nutrient.RIBOFLAVIN: "405",
    Nutrient.NIACIN: "406",
    Nutrient.VITAMIN_B6: "415",
    Nutrient.FOLATE: "435",
    Nutrient.FOLIC_ACID: "431",
    Nutrient.PANTOTHENIC_ACID: "410",
    Nutrient.CHOLINE: "421",
    Nutrient.WATER: "255",
    Nutrient.LINOLEIC_ACID: "618",
    Nutrient.ALPHA_LINOLENIC_ACID: "619",
    Nutrient.SATURATED_FAT: "606",
    Nutrient.SUGARS: "269",
    Nutrient.CAFFEINE: "262",
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


class PanelMode(StrEnum):
    """How the planner treats the DRI panel beyond the focus nutrients.

    ``auto`` (the default of a request) plans as ``rda`` from age 1 (infants
    are refused by the planner); from age 4 (:data:`mealplan._panel.AUTO_AI_FROM_AGE`)
    also the AIs that cost little to plan (manganese, pantothenic acid,
    linoleic and alpha-linolenic acid: :data:`mealplan._panel.AUTO_AI_PLANNED`,
    its own floors, lifted with a note when no plan meets them), vitamin K's
    and choline's AIs by checking the plan (:data:`mealplan._panel.AUTO_AI_CHECKED`:
    planned again with those the plan is short of; choline's is first aimed
    at in the objective, :mod:`mealplan._soft_minimums`), and choline's AI
    as a floor from the start in pregnancy and lactation
    (:data:`mealplan._panel.MATERNAL_PLANNED`).
    :meth:`for_age` resolves it once, where the targets are built, and the
    plan's notes name the mode planned. At ages 1-3 it planned ``limits``
    and iron's RDA until session 24, because planning every RDA was slow:
    with the one-day search's CPU box every toddler day plans under ``rda``
    at 1.37x the CPU of that default (median 2.1 s, p95 5.2 s, about the
    adults' own tail: ``benchmarks/toddler_auto_ab_latest.md``), while a
    2-year-old's day under ``limits`` held a fifth of the vitamin E RDA.
    Like every default RDA they never cost the plan: a day that finds no
    plan with them in its share of the time is planned without them, with a
    note (:data:`mealplan._ai_floors.RDA_RESERVE_SHARE`). With a daily budget or
    the cost objective the panel's RDAs are the
    default's own floors: planned where the budget allows, lifted with a
    note when no plan within it meets them all or none is found in a share
    of the time (:func:`mealplan._ai_floors.default_floors`).

    ``limits`` plans every food-applicable UL and reports every panel
    minimum. ``rda`` plans every food-applicable UL
    (retinol, folic acid, added vitamin E and the total-intake ULs) and the
    RDA of every panel nutrient that has one at the person's life stage (iron,
    zinc, copper, selenium, phosphorus, vitamins A, C, E, thiamin, riboflavin,
    niacin, B6, folate); the nutrients with only an AI (vitamin K, manganese,
    pantothenic acid, choline, linoleic and alpha-linolenic acid) and the sodium
    AI are reported with shortfalls and excesses called out (the fiber ceiling
    is planned in every mode), since an intake below an AI cannot be judged
    inadequate (IOM 2000) and planning them made most days hit the time limit
    (README; ``auto`` plans four of them since session 17, and vitamin K's by
    checking the plan since session 18). ``full`` also plans
    those and the sodium AI, each AI floor where the allowed foods can meet
    it: a floor above the most the LP relaxation reaches within the other
    bounds is reported with that reach, not refused
    (:mod:`mealplan._ai_floors`). It is slower and not the default from age
    4 either: on the measured default days, vegan days (choline's LP reach
    only 1.2-1.7x its AI, and the sodium floor met only by foods off the
    food pattern) end at the 10 s clock without a plan, though every floor
    is within the LP's reach (``benchmarks/panel_full_latest.md``); ``rda``
    plus the sodium floor alone leaves the vegan man of 35 and the pregnant
    vegan of 28 without one. ``off`` plans
    only the focus four, potassium, fiber, protein, sodium CDRR and energy.
    Every mode plans the caffeine limit (:mod:`mealplan._caffeine`).
    """

    OFF = "off"
    LIMITS = "limits"
    FULL = "full"
    RDA = "rda"
    AUTO = "auto"

    def for_age(self, age: float, *, budgeted: bool = False) -> PanelMode:
        """Return the mode planned for a person of ``age`` (``auto`` resolved).

        ``auto`` is ``rda`` from age 1 (infants are refused by the planner;
        :data:`AUTO_RDA_FROM_AGE`). Every other mode is itself. ``budgeted`` (a daily budget or the cost objective)
        no longer changes the mode: under a budget the panel's RDAs are
        floors the planner lifts when the budget cannot meet them
        (:func:`mealplan._ai_floors.default_floors`); it is kept so that
        callers passing it still work.
        """
        del budgeted  # see the docstring: kept for callers, no longer used
        if self is not PanelMode.AUTO:
            return self
        return PanelMode.RDA if age >= AUTO_RDA_FROM_AGE else PanelMode.LIMITS


AUTO_RDA_FROM_AGE = 1.0
"""The age from which ``PanelMode.AUTO`` plans the RDAs (see ``PanelMode``)."""


def unit_label(unit: str) -> str:
    """Return a unit as prose prints it: the data's ASCII ``ug`` becomes ``µg``."""
    return "µg" if unit == "ug" else unit
