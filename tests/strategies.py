"""Hypothesis strategies for food tables (valid and invalid).

Other test modules may append their own strategies below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from hypothesis import strategies as st

from mealplan._nutrients import Allergen, MealSlot, Nutrient

if TYPE_CHECKING:
    from mealplan import FoodTable

NUTRIENTS = [n.value for n in Nutrient]
ALLERGENS = sorted(a.value for a in Allergen)
SLOTS = sorted(s.value for s in MealSlot)

food_ids = st.from_regex(r"[a-z][a-z0-9\-]{0,12}", fullmatch=True)
names = (
    st.text(
        st.characters(whitelist_categories=("L", "N"), whitelist_characters=" ,-()"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
# Values per 100 g stay physically possible (at most 100 g of a nutrient in
# grams, 900 kcal): the loader rejects anything above (mealplan._tabletext).
_UNIT_MAX = {"g": 100.0, "kcal": 900.0}


def nutrient_values_for(nutrient: str) -> st.SearchStrategy[float | None]:
    """Missing, or a physically possible amount of ``nutrient`` per 100 g."""
    top = _UNIT_MAX.get(nutrient.rsplit("_", 1)[1], 5000.0)
    return st.one_of(
        st.none(),
        st.floats(min_value=0, max_value=top, allow_nan=False, allow_infinity=False),
    )


nutrient_values = nutrient_values_for("calcium_mg")
semicolon_lists = st.lists


def _cell_list(values: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(values), unique=True).map(
        lambda v: ";".join(sorted(v))
    )


# food_rows' strategies, built once: building (and validating) ~40 new
# strategy objects per drawn row was most of the catalog tests' time. The
# same strategies draw the same rows.
_NDB_NUMBERS = st.one_of(st.just(""), st.from_regex(r"[0-9]{5}", fullmatch=True))
_NUTRIENT_VALUES = {n: nutrient_values_for(n) for n in NUTRIENTS}
_ALLERGEN_CELLS = _cell_list(ALLERGENS)
_SLOT_CELLS = _cell_list(SLOTS).filter(bool)
_MAX_PORTIONS = st.one_of(st.none(), st.floats(0.5, 10))
_PRICES = st.one_of(st.none(), st.floats(0, 50))


@st.composite
def food_rows(draw: st.DrawFn, food_id: str) -> dict[str, Any]:
    """One valid row of a caller's food table (all optional columns present)."""
    row: dict[str, Any] = {"id": food_id, "name": draw(names)}
    row["ndb_no"] = draw(_NDB_NUMBERS)
    for nutrient in NUTRIENTS:
        row[nutrient] = draw(_NUTRIENT_VALUES[nutrient])
    vegan = draw(st.booleans())
    vegetarian = vegan or draw(st.booleans())
    row["vegan"], row["vegetarian"] = vegan, vegetarian
    row["pescatarian"] = vegetarian or draw(st.booleans())
    row["allergens"] = draw(_ALLERGEN_CELLS)
    row["meal_slots"] = draw(_SLOT_CELLS)
    row["max_portions"] = draw(_MAX_PORTIONS)
    row["price_per_100g"] = draw(_PRICES)
    return row


@st.composite
def valid_tables(draw: st.DrawFn, min_size: int = 1, max_size: int = 8) -> pd.DataFrame:
    """A valid caller table; a random subset of the optional columns is kept."""
    ids = draw(st.lists(food_ids, min_size=min_size, max_size=max_size, unique=True))
    rows = [draw(food_rows(i)) for i in ids]
    frame = pd.DataFrame(rows)
    optional = [c for c in frame.columns if c not in ("id", "name")]
    keep = draw(st.lists(st.sampled_from(optional), unique=True))
    return frame[["id", "name", *keep]]


# (column, bad value) pairs: each must be rejected with that column named.
BAD_CELLS: list[tuple[str, Any]] = [
    ("calcium_mg", -1.0),
    ("calcium_mg", "lots"),
    ("magnesium_mg", float("inf")),
    ("price_per_100g", -0.5),
    ("price_per_100g", "cheap"),
    ("max_portions", 0),
    ("vegan", "maybe"),
    ("allergens", "gluten"),
    ("meal_slots", "brunch"),
    ("ndb_no", "1077"),
    ("ndb_no", "A1077"),
    ("id", ""),
]


@st.composite
def invalid_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, str | None]:
    """A table with exactly one defect, and the column the error must name."""
    table = draw(valid_tables(min_size=1, max_size=5))
    kind = draw(
        st.sampled_from(["cell", "duplicate", "unknown_column", "missing", "empty"])
    )
    if kind == "cell":
        column, value = draw(st.sampled_from(BAD_CELLS))
        table = table.copy()
        row = draw(st.integers(0, len(table) - 1))
        if column not in table.columns:
            table[column] = None if column != "id" else table["id"]
        table[column] = table[column].astype(object)
        col = table.columns.get_loc(column)
        assert isinstance(col, int), column  # one column of that name
        table.iat[row, col] = value
        return table, column
    if kind == "duplicate":
        return pd.concat([table, table.iloc[[0]]], ignore_index=True), "id"
    if kind == "unknown_column":
        return table.assign(boron_mg=1.0), "boron_mg"
    if kind == "missing":
        column = draw(st.sampled_from(["id", "name"]))
        return table.drop(columns=[column]), column
    return table.iloc[0:0], None


# ---------------------------------------------- hostile JSON (hardening tests)

unicode_edge_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\n",
        "a\nb",
        "\u202e",
        "\ufeff",
        "\U0001f600",
        "é" * 50,
        "\ud800",
        "x" * 5000,
    ]
)
"""Strings that break naive code: empty, control, RTL, BOM, emoji, surrogate, long."""

_json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, -1e308, 1e-308, 1e21, 0.5, 2]),
    st.text(max_size=30),
    unicode_edge_text,
    st.sampled_from(["vegan", "milk", "lunch", "almonds", "calcium_mg", "female"]),
)


def _nested(depth: int) -> Any:
    return {"a": _nested(depth - 1)} if depth else []


json_values: st.SearchStrategy[Any] = st.one_of(
    st.recursive(
        _json_leaves,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=12,
    ),
    st.integers(33, 200).map(_nested),
    st.integers(300, 3000).map(lambda n: ["x"] * n),
)
"""Any JSON value: NaN, infinities, huge, negative, wrong types, deep, long."""


# ------------------------------------------------- small tables and tight requests


def small_table() -> FoodTable:
    """A few dozen foods of the bundled table: the densest sources of each focus
    nutrient (also among vegan foods) and the cheapest staples, so plans,
    diagnoses and their advice solve in a fraction of a second.
    """
    import mealplan

    # The single foods (the table before dishes were on by default): the
    # selection below was made, and its diagnoses timed, on them.
    frame = mealplan.load_foods(dishes=False).frame
    ids: set[str] = set()
    cols = ["vitamin_b12_ug", "vitamin_d_ug", "calcium_mg", "magnesium_mg"]
    cols += ["potassium_mg", "fiber_g", "protein_g"]
    for col in cols:
        for sub in (frame, frame[frame["vegan"]]):
            density = sub[col] / sub["energy_kcal"].clip(lower=20)
            ids |= set(density.dropna().sort_values(ascending=False).index[:3])
    cheap = frame["price_per_100g"] / frame["energy_kcal"].clip(lower=50)
    ids |= set(cheap.dropna().sort_values().index[:8])
    # Without the structure columns the slice plans as the bare model whatever
    # PlanRequest.structure says: its lean fish and two fats cannot reach the
    # fat AMDR at 1 tbsp of fat per item, and what these tests exercise is the
    # diagnosis, advice and explanation machinery on a tiny table, not realism.
    structure_cols = [c for c in ("base", "roles", "whole_units") if c in frame]
    sub = frame.loc[sorted(ids)].drop(columns=structure_cols).reset_index()
    for col in sub.columns:
        sub[col] = [";".join(v) if isinstance(v, tuple) else v for v in sub[col]]
    return mealplan.FoodTable.from_dataframe(sub)


@st.composite
def tight_requests(draw: st.DrawFn) -> dict[str, Any]:
    """Requests for :func:`small_table` with one to three tight constraints."""
    request: dict[str, Any] = {
        "person": {
            "age": draw(st.sampled_from([25, 35, 70])),
            "sex": draw(st.sampled_from(["female", "male"])),
        },
        "meals": None,
        "time_limit": 60,
        # The first plan: what these requests test (a plan or a diagnosis,
        # and the advice's re-plans) holds for any plan, and a drawn request
        # that has a plan would otherwise be solved to optimality for nothing.
        "mip_gap": 1,
        "days": draw(st.sampled_from([1, 1, 2])),
    }
    tight = {
        "diet": st.sampled_from(["vegan", "vegetarian", "pescatarian"]),
        "allow_fortified": st.just(False),
        "budget_per_day": st.sampled_from([0.5, 1.0, 2.0, 3.0]),
        "max_foods": st.integers(1, 5),
        "exclude": st.lists(
            st.sampled_from(["tuna", "mushrooms", "liver", "milk", "spinach", "clams"]),
            min_size=1,
            max_size=4,
            unique=True,
        ),
        "bounds": st.sampled_from(
            [
                {"calcium_mg": {"minimum": 900, "maximum": 910}},
                {"vitamin_d_ug": {"minimum": 60}},
                {"magnesium_mg": {"minimum": 600}},
                {"sodium_mg": {"maximum": 300}},
            ]
        ),
        "portion_limits": st.just(True),
    }
    names = draw(
        st.lists(st.sampled_from(sorted(tight)), min_size=1, max_size=3, unique=True)
    )
    for name in names:
        request[name] = draw(tight[name])
    return request


def _pregnant_or_lactating(person: dict[str, Any]) -> dict[str, Any]:
    return person if person["pregnancy"] else {**person, "lactation": True}


def pregnant_or_lactating() -> st.SearchStrategy[dict[str, Any]]:
    """A random woman of 14-50 who is pregnant or lactating (a ``Person`` dict)."""
    return st.fixed_dictionaries(
        {
            "age": st.integers(14, 50),
            "sex": st.just("female"),
            "pregnancy": st.booleans(),
        }
    ).map(_pregnant_or_lactating)


def persons(ages: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A random person (a ``Person`` dict) of every life stage.

    Either a female or male of an age ``ages`` draws, or a woman of 14-50 who
    is pregnant or lactating. Shared by the safety and supplements tests.
    """
    return st.one_of(
        st.fixed_dictionaries(
            {"age": ages, "sex": st.sampled_from(["female", "male"])}
        ),
        pregnant_or_lactating(),
    )


def days_eaten(foods: int, days: int) -> st.SearchStrategy[dict[int, frozenset[int]]]:
    """Food index (below ``foods``) -> the days (below ``days``) a plan eats it on."""
    return st.dictionaries(
        st.integers(0, foods - 1),
        st.frozensets(st.integers(0, days - 1), min_size=1),
        max_size=12,
    )
