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
two SR28 records imply, not a measured cooking yield. Where it cannot be
believed (:func:`_yield`: under 1 g of protein per 100 g, or less protein
cooked than raw in a food that does not take up water, so protein went into
the cooking water) the purchase form is bought at the weight eaten, and the
method says so. Foods without a purchase form are listed as eaten, and the
list says so (a cooked one with :data:`NOT_CONVERTED`).

A recipe's cooked grain or legume is bought dry like the bundled cooked food
of its base (:func:`ingredient_buys`: black turtle beans, cooked, are the dry
black beans of ``black-beans-cooked``).

Run time (:func:`shopping`) reads that file and ``foods/dish_ingredients.csv``
and sums grams of what is bought, one line per purchasable item: a recipe's
generic milk, oil, margarine or ground beef (:data:`GENERIC_KINDS`) is one
line, and a recipe's record of a base food already on the list, in the same
food group and state, joins that line.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping
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
    "GENERIC_KINDS",
    "PURCHASE_COLUMNS",
    "Purchase",
    "dish_ingredients",
    "ingredient_buys",
    "kind_of",
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


def _words(description: str) -> set[str]:
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
            and _words(bought) - _STATE_WORDS <= _words(eaten)
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
            state = frozenset(_words(item.name) & _STATES)
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
