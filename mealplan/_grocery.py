"""What to buy for a plan: dishes broken into ingredients, cooked forms bought raw.

Run time (:func:`shopping`) reads ``foods/purchase_forms.csv`` (written at
build time by :mod:`mealplan._purchase_forms`: for each eaten SR28 food what
a shopper buys, the grams bought per gram eaten, a household or package
unit) and ``foods/dish_ingredients.csv``, and sums grams of what is bought,
one line per purchasable item: a recipe's generic milk, oil, margarine or
ground beef (:data:`GENERIC_KINDS`) is one line, and a recipe's record of a
base food already on the list, in the same food group and state, joins that
line.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._purchase_forms import NOT_BOUGHT, description_words
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan

__all__ = [
    "GENERIC_KINDS",
    "Purchase",
    "dish_ingredients",
    "kind_of",
    "recipe_rows",
    "shopping",
]


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
    kind: str = ""
    """The generic kind (:data:`GENERIC_KINDS`) of what is bought ('' if none)."""
    generic: bool = False
    """Named for its kind (any milk), not for the record that keys it."""
    base: str = ""
    """The table's base food (black-beans) of what it serves ('' unknown)."""


GENERIC_KINDS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "milk": (
        re.compile(
            r"^Milk, (whole, 3\.25%|reduced fat, fluid|lowfat, fluid|nonfat, fluid)"
        ),
        "Milk (any: whole, 2%, 1% or skim)",
        "milk",
    ),
    "oil": (
        re.compile(r"^Oil, (soybean|olive|corn|canola)\b"),
        "Vegetable oil (any: canola, corn, soybean or olive)",
        "oil",
    ),
    "margarine": (
        re.compile(r"^Margarine(-like)?,"),
        "Margarine or vegetable oil spread (any)",
        "margarine",
    ),
    "ground-beef": (
        re.compile(r"^Beef, ground, \d+% lean meat / \d+% fat, raw$"),
        "Ground beef, raw (any lean share)",
        "ground beef",
    ),
}
"""Purchasable kinds that FNDDS recipes split by national use: a recipe's
"milk, NFS" comes as whole, 2 %, 1 % and skim milk (156 recipes hold all four),
its "vegetable oil, NFS" as soybean, olive, corn and canola oil (363 recipes),
its ground beef as 75 % to 95 % lean.
A recipe holding two or more records of one kind means the kind, not the
records: they are bought as one (the plan's own milk or oil when it has one),
by the SR28 description of what is bought (kind -> pattern, name, word)."""


def kind_of(description: str) -> str:
    """Return the generic kind of an SR28 description ('' for none)."""
    return next(
        (k for k, (pat, _, _) in GENERIC_KINDS.items() if pat.match(description)), ""
    )


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
    header, rows = recipe_rows()
    return [dict(zip(header, row, strict=True)) for row in rows.get(food_id, ())]


@lru_cache(maxsize=1)
def recipe_rows() -> tuple[tuple[str, ...], dict[str, list[tuple[str, ...]]]]:
    """Return ``foods/dish_ingredients.csv``: its header, and dish id -> its rows.

    The one reader of the file (the grocery list, the fish classes and the
    safety rules read a dish's recipe through it).
    """
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
    listed as eaten, with a note saying so. Grams are summed per item in
    what is bought; a recipe's generic milk, oil or margarine (two or more
    records of one :data:`GENERIC_KINDS` kind in one recipe) is bought as one
    item of its kind: the plan's own of that kind when it has one.
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
    base_of: dict[str, str] = {}
    if table is not None and table.has_column("base"):
        base_of = dict(zip(table.ids, table.texts("base"), strict=True))
    out: dict[str, Purchase] = {}
    generic: list[tuple[str, dict[str, str], float, str]] = []

    def count(item: Purchase, grams: float, source: str, cost: float | None) -> None:
        item.grams += grams
        item.sources[source] = item.sources.get(source, 0.0) + grams
        if cost is None or item.cost is None:
            item.cost = None
        else:
            item.cost += cost

    def bought(form: dict[str, str]) -> Purchase:
        buy = form["buy_ndb"]
        key = bundled_by_ndb.get(buy, f"sr28-{buy}")
        item = out.setdefault(
            key,
            Purchase(
                key,
                form["buy_description"],
                form["buy_food_group"],
                kind=kind_of(form["buy_description"]),
            ),
        )
        if buy != form["ndb_no"]:
            item.converted = True
            item.notes.add(
                f"bought {form['buy_description']} for "
                f"{form['description']} ({form['method']})"
            )
        elif form["method"].startswith("as eaten ("):
            # A cooked food with no purchase form: said so, not hidden.
            why = form["method"].removeprefix("as eaten (").removesuffix(")")
            item.notes.add(f"listed as eaten: {why}")
        if form["unit"] and form["unit_grams"]:
            item.unit, item.unit_grams = form["unit"], float(form["unit_grams"])
        return item

    def add(
        ndb: str,
        grams: float,
        source: str,
        cost: float | None,
        name: str,
        *,
        dish: bool,
        base: str = "",
    ) -> None:
        if ndb in NOT_BOUGHT:
            return
        form = forms.get(ndb)
        if form is None:
            key = bundled_by_ndb.get(ndb, f"sr28-{ndb}")
            item = out.setdefault(key, Purchase(key, name, None))
            item.notes.add("listed as eaten: no purchase form in the data")
        else:
            item = bought(form)
            grams *= float(form["grams_bought_per_gram"])
        item.base = item.base or base
        count(item, grams, source, None if dish else cost)
        if dish:
            _from_dish(item)

    for plan_item in plan.items:
        fid = plan_item.food_id
        recipe = dish_ingredients(fid) if code_of.get(fid) else None
        if recipe:
            kinds = [
                kind_of(forms[i["ndb_no"]]["buy_description"])
                if i["ndb_no"] in forms
                else ""
                for i in recipe
            ]
            several = {k for k in kinds if k and kinds.count(k) > 1}
            for ing, kind in zip(recipe, kinds, strict=True):
                grams = plan_item.grams * float(ing["grams_per_100g"]) / 100
                if kind in several:
                    form = forms[ing["ndb_no"]]
                    factor = float(form["grams_bought_per_gram"])
                    generic.append((kind, form, grams * factor, fid))
                else:
                    bases = {base_of.get(f, "") for f in ing["food_ids"].split(";")}
                    add(
                        ing["ndb_no"],
                        grams,
                        fid,
                        None,
                        ing["ingredient"],
                        dish=True,
                        base=next(iter(bases)) if len(bases) == 1 else "",
                    )
        elif ndb_of.get(fid):
            add(
                ndb_of[fid],
                plan_item.grams,
                fid,
                plan_item.cost,
                plan_item.name,
                dish=False,
                base=base_of.get(fid, ""),
            )
        else:
            item = out.setdefault(fid, Purchase(fid, plan_item.name, None))
            item.notes.add("listed as eaten: no recipe or purchase form in the data")
            count(item, plan_item.grams, fid, plan_item.cost)
    _buy_generic(out, generic, bought)
    _merge_bases(out, {i.food_id for i in plan.items if code_of.get(i.food_id)})
    for item in out.values():
        if item.key in ndb_of and table is not None and not item.generic:
            item.name = table.food(item.key).name
            item.food_group = table.food(item.key).food_group
        if not math.isfinite(item.grams):
            item.grams = 0.0
    return list(out.values())


# Words of an SR28 description that say how a food is sold or kept: two
# records of one base are one purchase only in the same state (canned and dry
# black beans are two purchases, and their grams do not add up).
_STATES = frozenset(
    {
        "raw",
        "dry",
        "dried",
        "uncooked",
        "canned",
        "frozen",
        "chilled",
        "cooked",
        "boiled",
        "roasted",
        "fried",
        "prepared",
        "unprepared",
        "concentrate",
    }
)


def _merge_bases(out: dict[str, Purchase], dishes: set[str]) -> None:
    """Merge a recipe's record into the line of the same food under another record.

    Two lines of one base food (the table's ``base``: orange juice, chilled,
    and orange juice, chilled, with added calcium), in the same SR28 food
    group and the same state (:data:`_STATES` words), are one purchase: a line
    that only dish recipes use joins the largest other line (a plan food's
    own first). Lines of a generic kind are already one line a kind.
    """
    groups: dict[tuple[str, str, frozenset[str]], list[Purchase]] = {}
    for item in out.values():
        if item.base and not item.kind:
            state = frozenset(description_words(item.name) & _STATES)
            groups.setdefault((item.base, item.food_group or "", state), []).append(
                item
            )
    for items in groups.values():
        if len(items) < 2:
            continue
        dish_only = [p for p in items if set(p.sources) <= dishes]
        own = [p for p in items if p not in dish_only]
        target = max(own or items, key=lambda p: (p.grams, p.key))
        for p in items:
            if p is target or p not in dish_only:
                continue
            target.grams += p.grams
            for source, grams in p.sources.items():
                target.sources[source] = target.sources.get(source, 0.0) + grams
            target.notes |= p.notes
            target.notes.add(
                f"a recipe's {p.name} is counted here (the same food, another record)"
            )
            _from_dish(target)
            del out[p.key]


def _from_dish(item: Purchase) -> None:
    item.converted = True
    item.cost = None
    item.notes.add("from a dish's recipe (FNDDS 2015-2016): priced with it")


def _buy_generic(
    out: dict[str, Purchase],
    generic: list[tuple[str, dict[str, str], float, str]],
    bought: Callable[[dict[str, str]], Purchase],
) -> None:
    """Add the recipes' generic milk, oil or margarine, one item per kind.

    The grams (already in what is bought) join the largest item of the kind
    already on the list (the plan's own milk, a recipe's olive oil), or else
    one new item named for the kind, keyed and unitised by its largest record.
    """
    for kind in sorted({k for k, _, _, _ in generic}):
        parts = [(f, g, s) for k, f, g, s in generic if k == kind]
        same = [p for p in out.values() if p.kind == kind]
        if same:
            item = max(same, key=lambda p: (p.grams, p.key))
        else:
            totals: dict[str, float] = {}
            for f, g, _ in parts:
                totals[f["buy_ndb"]] = totals.get(f["buy_ndb"], 0.0) + g
            top = max(totals, key=lambda n: (totals[n], n))
            item = bought(next(f for f, _, _ in parts if f["buy_ndb"] == top))
            item.name, item.generic = GENERIC_KINDS[kind][1], True
        for _, g, source in parts:
            item.grams += g
            item.sources[source] = item.sources.get(source, 0.0) + g
        _from_dish(item)
        word = GENERIC_KINDS[kind][2]
        item.notes.add(
            f"a recipe's {word} is generic (FNDDS splits it across kinds of "
            f"{word}): any {word} will do, counted here"
        )
