"""What the grocery list buys (issue 11, section 3): amounts and purchase forms.

Checked against the committed CSVs and SR28 itself, not the list's code:
a piece or a package is bought in whole units, at least what the plan uses
and no more than one unit over it; a cup or spoon is a kitchen step; every
cooked food converted to a purchase form names an SR28 record that exists,
is the same food in a raw, dry or unprepared state, and carries no allergen
the food eaten lacks; and no allergen or diet of a plan food is lost on the
line that buys it.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import grocery_list, render_grocery_text
from mealplan._tagging import tag_food
from tests.test_grocery import _choices, _csv, _forms, _plan, _table

# Grams of one large egg (SR28 WEIGHT of 01123, "large": 50 g).
EGG_GRAMS = 50.0
_LEAD = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+)\s+(.*)$")
# Teaspoons in a cup or spoon: every kitchen step (1/4 cup, 1/2 tbsp,
# 1/2 tsp) is a whole number of half teaspoons.
_TSP = {"cup": 48.0, "tbsp": 3.0, "tsp": 1.0}
_MEASURE = re.compile(
    r"^(cups?|tbsp|tablespoons?|tsp|teaspoons?|fl oz|oz|lb|g|ml)(?![\w.])"
)
_NAMES = {"cups": "cup", "tablespoon": "tbsp", "tablespoons": "tbsp"}
_NAMES |= {"teaspoon": "tsp", "teaspoons": "tsp"}
# Weights and fluid ounces: the step (a whole ounce, a quarter pound).
_STEPS = {"fl oz": 1.0, "oz": 1.0, "lb": 0.25, "g": 1.0, "ml": 5.0}


def _split(description: str) -> tuple[float, str]:
    lead = _LEAD.match(description)
    if lead is None:
        return 1.0, description
    top, _, bottom = lead[1].partition("/")
    return (float(top) / float(bottom) if bottom else float(top)), lead[2]


def _unit_grams(item: mealplan.GroceryItem) -> float:
    """Grams of one unit of the line, from the data (not from the list)."""
    if item.portion_description.startswith("large egg"):
        return EGG_GRAMS
    for row in _forms().values():
        if (
            row["buy_ndb"] == _bought(item)
            and row["unit"] == item.portion_description
            and row["unit_grams"]
        ):
            return float(row["unit_grams"])
    # The plan's own portion of a food bought as eaten: its grams a portion.
    return item.grams / item.portions


def _bought(item: mealplan.GroceryItem) -> str:
    if item.food_id.startswith("sr28-"):
        return item.food_id.removeprefix("sr28-")
    return _table().food(item.food_id).ndb_no or ""


def _assert_shoppable(items: list[mealplan.GroceryItem]) -> None:
    for g in items:
        if g.kind != "food" or g.buy_portions is None:
            continue
        number, unit = _split(g.portion_description)
        if g.countable:
            used = g.grams / _unit_grams(g)
            assert g.buy_portions == int(g.buy_portions) >= 1, g
            assert g.buy_portions >= used - 1e-6, (g, used)
            assert g.buy_portions - 1 < used + 1e-6 or g.buy_portions == 1, (g, used)
            continue
        measure = _MEASURE.match(unit)
        assert measure, g  # not countable: a cup, spoon or ounce
        name = _NAMES.get(measure[1], measure[1])
        exact = g.portions * number
        bought = g.buy_portions * number
        if name in _TSP:
            tsp, exact_tsp = bought * _TSP[name], exact * _TSP[name]
            assert math.isclose(tsp * 2, round(tsp * 2), abs_tol=1e-3), g
            # Within half a step: 1/4 cup from 1/4 cup, else 1/2 tbsp.
            step = 12.0 if exact_tsp >= 12 else 1.5
            assert abs(tsp - exact_tsp) <= step / 2 + 1e-3 or tsp <= 1.5, g
        else:
            step = _STEPS[name]
            steps = bought / step
            assert math.isclose(steps, round(steps), abs_tol=1e-3), g
            assert abs(bought - exact) <= step / 2 + 1e-3 or steps < 1 + 1e-3, g


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.floats(1.0, 600.0)),
        min_size=1,
        max_size=10,
    )
)
def test_every_line_is_bought_in_whole_units_or_kitchen_steps(
    draws: list[tuple[int, float]],
) -> None:
    choices = _choices()
    plan = _plan([(choices[k % len(choices)], grams) for k, grams in draws])
    _assert_shoppable(grocery_list(plan, _table()))


def test_the_issues_amounts_read_as_a_shopper_buys() -> None:
    plan = _plan(
        [
            ("bagel-plain", 99),
            ("cheddar", 85),
            ("provolone", 42),
            ("strawberries-frozen", 110),
            ("canola-oil", 28),
            ("oats-rolled-dry", 68),
            ("tilapia-cooked", 174),
            ("egg-fried", 75),
        ]
    )
    items = grocery_list(plan, _table())
    _assert_shoppable(items)
    text = render_grocery_text(items)
    by = {f: g for g in items for f in g.from_foods}
    assert by["bagel-plain"].buy_portions == 1
    assert "1 medium bagel" in text
    assert "(you use 99 g)" in text
    assert by["cheddar"].buy_portions == 4  # 85 g of 1-oz slices
    assert by["provolone"].buy_portions == 1  # a 6-oz package for 42 g
    assert by["strawberries-frozen"].buy_portions == 1
    assert by["egg-fried"].buy_portions == 2  # 75 g eaten, 50 g a large egg
    for amount in ("2 tbsp", "¾ cup"):  # 28 g of oil; 0.84 cup of oats
        assert amount in text
    for odd in ("0.94", "3.04", "0.25 x", "0.19 x", "2.06", "0.84"):
        assert odd not in text
    assert "not of whole packages" in text
    # Tilapia is bought raw now; grams stay exact beside the amount.
    assert by["tilapia-cooked"].converted
    assert "tilapia" in by["tilapia-cooked"].name.lower()
    assert "raw" in by["tilapia-cooked"].name.lower()


# ---------------------------------------------------------------- data


_STATE = re.compile(r"\b(raw|dry|uncooked|unprepared)\b", re.IGNORECASE)
_COOKING = re.compile(
    r"\b(cooked|boiled|baked|roasted|braised|fried|pan-fried|browned|scrambled"
    r"|poached|steamed|broiled|grilled|simmered|microwaved|heated|toasted)\b"
    r"|\bprepared\b(?! with calcium)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9%]+")
_NOT_FOOD = frozenset(
    [
        "raw",
        "dry",
        "uncooked",
        "unprepared",
        "fresh",
        "cooked",
        "boiled",
        "drained",
        "without",
        "with",
        "salt",
        "dry",
        "heat",
        "moist",
        "roasted",
        "braised",
        "broiled",
        "pan",
        "fried",
        "browned",
        "baked",
        "prepared",
        "scrambled",
        "poached",
        "steamed",
        "grilled",
        "simmered",
        "microwaved",
        "water",
        "in",
        "and",
        "or",
        "all",
        "grades",
        "mix",
        "added",
    ]
)


_FORM_WORDS = frozenset(
    [
        "crumble",
        "patty",
        "boiling",
        "microwaving",
        "include",
        "hard",
        "pre",
        "sliced",
        "heated",
        "oven",
        "home",
        "skin",
        "flesh",
        "mature",
        "seed",
        "style",
        "skinles",
        "boneles",
        "only",
        "from",
        "whole",
    ]
)
"""Words of how a food is cut, cooked or sold, not which food it is (after
:func:`_words` drops a final s: crumbles, skinless)."""
REVIEWED: dict[str, set[str]] = {
    "05098": {"dark"},  # a chicken thigh is dark meat; the raw record says so
    "05186": {"classe", "from", "whole"},  # light meat: all classes, whole bird
    "08121": {"unenriched", "not", "fortified"},  # plain oats either way
    "13285": {"steak"},  # the raw record is of the pot roast "or steak"
    "13368": {"trimmed", "to", "0", "fat"},  # lean only: the trim is cut off
    "13454": {"0", "1", "8"},  # lean only at a 0" and a 1/8" trim
    "16017": {"turtle"},  # black turtle beans are the black beans
    "16086": {"green"},  # split peas are green split peas
    "90240": {"bay", "sea", "mixed", "specie"},  # scallops of mixed species
}
"""Per eaten NDB, the words its purchase form differs by, each reviewed."""


def _words(text: str) -> set[str]:
    # Singular and plural are one word here (broilers, broiler).
    return {w.removesuffix("s") for w in _WORD.findall(text.lower())} - _NOT_FOOD


@cache
def _sr28_descriptions(sr28: Path) -> dict[str, tuple[str, str]]:
    groups = {}
    for line in (sr28 / "FD_GROUP.txt").read_text(encoding="cp1252").splitlines():
        code, name = (f.strip("~") for f in line.split("^")[:2])
        groups[code] = name
    out = {}
    for line in (sr28 / "FOOD_DES.txt").read_text(encoding="cp1252").splitlines():
        ndb, group, desc = (f.strip("~") for f in line.split("^")[:3])
        out[ndb] = (desc, groups[group])
    return out


def _converted() -> list[dict[str, str]]:
    return [r for r in _csv("purchase_forms.csv") if r["buy_ndb"] != r["ndb_no"]]


@pytest.mark.shared
def test_each_purchase_form_is_the_same_food_raw_dry_or_unprepared(
    sr28_dir: Path,
) -> None:
    sr28 = _sr28_descriptions(sr28_dir)
    rows = _converted()
    assert len(rows) >= 160  # the bundled foods' 163 and the recipes' grains
    for r in rows:
        eaten, bought = r["description"], r["buy_description"]
        assert r["buy_ndb"] in sr28, r
        assert sr28[r["buy_ndb"]] == (bought, r["buy_food_group"]), r
        assert sr28[r["ndb_no"]] == (eaten, r["food_group"]), r
        assert r["buy_food_group"] == r["food_group"], r
        # Bought in a raw, dry or unprepared state, never more cooked than eaten.
        assert _STATE.search(bought), r
        assert {w.lower() for w in _COOKING.findall(bought)} <= {
            w.lower() for w in _COOKING.findall(eaten)
        }, r
        # The same food: every word of one description is in the other, but
        # words of form (crumbles, skinless) and the reviewed differences.
        apart = _words(eaten) ^ _words(bought)
        assert apart <= _FORM_WORDS | REVIEWED.get(r["ndb_no"], set()), (r, apart)
        factor = float(r["grams_bought_per_gram"])
        assert 0.1 < factor <= 3, r


def test_converting_loses_no_allergen_or_diet() -> None:
    table = _table()
    by_ndb = {
        ndb: fid
        for fid, ndb in sorted(
            zip(table.ids, table.texts("ndb_no"), strict=True), reverse=True
        )
        if ndb
    }
    structure = {r["id"]: r for r in _csv("structure.csv")}
    converted = [f for f, r in sorted(structure.items()) if r["buy_ndb"]]
    assert len(converted) >= 160
    forms = _forms()
    for fid in converted:
        food = table.food(fid)
        assert food.ndb_no is not None
        form = forms[food.ndb_no]
        diets = {
            d
            for d, keep in (
                ("vegan", food.vegan),
                ("vegetarian", food.vegetarian),
                ("pescatarian", food.pescatarian),
            )
            if keep
        }
        # What is bought brings no allergen the food eaten lacks: the plan's
        # allergy filter saw the food eaten.
        buy_fid = by_ndb.get(form["buy_ndb"])
        bought = (
            set(table.food(buy_fid).allergens)
            if buy_fid
            else set(
                tag_food(form["buy_description"], form["buy_food_group"]).allergens
            )
        )
        assert bought <= set(food.allergens), (fid, bought)
        # The allergens of the record eaten come with what is bought, unless
        # they are its cooking fat's (a fried egg's milk and soy: bought
        # apart, and kept on the line below).
        eaten = set(tag_food(form["description"], form["food_group"]).allergens)
        if not re.search(r"fried|scrambled", form["description"], re.IGNORECASE):
            assert eaten <= bought, (fid, eaten, bought)
        # The grocery line keeps every allergen and claims no diet the food
        # eaten lacks.
        (line,) = [
            g for g in grocery_list(_plan([(fid, 100.0)]), table) if g.kind == "food"
        ]
        assert line.allergens is not None
        assert line.diets is not None
        assert set(food.allergens) <= set(line.allergens), (fid, line.allergens)
        assert set(line.diets) <= diets, (fid, line.diets)


def test_a_yield_is_used_only_where_protein_gives_one() -> None:
    from decimal import Decimal

    from mealplan._purchase_forms import _yield

    # Lentils: 9.02 g cooked, 24.63 g dry; they take up water.
    factor, method = _yield("9.02", "24.63", takes_water=True)
    assert method.startswith("protein yield")
    assert factor == Decimal("9.02") / Decimal("24.63")
    # Boiled kale has less protein than raw and takes up no water.
    assert _yield("1.90", "4.28", takes_water=False)[1].startswith("same weight")
    # Carrots: under 1 g of protein.
    factor, method = _yield("0.76", "0.93", takes_water=False)
    assert factor == 1
    assert method.startswith("same weight")
    assert "under 1 g" in method
    # A drink made with water from a powder is not bought at its own weight.
    assert _yield("0.92", "6.67", takes_water=True)[1].startswith("as eaten")
    assert _yield("", "6.67", takes_water=False)[1].startswith("as eaten")
    # Over 3 g raw per g eaten is not believed.
    assert _yield("31", "10", takes_water=False)[1].startswith("same weight")
