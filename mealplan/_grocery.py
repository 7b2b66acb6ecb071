"""What to buy for a plan: dishes broken into ingredients, cooked forms bought raw.

Build time (:func:`purchase_rows`) writes ``foods/purchase_forms.csv``: for
every SR28 food the bundled table or a dish recipe uses, the SR28 food a
shopper buys instead (``buy_ndb`` of ``foods/structure.csv``: dry lentils for
cooked lentils, raw rice for cooked rice, raw eggs for fried eggs), the grams
bought per gram eaten, and a household or package unit from SR28 WEIGHT.

The grams bought per gram eaten come from USDA's own values: protein is
neither lost nor gained in boiling grains and legumes or in cooking eggs,
meat and fish (fat and water are), so raw grams = eaten grams x protein per
100 g eaten / protein per 100 g raw (SR28 nutrient 203). It is the yield the
two SR28 records imply, not a measured cooking yield; foods without a
purchase form are listed as eaten, and the list says so.

Run time (:func:`shopping`) reads that file and ``foods/dish_ingredients.csv``.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan
    from mealplan._sr28 import SR28

__all__ = [
    "PURCHASE_COLUMNS",
    "Purchase",
    "dish_ingredients",
    "purchase_rows",
    "shopping",
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
    """Pick a shopping unit from SR28 WEIGHT rows (amount, description, grams)."""
    usable = [w for w in weights if Decimal(w[2]) > 0]
    for test in (
        lambda d: bool(_PACKAGE.search(d)),
        lambda d: bool(_COUNT.match(d)),
        lambda d: d.startswith("cup"),
    ):
        for amount, desc, grams in usable:
            if test(desc):
                per = Decimal(grams) / Decimal(amount)
                return desc, f"{per.normalize():f}"
    return "", ""


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
            eaten, raw = protein.get(ndb, ""), protein.get(target, "")
            if eaten and raw and Decimal(raw) > 0:
                factor = Decimal(eaten) / Decimal(raw)
                method = "protein yield (SR28 203 eaten / bought)"
            else:
                target, method = ndb, "as eaten (no protein value to convert)"
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


@dataclass
class Purchase:
    """One purchasable item, summed over the plan."""

    key: str
    name: str
    food_group: str | None
    grams: float = 0.0
    unit: str = ""
    unit_grams: float | None = None
    cost: float | None = 0.0
    converted: bool = False
    sources: dict[str, float] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[dict[str, str], ...]:
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _forms() -> dict[str, dict[str, str]]:
    return {r["ndb_no"]: r for r in _read(foods_dir() / "purchase_forms.csv")}


def dish_ingredients(food_id: str) -> list[dict[str, str]]:
    """Return a dish's rows of ``foods/dish_ingredients.csv`` (empty if none)."""
    header, rows = _recipes()
    return [dict(zip(header, row, strict=True)) for row in rows.get(food_id, ())]


@lru_cache(maxsize=1)
def _recipes() -> tuple[tuple[str, ...], dict[str, list[tuple[str, ...]]]]:
    # Rows stay tuples until a dish asks for them: a plan needs a few of the
    # 11,000 rows, and every CLI run reads the file (a cold-start cost).
    path = foods_dir() / "dish_ingredients.csv"
    out: dict[str, list[tuple[str, ...]]] = {}
    if not path.is_file():
        return (), out
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, ()))
        for row in reader:
            if row:
                out.setdefault(row[0], []).append(tuple(row))
    return header, out


def shopping(plan: MealPlan, table: FoodTable | None) -> list[Purchase]:
    """Sum what to buy for ``plan``, by purchasable item.

    A dish is replaced by its recipe ingredients; an SR28 food (or
    ingredient) with a purchase form becomes that form; anything else is
    listed as eaten, with a note saying so.
    """
    forms = _forms()
    ndb_of: dict[str, str] = {}
    code_of: dict[str, str] = {}
    if table is not None:
        for food_id, ndb, code in zip(
            table.ids, table.texts("ndb_no"), table.texts("fndds_code"), strict=True
        ):
            ndb_of[food_id] = ndb
            code_of[food_id] = code
    bundled_by_ndb = {n: f for f, n in sorted(ndb_of.items()) if n}
    out: dict[str, Purchase] = {}

    def add(
        ndb: str,
        grams: float,
        source: str,
        cost: float | None,
        name: str,
        *,
        dish: bool,
    ) -> None:
        if ndb in NOT_BOUGHT:
            return
        form = forms.get(ndb)
        if form is None:
            key = bundled_by_ndb.get(ndb, f"sr28-{ndb}")
            item = out.setdefault(key, Purchase(key, name, None))
            item.grams += grams
            item.notes.add("listed as eaten: no purchase form in the data")
        else:
            buy = form["buy_ndb"]
            key = bundled_by_ndb.get(buy, f"sr28-{buy}")
            item = out.setdefault(
                key, Purchase(key, form["buy_description"], form["buy_food_group"])
            )
            factor = float(form["grams_bought_per_gram"])
            item.grams += grams * factor
            if buy != ndb:
                item.converted = True
                item.notes.add(
                    f"bought {form['buy_description']} for "
                    f"{form['description']} ({form['method']})"
                )
            if form["unit"] and form["unit_grams"]:
                item.unit, item.unit_grams = form["unit"], float(form["unit_grams"])
        item.sources[source] = item.sources.get(source, 0.0) + grams
        if dish:
            item.converted = True
            item.cost = None
            item.notes.add("from a dish's recipe (FNDDS 2015-2016): priced with it")
        elif cost is None or item.cost is None:
            item.cost = None
        else:
            item.cost += cost

    for plan_item in plan.items:
        fid = plan_item.food_id
        recipe = dish_ingredients(fid) if code_of.get(fid) else None
        if recipe:
            for ing in recipe:
                grams = plan_item.grams * float(ing["grams_per_100g"]) / 100
                add(ing["ndb_no"], grams, fid, None, ing["ingredient"], dish=True)
        elif ndb_of.get(fid):
            add(
                ndb_of[fid],
                plan_item.grams,
                fid,
                plan_item.cost,
                plan_item.name,
                dish=False,
            )
        else:
            item = out.setdefault(fid, Purchase(fid, plan_item.name, None))
            item.grams += plan_item.grams
            item.sources[fid] = item.sources.get(fid, 0.0) + plan_item.grams
            item.notes.add("listed as eaten: no recipe or purchase form in the data")
            item.cost = (
                None
                if plan_item.cost is None or item.cost is None
                else item.cost + plan_item.cost
            )
    for item in out.values():
        if item.key in ndb_of and table is not None:
            item.name = table.food(item.key).name
            item.food_group = table.food(item.key).food_group
        if not math.isfinite(item.grams):
            item.grams = 0.0
    return list(out.values())
