"""Meals of dish plans (issue 11): one main, a liquid cap, no food as purchased.

Issue 11's dietitian, reading dish plans: a lunch of black-eyed peas and a
meatless stuffed pepper (two mains), a dinner of channa saag and white beans,
three cups of liquid at a vegan breakfast, and dry rolled oats as a breakfast
item. The model's rows are read without the solver; the independent checks
(``tests/checks.py``) and the realism counts must catch each fault on a plan
edited by hand.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import mealplan
from mealplan import _meal_structure as meal_structure
from mealplan._fat_hosts import fat_host, host_kinds_of
from mealplan._planner import resolve_targets
from mealplan._problem import Problem, build_problem
from mealplan._realism import realism_defects
from mealplan._resources import foods_dir
from mealplan._structure import is_dish_or_legume_main, load_caps
from tests import checks
from tests.checks import as_purchased, as_purchased_items, check_structure
from tests.plans import PlanCache


@cache
def _dishes() -> mealplan.FoodTable:
    return mealplan.load_foods(dishes=True)


def _problem(structure: bool = True) -> Problem:
    req = mealplan.PlanRequest(person={"age": 50, "sex": "male"}, structure=structure)
    return build_problem(req, resolve_targets(req, _dishes()), _dishes())


@cache
def _man() -> Problem:
    return _problem()


def _meal(problem: Problem, name: str) -> int:
    return next(k for k, m in enumerate(problem.meals) if m.name == name)


def test_the_model_holds_one_main_dish_or_legume_a_lunch_or_dinner() -> None:
    problem = _man()
    assert problem.structure is not None
    ids = problem.food_ids
    for meal in ("lunch", "dinner"):
        m = _meal(problem, meal)
        (row,) = [
            r
            for r in problem.structure.parts
            if r.meal == m and r.name == "main dish or legumes"
        ]
        assert row.max_items == 1
        chosen = {ids[f] for f in row.foods}
        assert {
            "stuffed-pepper-with-rice-meatless",
            "black-eyed-peas-cooked",
            "channa-saag",
            "white-beans-cooked",
        } <= chosen
        # Chicken beside beans stays one plate: a protein food is not counted.
        assert "chicken-breast-roasted" not in chosen
        # Exactly the foods the rule names, read from the table.
        table = _dishes()
        for f in problem.meals[m].foods:
            food = table.food(ids[f])
            assert (ids[f] in chosen) == is_dish_or_legume_main(
                food.roles, food.category or ""
            )


DRINKS_ROW = (
    "drinks_per_meal,meal,drinks:breakfast|lunch|dinner|snack,500,,"
    '"At most about 2 cups (500 g) of drinks at a meal.",,\n'
)
"""A liquid cap per meal as a caps row (the ``drinks:`` selector). Not in the
bundled caps: it left the vegetarian woman's 3- and 7-day plans without a plan
in 20-90 s (main: 1.3 s), whose breakfasts held 2 cups of milk and a cup of
fortified orange juice (``benchmarks/dish_meals_latest.md``)."""


@pytest.fixture
def drinks_cap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bundled caps plus :data:`DRINKS_ROW`, for the model and the checks."""
    _use_drinks_cap(monkeypatch, tmp_path)


def _use_drinks_cap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundled = (foods_dir() / "portion_caps.csv").read_text(encoding="utf-8")
    path = tmp_path / "portion_caps.csv"
    path.write_text(bundled + DRINKS_ROW, encoding="utf-8")
    caps = tuple(load_caps(path))
    monkeypatch.setattr(meal_structure, "_caps", lambda: caps)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    monkeypatch.setattr(checks, "_caps", lambda: [dict(r) for r in rows])


@pytest.mark.usefixtures("drinks_cap")
def test_a_drinks_row_caps_the_drinks_of_a_meal() -> None:
    problem = _problem()
    assert problem.structure is not None
    ids = problem.food_ids
    m = _meal(problem, "breakfast")
    (row,) = [
        r
        for r in problem.structure.meal_caps
        if r.meal == m and r.cap_id == "drinks_per_meal"
    ]
    assert row.max_grams == 500.0
    chosen = {ids[f] for f in row.foods}
    assert {"orange-juice-calcium", "coconut-milk-beverage-fortified"} <= chosen
    assert not chosen & {"oatmeal-cooked-water", "banana"}


def test_dry_oats_are_never_an_item_but_still_bought() -> None:
    table = _dishes()
    assert as_purchased("breakfast_cereals", "Cereals, oats, regular and quick, dry")
    assert not as_purchased(
        "breakfast_cereals", "Cereals, oats, regular and quick, cooked with water"
    )
    assert not as_purchased("vegetables", "Spinach, raw")
    assert "ingredient" in table.food("oats-rolled-dry").roles
    assert "oats-rolled-dry" not in _man().food_ids
    # A raw plantain is cooked before it is eaten (a 16-year-old's lunch held
    # one "raw weight"); the cooked one is the item.
    assert as_purchased("fruits", "Plantains, raw")
    assert not as_purchased("fruits", "Plantains, cooked")
    assert "ingredient" in table.food("plantain-raw").roles
    assert "plantain-raw" not in _man().food_ids
    assert "plantain-cooked" in _man().food_ids
    # The bare model (structure off) keeps the table as it is.
    bare = _problem(structure=False)
    assert "oats-rolled-dry" in bare.food_ids
    # Oatmeal is still bought as dry rolled oats.
    with (foods_dir() / "purchase_forms.csv").open(encoding="utf-8") as handle:
        forms = {r["ndb_no"]: r["buy_ndb"] for r in csv.DictReader(handle)}
    assert forms[table.food("oatmeal-cooked-water").ndb_no or ""] == "08120"


def _edited(plan: mealplan.MealPlan, meal: str, foods: list[tuple[str, float]]) -> Any:
    """``plan`` with one meal of its first day replaced by ``foods``."""
    table = _dishes()
    day = plan.days[0]
    kept = [i for i in day.items if i.meal != meal]
    template = day.items[0]
    new = [
        template.model_copy(
            update={
                "meal": meal,
                "food_id": f,
                "name": table.food(f).name,
                "grams": g,
                "portions": 1.0,
                "part_of": None,
                "part_as": None,
            }
        )
        for f, g in foods
    ]
    return plan.model_copy(
        update={"days": [day.model_copy(update={"items": kept + new})]}
    )


def _plan(plans: PlanCache) -> mealplan.MealPlan:
    return plans.plan(
        mealplan.PlanRequest(person={"age": 50, "sex": "male"}, mip_gap=1.0),
        foods=_dishes(),
    )


@pytest.mark.parametrize(
    ("meal", "foods", "defect", "words"),
    [
        (
            "lunch",
            [
                ("black-eyed-peas-cooked", 171.0),
                ("stuffed-pepper-with-rice-meatless", 149.0),
            ],
            "two_mains",
            "stuffed-pepper",
        ),
        (
            "dinner",
            [
                ("brown-rice-cooked", 195.0),
                ("channa-saag", 122.0),
                ("white-beans-cooked", 90.0),
            ],
            "two_mains",
            "channa-saag",
        ),
        (
            "breakfast",
            [
                ("oatmeal-cooked-water", 117.0),
                # 1½ cups: within racc_plant_milk_drink, so only the drinks
                # row (609 g of drinks, over its 500 g) is broken.
                ("coconut-milk-beverage-fortified", 360.0),
                ("orange-juice-calcium", 249.0),
            ],
            "meal_over_cap",
            "drinks_per_meal",
        ),
        (
            "breakfast",
            [("oats-rolled-dry", 40.0), ("milk-2pct", 244.0)],
            "as_purchased_item",
            "oats-rolled-dry",
        ),
        # Avocado beside a bowl of oatmeal, no bread (session 43).
        (
            "breakfast",
            [
                ("oatmeal-cooked-water", 234.0),
                ("avocado", 75.0),
                ("soy-milk-fortified", 243.0),
            ],
            "spread_without_bread",
            "avocado",
        ),
    ],
)
def test_the_checks_catch_the_dietitians_meals(
    meal: str,
    foods: list[tuple[str, float]],
    defect: str,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    plans: PlanCache,
) -> None:
    plan = _plan(plans)
    table = _dishes()
    good = realism_defects(plan, table)
    assert good[defect] == 0
    bad = _edited(plan, meal, foods)
    caps = None
    if words == "drinks_per_meal":
        _use_drinks_cap(monkeypatch, tmp_path)
        caps = meal_structure._caps()
    assert realism_defects(bad, table, caps=caps)[defect] >= 1
    with pytest.raises(AssertionError, match=words):
        check_structure(bad, table)
    if defect == "as_purchased_item":
        assert as_purchased_items(bad, table) == ["oats-rolled-dry"]


def test_dairy_is_a_side_never_the_main_of_a_lunch_or_dinner(plans: PlanCache) -> None:
    """Ricotta beside brown rice is not a lunch (a default man's plan, session 14).

    Cottage cheese, ricotta and Greek yogurt are a dairy serving (the lunch's
    ``dairy`` part), not its main: with the ``protein`` role they filled the
    main part, and a man of 45 got brown rice, raw mushrooms and ¼ cup of
    ricotta as his lunch.
    """
    for table in (mealplan.load_foods(), _dishes()):
        for fid in table.ids:
            roles = table.food(fid).roles
            if "dairy" in roles:
                assert not {"main", "protein"} & set(roles), fid
    problem = _man()
    assert problem.structure is not None
    ids = problem.food_ids
    for meal in ("lunch", "dinner"):
        m = _meal(problem, meal)
        (main,) = [
            r for r in problem.structure.parts if r.meal == m and r.name == "main"
        ]
        chosen = {ids[f] for f in main.foods}
        assert main.min_items == 1
        assert "chicken-breast-roasted" in chosen
        assert not chosen & {
            "ricotta-part-skim",
            "cottage-cheese",
            "greek-yogurt-nonfat",
        }
    plan = _plan(plans)
    table = _dishes()
    assert realism_defects(plan, table)["main_missing"] == 0
    bad = _edited(
        plan, "lunch", [("brown-rice-cooked", 195.0), ("ricotta-part-skim", 62.0)]
    )
    assert realism_defects(bad, table)["main_missing"] == 1
    with pytest.raises(AssertionError, match="main"):
        check_structure(bad, table)


def test_a_creamy_dressing_dresses_a_salad_never_rice() -> None:
    table = mealplan.load_foods()
    kinds = dict(zip(table.ids, host_kinds_of(table), strict=True))
    rice = ("brown-rice-cooked", frozenset({"grain_side"}))
    salad = ("lettuce-iceberg", frozenset({"salad"}))
    for dressing in ("caesar-dressing", "ranch-dressing", "french-dressing"):
        assert table.food(dressing).base == "creamy-dressing"
    assert table.food("italian-dressing").base == "salad-dressing"
    assert fat_host("creamy-dressing", [rice], kinds=kinds) is None
    assert fat_host("creamy-dressing", [rice, salad], kinds=kinds) == (
        "lettuce-iceberg",
        "dressed with",
    )
    # A vinaigrette still dresses a grain salad.
    assert fat_host("salad-dressing", [rice], kinds=kinds) == (
        "brown-rice-cooked",
        "dressed with",
    )
