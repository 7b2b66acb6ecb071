"""Read USDA FNDDS 2017-2018 and the FNDDS 2015-2016 recipes for dish rows.

FNDDS ("At A Glance" CSV export) gives each food code a description, a WWEIA
category, 65 nutrient values per 100 g *as eaten* (none missing; FSRG fills
gaps, so they are USDA's own values, not SR28's) and household portions. The
2015-2016 ingredients file (beside the PP-NAP prices) gives an approximate
recipe of each food code as SR28 ingredients; an ingredient that is itself an
FNDDS food code is expanded through that code's recipe.

Reading rules (see ``data/fndds-2017-2018/PROVENANCE.md``): UTF-8 with a BOM,
one title record (two physical lines) before the header, header names with
line breaks (normalised with ``" ".join(name.split())``), food codes as text.
Only portions without a ``Subcode`` (brand-specific weights) are kept.

Everything is read as text so that the table keeps FNDDS's own digits.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from mealplan._errors import FoodTableError

__all__ = [
    "ADDED_NUTRIENTS",
    "FNDDS",
    "FNDDS_NUTRIENTS",
    "FnddsFood",
    "FnddsPortion",
    "Ingredient",
    "code_prices",
    "expand_recipe",
    "read_fndds",
    "read_recipes",
]

FNDDS_NUTRIENTS: dict[str, str] = {
    "energy_kcal": "Energy (kcal)",
    "protein_g": "Protein (g)",
    "fat_g": "Total Fat (g)",
    "carbohydrate_g": "Carbohydrate (g)",
    "fiber_g": "Fiber, total dietary (g)",
    "calcium_mg": "Calcium (mg)",
    "magnesium_mg": "Magnesium (mg)",
    "potassium_mg": "Potassium (mg)",
    "sodium_mg": "Sodium (mg)",
    "vitamin_d_ug": "Vitamin D (D2 + D3) (mcg)",
    "vitamin_b12_ug": "Vitamin B-12 (mcg)",
    "iron_mg": "Iron (mg)",
    "zinc_mg": "Zinc (mg)",
    "copper_mg": "Copper (mg)",
    "selenium_ug": "Selenium (mcg)",
    "phosphorus_mg": "Phosphorus (mg)",
    "vitamin_a_rae_ug": "Vitamin A, RAE (mcg_RAE)",
    "retinol_ug": "Retinol (mcg)",
    "vitamin_c_mg": "Vitamin C (mg)",
    "vitamin_e_mg": "Vitamin E (alpha-tocopherol) (mg)",
    "vitamin_e_added_mg": "Vitamin E, added (mg)",
    "vitamin_k_ug": "Vitamin K (phylloquinone) (mcg)",
    "thiamin_mg": "Thiamin (mg)",
    "riboflavin_mg": "Riboflavin (mg)",
    "niacin_mg": "Niacin (mg)",
    "vitamin_b6_mg": "Vitamin B-6 (mg)",
    "folate_dfe_ug": "Folate, DFE (mcg_DFE)",
    "folic_acid_ug": "Folic acid (mcg)",
    "choline_mg": "Choline, total (mg)",
    "water_g": "Water (g)",
    "linoleic_acid_g": "18:2 (g)",
    "alpha_linolenic_acid_g": "18:3 (g)",
    "saturated_fat_g": "Fatty acids, total saturated (g)",
    "sugars_g": "Sugars, total (g)",
    "caffeine_mg": "Caffeine (mg)",
}
"""Agreed column name -> FNDDS header (normalised). Manganese and pantothenic
acid are not among FNDDS's 65 nutrients, so dish rows leave them empty."""

ALCOHOL = "Alcohol (g)"
ADDED_NUTRIENTS = {
    "vitamin_b12_added": "Vitamin B-12, added (mcg)",
    "vitamin_e_added": "Vitamin E, added (mg)",
    "folic_acid": "Folic acid (mcg)",
}
"""FNDDS's fortificant columns (vitamin B12 and E added, folic acid): a dish
row's ``fortified`` column names those it has (``mealplan._fndds_dishes``)."""

_FOODS_FILE = "2017-2018 FNDDS At A Glance - Foods and Beverages.csv"
_NUTRIENTS_FILE = "2017-2018 FNDDS At A Glance - FNDDS Nutrient Values.csv"
_PORTIONS_FILE = "2017-2018 FNDDS At A Glance - Portions and Weights.csv"
_RECIPES_FILE = "fndds_2015_2016_ingredients.csv"
_PRICES_FILE = "ppnap_food_code_to_sr28.csv"


@dataclass(frozen=True)
class FnddsFood:
    """One FNDDS 2017-2018 food code."""

    code: str
    description: str
    additional: str
    wweia_number: str
    wweia_description: str


@dataclass(frozen=True)
class FnddsPortion:
    """One household portion (no subcode) of an FNDDS food."""

    seq: int
    description: str
    grams: str


@dataclass(frozen=True)
class Ingredient:
    """One SR28 ingredient of a dish, per 100 g of the dish as eaten."""

    ndb_no: str
    description: str
    grams: Decimal


@dataclass(frozen=True)
class RecipeRow:
    """One row of the 2015-2016 ingredients file."""

    code: str
    grams: Decimal
    moisture_change: Decimal
    description: str


@dataclass(frozen=True)
class FNDDS:
    """The parts of FNDDS 2017-2018 a dish row needs, as text.

    Attributes:
        directory: The folder read.
        foods: Food code -> :class:`FnddsFood`.
        nutrients: Food code -> normalised header -> value text.
        portions: Food code -> portions without subcode, in Seq order.

    """

    directory: Path
    foods: Mapping[str, FnddsFood]
    nutrients: Mapping[str, Mapping[str, str]]
    portions: Mapping[str, tuple[FnddsPortion, ...]]


def _records(
    path: Path, *, title: bool, encoding: str = "utf-8-sig"
) -> Iterator[dict[str, str]]:
    """Yield the records of one CSV as dicts keyed by the normalised header."""
    if not path.is_file():
        msg = f"FNDDS file {path} was not found; pass the folder that holds it."
        raise FoodTableError(msg, path=str(path))
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            if title:
                next(reader)
            header = [" ".join(h.split()) for h in next(reader)]
        except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
            msg = f"FNDDS file {path} has no readable header ({exc}); check the file."
            raise FoodTableError(msg, path=str(path)) from None
        for row in reader:
            if row:
                yield dict(zip(header, (c.strip() for c in row), strict=False))


def read_fndds(directory: str | Path) -> FNDDS:
    """Read the Foods, Nutrient Values and Portions CSV files of FNDDS 2017-2018.

    Raises:
        FoodTableError: A file is missing or has no header.

    """
    root = Path(directory)
    foods = {
        r["Food code"]: FnddsFood(
            r["Food code"],
            r["Main food description"],
            r["Additional food description"],
            r["WWEIA Category number"],
            r["WWEIA Category description"],
        )
        for r in _records(root / _FOODS_FILE, title=True)
    }
    wanted = [*FNDDS_NUTRIENTS.values(), *ADDED_NUTRIENTS.values(), ALCOHOL]
    nutrients = {
        r["Food code"]: {h: r[h] for h in wanted}
        for r in _records(root / _NUTRIENTS_FILE, title=True)
    }
    portions: dict[str, list[FnddsPortion]] = {}
    for r in _records(root / _PORTIONS_FILE, title=True):
        if r["Subcode"]:
            continue
        portions.setdefault(r["Food code"], []).append(
            FnddsPortion(
                int(r["Seq num"]), r["Portion description"], r["Portion weight (g)"]
            )
        )
    return FNDDS(
        root,
        foods,
        nutrients,
        {k: tuple(sorted(v, key=lambda p: p.seq)) for k, v in portions.items()},
    )


def read_recipes(prices_dir: str | Path) -> dict[str, tuple[RecipeRow, ...]]:
    """Read the FNDDS 2015-2016 recipes: food code -> its ingredient rows."""
    out: dict[str, list[RecipeRow]] = {}
    for r in _records(Path(prices_dir) / _RECIPES_FILE, title=False):
        code = r["Ingredient code"]
        out.setdefault(r["Food code"], []).append(
            RecipeRow(
                code.zfill(5) if len(code) <= 5 else code,
                Decimal(r["Ingredient weight"]),
                Decimal(r["Moisture change (%)"] or "0"),
                r["Ingredient description"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def expand_recipe(
    code: str, recipes: Mapping[str, tuple[RecipeRow, ...]], *, depth: int = 0
) -> tuple[Ingredient, ...] | None:
    """Return the SR28 ingredients of 100 g of ``code`` as eaten.

    Each row's weight is raw (as added); the cooked total is the sum of the
    weights times ``1 + moisture change / 100``. An ingredient that is an
    FNDDS code is expanded through its own recipe (its weight is of that food
    as eaten). Ingredients are summed per NDB number and sorted by weight
    (heaviest first, then NDB number).

    Returns:
        The ingredients, or None when the code (or a nested code) has no
        recipe, or nesting goes deeper than 5 levels.

    """
    rows = recipes.get(code)
    if not rows or depth > 5:
        return None
    total = sum((r.grams for r in rows), Decimal(0))
    eaten = total * (1 + rows[0].moisture_change / 100)
    if eaten <= 0:
        return None
    sums: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for row in rows:
        share = row.grams * 100 / eaten
        if len(row.code) == 5:
            sums[row.code] = sums.get(row.code, Decimal(0)) + share
            names[row.code] = row.description
            continue
        nested = expand_recipe(row.code, recipes, depth=depth + 1)
        if nested is None:
            return None
        for ing in nested:
            sums[ing.ndb_no] = (
                sums.get(ing.ndb_no, Decimal(0)) + ing.grams * share / 100
            )
            names[ing.ndb_no] = ing.description
    order = sorted(sums, key=lambda n: (-sums[n], n))
    return tuple(Ingredient(n, names[n], sums[n]) for n in order)


def code_prices(prices_dir: str | Path) -> dict[str, tuple[str, str]]:
    """Return food code -> (US$ per 100 g as eaten, cycle) from PP-NAP.

    The 2017/2018 price where present, else the 2015/2016 one; the digits are
    the PP-NAP file's (copied into ``ppnap_food_code_to_sr28.csv``).
    """
    out: dict[str, tuple[str, str]] = {}
    for r in _records(Path(prices_dir) / _PRICES_FILE, title=False):
        if r["price_100gm_2017_2018"]:
            out[r["food_code"]] = (r["price_100gm_2017_2018"], "2017/2018")
        elif r["price_100gm_2015_2016"]:
            out[r["food_code"]] = (r["price_100gm_2015_2016"], "2015/2016")
    return out
