"""Meal-structure data: portion caps and what each food is in a meal.

The caps live in one reviewed file, ``foods/portion_caps.csv`` (each with its
reasoning), read by :func:`load_caps` and scaled with the day's energy
(:func:`energy_scale`, :func:`grown`); the roles, bases and whole units of
each food live in the food table (``roles``, ``base``, ``whole_units``), and
the predicates here say what a food is in a meal (a protein main, a starch,
a drink, raw). The model's structure blocks (``mealplan._meal_structure``),
the cooking fats' hosts (``mealplan._fat_hosts``) and the realism check
(``mealplan._realism``) all read them.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = [
    "BAKERY_CATEGORY",
    "BREAKFAST_DISH_GRAIN_OZ_EQ",
    "CAP_COLUMNS",
    "CHILD_MAIN_SERVING_G",
    "DRINK_ROLES",
    "ENERGY_SCALE_KCAL",
    "HALF_SERVED_CATEGORIES",
    "LARGE_EATER_KCAL",
    "MAIN_SERVING_CAP_ID",
    "MAIN_SERVING_G",
    "MILK_BASES",
    "MIN_MAIN_MEAL_PROTEIN_G",
    "ONE_MAIN_SLOTS",
    "RAW_WORD",
    "SNACK_FOOD_G",
    "STARCH_DISH_GRAIN_OZ_EQ",
    "STARCH_ROLES",
    "STARCH_SLOTS",
    "TODDLER_MAIN_MEAL_PROTEIN_G",
    "Cap",
    "describing_columns",
    "dish_starch_oz_eq",
    "energy_scale",
    "grown",
    "is_breakfast_grain",
    "is_dish_or_legume_main",
    "is_drink",
    "is_milk_drink",
    "is_protein_main",
    "is_raw",
    "is_starch",
    "is_toast",
    "large_eater_scale",
    "load_caps",
    "main_meal_protein_g",
    "main_serving_grams",
    "piece_step",
    "raw_flags",
    "served_portions",
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
    "stated_kcal",
)
"""The caps file's header (a file without the last one, two or three columns is
read too). ``max_portions`` caps an item in the food's own default portions (1
cup of a cooked grain, 1 banana), for foods whose cup or unit weighs
differently; ``stated_kcal`` is the day's energy a ``scales_with_energy`` cap
is stated at (empty: :data:`ENERGY_SCALE_KCAL`)."""
ENERGY_SCALE_KCAL = 2000.0
"""A cap marked ``scales_with_energy`` holds at this many kcal a day and grows
in proportion above it (for an adult it never shrinks): the food pattern
keeps its servings for larger eaters, who eat bigger ones
(``mealplan._problem._pattern``)."""

LARGE_EATER_KCAL = 3000.0
"""The day's energy up to which a food's own ``max_portions`` (``foods.csv``)
holds as written, and at which the meal and snack totals of
``foods/portion_caps.csv`` are stated (``stated_kcal``); above it they grow in
proportion (:func:`large_eater_scale`). 3,000 kcal is the most the Dietary
Guidelines 2020-2025 (Appendix 2, Estimated Calorie Needs per Day) estimate
for any adult (an active man of 19-25), so the servings were reviewed on days
up to it. Fixed, they put a larger eater's day out of reach: a very active
106 kg vegetarian man of 30 (EER 3,928-4,801 kcal) had no plan in 30 s, as
12 foods at those servings and 900 g meals hold about 4,000 kcal at most."""

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


def large_eater_scale(minimum: float | None, maximum: float | None) -> float:
    """Return how much a day's energy bounds exceed :data:`LARGE_EATER_KCAL` (at least 1).

    The middle of the bounds, as :func:`energy_scale` reads them: a food's own
    ``max_portions`` grows by this factor (:func:`served_portions`).
    """
    values = [v for v in (minimum, maximum) if v]
    if not values:
        return 1.0
    return max(1.0, sum(values) / len(values) / LARGE_EATER_KCAL)


def served_portions(stated: float, scale: float) -> float:
    """Return a cap of ``stated`` portions grown (or shrunk) by ``scale``, as served.

    Measured to the nearest quarter portion, then served by the next half
    portion, the amount a cook serves; never below half a portion, and never
    below ``stated`` when ``scale`` is 1 or more (see :func:`grown`).
    """
    quarters = math.floor(stated * scale * 4 + 0.5) / 4
    served = max(0.5, math.ceil(quarters * 2 - 1e-9) / 2)
    return served if scale < 1.0 else max(stated, served)


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
    if cap.stated_kcal != ENERGY_SCALE_KCAL:
        # A cap stated at a larger day (the meal and snack totals, at
        # LARGE_EATER_KCAL) only grows past it: a child's or a small eater's
        # scale leaves it as written.
        scale = max(1.0, scale * ENERGY_SCALE_KCAL / cap.stated_kcal)
    portions = cap.max_portions
    if portions is not None:
        portions = served_portions(portions, scale)
    return replace(
        cap,
        max_grams=None if cap.max_grams is None else cap.max_grams * scale,
        max_portions=portions,
    )


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


MAIN_SERVING_CAP_ID = "racc_meat_fish"
"""The cap (``foods/portion_caps.csv``) whose foods, the bundled meats, poultry
and fish, are served at least :func:`main_serving_grams` at a lunch or dinner."""

MAIN_SERVING_G = 56.0
"""Grams at least of a meat, poultry or fish at a lunch or dinner from age 14: 2 oz.

Two thirds of the 85 g cooked RACC of 'entrees without sauce' (21 CFR
101.12(b) Table 2), the smallest portion a menu serves as a main. The
dietitian review of session 36 read "1½ oz of canned salmon beside 2 medium
sweet potatoes" as a token protein: 8 of 64 measured default days had a
lunch or dinner with 42-46 g of one (session 37)."""

CHILD_MAIN_SERVING_G = 28.0
"""As :data:`MAIN_SERVING_G` at ages 4-13: 1 oz, the protein-foods ounce-equivalent
of the USDA Food Patterns and a child's serving of fish (FDA/EPA, ages 4-7).
None at ages 1-3, whose fish serving is 1 oz at most
(``foods/life_stage_caps.csv``)."""


def main_serving_grams(age: float | None) -> float:
    """Return the least grams of a meat, poultry or fish at a lunch or dinner at ``age``.

    0 at ages 1-3 (no such minimum); None: an adult's.
    """
    if age is None or age >= 14.0:
        return MAIN_SERVING_G
    if age >= 4.0:
        return CHILD_MAIN_SERVING_G
    return 0.0


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

SNACK_FOOD_G = 20.0
"""A snack's drink comes with at least this much food (5 saltines are 15 g)."""
MILK_BASES = frozenset({"milk", "goat-milk"})
"""Bases of cow's and goat's milks (plain, flavoured, buttermilk): with every
plant milk, the milk-type drinks, of which a day holds one (a second plant
milk at a snack next to a chocolate soy milk at breakfast is not a menu)."""
DRINK_ROLES = frozenset({"beverage", "plant_milk"})
"""Roles of drinks; with the milk bases, what a snack cannot be on its own."""
_RAW_CATEGORIES = frozenset({"vegetables", "fruits"})
RAW_WORD = re.compile(r"\braw\b(?!\s+weight)", re.IGNORECASE)
"""The word raw in a USDA description (\"raw weight\" apart: a cooked
food measured by what it weighed raw)."""


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


BAKERY_CATEGORY = "breads_bakery"
BREAKFAST_DISH_GRAIN_OZ_EQ = 0.35
"""A breakfast dish with this many grain ounce-equivalents (FPED) a serving
is a grain dish at breakfast: blintzes and crepes (0.36-0.57), gluten-free
French toast (0.65), huevos rancheros on tortillas (0.54); a cheese souffle
(0.27) or eggs with potatoes (0.10) are not."""


def is_breakfast_grain(
    roles: Collection[str], category: str, starch: bool, grain_oz_eq: float = 0.0
) -> bool:
    """Return whether a food is a breakfast's bread or grain dish (one a breakfast).

    ``starch``: :func:`is_starch` of the food (breads, and dishes with at
    least :data:`STARCH_DISH_GRAIN_OZ_EQ`); a breakfast dish counts with
    less, from :data:`BREAKFAST_DISH_GRAIN_OZ_EQ`, and the bundled pancakes,
    waffles and muffins, single foods without FPED values, by their bakery
    category. Cereals have their own rows; eggs are free.
    """
    if starch:
        return True
    return "breakfast_dish" in roles and (
        category == BAKERY_CATEGORY or grain_oz_eq >= BREAKFAST_DISH_GRAIN_OZ_EQ
    )


def is_toast(roles: Collection[str], portion: str) -> bool:
    """Return whether a bread is sliced bread, served by the slice (toast).

    ``portion``: the food's default portion text ("1 slice", "1 bagel"). A
    cereal goes with toast at breakfast, not with a bagel, an English muffin
    or a tortilla, each a breakfast grain of its own.
    """
    return "bread" in roles and "slice" in portion.lower()


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
        category in _RAW_CATEGORIES and bool(RAW_WORD.search(description))
    )


def describing_columns(
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
    roles, cats, names, usda = describing_columns(table)
    return [
        is_raw(frozenset(r), c, f"{a} {b}")
        for r, c, a, b in zip(roles, cats, names, usda, strict=True)
    ]


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
    stated_kcal: float = ENERGY_SCALE_KCAL
    """The day's energy a ``scales`` cap is stated at and grows above."""


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
        if header not in (
            CAP_COLUMNS,
            CAP_COLUMNS[:-1],
            CAP_COLUMNS[:-2],
            CAP_COLUMNS[:-3],
        ):
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
            stated = _stated_kcal(row.get("stated_kcal") or "", file, row_no)
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
                    stated,
                )
            )
    return caps


def _stated_kcal(text: str, file: Path, row_no: int) -> float:
    """Return a caps row's ``stated_kcal`` (empty: :data:`ENERGY_SCALE_KCAL`)."""
    if not text:
        return ENERGY_SCALE_KCAL
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 1000.0 <= value <= 10000.0:
        msg = (
            f"{file.name} row {row_no}: 'stated_kcal' must be a day's energy of "
            f"1000-10000 kcal (got {text!r}); fix it or leave it empty for "
            f"{ENERGY_SCALE_KCAL:,.0f}."
        )
        raise FoodTableError(msg, path=str(file), row=row_no, column="stated_kcal")
    return value
