"""Meal-structure data: portion caps, and the realism defects of a plan.

The caps live in one reviewed file, ``foods/portion_caps.csv`` (each with its
reasoning); the roles, bases and whole units of each food live in the food
table (``roles``, ``base``, ``whole_units``). :func:`realism_defects`
recomputes, from a plan and its table alone, the defects issue 11 names:
two forms of one base in a day, fat or sugar as an item of its own, items
and meals outside the caps, lunch or dinner without a main (or under 10 g of
protein), ready-to-eat cereal without milk, fractional whole units, a
base that the weekly variety rule would stop if it counted bases, a snack
that is only a drink, more than one milk-type drink a day, butter on a
raw item, two protein mains (or two grain or starch items) at a lunch or
dinner, and a fat on an item it
does not go with (:data:`FAT_GOES_WITH`: caesar dressing on a steak, oil on
natto). It is the
measuring stick of ``benchmarks/realism.py``; it never changes a plan.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._measures import count_text, measure_text
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan, PlanItem

__all__ = [
    "CAP_COLUMNS",
    "COOKING_FAT_ROLE",
    "COOKING_ONLY_FATS",
    "DEFECTS",
    "DRINK_ROLES",
    "ENERGY_SCALE_KCAL",
    "FAT_GOES_WITH",
    "FAT_HOST_ROLES",
    "HALF_SERVED_CATEGORIES",
    "HOST_KINDS",
    "MILK_BASES",
    "MIN_MAIN_MEAL_PROTEIN_G",
    "ONE_MAIN_SLOTS",
    "SNACK_FOOD_G",
    "STARCH_DISH_GRAIN_OZ_EQ",
    "STARCH_ROLES",
    "STARCH_SLOTS",
    "TODDLER_MAIN_MEAL_PROTEIN_G",
    "Cap",
    "FoodFacts",
    "dish_starch_oz_eq",
    "energy_scale",
    "fat_amount_text",
    "fat_class",
    "fat_host",
    "fat_words",
    "grown",
    "host_kinds",
    "host_kinds_of",
    "is_dish_or_legume_main",
    "is_drink",
    "is_milk_drink",
    "is_protein_main",
    "is_raw",
    "is_starch",
    "load_caps",
    "main_meal_protein_g",
    "raw_flags",
    "realism_defects",
    "starch_flags",
]

CAP_COLUMNS: tuple[str, ...] = (
    "cap_id",
    "scope",
    "selector",
    "max_grams",
    "max_items",
    "reasoning",
    "scales_with_energy",
    "max_portions",
)
"""The caps file's header (a file without the last one or two columns is read
too). ``max_portions`` caps an item in the food's own default portions (1 cup
of a cooked grain, 1 banana), for foods whose cup or unit weighs differently."""
ENERGY_SCALE_KCAL = 2000.0
"""A cap marked ``scales_with_energy`` holds at this many kcal a day and grows
in proportion above it (for an adult it never shrinks): the food pattern
keeps its servings for larger eaters, who eat bigger ones
(``mealplan._problem._pattern``)."""

CHILD_SCALE_AGES = (4.0, 14.0)
"""Ages (from, to) at which those caps also shrink with a day's energy below
:data:`ENERGY_SCALE_KCAL`: a child's serving is smaller, where an adult who
eats little still eats an adult's serving. Session 25 saw a 6-year-old given
1 cup of black-eyed peas at lunch (the whole day's 4 oz-eq of protein foods
at 1,200-1,400 kcal, Dietary Guidelines 2020-2025, Appendix 3) and 1½ cups of
millet at dinner, a 10-year-old 4½ oz of beef: the adult caps. Ages 1-3 have
quarter servings and their own caps (``foods/life_stage_caps.csv``) instead,
and from 14 a teenager eats an adult's serving."""

CHILD_SCALE_FLOOR = 0.5
"""The least a child's caps shrink to (half the adult's: about 1,000 kcal)."""


def energy_scale(
    minimum: float | None, maximum: float | None, age: float | None = None
) -> float:
    """Return the factor of energy-scaled caps for a day's energy bounds.

    Above 1 for larger eaters; below 1 only for a child (``age`` within
    :data:`CHILD_SCALE_AGES`), down to :data:`CHILD_SCALE_FLOOR`.
    """
    values = [v for v in (minimum, maximum) if v]
    if not values:
        return 1.0
    child = age is not None and CHILD_SCALE_AGES[0] <= age < CHILD_SCALE_AGES[1]
    least = CHILD_SCALE_FLOOR if child else 1.0
    return max(least, sum(values) / len(values) / ENERGY_SCALE_KCAL)


def grown(cap: Cap, scale: float) -> Cap:
    """Return ``cap`` for a day whose scaled caps grow by ``scale``.

    Only caps marked ``scales_with_energy`` grow. A cap in portions
    (``max_portions``) is measured to the nearest quarter portion, then
    served by the next half portion, the amount a cook serves: 1½ cups of a
    grain at 2,000 kcal a day is still 1½ cups up to about 2,160 kcal (1.52
    cups measure 1½; session 13: a woman of 2,035 kcal got 2 cups of pasta
    at dinner when any growth rounded up) and 2 cups above (each grain's own
    ``max_portions`` keeps it at 2), where 1.81 cups would floor to 1½ in
    the model's half-cup units. Below the cap as stated only for a child's
    ``scale`` below 1 (:func:`energy_scale`), never below half a portion: 1½
    cups of a grain is 1 cup at 0.7.
    """
    if not cap.scales:
        return cap
    portions = cap.max_portions
    if portions is not None:
        quarters = math.floor(portions * scale * 4 + 0.5) / 4
        served = max(0.5, math.ceil(quarters * 2 - 1e-9) / 2)
        portions = served if scale < 1.0 else max(portions, served)
    return replace(
        cap,
        max_grams=None if cap.max_grams is None else cap.max_grams * scale,
        max_portions=portions,
    )


DEFECTS: tuple[str, ...] = (
    "two_forms_of_a_base",
    "fat_or_sugar_item",
    "condiment_item",
    "item_over_cap",
    "meal_over_cap",
    "main_missing",
    "low_protein_main_meal",
    "cereal_without_milk",
    "fractional_whole_unit",
    "base_variety_dodged",
    "drink_only_snack",
    "two_milk_drinks",
    "cooking_fat_on_raw_item",
    "two_protein_mains",
    "fat_on_wrong_item",
    "as_purchased_item",
    "two_mains",
    "two_starches",
)
"""The defect kinds :func:`realism_defects` counts (all are zero when a plan
reads as meals a person would eat)."""

MIN_MAIN_MEAL_PROTEIN_G = 10.0
TODDLER_MAIN_MEAL_PROTEIN_G = 6.0
"""At ages 1-3 a lunch or dinner holds at least this much protein instead of
:data:`MIN_MAIN_MEAL_PROTEIN_G`: a toddler's serving of fish is 1 oz (FDA/EPA;
``foods/life_stage_caps.csv``), 5.6-7 g of protein, and the day's need is 13 g
(RDA), so an adult's 10 g at each of two meals forced beans or dairy beside
every fish lunch and doubled the toddler days' CPU
(``benchmarks/toddlers_latest.md``)."""


def main_meal_protein_g(age: float | None) -> float:
    """Return the lunch or dinner protein minimum at ``age`` (None: an adult's)."""
    if age is not None and 1.0 <= age < 4.0:
        return TODDLER_MAIN_MEAL_PROTEIN_G
    return MIN_MAIN_MEAL_PROTEIN_G


HALF_PIECE_GRAMS = 50.0
"""Under ``portion_mode`` quarter (ages 1-3 by default), a countable food whose
piece weighs more than this comes in half pieces (half a banana, apple or
chicken thigh: a large banana is a cup of fruit, MyPlate's whole day at 2-3);
a lighter piece stays whole (an egg, a slice of bread, an apricot: one is a
MyPlate ounce-equivalent, within a 2-3-year-old's 2 oz protein, 3 oz grains)."""


def piece_step(portion_mode: str, piece_grams: float) -> float:
    """Return the smallest amount of a countable food, in its pieces."""
    return 0.5 if portion_mode == "quarter" and piece_grams > HALF_PIECE_GRAMS else 1.0


HALF_SERVED_CATEGORIES: frozenset[str] = frozenset()
"""Categories whose whole-unit foods are still served by the half (none now).

Fruit was one (session 3: whole fruit in whole units made kids' days up to
20 times slower), which let a plan hold 1½ bananas. Session 5 measured whole
fruit in whole units with today's formulation (the ``v >= units * y`` link):
the README day 0.6 s CPU against 0.5-0.6 s, a 2-year-old 0.52 s against 0.68 s,
teen-15 3.7 s against 3.0 s (load 7); a one-banana cap instead took the
README day from 0.5 s to 2.4-2.8 s. A fruit's default portion that is a half
(half a grapefruit) still is one."""
_MILKS = frozenset({"dairy", "plant_milk"})

SNACK_FOOD_G = 20.0
"""A snack's drink comes with at least this much food (5 saltines are 15 g)."""
MILK_BASES = frozenset({"milk", "goat-milk"})
"""Bases of cow's and goat's milks (plain, flavoured, buttermilk): with every
plant milk, the milk-type drinks, of which a day holds one (a second plant
milk at a snack next to a chocolate soy milk at breakfast is not a menu)."""
DRINK_ROLES = frozenset({"beverage", "plant_milk"})
"""Roles of drinks; with the milk bases, what a snack cannot be on its own."""
COOKING_ONLY_FATS = frozenset({"butter"})
"""Fat bases that are cooked with or spread, never put on a raw item (butter,
margarine): raw mushrooms "cooked with butter" is a dish no one makes. Raw
vegetables and salads take a dressing, oil (as dressing) or mayonnaise."""
_RAW_CATEGORIES = frozenset({"vegetables", "fruits"})
_RAW = re.compile(r"\braw\b(?!\s+weight)", re.IGNORECASE)


_MAIN_ROLES = frozenset({"main", "protein"})
ONE_MAIN_SLOTS = frozenset({"lunch", "dinner"})
"""Slots that hold at most one protein main (:func:`is_protein_main`).

MyPlate (USDA, after the Dietary Guidelines 2020-2025) draws a meal as a plate
with one quarter of protein foods; a dinner of chicken and salmon is two
dinners. Breakfast is left free: eggs beside beans (huevos rancheros), tofu or
Greek yogurt is a common breakfast, and the default breakfast has no main part.
"""


def is_protein_main(roles: Collection[str], category: str = "") -> bool:
    """Return whether a food is a protein main (a dish or a protein food).

    Dairy protein foods (Greek yogurt, cottage cheese, ricotta) are a dairy
    serving beside a main, not a main of their own; so are beans, peas and
    lentils (category ``legumes``), which the Dietary Guidelines count as a
    vegetable or a protein food: black beans and rice beside chicken is one
    plate. Chicken and fish at one dinner is two mains.
    """
    return (
        not _MAIN_ROLES.isdisjoint(roles)
        and "dairy" not in roles
        and category != "legumes"
    )


def is_dish_or_legume_main(roles: Collection[str], category: str = "") -> bool:
    """Return whether a food is a main dish or a legume item (one a meal).

    A main dish (role ``main``: a stuffed pepper, a curry, chili) is a plate
    on its own, and beans, peas or lentils, a side beside chicken, are the
    plate's protein next to a dish or other beans: a man's lunch of
    black-eyed peas and a meatless stuffed pepper, or a dinner of channa
    saag and white beans, is two mains (issue 11's dietitian). So a lunch or
    dinner holds at most one food of this kind, beside
    :func:`is_protein_main`'s one protein main.
    """
    return "main" in roles or (category == "legumes" and "dairy" not in roles)


STARCH_ROLES = frozenset({"grain_side", "bread"})
"""Roles of a grain or starch item: a cooked grain, pasta, corn, a potato or
other starchy side (``grain_side``), a bread, roll or tortilla (``bread``)."""
STARCH_DISH_GRAIN_OZ_EQ = 0.75
"""A dish whose default serving holds at least this many ounce-equivalents of
grains (FPED 2017-2018 ``G_TOTAL``, ``foods/dish_fped.csv``) is a grain or
starch item too: rice and beans (1.47 oz-eq a cup), spanakopita (0.96), beans
and brown rice (0.83), lasagna (0.82-0.93), enchiladas (0.9), a sandwich or a
pizza (1.3-3). 0.75 oz-eq is three quarters of a grain serving (1 oz-eq is a
slice of bread or ½ cup of rice): a dish's grains beside a side of rice are
then most of a second starch. Breaded mains count too (chicken kiev 1.16,
veal parmigiana 0.78), as the exchange lists count breading as a starch;
a dish's white potatoes count as grains at two ounce-equivalents a cup
(:data:`POTATO_OZ_EQ_PER_CUP`), so potato salad, a potato casserole or hash
browns with eggs is the meal's starch as a baked potato is."""
POTATO_OZ_EQ_PER_CUP = 2.0
"""Grain ounce-equivalents a cup-equivalent of a dish's white potatoes (FPED
2017-2018 ``V_STARCHY_POTATO``) counts as for the starch rule: ½ cup of
potato is one starch exchange, as a slice of bread (1 oz-eq) is (ADA/AND
Choose Your Foods: Food Lists for Diabetes, 2019, Starch list). Only
white potatoes: the single foods make a potato, sweet potato, corn, yam or
plantain a starch side but peas a vegetable, and FPED's other starchy
vegetables mix corn with peas and green lima beans."""
STARCH_SLOTS = frozenset({"lunch", "dinner"})
"""Slots the realism yardstick holds to one grain or starch item
(``two_starches``; the model's rule is the ``starch_per_meal`` row of
``foods/portion_caps.csv``). Breakfast is left free: oatmeal or cereal with
toast is a usual breakfast (the default breakfast takes 1-2 grain items, and
``hot_cereal_per_meal`` already stops two porridges)."""


def is_starch(roles: Collection[str], grain_oz_eq: float = 0.0) -> bool:
    """Return whether a food is a grain or starch item of a meal (one a meal).

    ``grain_oz_eq``: the grains of the food's default serving, in FPED
    ounce-equivalents (0 for a food FPED does not describe). Rice with stewed
    beans beside a cup of wild rice, or potato pancakes beside spanakopita,
    is two starches at one meal (issue 11's dietitian).
    """
    return not STARCH_ROLES.isdisjoint(roles) or grain_oz_eq >= STARCH_DISH_GRAIN_OZ_EQ


def starch_flags(table: FoodTable) -> list[bool]:
    """Return :func:`is_starch` of every food of ``table``, in ``table.ids`` order.

    A dish's grains are its FPED values (by ``fndds_code``) times its default
    serving's grams.
    """
    from mealplan._fped import dish_equivalents

    ids = table.ids
    roles = table.tags("roles") if table.has_column("roles") else [()] * len(ids)
    codes = table.texts("fndds_code") if table.has_column("fndds_code") else []
    out = []
    for i, fid in enumerate(ids):
        values = dish_equivalents(codes[i]) if codes and codes[i] else None
        grains = dish_starch_oz_eq(values, table.default_portion(fid)[1])
        out.append(is_starch(roles[i], grains))
    return out


def dish_starch_oz_eq(values: Mapping[str, float] | None, grams: float) -> float:
    """Return a dish serving's grains and potatoes in grain ounce-equivalents.

    ``values``: its FPED equivalents per 100 g (:func:`mealplan._fped.dish_equivalents`;
    None: not a dish FPED describes, 0); ``grams``: the serving.
    """
    if values is None:
        return 0.0
    from mealplan._fped import POTATO

    per_100g = values["grains"] + POTATO_OZ_EQ_PER_CUP * values.get(POTATO, 0.0)
    return per_100g * grams / 100.0


def is_milk_drink(roles: frozenset[str], base: str) -> bool:
    """Return whether a food is a milk-type drink (a plant milk or a milk)."""
    return "plant_milk" in roles or base in MILK_BASES


def is_drink(roles: frozenset[str], base: str) -> bool:
    """Return whether a food is a drink (a beverage, a plant milk or a milk)."""
    return bool(roles & DRINK_ROLES) or base in MILK_BASES


def is_raw(roles: frozenset[str], category: str, description: str) -> bool:
    """Return whether a food is eaten raw (a salad, or a raw vegetable or fruit).

    Raw means the USDA description says so ("raw weight" of a food that is
    cooked does not count).
    """
    return "salad" in roles or (
        category in _RAW_CATEGORIES and bool(_RAW.search(description))
    )


def _describing_columns(
    table: FoodTable,
) -> tuple[list[tuple[str, ...]], list[str], list[str], list[str]]:
    """Return the roles, categories, names and USDA descriptions of ``table``.

    Optional columns read as empty, so custom tables without them work.
    """
    n = len(table.ids)
    roles = table.tags("roles") if table.has_column("roles") else [()] * n
    usda = (
        table.texts("sr28_description")
        if table.has_column("sr28_description")
        else [""] * n
    )
    return (
        list(roles),
        list(table.texts("category")),
        list(table.texts("name")),
        list(usda),
    )


def raw_flags(table: FoodTable) -> list[bool]:
    """Return :func:`is_raw` of every food of ``table``, in ``table.ids`` order."""
    roles, cats, names, usda = _describing_columns(table)
    return [
        is_raw(frozenset(r), c, f"{a} {b}")
        for r, c, a, b in zip(roles, cats, names, usda, strict=True)
    ]


COOKING_FAT_ROLE = "fat"
"""Foods of this role (oils, butter, dressings, mayonnaise) are never an item
of their own: each is the cooking fat, dressing or spread of an item of the
same meal with one of :data:`FAT_HOST_ROLES` (one fat per such item), at most
1 tbsp (``fat_item`` in portion_caps.csv)."""
FAT_HOST_ROLES = frozenset(
    {
        "protein",
        "main",
        "side_vegetable",
        "salad",
        "grain_side",
        "cereal_hot",
        "breakfast_dish",
        "bread",
        "soup",
    }
)
"""Roles of the items a fat can be cooked with, dress or be spread on."""

# Which host a fat goes with, best first, by the fat's base (anything else: oil).
_HOST_ORDER = {
    "salad-dressing": ("salad", "side_vegetable", "protein", "main", "grain_side"),
    "creamy-dressing": ("salad", "side_vegetable"),
    "mayonnaise": ("bread", "salad", "protein", "main", "side_vegetable"),
    "butter": ("bread", "cereal_hot", "side_vegetable", "grain_side", "protein"),
}
_OIL_ORDER = (
    "side_vegetable",
    "protein",
    "main",
    "breakfast_dish",
    "grain_side",
    "salad",
    "soup",
    "cereal_hot",
    "bread",
)


HOST_KINDS: tuple[str, ...] = ("cooked", "dressed", "side", "spread", "porridge")
"""What an item can take a fat as: cooked with it (a cooked vegetable, grain,
meat, fish, egg, tofu or dish), dressed with it (a salad or raw vegetable; a
cooked vegetable or grain side, ``side``, too: green beans or a grain salad
in a vinaigrette), spread on it (bread, a muffin, pancakes) or stirred into it
(hot cereal)."""
FAT_GOES_WITH: Mapping[str, frozenset[str]] = {
    "salad-dressing": frozenset({"dressed", "side"}),
    "creamy-dressing": frozenset({"dressed"}),
    "mayonnaise": frozenset({"dressed", "spread"}),
    "butter": frozenset({"cooked", "spread", "porridge"}),
    "oil": frozenset({"cooked", "dressed"}),
}
"""Which items each class of fat goes with (:func:`fat_class`), a positive rule.

A dressing belongs on a salad or vegetables, raw or cooked, or a grain side
(a grain salad), never on a steak, fish or egg; a creamy dressing (ranch,
caesar, blue cheese, thousand island, the American French dressing of SR28
04120: base ``creamy-dressing`` in structure.csv) only on a salad or raw
vegetables, never on rice (a default
man's dinner had brown rice "dressed with 1 tbsp caesar dressing"); oil cooks
a food or dresses a salad (never natto, yogurt or fruit); butter and margarine
cook a food, are spread on bread or go into porridge (never on a raw item);
mayonnaise is spread on bread or dresses a salad (coleslaw)."""
_DRESSINGS = frozenset({"salad-dressing", "creamy-dressing"})
_PROTEIN_CATEGORIES = frozenset(
    {"meat", "poultry", "fish_seafood", "eggs", "soy_products"}
)
_PLANT_CATEGORIES = frozenset({"vegetables", "legumes", "fruits", "grains_pasta"})
_COOKED = re.compile(
    r"\b(?:cooked|roasted|broiled|fried|pan-browned|braised|grilled|baked|boiled|"
    r"simmered|steamed|stewed|scrambled|poached|heated|toasted|microwaved|"
    r"sauteed|sautéed|mashed|dry heat|moist heat|ready-to-heat|"
    r"(?<!commercially )prepared)\b",
    re.IGNORECASE,
)
_CANNED = re.compile(r"\bcanned\b", re.IGNORECASE)
_COOKABLE_ROLES = frozenset(
    {"side_vegetable", "grain_side", "protein", "main", "breakfast_dish"}
)


def fat_class(base: str) -> str:
    """Return the class of a fat of ``base`` in :data:`FAT_GOES_WITH` (else oil)."""
    return base if base in FAT_GOES_WITH else "oil"


def host_kinds(
    roles: Collection[str], category: str, description: str, raw: bool
) -> frozenset[str]:
    """Return how an item can take a fat (a subset of :data:`HOST_KINDS`).

    Cooked means the USDA description says it was cooked by heat (a canned
    vegetable or bean too: canning cooks it), or a raw meat, fish, egg or tofu
    a cook cooks. Dairy protein foods (yogurt, cottage cheese) and foods eaten
    as they are (natto, canned tuna, deli meat, fruit) take no fat.
    """
    if COOKING_FAT_ROLE in roles:
        return frozenset()
    out = set()
    if "salad" in roles or ("side_vegetable" in roles and raw):
        out.add("dressed")
    bakery = category == "breads_bakery"
    if "bread" in roles or ("breakfast_dish" in roles and bakery):
        out.add("spread")
    if "cereal_hot" in roles:
        out.add("porridge")
    if (
        not _COOKABLE_ROLES.isdisjoint(roles)
        and "dairy" not in roles
        and "bread" not in roles
        and not bakery
        and not raw
    ):
        said = bool(_COOKED.search(description))
        if category in _PROTEIN_CATEGORIES:
            said = said or bool(_RAW.search(description))
        elif category in _PLANT_CATEGORIES:
            said = said or bool(_CANNED.search(description))
        if said:
            out.add("cooked")
            if "side_vegetable" in roles or "grain_side" in roles:
                out.add("side")
    return frozenset(out)


def host_kinds_of(table: FoodTable) -> list[frozenset[str]]:
    """Return :func:`host_kinds` of every food of ``table``, in ``table.ids`` order."""
    roles, cats, names, usda = _describing_columns(table)
    raw = raw_flags(table)
    memo: dict[tuple[tuple[str, ...], str, str, bool], frozenset[str]] = {}
    out = []
    for r, c, a, b, w in zip(roles, cats, names, usda, raw, strict=True):
        key = (tuple(r), c, f"{a} {b}", w)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = host_kinds(r, c, key[2], w)
        out.append(hit)
    return out


_KIND_WORDS = {
    "cooked": "cooked with",
    "dressed": "dressed with",
    "side": "dressed with",
    "spread": "spread with",
}


def fat_words(fat_base: str, kinds: frozenset[str]) -> str | None:
    """Return how a fat of ``fat_base`` goes with an item of ``kinds`` (None: not).

    Preference: a dressing dresses; butter is spread before it cooks; oil
    cooks before it dresses; mayonnaise is spread before it dresses.
    """
    cls = fat_class(fat_base)
    order = {
        "salad-dressing": ("dressed", "side"),
        "creamy-dressing": ("dressed",),
        "mayonnaise": ("spread", "dressed"),
        "butter": ("spread", "porridge", "cooked"),
        "oil": ("cooked", "dressed"),
    }[cls]
    for kind in order:
        if kind in kinds:
            if cls == "mayonnaise" or kind == "porridge":
                return "with"
            return _KIND_WORDS[kind]
    return None


def fat_host(
    fat_base: str,
    meal: Sequence[tuple[str, frozenset[str]]],
    raw: frozenset[str] = frozenset(),
    kinds: Mapping[str, frozenset[str]] | None = None,
) -> tuple[str, str] | None:
    """Return the item a fat of ``fat_base`` goes with in ``meal``, and the words.

    ``meal`` holds (food id, roles) of the meal's other items; ``raw`` the ids
    of raw ones (:func:`is_raw`), which butter never goes with and oil only
    dresses; ``kinds`` (food id -> :func:`host_kinds`), when given, applies
    the positive rule of :data:`FAT_GOES_WITH` instead. Returns (host food id, "cooked with" / "dressed with" /
    "spread with" / "with"), or None when no item of the meal can take a fat.
    """
    order = _HOST_ORDER.get(fat_base, _OIL_ORDER)
    if kinds is not None:
        # The positive rule (FAT_GOES_WITH): only an item the fat goes with.
        for role in (*order, *sorted(FAT_HOST_ROLES - set(order))):
            for fid, roles in meal:
                words = fat_words(fat_base, kinds.get(fid, frozenset()))
                if role in roles and words is not None:
                    return fid, words
        return None
    for role in (*order, *sorted(FAT_HOST_ROLES - set(order))):
        for fid, roles in meal:
            if role in roles:
                if fid in raw:
                    if fat_base in COOKING_ONLY_FATS:
                        continue
                    return fid, "with" if fat_base == "mayonnaise" else "dressed with"
                if fat_base in _DRESSINGS or role == "salad":
                    return fid, "dressed with"
                if role == "bread":
                    return fid, "with" if fat_base == "mayonnaise" else "spread with"
                return fid, "with" if fat_base == "mayonnaise" else "cooked with"
    return None


def fat_amount_text(portions: float, description: str) -> str:
    """Return a fat's amount as a cook says it: ``1½ tsp``, ``1 tbsp``.

    Under a tablespoon in teaspoons; a fat measured in cups (a caller's own
    table) in spoons too (``1.6 tbsp``, never ``0.1 x cup``).
    """
    words = description.lower()
    if "tbsp" in words or "tablespoon" in words:
        tsp = 3 * portions
        if math.isclose(tsp, 3.0):
            return "1 tbsp"
        whole = math.floor(tsp + 1e-9)
        half = math.isclose(tsp - whole, 0.5, abs_tol=1e-6)
        if half or math.isclose(tsp, whole):
            return f"{whole or ''}{'½' if half else ''} tsp"
    measured = measure_text(portions, description)
    if measured is not None:
        return measured
    if math.isclose(portions, 1.0):
        return description
    return f"{count_text(portions)} x {description}"


@dataclass(frozen=True)
class Cap:
    """One plausible cap: on an item or a meal, for the foods a selector picks.

    ``selector`` is ``role:<role>``, ``base:<a>|<b>``, ``id:<a>|<b>``,
    ``category:<c>`` or (meal scope) ``slot:<slot>|<slot>`` (every item of
    those meals) or ``plate:<slot>|<slot>`` (their food: drinks apart, see
    :func:`is_drink`) or ``drinks:<slot>|<slot>`` (their drinks) or
    ``starch:<slot>|<slot>`` (their grain or starch items, :func:`is_starch`).
    """

    cap_id: str
    scope: str
    kind: str
    values: frozenset[str]
    max_grams: float | None
    max_items: int | None
    reasoning: str
    scales: bool = False
    """Whether ``max_grams`` (and ``max_portions``) grow with the day's energy
    (:func:`energy_scale`)."""
    max_portions: float | None = None
    """At most this many of the food's default portions (item caps only)."""


@dataclass(frozen=True)
class FoodFacts:
    """What the checks need of one food."""

    base: str
    roles: frozenset[str]
    category: str
    whole_units: bool
    protein_g_per_100g: float
    extra: Mapping[str, str] = field(default_factory=dict)
    raw: bool = False
    hosts: frozenset[str] = frozenset()
    """:func:`host_kinds`: how the food takes a fat."""
    starch: bool = False
    """:func:`is_starch`: a grain or starch item (one a lunch or dinner)."""


def load_caps(path: str | Path | None = None) -> list[Cap]:
    """Read the portion caps (the bundled ``foods/portion_caps.csv`` by default).

    Raises:
        FoodTableError: The file is missing or a row is malformed.

    """
    file = Path(path) if path is not None else foods_dir() / "portion_caps.csv"
    if not file.is_file():
        msg = f"Portion caps file {file} was not found; pass its path."
        raise FoodTableError(msg, path=str(file))
    caps = []
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        if header not in (CAP_COLUMNS, CAP_COLUMNS[:-1], CAP_COLUMNS[:-2]):
            msg = f"{file.name} header must be {','.join(CAP_COLUMNS)}; fix it."
            raise FoodTableError(msg, path=str(file))
        for row_no, row in enumerate(reader, start=1):
            kind, _, values = row["selector"].partition(":")
            ok = (
                row["scope"] in {"item", "meal"}
                and kind
                in {
                    "role",
                    "base",
                    "id",
                    "category",
                    "slot",
                    "plate",
                    "drinks",
                    "starch",
                }
                and (
                    kind not in ("plate", "drinks", "starch") or row["scope"] == "meal"
                )
                and values
                and (row["max_grams"] or row["max_items"] or row.get("max_portions"))
                and (not row.get("max_portions") or row["scope"] == "item")
            )
            if not ok:
                msg = (
                    f"{file.name} row {row_no}: 'selector' must be kind:values with "
                    f"a scope item|meal and a max (got {row['selector']!r})."
                )
                raise FoodTableError(msg, path=str(file), row=row_no)
            caps.append(
                Cap(
                    row["cap_id"],
                    row["scope"],
                    kind,
                    frozenset(values.split("|")),
                    float(row["max_grams"]) if row["max_grams"] else None,
                    int(row["max_items"]) if row["max_items"] else None,
                    row["reasoning"],
                    (row.get("scales_with_energy") or "") == "true",
                    float(row["max_portions"]) if row.get("max_portions") else None,
                )
            )
    return caps


def _facts(table: FoodTable, food_ids: Sequence[str]) -> dict[str, FoodFacts]:
    wanted = set(food_ids)
    ids = table.ids
    bases = table.texts("base") if table.has_column("base") else [""] * len(ids)
    roles = table.tags("roles") if table.has_column("roles") else [()] * len(ids)
    whole = (
        table.flags("whole_units")
        if table.has_column("whole_units")
        else [False] * len(ids)
    )
    categories = table.texts("category")
    protein = table.numbers("protein_g")
    raw = raw_flags(table)
    hosts = host_kinds_of(table)
    starch = starch_flags(table)
    out = {}
    for i, food_id in enumerate(ids):
        if food_id in wanted:
            value = float(protein[i])
            out[food_id] = FoodFacts(
                bases[i] or food_id,
                frozenset(roles[i]),
                categories[i],
                bool(whole[i]) and categories[i] not in HALF_SERVED_CATEGORIES,
                0.0 if math.isnan(value) else value,
                raw=raw[i],
                hosts=hosts[i],
                starch=starch[i],
            )
    return out


def _selected(cap: Cap, food_id: str, facts: FoodFacts) -> bool:
    if cap.kind == "role":
        return bool(facts.roles & cap.values)
    if cap.kind == "base":
        return facts.base in cap.values
    if cap.kind == "id":
        return food_id in cap.values
    if cap.kind == "category":
        return facts.category in cap.values
    if cap.kind == "starch":
        return facts.starch
    return False


def realism_defects(
    plan: MealPlan,
    table: FoodTable,
    *,
    caps: Sequence[Cap] | None = None,
    max_days_per_food: int | None = None,
) -> dict[str, int]:
    """Count the realism defects of ``plan`` (see :data:`DEFECTS`).

    Args:
        plan: A plan made with ``table``.
        table: The food table (needs ``base``, ``roles``, ``whole_units``).
        caps: The portion caps; the bundled ones when None.
        max_days_per_food: The weekly variety limit; half the days, rounded
            up, when None (the planner's default).

    Returns:
        Defect kind -> count over the plan (every kind present, zero or more).

    """
    caps = list(load_caps() if caps is None else caps)
    energy = plan.targets.get("energy_kcal")
    person = plan.request.person
    age = None if person is None else person.age
    scale = energy_scale(energy.minimum, energy.maximum, age) if energy else 1.0
    caps = [grown(c, scale) for c in caps]
    facts = _facts(table, [i.food_id for i in plan.items])
    slots = {m.name: m.slot.value for m in plan.request.meals or ()}
    out = dict.fromkeys(DEFECTS, 0)
    day_bases: dict[str, set[int]] = {}
    day_records: dict[str, set[int]] = {}
    for day in plan.days:
        seen: dict[str, set[str]] = {}
        meals: dict[str | None, list[tuple[str, float]]] = {}
        for item in day.items:
            f = facts[item.food_id]
            seen.setdefault(f.base, set()).add(item.food_id)
            meals.setdefault(item.meal, []).append((item.food_id, item.grams))
            day_bases.setdefault(f.base, set()).add(day.day)
            day_records.setdefault(item.food_id, set()).add(day.day)
            _item_defects(
                (item.food_id, plan.request.portion_mode.value),
                item.grams,
                item.portions,
                f,
                caps,
                out,
            )
        for items in meals.values():
            out["fat_or_sugar_item"] += _loose_fats(items, facts)
        out["two_forms_of_a_base"] += sum(len(v) - 1 for v in seen.values())
        _drink_defects(day.items, meals, slots, facts, out)
        person = plan.request.person
        floor = main_meal_protein_g(person.age if person is not None else None)
        for meal, items in meals.items():
            _meal_defects(items, slots.get(meal or "", ""), facts, caps, out, floor)
    days = len(plan.days)
    limit = max_days_per_food or max(1, math.ceil(days / 2))
    if days > 1:
        for base, on in day_bases.items():
            records = [f for f, d in day_records.items() if facts[f].base == base]
            if len(on) > limit and all(len(day_records[f]) <= limit for f in records):
                out["base_variety_dodged"] += 1
    return out


def _drink_defects(
    items: Sequence[PlanItem],
    meals: Mapping[str | None, list[tuple[str, float]]],
    slots: Mapping[str, str],
    facts: Mapping[str, FoodFacts],
    out: dict[str, int],
) -> None:
    """Count a day's drink-only snacks, extra milk drinks and butter on raw items."""
    milks = sum(
        1 for i in items if is_milk_drink(facts[i.food_id].roles, facts[i.food_id].base)
    )
    out["two_milk_drinks"] += max(milks - 1, 0)
    for meal, foods in meals.items():
        drinks = [f for f, _ in foods if is_drink(facts[f].roles, facts[f].base)]
        food = sum(g for f, g in foods if f not in drinks)
        # A drink with 2 g of dried apricot is a drink on its own too.
        if slots.get(meal or "") == "snack" and drinks and food < SNACK_FOOD_G:
            out["drink_only_snack"] += 1
    for item in items:
        host = facts.get(item.part_of or "")
        if (
            host is not None
            and host.raw
            and facts[item.food_id].base in COOKING_ONLY_FATS
        ):
            out["cooking_fat_on_raw_item"] += 1
        if host is not None and COOKING_FAT_ROLE in facts[item.food_id].roles:
            fat_base = facts[item.food_id].base
            if fat_words(fat_base, host.hosts) is None:
                out["fat_on_wrong_item"] += 1


def _item_defects(
    food: tuple[str, str],
    grams: float,
    portions: float,
    f: FoodFacts,
    caps: Sequence[Cap],
    out: dict[str, int],
) -> None:
    # ``food``: the food id and the plan's portion mode.
    food_id, mode = food
    if "sugar" in f.roles:
        out["fat_or_sugar_item"] += 1
    elif COOKING_FAT_ROLE in f.roles:
        pass  # counted per meal: a fat with an item to go with is no defect
    elif f.roles and f.roles <= {"condiment"}:
        out["condiment_item"] += 1
    if "ingredient" in f.roles:
        out["as_purchased_item"] += 1  # dry oats: bought, then cooked
    step = piece_step(mode, grams / portions if portions > 0 else 0.0)
    if f.whole_units and abs(portions / step - round(portions / step)) > 1e-6:
        out["fractional_whole_unit"] += 1
    for cap in caps:
        if cap.scope == "item" and _selected(cap, food_id, f):
            over = cap.max_grams is not None and grams > cap.max_grams + 1e-6
            if over or (
                cap.max_portions is not None and portions > cap.max_portions + 1e-6
            ):
                out["item_over_cap"] += 1


def _loose_fats(items: list[tuple[str, float]], facts: Mapping[str, FoodFacts]) -> int:
    """Count the fats of a meal that are items of their own.

    Each fat needs an item of its own to be cooked with, dress or be spread
    on; the fats beyond the meal's number of such items are loose.
    """
    fats = [f for f, _ in items if COOKING_FAT_ROLE in facts[f].roles]
    hosts = [
        f
        for f, _ in items
        if facts[f].roles & FAT_HOST_ROLES and COOKING_FAT_ROLE not in facts[f].roles
    ]
    return max(len(fats) - len(hosts), 0)


def _meal_defects(
    items: list[tuple[str, float]],
    slot: str,
    facts: Mapping[str, FoodFacts],
    caps: Sequence[Cap],
    out: dict[str, int],
    protein_floor: float = MIN_MAIN_MEAL_PROTEIN_G,
) -> None:
    roles = [facts[f].roles for f, _ in items]
    for cap in caps:
        # The starch rule is counted below as two_starches, at the fixed
        # yardstick of one a lunch or dinner, whatever the caps file says.
        if (
            cap.scope != "meal"
            or cap.kind == "starch"
            or (cap.kind in ("slot", "plate", "drinks") and slot not in cap.values)
        ):
            continue
        chosen = [
            g
            for f, g in items
            if cap.kind == "slot"
            or (cap.kind == "plate" and not is_drink(facts[f].roles, facts[f].base))
            or (cap.kind == "drinks" and is_drink(facts[f].roles, facts[f].base))
            or _selected(cap, f, facts[f])
        ]
        if (cap.max_items is not None and len(chosen) > cap.max_items) or (
            cap.max_grams is not None and sum(chosen) > cap.max_grams + 1e-6
        ):
            out["meal_over_cap"] += 1
    mains = [is_protein_main(facts[f].roles, facts[f].category) for f, _ in items]
    if slot in ONE_MAIN_SLOTS and sum(mains) > 1:
        out["two_protein_mains"] += 1
    plates = [
        is_dish_or_legume_main(facts[f].roles, facts[f].category) for f, _ in items
    ]
    if slot in ONE_MAIN_SLOTS and sum(plates) > 1:
        out["two_mains"] += 1
    if slot in STARCH_SLOTS and sum(facts[f].starch for f, _ in items) > 1:
        out["two_starches"] += 1
    if slot in {"lunch", "dinner"}:
        if not any(r & {"main", "protein"} for r in roles):
            out["main_missing"] += 1
        protein = sum(facts[f].protein_g_per_100g * g / 100 for f, g in items)
        if protein < protein_floor:
            out["low_protein_main_meal"] += 1
    if any("cereal_rte" in r for r in roles) and not any(r & _MILKS for r in roles):
        out["cereal_without_milk"] += 1
