"""A child's juice cap counts the juice inside a dish (FPED ``F_JUICE``).

AAP's 4 fl oz of 100 % juice a day at ages 1-3 (6 at 4-6) was held over
foods named juice only: a 3-year-old was planned ½ cup of orange juice and a
cup of fruit smoothie whose USDA recipe is over a third orange juice, about
6.7 fl oz. The caps' ``fped:juice`` part counts a dish's juice by FPED
2017-2018 (cup-eq per 100 g, a cup-eq of juice being a cup), read here from
``foods/dish_fped.csv`` independently of the planner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mealplan
from mealplan import FoodTableError
from mealplan._catalog import load_foods
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from tests.checks import cap_amount, check_plan, dish_juice_cups, table_cap_rows
from tests.requesting import plan_off_the_clock

SMOOTHIE = "fruit-smoothie-with-whole-fruit-no-dairy"
FL_OZ_PER_CUP = 8.0


@pytest.fixture(scope="module")
def dishes() -> mealplan.FoodTable:
    return load_foods(dishes=True)


@pytest.mark.parametrize(
    ("age", "cap_id"), [(2, "toddler_juice_day"), (5, "child_juice_day")]
)
def test_the_days_juice_row_counts_each_dishs_fped_juice(
    dishes: mealplan.FoodTable, age: float, cap_id: str
) -> None:
    req = parse_request(
        {"person": {"age": age, "sex": "female"}, "include": [SMOOTHIE]}
    )
    problem = build_problem(req, resolve_targets(req, dishes), dishes)
    (row,) = [r for r in problem.day_caps if r.cap_id == cap_id]
    per_unit = {
        problem.food_ids[k]: v for k, v in zip(row.foods, row.per_unit, strict=True)
    }
    codes = dict(zip(dishes.ids, dishes.texts("fndds_code"), strict=True))
    juice = dish_juice_cups()
    counted = 0
    for k, fid in enumerate(problem.food_ids):
        cups = juice.get(codes[fid], 0.0)
        if cups == 0 or "juice" in fid:  # a juice drink counts its whole volume
            continue
        grams = float(problem.unit_grams[k])
        # fl oz per variable unit: cups of juice per gram x grams x 8.
        assert per_unit[fid] == pytest.approx(cups / 100 * grams * FL_OZ_PER_CUP)
        counted += 1
    assert SMOOTHIE in per_unit
    assert counted >= 1


def test_a_toddlers_plan_with_a_smoothie_keeps_the_juice_cap(
    dishes: mealplan.FoodTable,
) -> None:
    # Orange juice and the smoothie both asked for: the day holds 4 fl oz of
    # juice in all, the smoothie's recipe juice counted.
    request = {
        "person": {"age": 3, "sex": "male"},
        "include": [SMOOTHIE, "orange-juice"],
    }
    plan = plan_off_the_clock(request, dishes)
    check_plan(plan, dishes)
    (row,) = [r for r in table_cap_rows(dishes) if r["cap_id"] == "toddler_juice_day"]
    for day in plan.days:
        smoothie = next(i for i in day.items if i.food_id == SMOOTHIE)
        # The smoothie's own count is its juice, not its whole volume.
        assert 0 < cap_amount(row, smoothie, dishes) < float(smoothie.grams) / 29.57


def test_the_smoothies_juice_alone_can_break_a_juice_cap(
    dishes: mealplan.FoodTable, tmp_path: Path
) -> None:
    # The smallest portions asked for: ¼ cup of orange juice (2 fl oz) and ¼
    # cup of smoothie (0.65 fl oz of juice in its 54 g). A 2.5 fl oz cap
    # holds the juice alone and not both: no plan, the cap named; without
    # the fped part (the juice counted by name only) the same day plans.
    request = {
        "person": {"age": 3, "sex": "male"},
        "include": [SMOOTHIE, "orange-juice"],
    }
    selector = "word:juice;fped:juice;!role:condiment"
    counted = mealplan.load_life_stage_caps(
        _caps(tmp_path, f"juice,1,4,day,{selector},2.5,fl_oz,,src,r\n")
    )
    with pytest.raises(mealplan.InfeasiblePlanError) as caught:
        plan_off_the_clock(request, dishes.using_life_stage_caps(counted))
    assert caught.value.diagnosis is not None
    assert "portion caps" in str(caught.value)
    assert not caught.value.diagnosis.safety  # the rules' foods cannot help
    by_name = mealplan.load_life_stage_caps(
        _caps(tmp_path, "juice,1,4,day,word:juice;!role:condiment,2.5,fl_oz,,src,r\n")
    )
    plan = plan_off_the_clock(request, dishes.using_life_stage_caps(by_name))
    assert {SMOOTHIE, "orange-juice"} <= {i.food_id for i in plan.days[0].items}


def _caps(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "caps.csv"
    path.write_text(
        "cap_id,min_age,max_age,scope,selector,amount,unit,no_volume_grams,"
        "source,reasoning\n" + row,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "row",
    [
        "x,1,4,day,fped:juice,4,oz,,src,r\n",  # a weight cap
        "x,1,4,day,fped:fruit,4,fl_oz,,src,r\n",  # not an FPED part we read
    ],
)
def test_an_fped_part_is_juice_on_a_volume_cap(tmp_path: Path, row: str) -> None:
    with pytest.raises(FoodTableError, match="fped selector's value is juice"):
        mealplan.load_life_stage_caps(_caps(tmp_path, row))
