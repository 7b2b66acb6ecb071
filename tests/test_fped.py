"""FPED credit of dishes: the committed values are USDA's, and the model uses them.

The checks read ``FPED_1718.csv`` with the csv module (not the builder's
reader) and recompute a dish's pattern credit by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from mealplan import PlanRequest, load_foods
from mealplan._fped import DGA_2000, FPED_COLUMNS
from mealplan._planner import resolve_targets
from mealplan._problem import PATTERN_SERVINGS_2000, build_problem
from tests.conftest import FNDDS_DIR, ROOT

FOODS = ROOT / "foods"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_dish_has_its_fped_row() -> None:
    dishes = _read(FOODS / "dishes.csv")
    fped = _read(FOODS / "dish_fped.csv")
    assert tuple(fped[0]) == FPED_COLUMNS
    assert {(d["id"], d["fndds_code"]) for d in dishes} == {
        (r["food_id"], r["fndds_code"]) for r in fped
    }


def test_fped_values_are_usdas() -> None:
    path = FNDDS_DIR / "FPED_1718.csv"
    if not path.is_file():
        pytest.skip("needs ../shared/data/fndds-2017-2018/FPED_1718.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        usda = {r["FOODCODE"]: r for r in csv.DictReader(handle)}
    names = {
        "v_total_cup_eq": "V_TOTAL (cup eq.)",
        "pf_legumes_oz_eq": "PF_LEGUMES (oz. eq.)",
        "g_total_oz_eq": "G_TOTAL (oz. eq.)",
        "d_total_cup_eq": "D_TOTAL (cup eq.)",
        "add_sugars_tsp_eq": "ADD_SUGARS (tsp. eq.)",
    }
    for row in _read(FOODS / "dish_fped.csv"):
        for ours, theirs in names.items():
            assert row[ours] == usda[row["fndds_code"]][theirs], (row["food_id"], ours)


def test_a_dish_credits_each_group_by_its_fped_equivalents() -> None:
    table = load_foods(dishes=True)
    request = PlanRequest(person={"age": 35, "sex": "female"}, structure=False)
    problem = build_problem(request, resolve_targets(request, table), table)
    fped = {r["food_id"]: r for r in _read(FOODS / "dish_fped.csv")}
    k = problem.food_ids.index("lasagna-with-meat-and-spinach")
    row = fped["lasagna-with-meat-and-spinach"]
    grams = float(problem.unit_grams[k])
    expect = {
        "grains": float(row["g_total_oz_eq"]) * 4 / 6,
        "dairy": float(row["d_total_cup_eq"]),
        "protein": (float(row["pf_total_oz_eq"]) + float(row["pf_legumes_oz_eq"]))
        * 3
        / 5.5,
        "vegetables": float(row["v_total_cup_eq"]) * 3 / 2.5,
    }
    for group, per_100g in expect.items():
        assert per_100g > 0, group
        ratio = PATTERN_SERVINGS_2000[group] / DGA_2000[group]
        assert ratio == pytest.approx(
            {"grains": 4 / 6, "dairy": 1, "protein": 3 / 5.5, "vegetables": 1.2}[group]
        )
        got = float(problem.pattern_mix[group][k])
        assert got == pytest.approx(per_100g * grams / 100), group
    # A dish belongs to no single group: its own-category credit is zero.
    assert problem.pattern_credit[k] == 0
    # Single foods keep their own group's credit and get no mix.
    b = problem.food_ids.index("banana")
    assert problem.pattern_credit[b] > 0
    assert all(float(a[b]) == 0 for a in problem.pattern_mix.values())


def test_without_dishes_there_is_no_mix() -> None:
    request = PlanRequest(person={"age": 35, "sex": "female"})
    table = load_foods(dishes=False)  # the single foods: what this test is about
    problem = build_problem(request, resolve_targets(request, table), table)
    assert not problem.pattern_mix
    assert np.all(problem.pattern_credit > 0)


def test_a_dishs_added_sugars_cost_like_a_sweet() -> None:
    from mealplan._fped import ADDED_SUGARS

    table = load_foods(dishes=True)
    request = PlanRequest(person={"age": 35, "sex": "female"}, structure=False)
    problem = build_problem(request, resolve_targets(request, table), table)
    fped = {r["food_id"]: r for r in _read(FOODS / "dish_fped.csv")}
    sweet = "ambrosia"
    assert float(fped[sweet]["add_sugars_tsp_eq"]) > 0
    k = problem.food_ids.index(sweet)
    grams = float(problem.unit_grams[k])
    expect = float(fped[sweet]["add_sugars_tsp_eq"]) / 3 * grams / 100
    assert float(problem.pattern_mix[ADDED_SUGARS][k]) == pytest.approx(expect)
    b = problem.food_ids.index("banana")
    assert float(problem.pattern_mix[ADDED_SUGARS][b]) == 0
