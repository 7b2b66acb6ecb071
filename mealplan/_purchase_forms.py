"""What a shopper buys for each eaten SR28 food: the build side of the grocery list.

Build time (:func:`purchase_rows`) writes ``foods/purchase_forms.csv``: for
every SR28 food the bundled table or a dish recipe uses, the SR28 food a
shopper buys instead (``buy_ndb`` of ``foods/structure.csv``: dry lentils for
cooked lentils, raw rice for cooked rice, raw eggs for fried eggs), the grams
bought per gram eaten, and a household or package unit from SR28 WEIGHT.

The grams bought per gram eaten come from USDA's own values: protein is
neither lost nor gained in boiling grains and legumes or in cooking eggs,
meat and fish (fat and water are), so raw grams = eaten grams x protein per
100 g eaten / protein per 100 g raw (SR28 nutrient 203). It is the yield the
two SR28 records imply, not a measured cooking yield. Where it cannot be
believed (:func:`_yield`: under 1 g of protein per 100 g, or less protein
cooked than raw in a food that does not take up water, so protein went into
the cooking water) the purchase form is bought at the weight eaten, and the
method says so. Foods without a purchase form are listed as eaten, and the
list says so (a cooked one with :data:`NOT_CONVERTED`).

A recipe's cooked grain or legume is bought dry like the bundled cooked food
of its base (:func:`ingredient_buys`: black turtle beans, cooked, are the dry
black beans of ``black-beans-cooked``). The run-time list that reads the
file is :mod:`mealplan._grocery`. Split from it: one side runs only when
the bundled tables are rebuilt from ``../shared``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mealplan._sr28 import SR28

__all__ = [
    "NOT_BOUGHT",
    "NOT_CONVERTED",
    "PURCHASE_COLUMNS",
    "SAME_WEIGHT",
    "description_words",
    "ingredient_buys",
    "purchase_rows",
]

PURCHASE_COLUMNS: tuple[str, ...] = (
    "ndb_no",
    "description",
    "food_group",
    "buy_ndb",
    "buy_description",
    "buy_food_group",
    "grams_bought_per_gram",
    "method",
    "unit",
    "unit_grams",
)

# Never bought: tap water and ice in recipes.
NOT_BOUGHT = frozenset({"14411", "14429", "14555"})
_PACKAGE = re.compile(
    r"\b(package|bunch|quart|can|jar|bottle|loaf|container|box|bag|head|dozen)\b",
    re.IGNORECASE,
)
_COUNT = re.compile(r"^(large|medium|whole|fruit|each|piece|slice)\b", re.IGNORECASE)


def _unit(weights: list[tuple[str, str, str]]) -> tuple[str, str]:
    """Pick a shopping unit from SR28 WEIGHT rows (amount, description, grams).

    A package, a piece, a cup, else an ounce; none when SR28 has none of them.
    """
    usable = [w for w in weights if Decimal(w[2]) > 0]
    for test in (
        lambda d: bool(_PACKAGE.search(d)),
        lambda d: bool(_COUNT.match(d)),
        lambda d: d.startswith("cup"),
        # Meat and fish are bought by weight: an ounce, not a fillet's size.
        lambda d: d == "oz" or d.startswith("oz,"),
    ):
        for amount, desc, grams in usable:
            if test(desc):
                # To 0.1 mg: "3 oz" of 85 g is 28.3333 g an ounce, not 28 digits.
                per = (Decimal(grams) / Decimal(amount)).quantize(Decimal("0.0001"))
                return desc, f"{per.normalize():f}"
    return "", ""


# Cooked grains and legumes in dish recipes are bought dry, like the bundled
# cooked foods of the same base: the SR28 food groups where "cooked" and
# "raw"/"dry" records are the same purchasable food in two states.
_DRY_GROUPS = frozenset({"Legumes and Legume Products", "Cereal Grains and Pasta"})
# Words of a purchase form's description that say its state, not the food.
_STATE_WORDS = frozenset({"raw", "dry", "uncooked", "fresh"})
_WORD = re.compile(r"[a-z0-9%-]+")


def description_words(description: str) -> set[str]:
    """Return the lower-case words of an SR28 description."""
    return set(_WORD.findall(description.lower()))


def ingredient_buys(
    sr28: SR28,
    ingredients: Iterable[tuple[str, str]],
    structure: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """Map dish ingredients that are cooked grains or legumes to what is bought.

    A recipe's "Beans, black turtle, mature seeds, cooked" is bought as the
    dry black beans (``buy_ndb``) the bundled cooked black beans are bought
    as, so the list has one line of black beans, not two records. Only when
    it is the same food in another state: the ingredient is linked to exactly
    one base (``food_ids`` of ``dish_ingredients.csv``), that base has exactly
    one purchase form, both records are in the same grain or legume food
    group, the ingredient is cooked (not canned), and every word of the
    purchase form's description but its state (raw, dry) is in the
    ingredient's (so glutinous rice is not long-grain rice).

    Args:
        sr28: The release (descriptions and food groups).
        ingredients: ``(ndb_no, food_ids)`` of each recipe row.
        structure: ``structure.csv`` rows by food id (``base``, ``buy_ndb``).

    """
    foods = sr28.foods
    buys: dict[str, set[str]] = {}
    for row in structure.values():
        if row["buy_ndb"]:
            buys.setdefault(row["base"], set()).add(row["buy_ndb"])
    out: dict[str, str] = {}
    for ndb, ids in ingredients:
        bases = {structure[f]["base"] for f in ids.split(";") if f in structure}
        if len(bases) != 1:
            continue
        targets = buys.get(next(iter(bases)), set())
        if len(targets) != 1 or ndb in targets or ndb not in foods.index:
            continue
        target = next(iter(targets))
        eaten = str(foods.at[ndb, "long_desc"])
        bought = str(foods.at[target, "long_desc"])
        group = str(foods.at[ndb, "food_group"])
        if (
            group in _DRY_GROUPS
            and group == str(foods.at[target, "food_group"])
            and "cooked" in eaten.lower()
            and "canned" not in eaten.lower()
            and description_words(bought) - _STATE_WORDS <= description_words(eaten)
        ):
            out[ndb] = target
    return out


MIN_PROTEIN = Decimal(1)
"""g/100 g of protein below which a record's protein gives no yield: at 0.6 g
(boiled carrots) a rounding of SR28's second digit moves the yield by 15 %,
and coffee or tea have none."""

MAX_YIELD = Decimal(3)
"""Grams bought per gram eaten above which the protein yield is not believed
(under a third of the raw weight left after cooking: bacon, the most, keeps
37 %)."""

SAME_WEIGHT = "same weight as eaten ({why})"
"""The stated fallback: the purchase form at the weight eaten, when the
protein gives no yield. A shopper still buys raw carrots, not boiled ones;
the weight is the eaten weight, said so in the list."""

# SR28 food groups whose foods take up water when cooked (grains, pasta,
# legumes, hot cereals): for them a yield under 1 (more cooked than raw
# grams) is the water taken up. Elsewhere (vegetables, meat, fish, eggs)
# cooking loses water, so a yield under 1 means protein went into the cooking
# water (boiled kale: 1.90 g against 4.28 g raw) or the records were analysed
# apart: protein was not conserved and gives no yield.
_WATER_GROUPS = frozenset(
    {"Cereal Grains and Pasta", "Legumes and Legume Products", "Breakfast Cereals"}
)
_WITH_WATER = re.compile(r"\b(cooked|prepared) with water\b", re.IGNORECASE)


def _takes_water(description: str, food_group: str) -> bool:
    """Whether cooking the food adds water to it (dry to cooked grams grow)."""
    return food_group in _WATER_GROUPS or bool(_WITH_WATER.search(description))


def _yield(eaten: str, bought: str, *, takes_water: bool) -> tuple[Decimal, str]:
    """Return (grams bought per gram eaten, method) for one conversion.

    The protein yield (protein per 100 g eaten / per 100 g bought, SR28
    nutrient 203) where protein is conserved in cooking; the stated
    same-weight fallback where it is too low to give a yield or was not
    conserved. No conversion (``method`` starting "as eaten") when a record
    has no protein value, or when a food made with water (instant oatmeal,
    a gelatin dessert) has too little protein: its dry form weighs a fraction
    of it, so the weight eaten would be far too much to buy.
    """
    if not eaten or not bought:
        return Decimal(1), "as eaten (no protein value to convert)"
    p_eaten, p_bought = Decimal(eaten), Decimal(bought)
    if min(p_eaten, p_bought) < MIN_PROTEIN:
        if takes_water:
            return Decimal(
                1
            ), "as eaten (made with water; too little protein to convert)"
        return Decimal(1), SAME_WEIGHT.format(
            why="protein under 1 g per 100 g gives no yield"
        )
    factor = p_eaten / p_bought
    if factor < 1 and not takes_water:
        return Decimal(1), SAME_WEIGHT.format(
            why="less protein per 100 g cooked than raw in a food that takes up "
            "no water: lost to the cooking water or diluted by what it is "
            "cooked with, so it gives no yield"
        )
    if factor > MAX_YIELD:
        return Decimal(1), SAME_WEIGHT.format(
            why="the protein yield is over 3 g bought per g eaten"
        )
    return factor, "protein yield (SR28 203 eaten / bought)"


NOT_CONVERTED = "as eaten (cooked; no raw or unprepared form of the same food)"
"""The method of a cooked food bought as eaten: no reviewed purchase form
(``buy_ndb``) in SR28 is the same food (rotisserie chicken, canned tuna), so
the list names it as eaten and says so."""

_COOKED = re.compile(
    r"\b(cooked|boiled|braised|broiled|roasted|fried|scrambled|poached|steamed"
    r"|simmered|grilled|microwaved|heated|rotisserie|prepared with water)\b",
    re.IGNORECASE,
)
# Bought in that state: dry-roasted nuts and seeds, toasted bread.
_SOLD_COOKED = re.compile(r"\bdry[ -]roasted\b|^(Nuts|Seeds|Peanuts)\b", re.IGNORECASE)


def _cooked(description: str) -> bool:
    """Whether an SR28 description is a cooked form (not one sold that way)."""
    return bool(_COOKED.search(description)) and not _SOLD_COOKED.search(description)


def purchase_rows(
    sr28: SR28, ndbs: Iterable[str], buy: Mapping[str, str]
) -> list[dict[str, str]]:
    """Build ``purchase_forms.csv`` rows for ``ndbs`` (sorted, unique).

    Args:
        sr28: The release.
        ndbs: Every NDB number a bundled food or a dish ingredient uses.
        buy: NDB eaten -> NDB bought (from ``structure.csv``'s ``buy_ndb``).

    """
    foods = sr28.foods
    protein = {
        str(n): str(v)
        for n, v in zip(
            sr28.nut_data.loc[sr28.nut_data["nutr_no"] == "203", "ndb_no"],
            sr28.nut_data.loc[sr28.nut_data["nutr_no"] == "203", "nutr_val"],
            strict=True,
        )
    }
    weights: dict[str, list[tuple[str, str, str]]] = {}
    for n, a, d, g in zip(
        sr28.weight["ndb_no"],
        sr28.weight["amount"],
        sr28.weight["msre_desc"],
        sr28.weight["gm_wgt"],
        strict=True,
    ):
        weights.setdefault(str(n), []).append((str(a), str(d), str(g)))
    rows = []
    for ndb in sorted(set(ndbs) - NOT_BOUGHT):
        target = buy.get(ndb, ndb)
        factor, method = Decimal(1), "as eaten"
        if target != ndb:
            factor, method = _yield(
                protein.get(ndb, ""),
                protein.get(target, ""),
                takes_water=_takes_water(
                    str(foods.at[ndb, "long_desc"]), str(foods.at[ndb, "food_group"])
                ),
            )
            if method.startswith("as eaten"):
                target = ndb
        if method == "as eaten" and _cooked(str(foods.at[ndb, "long_desc"])):
            method = NOT_CONVERTED
        unit, unit_grams = _unit(weights.get(target, []))
        rows.append(
            {
                "ndb_no": ndb,
                "description": str(foods.at[ndb, "long_desc"]),
                "food_group": str(foods.at[ndb, "food_group"]),
                "buy_ndb": target,
                "buy_description": str(foods.at[target, "long_desc"]),
                "buy_food_group": str(foods.at[target, "food_group"]),
                "grams_bought_per_gram": f"{factor.quantize(Decimal('0.0001'))}",
                "method": method,
                "unit": unit,
                "unit_grams": unit_grams,
            }
        )
    return rows
